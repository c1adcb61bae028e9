#include "instancestats.h"

#include "engine/engine.h"

#include <QDateTime>

namespace switchyard::models {

InstanceStats::InstanceStats(Source source, QObject *parent)
    : QObject(parent), m_source(std::move(source))
{
    sample(QDateTime::currentMSecsSinceEpoch());
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this,
            [this] { sample(QDateTime::currentMSecsSinceEpoch()); });
    m_tick.start();
}

InstanceStats::Source InstanceStats::from(const engine::Engine &engine)
{
    return [&engine] {
        return Sample {engine.liveInstances(), engine.memoryUsedBytes(), engine.memoryBudgetBytes(),
                       engine.evictions()};
    };
}

void InstanceStats::sample(qint64 nowMs)
{
    m_last = m_source ? m_source() : Sample {};
    m_samples.emplace_back(nowMs, m_last);
    // One sample at or before the start of the window stays: evictions are counted from it.
    const qint64 windowStart = nowMs - kSeconds * 1000;
    while (m_samples.size() > 1 && m_samples[1].first <= windowStart)
        m_samples.pop_front();
    Q_EMIT changed();
}

double InstanceStats::memoryFraction() const
{
    return m_last.budgetBytes > 0 ? double(m_last.usedBytes) / double(m_last.budgetBytes) : 0.0;
}

QVariantList InstanceStats::memorySeries() const
{
    QVariantList series;
    for (const auto &[ms, sample] : m_samples)
        series << mib(sample.usedBytes);
    return series;
}

int InstanceStats::evictionsLastMinute() const
{
    if (m_samples.empty())
        return 0;
    return int(m_samples.back().second.evictions - m_samples.front().second.evictions);
}

} // namespace switchyard::models
