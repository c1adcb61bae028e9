#pragma once

#include "store/records.h"

#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>

#include <memory>
#include <mutex>

namespace switchyard::platform {
class PlatformService;
}

namespace switchyard::models {

// The live trace stream for the GUI. traceAppended arrives on engine and writer threads, up to
// thousands of times a second; this queues each trace under a mutex and hands them to the GUI
// thread's models in one batch per interval, so a model changes at most ten times a second
// however busy the platform is. What piles up between flushes is bounded: past maxPending the
// oldest queued traces are dropped (and counted), never the GUI's responsiveness.
class TraceFeed : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TraceFeed is provided by the application")
    Q_PROPERTY(int intervalMs READ intervalMs WRITE setIntervalMs NOTIFY intervalMsChanged)
    Q_PROPERTY(quint64 received READ received NOTIFY flushed)
    Q_PROPERTY(quint64 dropped READ dropped NOTIFY flushed)
public:
    explicit TraceFeed(platform::PlatformService &service, QObject *parent = nullptr);
    ~TraceFeed() override;

    int intervalMs() const { return m_timer.interval(); }
    void setIntervalMs(int ms);
    quint64 received() const;
    quint64 dropped() const;

    // Any thread.
    void push(const store::TraceRecord &trace);
    // GUI thread: delivers what is queued now (the timer calls it; tests may too).
    void flush();

    static constexpr qsizetype kMaxPending = 20000;

Q_SIGNALS:
    void intervalMsChanged();
    // On this object's thread, oldest first.
    void tracesArrived(const QList<switchyard::store::TraceRecord> &traces);
    void flushed();

private:
    // Shared with the connection to the service, so a trace being pushed from an engine thread
    // while this object is destroyed still lands in live memory.
    struct Buffer
    {
        std::mutex mutex;
        QList<store::TraceRecord> pending;
        quint64 received = 0;
        quint64 dropped = 0;

        void append(const store::TraceRecord &trace)
        {
            std::lock_guard lock(mutex);
            ++received;
            if (pending.size() >= kMaxPending) {
                pending.removeFirst();
                ++dropped;
            }
            pending.append(trace);
        }
    };
    std::shared_ptr<Buffer> m_buffer;
    QMetaObject::Connection m_connection;
    QTimer m_timer;
};

// The setFeed of a model fed by the trace stream: moves `receiver`'s tracesArrived connection
// (to its append()) to `feed`. False when `feed` is already current, so the setter does not
// notify.
template<typename Receiver>
bool followFeed(QPointer<TraceFeed> &current, TraceFeed *feed, Receiver *receiver)
{
    if (current == feed)
        return false;
    if (current)
        QObject::disconnect(current, nullptr, receiver, nullptr);
    current = feed;
    if (current)
        QObject::connect(current, &TraceFeed::tracesArrived, receiver, &Receiver::append);
    return true;
}

} // namespace switchyard::models
