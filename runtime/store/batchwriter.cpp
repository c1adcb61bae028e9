#include "batchwriter.h"

#include "database.h"
#include "logging.h"
#include "queries.h"

#include <QDateTime>

#include <algorithm>

namespace switchyard::store {

std::unique_ptr<BatchWriter> BatchWriter::start(const QString &path, QString *error)
{
    return start(path, Options {}, error);
}

std::unique_ptr<BatchWriter> BatchWriter::start(const QString &path, const Options &options,
                                                QString *error)
{
    return start(StoreLocation::sqlite(path), options, error);
}

std::unique_ptr<BatchWriter> BatchWriter::start(const StoreLocation &location,
                                                const Options &options, QString *error)
{
    std::unique_ptr<BatchWriter> writer(new BatchWriter(options));
    std::promise<QString> opened;
    std::future<QString> openError = opened.get_future();
    writer->m_thread
            = std::thread([w = writer.get(), location, &opened] { w->run(location, &opened); });
    const QString message = openError.get();
    if (!message.isEmpty()) {
        writer->m_thread.join();
        if (error)
            *error = message;
        return nullptr;
    }
    return writer;
}

BatchWriter::BatchWriter(const Options &options) : m_options(options) { }

BatchWriter::~BatchWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void BatchWriter::enqueued(std::unique_lock<std::mutex> &lock, qsizetype count)
{
    m_appended += quint64(count);
    const bool wake = m_traces.size() + m_points.size() >= m_options.maxBatch
            || m_traces.size() + m_points.size() == count;
    lock.unlock();
    if (wake)
        m_wake.notify_one();
}

void BatchWriter::append(TraceRecord trace)
{
    append(TraceMaker([trace = std::move(trace)] { return traceRow(trace); }));
}

void BatchWriter::append(TraceMaker makeRow)
{
    std::unique_lock lock(m_mutex);
    if (m_traces.size() + m_points.size() + m_held >= m_options.maxQueued) {
        ++m_dropped;
        return;
    }
    m_traces.append(std::move(makeRow));
    enqueued(lock, 1);
}

void BatchWriter::append(QList<AnalyticsPoint> points)
{
    std::unique_lock lock(m_mutex);
    if (m_traces.size() + m_points.size() + m_held + points.size() > m_options.maxQueued) {
        m_dropped += quint64(points.size());
        return;
    }
    const qsizetype count = points.size();
    m_points.append(std::move(points));
    enqueued(lock, count);
}

void BatchWriter::flush()
{
    std::unique_lock lock(m_mutex);
    const quint64 target = m_appended;
    m_flushRequested = true;
    m_wake.notify_one();
    m_committed.wait(lock, [&] { return m_done >= target || m_storeDown; });
}

quint64 BatchWriter::dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

qsizetype BatchWriter::held() const
{
    std::lock_guard lock(m_mutex);
    return m_held;
}

void BatchWriter::run(const StoreLocation &location, std::promise<QString> *opened)
{
    QString error;
    std::unique_ptr<Database> database = Database::open(location, Database::Options {}, &error);
    opened->set_value(database ? QString() : error);
    if (!database)
        return;
    Queries queries(*database);

    // What could not be written because the store was unreachable, oldest first.
    QList<TraceRow> heldRows;
    QList<AnalyticsPoint> heldPoints;
    bool storeDown = false;
    std::unique_lock lock(m_mutex);
    for (;;) {
        auto queued = [&] {
            return m_traces.size() + m_points.size();
        };
        if (!storeDown) {
            m_wake.wait(lock, [&] { return m_stopping || queued() > 0 || m_flushRequested; });
            // Let a batch build up, unless someone waits for it or it is already full.
            if (!m_stopping && !m_flushRequested && queued() < m_options.maxBatch) {
                m_wake.wait_for(lock, m_options.interval, [&] {
                    return m_stopping || m_flushRequested || queued() >= m_options.maxBatch;
                });
            }
        } else {
            m_wake.wait_for(lock, m_options.retryInterval, [&] { return m_stopping; });
        }
        m_flushRequested = false;
        QList<TraceMaker> traces;
        QList<AnalyticsPoint> points;
        traces.swap(m_traces);
        points.swap(m_points);
        const bool stopping = m_stopping;
        lock.unlock();

        for (const TraceMaker &makeRow : std::as_const(traces))
            heldRows.append(makeRow());
        traces.clear();
        heldPoints.append(std::move(points));
        points.clear();
        const quint64 count = quint64(heldRows.size() + heldPoints.size());
        if (count > 0) {
            QString reconnectError;
            const bool reachable = !storeDown || database->reconnect(&reconnectError);
            std::optional<QString> failure;
            if (reachable) {
                m_tracesSincePrune += heldRows.size();
                const bool prune = m_options.keepTraces > 0
                        && m_tracesSincePrune >= std::max<qint64>(1, m_options.keepTraces / 10);
                failure = database->transaction([&] {
                    if (!heldPoints.isEmpty())
                        queries.insertDataPoints(heldPoints, QDateTime::currentMSecsSinceEpoch(),
                                                 m_options.nodeName);
                    if (!heldRows.isEmpty())
                        queries.insertTraceRows(heldRows, m_options.nodeName);
                    if (prune)
                        queries.pruneTraces(m_options.keepTraces);
                });
                if (prune && !failure)
                    m_tracesSincePrune = 0;
            }
            // A server that went away is not a refusal: what it did not take waits for it.
            const bool lost
                    = !reachable || (failure && database->isPostgres() && !database->ping());
            if (lost && !stopping) {
                if (!storeDown)
                    qCWarning(lcStore).noquote()
                            << QStringLiteral("the store is unreachable; keeping traces and data "
                                              "points in memory (at most %1) until it returns: %2")
                                       .arg(m_options.maxQueued)
                                       .arg((failure ? *failure : reconnectError).simplified());
                storeDown = true;
                lock.lock();
                m_storeDown = true;
                m_held = qsizetype(count);
            } else {
                if (failure || lost)
                    qCWarning(lcStore).noquote()
                            << "dropped" << count
                            << "traces and data points:" << (failure ? *failure : reconnectError);
                else if (storeDown)
                    qCInfo(lcStore).noquote() << "the store is back; wrote" << count
                                              << "traces and data points held meanwhile";
                storeDown = false;
                heldRows.clear();
                heldPoints.clear();
                lock.lock();
                m_storeDown = false;
                m_held = 0;
                if (failure || lost)
                    m_dropped += count;
                m_done += count;
            }
        } else {
            lock.lock();
        }
        m_committed.notify_all();
        if (stopping && m_traces.isEmpty() && m_points.isEmpty() && !storeDown)
            break;
    }
}

} // namespace switchyard::store
