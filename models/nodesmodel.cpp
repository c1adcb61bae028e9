#include "nodesmodel.h"

#include "platform/platformservice.h"

namespace switchyard::models {

NodesModel::NodesModel(QObject *parent) : QAbstractListModel(parent)
{
    m_timer.setInterval(2000);
    connect(&m_timer, &QTimer::timeout, this, &NodesModel::refresh);
}

void NodesModel::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    m_platform = platform;
    refresh();
    if (m_platform)
        m_timer.start();
    else
        m_timer.stop();
    Q_EMIT platformChanged();
}

void NodesModel::setRefreshIntervalMs(int ms)
{
    if (ms <= 0 || ms == m_timer.interval())
        return;
    m_timer.setInterval(ms);
    Q_EMIT refreshIntervalMsChanged();
}

void NodesModel::refresh()
{
    QList<Row> rows;
    if (m_platform) {
        const auto nodes = m_platform->service().nodes();
        // While the store cannot be reached the last rows stay: the banner says why.
        if (!nodes)
            return;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const store::NodeRecord &node : nodes.value())
            rows.append({node.name, node.address, node.version, node.startedAt,
                         node.requestsPerSecond, node.liveInstances, node.lastHeartbeat,
                         now - node.lastHeartbeat > kStaleAfterMs});
    }
    if (m_rows.replace(*this, rows, decltype(m_rows)::InPlace::ChangedRows))
        Q_EMIT countChanged();
}

int NodesModel::rowCount(const QModelIndex &parent) const
{
    return m_rows.rowCount(parent);
}

QVariant NodesModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case AddressRole:
        return row.address;
    case VersionRole:
        return row.version;
    case StartedRole:
        return QDateTime::fromMSecsSinceEpoch(row.startedAt);
    case UptimeRole:
        return std::max<qint64>(0, (row.lastHeartbeat - row.startedAt) / 1000);
    case RequestsPerSecondRole:
        return row.requestsPerSecond;
    case LiveInstancesRole:
        return row.liveInstances;
    case LastHeartbeatRole:
        return QDateTime::fromMSecsSinceEpoch(row.lastHeartbeat);
    case StaleRole:
        return row.stale;
    }
    return {};
}

QHash<int, QByteArray> NodesModel::roleNames() const
{
    return {{NameRole, "name"},
            {AddressRole, "address"},
            {VersionRole, "version"},
            {StartedRole, "started"},
            {UptimeRole, "uptime"},
            {RequestsPerSecondRole, "requestsPerSecond"},
            {LiveInstancesRole, "liveInstances"},
            {LastHeartbeatRole, "lastHeartbeat"},
            {StaleRole, "stale"}};
}

} // namespace switchyard::models
