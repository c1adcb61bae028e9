#include "tracefeed.h"

#include "platform/platformservice.h"

namespace switchyard::models {

TraceFeed::TraceFeed(platform::PlatformService &service, QObject *parent)
    : QObject(parent), m_buffer(std::make_shared<Buffer>())
{
    // Direct: runs on the appending thread and only takes the mutex for a list append.
    m_connection = connect(
            &service, &platform::PlatformService::traceAppended, this,
            [buffer = m_buffer](const store::TraceRecord &trace) { buffer->append(trace); },
            Qt::DirectConnection);
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &TraceFeed::flush);
    m_timer.start();
}

TraceFeed::~TraceFeed()
{
    disconnect(m_connection);
}

void TraceFeed::setIntervalMs(int ms)
{
    if (m_timer.interval() == ms)
        return;
    m_timer.setInterval(ms);
    Q_EMIT intervalMsChanged();
}

quint64 TraceFeed::received() const
{
    std::lock_guard lock(m_buffer->mutex);
    return m_buffer->received;
}

quint64 TraceFeed::dropped() const
{
    std::lock_guard lock(m_buffer->mutex);
    return m_buffer->dropped;
}

void TraceFeed::push(const store::TraceRecord &trace)
{
    m_buffer->append(trace);
}

void TraceFeed::flush()
{
    QList<store::TraceRecord> batch;
    {
        std::lock_guard lock(m_buffer->mutex);
        batch.swap(m_buffer->pending);
    }
    if (batch.isEmpty())
        return;
    Q_EMIT tracesArrived(batch);
    Q_EMIT flushed();
}

} // namespace switchyard::models
