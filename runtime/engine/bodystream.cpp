#include "bodystream.h"

namespace switchyard::engine {

BodyStream::~BodyStream()
{
    // The last reader let go without reading to the end: the producer stops as if canceled.
    if (!m_ended && m_error.isNull() && !m_canceled && m_producer.cancel)
        m_producer.cancel();
}

void BodyStream::read(Deliver deliver)
{
    std::function<void()> pull;
    {
        std::unique_lock lock(m_mutex);
        if (m_canceled) {
            lock.unlock();
            deliver({{}, false, QStringLiteral("The response body was canceled.")});
            return;
        }
        if (!m_error.isNull() || m_ended) {
            Chunk chunk;
            chunk.end = m_ended;
            chunk.error = m_error;
            lock.unlock();
            deliver(std::move(chunk));
            return;
        }
        m_waiting = std::move(deliver);
        pull = m_producer.pull;
    }
    if (pull)
        pull();
    else
        fail(QStringLiteral("The response body has no producer."));
}

void BodyStream::cancel()
{
    std::function<void()> cancel;
    Deliver waiting;
    {
        std::lock_guard lock(m_mutex);
        if (m_canceled)
            return;
        m_canceled = true;
        waiting = std::move(m_waiting);
        m_waiting = nullptr;
        if (!m_ended && m_error.isNull())
            cancel = std::move(m_producer.cancel);
        m_producer = {};
    }
    if (waiting)
        waiting({{}, false, QStringLiteral("The response body was canceled.")});
    if (cancel)
        cancel();
}

void BodyStream::setProducer(Producer producer)
{
    std::lock_guard lock(m_mutex);
    m_producer = std::move(producer);
}

void BodyStream::push(QByteArray bytes)
{
    complete({std::move(bytes), false, {}}, false);
}

void BodyStream::end()
{
    complete({{}, true, {}}, true);
}

void BodyStream::fail(const QString &error)
{
    complete({{}, false, error.isNull() ? QStringLiteral("") : error}, true);
}

void BodyStream::complete(Chunk chunk, bool final)
{
    Deliver waiting;
    {
        std::lock_guard lock(m_mutex);
        if (m_ended || !m_error.isNull())
            return;
        if (final) {
            m_ended = chunk.end;
            m_error = chunk.error;
            m_producer = {}; // it may hold what produced the body; nothing pulls any more
        }
        waiting = std::move(m_waiting);
        m_waiting = nullptr;
    }
    if (waiting)
        waiting(std::move(chunk));
}

bool BodyStream::finished() const
{
    std::lock_guard lock(m_mutex);
    return m_ended || !m_error.isNull() || m_canceled;
}

namespace {
struct Collector : std::enable_shared_from_this<Collector>
{
    BodyStreamPtr stream;
    qsizetype cap = 0;
    QByteArray body;
    std::function<void(QByteArray, bool)> done;

    void next()
    {
        auto self = shared_from_this();
        stream->read([self](BodyStream::Chunk chunk) {
            if (!chunk.error.isNull() || chunk.end)
                return self->done(std::move(self->body), chunk.end);
            self->body += chunk.bytes;
            if (self->body.size() >= self->cap) {
                self->body.truncate(self->cap);
                self->stream->cancel();
                return self->done(std::move(self->body), false);
            }
            self->next();
        });
    }
};
} // namespace

void collectBody(const BodyStreamPtr &stream, qsizetype cap,
                 std::function<void(QByteArray body, bool complete)> done)
{
    auto collector = std::make_shared<Collector>();
    collector->stream = stream;
    collector->cap = cap;
    collector->done = std::move(done);
    collector->next();
}

} // namespace switchyard::engine
