#include "violationmodel.h"

#include "tracesummary.h"

#include "platform/platformservice.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::models {

ViolationModel::ViolationModel(QObject *parent) : QAbstractListModel(parent)
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        const qint64 horizon
                = QDateTime::currentMSecsSinceEpoch() - qint64(kBucketSeconds) * kBuckets * 1000;
        while (!m_times.isEmpty() && m_times.first() < horizon)
            m_times.removeFirst();
        Q_EMIT statsChanged();
    });
    m_tick.start();
}

void ViolationModel::setFeed(TraceFeed *feed)
{
    if (followFeed(m_feed, feed, this))
        Q_EMIT feedChanged();
}

void ViolationModel::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    m_platform = platform;
    Q_EMIT platformChanged();
}

void ViolationModel::setFilter(const QString &filter)
{
    if (m_filter == filter)
        return;
    m_filter = filter;
    rebuild();
    Q_EMIT filterChanged();
}

void ViolationModel::setMaxRows(int rows)
{
    rows = qMax(1, rows);
    if (m_maxRows == rows)
        return;
    m_maxRows = rows;
    if (m_window.size() > m_maxRows)
        m_window.resize(m_maxRows);
    rebuild();
    Q_EMIT maxRowsChanged();
}

int ViolationModel::lastMinute() const
{
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - 60000;
    return int(std::count_if(m_times.cbegin(), m_times.cend(),
                             [since](qint64 t) { return t >= since; }));
}

QVariantList ViolationModel::timeline() const
{
    QList<int> buckets(kBuckets, 0);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qint64 t : m_times) {
        const qint64 age = (now - t) / (kBucketSeconds * 1000);
        if (age >= 0 && age < kBuckets)
            ++buckets[kBuckets - 1 - int(age)];
    }
    QVariantList list;
    for (int b : buckets)
        list << b;
    return list;
}

QVariantList ViolationModel::sortedCounts(const QHash<QString, int> &counts)
{
    QList<std::pair<QString, int>> pairs;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        pairs.append({it.key(), it.value()});
    std::sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    QVariantList list;
    for (const auto &[name, count] : pairs)
        list << QVariantMap {{QStringLiteral("name"), name}, {QStringLiteral("count"), count}};
    return list;
}

ViolationModel::Row ViolationModel::makeRow(const store::TraceRecord &trace,
                                            const QString &kind) const
{
    const TraceSummary s = summarize(trace);
    Row row {s.time, s.scriptName, s.dispatchNamespace, {}, kind, s.cpuTime, {}, s.url};
    if (m_platform) {
        // What the dispatcher would have chosen for this Worker at this moment.
        row.plan = m_platform->kvValue(m_platform->customersTable(), s.scriptName);
        if (!row.plan.isEmpty()) {
            const QJsonObject limits
                    = QJsonDocument::fromJson(
                              m_platform->kvValue(m_platform->plansTable(), row.plan).toUtf8())
                              .object();
            if (kind == QLatin1String("cpu_limit_exceeded")
                && limits.contains(QLatin1String("cpuMs")))
                row.limit = tr("%1 ms CPU").arg(limits.value(QLatin1String("cpuMs")).toInt());
            else if (kind == QLatin1String("subrequest_limit_exceeded")
                     && limits.contains(QLatin1String("subRequests")))
                row.limit = tr("%1 subrequests")
                                    .arg(limits.value(QLatin1String("subRequests")).toInt());
        }
    }
    if (row.limit.isEmpty() && kind == QLatin1String("memory_limit_exceeded"))
        row.limit = tr("isolate heap");
    return row;
}

bool ViolationModel::accepts(const Row &row) const
{
    if (m_filter.isEmpty())
        return true;
    for (const QString *field :
         {&row.worker, &row.plan, &row.kind, &row.url, &row.dispatchNamespace})
        if (field->contains(m_filter, Qt::CaseInsensitive))
            return true;
    return false;
}

void ViolationModel::rebuild()
{
    QList<Row> rows;
    for (const Row &row : std::as_const(m_window))
        if (accepts(row))
            rows.append(row);
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

void ViolationModel::append(const QList<store::TraceRecord> &traces)
{
    QList<Row> fresh; // newest first
    for (qsizetype i = traces.size() - 1; i >= 0; --i) {
        const QString kind = violationKind(traces.at(i));
        if (kind.isEmpty())
            continue;
        const Row row = makeRow(traces.at(i), kind);
        ++m_total;
        ++m_byWorker[row.worker];
        ++m_byKind[row.kind];
        m_times.append(traces.at(i).eventTimestamp);
        fresh.append(row);
    }
    if (fresh.isEmpty())
        return;
    std::sort(m_times.begin(), m_times.end());
    if (fresh.size() > m_maxRows)
        fresh.resize(m_maxRows);
    m_window = fresh + m_window;
    if (m_window.size() > m_maxRows)
        m_window.resize(m_maxRows);
    QList<Row> shown;
    for (const Row &row : std::as_const(fresh))
        if (accepts(row))
            shown.append(row);
    if (!shown.isEmpty()) {
        const qsizetype keep = qMax<qsizetype>(0, m_maxRows - shown.size());
        if (m_rows.size() > keep) {
            beginRemoveRows({}, int(keep), int(m_rows.size()) - 1);
            m_rows.resize(keep);
            endRemoveRows();
        }
        beginInsertRows({}, 0, int(shown.size()) - 1);
        m_rows = shown + m_rows;
        endInsertRows();
        Q_EMIT countChanged();
    }
    Q_EMIT statsChanged();
}

void ViolationModel::clear()
{
    m_window.clear();
    m_times.clear();
    m_byWorker.clear();
    m_byKind.clear();
    m_total = 0;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT statsChanged();
}

int ViolationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ViolationModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case TimeRole:
        return row.time;
    case Qt::DisplayRole:
    case WorkerRole:
        return row.worker;
    case NamespaceRole:
        return row.dispatchNamespace;
    case PlanRole:
        return row.plan;
    case KindRole:
        return row.kind;
    case CpuUsedRole:
        return row.cpuUsed;
    case LimitRole:
        return row.limit;
    case UrlRole:
        return row.url;
    }
    return {};
}

QHash<int, QByteArray> ViolationModel::roleNames() const
{
    return {{TimeRole, "time"},   {WorkerRole, "worker"}, {NamespaceRole, "namespaceName"},
            {PlanRole, "plan"},   {KindRole, "kind"},     {CpuUsedRole, "cpuUsed"},
            {LimitRole, "limit"}, {UrlRole, "url"}};
}

} // namespace switchyard::models
