#pragma once

#include "queries.h"
#include "records.h"
#include "storelocation.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace switchyard::store {

// The store writer thread: takes traces and Analytics Engine points from any thread without
// blocking on SQLite, and commits them in batches through its own connection, so the request path
// never waits for a disk write.
class BatchWriter
{
public:
    struct Options
    {
        int maxBatch = 1000; // commit as soon as this many items wait
        std::chrono::milliseconds interval {100}; // otherwise at most this long after the first
        qsizetype maxQueued = 200000; // beyond this, new items are dropped and counted
        // The newest this many traces are kept; older ones are deleted as new ones arrive (a
        // tenth of this at a time). 0 keeps every trace. At the dispatcher's full speed two
        // trace rows a request would otherwise add about a gigabyte a minute.
        qint64 keepTraces = 100000;
        // While a PostgreSQL store is unreachable, what waits (up to maxQueued, the rest dropped
        // and counted) is kept in memory and written when a reconnection, tried this often,
        // succeeds.
        std::chrono::milliseconds retryInterval {500};
        // Written with every trace and data point: the node that produced it.
        QString nodeName;
    };

    // Opens its own connection to the (already migrated) file at `path` on the writer thread.
    static std::unique_ptr<BatchWriter> start(const QString &path, QString *error);
    static std::unique_ptr<BatchWriter> start(const QString &path, const Options &options,
                                              QString *error);
    // The same on any store: an SQLite file or a PostgreSQL database.
    static std::unique_ptr<BatchWriter> start(const StoreLocation &location, const Options &options,
                                              QString *error);
    // Commits what is queued, then stops the thread.
    ~BatchWriter();
    BatchWriter(const BatchWriter &) = delete;
    BatchWriter &operator=(const BatchWriter &) = delete;

    void append(TraceRecord trace);
    // A trace whose row is made on the writer thread, in the order traces were appended.
    using TraceMaker = std::function<TraceRow()>;
    void append(TraceMaker makeRow);
    void append(QList<AnalyticsPoint> points);

    // Blocks until everything appended before the call is committed (or dropped on error), or
    // held in memory because the store is unreachable.
    void flush();

    quint64 dropped() const;
    // Traces and data points held in memory for a store that is unreachable.
    qsizetype held() const;

private:
    explicit BatchWriter(const Options &options);
    void run(const StoreLocation &location, std::promise<QString> *opened);
    void enqueued(std::unique_lock<std::mutex> &lock, qsizetype count);

    const Options m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_committed;
    QList<TraceMaker> m_traces;
    QList<AnalyticsPoint> m_points;
    quint64 m_appended = 0;
    quint64 m_done = 0;
    quint64 m_dropped = 0;
    qsizetype m_held = 0; // kept by the writer thread until the store returns
    bool m_storeDown = false;
    qint64 m_tracesSincePrune = 0; // writer thread only
    bool m_flushRequested = false;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace switchyard::store
