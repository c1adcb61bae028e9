#include "workeractivitymodel.h"

#include "tracesummary.h"

#include "platform/platformservice.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcActivity, "switchyard.gui.activity")

namespace switchyard::models {

// The most traces one backfill reads: a busy Worker's ten minutes, at about 1,000 req/s.
static constexpr int kBackfillLimit = 600000;
// How far back a stored trace may also still be queued in the feed: its flush interval and the
// time a busy writer thread takes, with room to spare.
static constexpr qint64 kFeedLagMs = 30000;

WorkerActivityModel::WorkerActivityModel(QObject *parent) : QAbstractListModel(parent)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_lastBucket = bucketOf(m_now);
    m_buckets.resize(m_bucketCount);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this,
            [this] { advance(QDateTime::currentMSecsSinceEpoch()); });
    m_tick.start();
}

int WorkerActivityModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_buckets.size());
}

QVariant WorkerActivityModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Bucket &b = m_buckets.at(index.row());
    switch (role) {
    case StartRole:
        return QDateTime::fromMSecsSinceEpoch((firstBucket() + index.row()) * m_bucketSeconds
                                              * qint64(1000));
    case RequestsRole:
        return b.requests;
    case ErrorsRole:
        return b.errors;
    case CpuMsRole:
        return b.cpuMs;
    case ViolationsRole:
        return b.violations;
    }
    return {};
}

QHash<int, QByteArray> WorkerActivityModel::roleNames() const
{
    return {{StartRole, "start"},
            {RequestsRole, "requests"},
            {ErrorsRole, "errors"},
            {CpuMsRole, "cpuMs"},
            {ViolationsRole, "violations"}};
}

void WorkerActivityModel::setFeed(TraceFeed *feed)
{
    if (followFeed(m_feed, feed, this))
        Q_EMIT feedChanged();
}

void WorkerActivityModel::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    m_platform = platform;
    Q_EMIT platformChanged();
    reload();
}

void WorkerActivityModel::setNamespaceName(const QString &name)
{
    select(name, m_worker);
}

void WorkerActivityModel::setWorkerName(const QString &name)
{
    select(m_namespace, name);
}

void WorkerActivityModel::select(const QString &namespaceName, const QString &workerName)
{
    if (namespaceName == m_namespace && workerName == m_worker)
        return;
    m_namespace = namespaceName;
    m_worker = workerName;
    reload();
    Q_EMIT workerChanged();
}

void WorkerActivityModel::setBucketSeconds(int seconds)
{
    seconds = qMax(1, seconds);
    if (seconds == m_bucketSeconds)
        return;
    m_bucketSeconds = seconds;
    reload();
    Q_EMIT shapeChanged();
}

void WorkerActivityModel::setBucketCount(int count)
{
    count = qMax(1, count);
    if (count == m_bucketCount)
        return;
    m_bucketCount = count;
    reload();
    Q_EMIT shapeChanged();
}

void WorkerActivityModel::setRunning(bool running)
{
    if (running == m_tick.isActive())
        return;
    if (running) {
        m_tick.start();
        advance(QDateTime::currentMSecsSinceEpoch());
    } else {
        m_tick.stop();
    }
    Q_EMIT runningChanged();
}

void WorkerActivityModel::reload()
{
    beginResetModel();
    if (m_tick.isActive())
        m_now = qMax(m_now, QDateTime::currentMSecsSinceEpoch());
    m_lastBucket = bucketOf(m_now);
    m_buckets = QList<Bucket>(m_bucketCount);
    m_backfilled.clear();
    m_backfillError.clear();
    if (m_platform && !m_worker.isEmpty()) {
        const qint64 since = firstBucket() * m_bucketSeconds * qint64(1000);
        const auto stored
                = m_platform->service().storedTraces(m_namespace, m_worker, since, kBackfillLimit);
        if (stored) {
            for (const store::TraceRecord &trace : stored.value()) {
                count(trace);
                if (trace.eventTimestamp >= m_now - kFeedLagMs)
                    ++m_backfilled[identity(trace)];
            }
            m_backfilledAt = m_now;
        } else {
            m_backfillError = stored.errorMessage();
            qCWarning(lcActivity) << "Worker" << m_worker
                                  << ": stored traces not read:" << m_backfillError;
        }
    }
    endResetModel();
    Q_EMIT seriesChanged();
}

bool WorkerActivityModel::matches(const store::TraceRecord &trace) const
{
    return !m_worker.isEmpty() && trace.scriptName == m_worker
            && trace.dispatchNamespace == m_namespace;
}

QString WorkerActivityModel::identity(const store::TraceRecord &trace)
{
    return QStringLiteral("%1 %2 %3 %4")
            .arg(trace.eventTimestamp)
            .arg(trace.cpuTime)
            .arg(trace.wallTime)
            .arg(trace.outcome);
}

void WorkerActivityModel::count(const store::TraceRecord &trace)
{
    const qint64 bucket = bucketOf(trace.eventTimestamp);
    if (bucket < firstBucket())
        return;
    // A trace from a node whose clock runs ahead is counted now rather than lost.
    Bucket &b = m_buckets[qMin(bucket, m_lastBucket) - firstBucket()];
    ++b.requests;
    if (summarize(trace).isError())
        ++b.errors;
    b.cpuMs += trace.cpuTime;
    if (!violationKind(trace).isEmpty())
        ++b.violations;
}

void WorkerActivityModel::append(const QList<store::TraceRecord> &traces)
{
    int first = -1, last = -1;
    for (const store::TraceRecord &trace : traces) {
        if (!matches(trace))
            continue;
        const qint64 bucket = bucketOf(trace.eventTimestamp);
        if (bucket < firstBucket())
            continue;
        if (!m_backfilled.isEmpty()) {
            const auto seen = m_backfilled.find(identity(trace));
            if (seen != m_backfilled.end()) {
                if (--*seen == 0)
                    m_backfilled.erase(seen);
                continue;
            }
        }
        count(trace);
        const int row = int(qMin(bucket, m_lastBucket) - firstBucket());
        first = first < 0 ? row : qMin(first, row);
        last = qMax(last, row);
    }
    if (first < 0)
        return;
    Q_EMIT dataChanged(index(first), index(last),
                       {RequestsRole, ErrorsRole, CpuMsRole, ViolationsRole});
    Q_EMIT seriesChanged();
}

void WorkerActivityModel::advance(qint64 nowMs)
{
    if (nowMs <= m_now)
        return;
    m_now = nowMs;
    // What the feed had queued at the backfill has arrived by now; a trace that looks the same
    // later is another one.
    if (!m_backfilled.isEmpty() && m_now > m_backfilledAt + kFeedLagMs)
        m_backfilled.clear();
    const qint64 next = bucketOf(nowMs);
    const qint64 shift = next - m_lastBucket;
    if (shift <= 0)
        return;
    if (shift >= m_bucketCount) {
        beginResetModel();
        m_lastBucket = next;
        m_buckets = QList<Bucket>(m_bucketCount);
        endResetModel();
    } else {
        const int n = int(shift);
        beginRemoveRows({}, 0, n - 1);
        m_buckets.remove(0, n);
        endRemoveRows();
        beginInsertRows({}, m_bucketCount - n, m_bucketCount - 1);
        m_buckets.resize(m_bucketCount);
        m_lastBucket = next;
        endInsertRows();
    }
    Q_EMIT seriesChanged();
}

QVariantList WorkerActivityModel::series(qint64 Bucket::*field) const
{
    QVariantList list;
    list.reserve(m_buckets.size());
    for (const Bucket &b : m_buckets)
        list << b.*field;
    return list;
}

qint64 WorkerActivityModel::total(qint64 Bucket::*field) const
{
    qint64 sum = 0;
    for (const Bucket &b : m_buckets)
        sum += b.*field;
    return sum;
}

} // namespace switchyard::models
