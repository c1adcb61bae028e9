#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>

namespace switchyard::engine {

// A body produced while it is being sent: a Worker's ReadableStream that its Instance reads one
// chunk at a time, only when the reader asks for one. Nothing runs ahead of a slow reader, so what
// the process holds for a body is the chunk in flight plus what the reader buffers itself.
//
// Whoever reads it holds it: the last reference going before the end counts as cancel(). The
// producer holds it weakly.
//
// One reader and one producer, each on any thread. The reader calls read() again only after the
// previous read was delivered; it calls cancel() when it will read no more (its client left). The
// producer answers each pull with exactly one push(), end() or fail(), and hears cancel() once.
class BodyStream
{
public:
    struct Chunk
    {
        QByteArray bytes; // never empty unless `end` or `error`
        bool end = false;
        QString error; // non-null: the body failed; what was sent of it is incomplete
    };
    using Deliver = std::function<void(Chunk)>;
    struct Producer
    {
        std::function<void()> pull; // produce the next chunk
        std::function<void()> cancel; // the reader is gone
    };

    BodyStream() = default;
    ~BodyStream();
    BodyStream(const BodyStream &) = delete;
    BodyStream &operator=(const BodyStream &) = delete;

    // Reader side. `deliver` is called once, from the producer's thread or (when the body has
    // already ended or failed) from the caller's: never assume either.
    void read(Deliver deliver);
    void cancel();

    // Producer side. setProducer() before the stream is handed to a reader.
    void setProducer(Producer producer);
    void push(QByteArray bytes);
    void end();
    // Also when nobody will produce any more (the producer's Invocation ended): a pending read,
    // and every later one, gets `error`. A stream that already ended keeps its end.
    void fail(const QString &error);
    bool finished() const;

private:
    void complete(Chunk chunk, bool final);

    mutable std::mutex m_mutex;
    Producer m_producer;
    Deliver m_waiting;
    bool m_ended = false;
    bool m_canceled = false;
    QString m_error;
};

using BodyStreamPtr = std::shared_ptr<BodyStream>;

// Reads `stream` to its end, or to `cap` bytes and then cancels it, and calls `done` once with
// what it read (from any thread); `complete` is false when the body failed or was cut at `cap`.
// For callers that show a body rather than send it (the playground).
void collectBody(const BodyStreamPtr &stream, qsizetype cap,
                 std::function<void(QByteArray body, bool complete)> done);

} // namespace switchyard::engine
