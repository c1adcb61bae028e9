#pragma once

#include "keyedrows.h"
#include "platformcontroller.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>

namespace switchyard::models {

// The nodes sharing the store, as their heartbeats left them in the nodes table (one row on an
// SQLite store: this node). Re-read every `refreshIntervalMs` and on refresh(); a node whose
// heartbeat is older than three intervals of its own (15 s) is marked stale: stopped by a kill,
// or cut off from the store.
class NodesModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(PlatformController *platform READ platform WRITE setPlatform NOTIFY platformChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int refreshIntervalMs READ refreshIntervalMs WRITE setRefreshIntervalMs NOTIFY
                       refreshIntervalMsChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        AddressRole,
        VersionRole,
        StartedRole, // QDateTime
        UptimeRole, // seconds, as of the last heartbeat
        RequestsPerSecondRole,
        LiveInstancesRole,
        LastHeartbeatRole, // QDateTime
        StaleRole,
    };
    Q_ENUM(Role)
    static constexpr qint64 kStaleAfterMs = 15000;

    explicit NodesModel(QObject *parent = nullptr);

    PlatformController *platform() const { return m_platform; }
    void setPlatform(PlatformController *platform);
    int refreshIntervalMs() const { return m_timer.interval(); }
    void setRefreshIntervalMs(int ms);

    // Reads the nodes table now.
    Q_INVOKABLE void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void platformChanged();
    void countChanged();
    void refreshIntervalMsChanged();

private:
    template<typename, auto> friend class KeyedRows;

    struct Row
    {
        QString name;
        QString address;
        QString version;
        qint64 startedAt = 0;
        double requestsPerSecond = 0;
        qint64 liveInstances = 0;
        qint64 lastHeartbeat = 0;
        bool stale = false;
        bool operator==(const Row &) const = default;
    };

    QPointer<PlatformController> m_platform;
    KeyedRows<Row, &Row::name> m_rows;
    QTimer m_timer;
};

} // namespace switchyard::models
