#include "violationmodel.h"

#include "tracesummary.h"

#include "platform/platformservice.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::models {

ViolationModel::ViolationModel(QObject *parent)
    : WindowFilter(parent), m_rows({{TimeRole, "time"},
                                    {WorkerRole, "worker"},
                                    {NamespaceRole, "namespaceName"},
                                    {PlanRole, "plan"},
                                    {KindRole, "kind"},
                                    {CpuUsedRole, "cpuUsed"},
                                    {LimitRole, "limit"},
                                    {UrlRole, "url"}},
                                   rowData)
{
    setSource(&m_rows, {WorkerRole, PlanRole, KindRole, UrlRole, NamespaceRole});
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

void ViolationModel::setMaxRows(int rows)
{
    if (m_rows.setMaxRows(rows))
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
            const conventions::PlanLimits limits = conventions::readPlan(
                    m_platform->kvValue(m_platform->plansTable(), row.plan).toUtf8());
            if (kind == QLatin1String(conventions::kCpuLimitExceeded) && limits.cpuMs)
                row.limit = tr("%1 ms CPU").arg(*limits.cpuMs);
            else if (kind == QLatin1String(conventions::kSubrequestLimitExceeded)
                     && limits.subRequests)
                row.limit = tr("%1 subrequests").arg(*limits.subRequests);
        }
    }
    if (row.limit.isEmpty() && kind == QLatin1String(conventions::kMemoryLimitExceeded))
        row.limit = tr("isolate heap");
    return row;
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
    m_rows.prepend(std::move(fresh));
    Q_EMIT statsChanged();
}

void ViolationModel::clear()
{
    m_rows.clear();
    m_times.clear();
    m_byWorker.clear();
    m_byKind.clear();
    m_total = 0;
    Q_EMIT statsChanged();
}

QVariant ViolationModel::rowData(const Row &row, int role)
{
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

} // namespace switchyard::models
