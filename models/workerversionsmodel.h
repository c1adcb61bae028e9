#pragma once

#include "keyedrows.h"
#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The Worker Versions of one platform Worker, newest first, with the share of requests each
// serves now, and the GUI's deployments: one version at 100 %, a split of two by percentage,
// and rollback. Deployments go through PlatformService::deployPlatformWorker, as the admin
// API's do, so the next request runs what was deployed. Follows the platform live: a version
// uploaded or deployed anywhere (admin API, wrangler, another node) shows at once.
class WorkerVersionsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(QString workerName READ workerName WRITE setWorkerName NOTIFY workerNameChanged)
    Q_PROPERTY(QStringList workerNames READ workerNames NOTIFY workerNamesChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString servingText READ servingText NOTIFY servingChanged)
    Q_PROPERTY(QString rollbackVersion READ rollbackVersion NOTIFY servingChanged)
public:
    enum Role {
        VersionIdRole = Qt::UserRole + 1,
        NumberRole,
        LabelRole, // "#3 · message" for pickers
        MessageRole, // annotations' workers/message
        TagRole, // workers/tag
        TriggeredByRole, // "upload", ...
        SourceRole, // "wrangler", "api", "dash"
        AuthorRole,
        CreatedRole, // QDateTime
        PercentageRole, // the share of requests it serves now: 0 when it serves none
        ServingRole, // bool
    };
    Q_ENUM(Role)

    explicit WorkerVersionsModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QString workerName() const { return m_workerName; }
    void setWorkerName(const QString &name);
    // Every platform Worker (dispatcher, outbound, tail Workers), by name.
    QStringList workerNames() const { return m_workerNames; }
    // What serves now: "#3 at 100 %" or "#3 at 70 % · #2 at 30 %"; empty without a deployment.
    QString servingText() const { return m_servingText; }
    // What rollback() deploys, as wrangler's `rollback` without a version id picks it: the
    // newest earlier deployment that sent all requests to one version other than what serves
    // now. Empty when there is none.
    QString rollbackVersion() const { return m_rollbackVersion; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int indexOf(const QString &versionId) const;
    Q_INVOKABLE QString versionIdAt(int row) const;
    Q_INVOKABLE QString labelOf(const QString &versionId) const;

    // Each returns empty when deployed, else the platform's reason. `message` becomes the
    // deployment's workers/message annotation (none when empty).
    Q_INVOKABLE QString deploy(const QString &versionId, const QString &message = {});
    // `firstPercentage` of requests to `first`, the rest to `second`.
    Q_INVOKABLE QString deploySplit(const QString &first, double firstPercentage,
                                    const QString &second, const QString &message = {});
    Q_INVOKABLE QString rollback(const QString &message = {});

Q_SIGNALS:
    void platformChanged();
    void workerNameChanged();
    void workerNamesChanged();
    void countChanged();
    void servingChanged();

private:
    // Lets the shared rows reset this model.
    template<typename, auto> friend class KeyedRows;

    struct Row
    {
        QString id;
        qint64 number = 0;
        QString message;
        QString tag;
        QString triggeredBy;
        QString source;
        QString author;
        QDateTime created;
        double percentage = 0;
        bool operator==(const Row &) const = default;
    };
    void reload();
    QString deployShares(const QList<QPair<QString, double>> &shares, const QString &message);

    QPointer<PlatformController> m_platform;
    QString m_workerName;
    QStringList m_workerNames;
    QString m_servingText;
    QString m_rollbackVersion;
    KeyedRows<Row, &Row::id> m_rows;
};

} // namespace switchyard::models
