#include "overviewstats.h"

#include "tracesummary.h"

#include "platform/platformservice.h"

#include <QDateTime>

namespace switchyard::models {

OverviewStats::OverviewStats(QObject *parent) : QObject(parent)
{
    m_now = QDateTime::currentMSecsSinceEpoch();
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this,
            [this] { advance(QDateTime::currentMSecsSinceEpoch()); });
    m_tick.start();
}

void OverviewStats::setFeed(TraceFeed *feed)
{
    if (followFeed(m_feed, feed, this))
        Q_EMIT feedChanged();
}

void OverviewStats::setPlatform(PlatformController *platform)
{
    if (m_platform == platform)
        return;
    m_platform = platform;
    Q_EMIT platformChanged();
}

void OverviewStats::append(const QList<store::TraceRecord> &traces)
{
    const QString dispatcher = m_platform ? m_platform->service().activeDispatcher() : QString();
    for (const store::TraceRecord &trace : traces) {
        Second &second = m_seconds[trace.eventTimestamp / 1000];
        if (trace.dispatchNamespace.isEmpty()) {
            // A platform Worker: the dispatcher's invocations are the requests.
            if (dispatcher.isEmpty() || trace.scriptName == dispatcher) {
                ++second.requests;
                const TraceSummary s = summarize(trace);
                if (s.isError())
                    ++second.errors;
            }
        } else {
            WorkerUse &use = second.workers[trace.scriptName];
            ++use.requests;
            use.cpuMs += trace.cpuTime;
        }
        if (!violationKind(trace).isEmpty())
            ++second.violations;
    }
    advance(qMax(m_now, QDateTime::currentMSecsSinceEpoch()));
}

void OverviewStats::advance(qint64 nowMs)
{
    m_now = nowMs;
    const qint64 oldest = nowSecond() - kSeconds + 1;
    while (!m_seconds.empty() && m_seconds.begin()->first < oldest)
        m_seconds.erase(m_seconds.begin());
    Q_EMIT changed();
}

double OverviewStats::requestsPerSecond() const
{
    // The last five complete seconds: smoother than one, still current.
    const qint64 current = nowSecond();
    int sum = 0;
    for (const auto &[second, data] : m_seconds)
        if (second >= current - 5 && second < current)
            sum += data.requests;
    return sum / 5.0;
}

int OverviewStats::requestsLastMinute() const
{
    int sum = 0;
    for (const auto &[second, data] : m_seconds)
        sum += data.requests;
    return sum;
}

double OverviewStats::errorRate() const
{
    int requests = 0, errors = 0;
    for (const auto &[second, data] : m_seconds) {
        requests += data.requests;
        errors += data.errors;
    }
    return requests ? double(errors) / requests : 0.0;
}

int OverviewStats::violationsLastMinute() const
{
    int sum = 0;
    for (const auto &[second, data] : m_seconds)
        sum += data.violations;
    return sum;
}

QVariantList OverviewStats::requestSeries() const
{
    QVariantList list;
    const qint64 first = nowSecond() - kSeconds + 1;
    for (qint64 s = first; s <= nowSecond(); ++s) {
        const auto it = m_seconds.find(s);
        list << (it == m_seconds.end() ? 0 : it->second.requests);
    }
    return list;
}

QVariantList OverviewStats::violationSeries() const
{
    QVariantList list;
    const qint64 first = nowSecond() - kSeconds + 1;
    for (qint64 s = first; s <= nowSecond(); ++s) {
        const auto it = m_seconds.find(s);
        list << (it == m_seconds.end() ? 0 : it->second.violations);
    }
    return list;
}

QVariantList OverviewStats::errorRateSeries() const
{
    QVariantList list;
    const qint64 first = nowSecond() - kSeconds + 1;
    for (qint64 s = first; s <= nowSecond(); ++s) {
        const auto it = m_seconds.find(s);
        const bool any = it != m_seconds.end() && it->second.requests > 0;
        list << (any ? double(it->second.errors) / it->second.requests : 0.0);
    }
    return list;
}

QVariantList OverviewStats::top(bool byCpu) const
{
    QHash<QString, WorkerUse> totals;
    for (const auto &[second, data] : m_seconds) {
        for (auto it = data.workers.cbegin(); it != data.workers.cend(); ++it) {
            WorkerUse &use = totals[it.key()];
            use.requests += it->requests;
            use.cpuMs += it->cpuMs;
        }
    }
    QList<std::pair<QString, WorkerUse>> list;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        list.append({it.key(), it.value()});
    std::sort(list.begin(), list.end(), [byCpu](const auto &a, const auto &b) {
        const qint64 x = byCpu ? a.second.cpuMs : a.second.requests;
        const qint64 y = byCpu ? b.second.cpuMs : b.second.requests;
        return x != y ? x > y : a.first < b.first;
    });
    QVariantList out;
    for (qsizetype i = 0; i < qMin<qsizetype>(5, list.size()); ++i)
        out << QVariantMap {{QStringLiteral("name"), list.at(i).first},
                            {QStringLiteral("requests"), list.at(i).second.requests},
                            {QStringLiteral("cpuMs"), list.at(i).second.cpuMs}};
    return out;
}

} // namespace switchyard::models
