#pragma once

#include "keyedrows.h"
#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>

namespace switchyard::models {

// The dispatch namespaces, with their trusted flag and Worker count, kept current from the
// platform service's change signals.
class NamespaceListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { NameRole = Qt::UserRole + 1, TrustedRole, WorkerCountRole, CreatedRole };
    Q_ENUM(Role)

    explicit NamespaceListModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int indexOf(const QString &name) const;

Q_SIGNALS:
    void platformChanged();
    void countChanged();

private:
    // Lets the shared rows reset this model.
    template<typename, auto> friend class KeyedRows;

    struct Row
    {
        QString name;
        bool trusted = false;
        int workerCount = 0;
        QDateTime created;
        bool operator==(const Row &) const = default;
    };
    void reload();

    QPointer<PlatformController> m_platform;
    KeyedRows<Row, &Row::name> m_rows;
};

} // namespace switchyard::models
