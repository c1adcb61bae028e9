#pragma once

#include "platformcontroller.h"
#include "textdiff.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The difference between two Worker Versions of one platform Worker, as lines of a unified diff:
// per module that differs, its name and its hunks (textdiff.h), then the versioned settings
// (main module, compatibility, bindings) when they differ. Versions never change once stored, so
// the diff is computed when a side changes, and again only when a side is deleted.
class VersionDiffModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(QString workerName READ workerName WRITE setWorkerName NOTIFY workerNameChanged)
    Q_PROPERTY(QString fromVersion READ fromVersion WRITE setFromVersion NOTIFY fromVersionChanged)
    Q_PROPERTY(QString toVersion READ toVersion WRITE setToVersion NOTIFY toVersionChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY diffChanged)
    Q_PROPERTY(int added READ added NOTIFY diffChanged)
    Q_PROPERTY(int removed READ removed NOTIFY diffChanged)
    // Why there is no diff to show ("the same version", "no differences", a read error), or
    // empty.
    Q_PROPERTY(QString note READ note NOTIFY diffChanged)
public:
    enum Role {
        KindRole = Qt::UserRole + 1, // "module", "hunk", "context", "added", "removed", "binary"
        TextRole,
        OldLineRole, // 1-based, or 0 where the line is not on that side
        NewLineRole,
    };
    Q_ENUM(Role)

    explicit VersionDiffModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    QString workerName() const { return m_workerName; }
    void setWorkerName(const QString &name);
    QString fromVersion() const { return m_from; }
    void setFromVersion(const QString &id);
    QString toVersion() const { return m_to; }
    void setToVersion(const QString &id);
    int added() const { return m_added; }
    int removed() const { return m_removed; }
    QString note() const { return m_note; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void platformChanged();
    void workerNameChanged();
    void fromVersionChanged();
    void toVersionChanged();
    void diffChanged();

private:
    struct Row
    {
        QString kind;
        QString text;
        int oldLine = 0;
        int newLine = 0;
    };
    void recompute();
    void appendDiff(const QString &title, const TextDiff &diff);

    QPointer<PlatformController> m_platform;
    QString m_workerName;
    QString m_from;
    QString m_to;
    QList<Row> m_rows;
    int m_added = 0;
    int m_removed = 0;
    QString m_note;
};

} // namespace switchyard::models
