#pragma once

#include "store/records.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>
#include <shared_mutex>

namespace switchyard::platform {

// Cloudflare's tail filters (what `wrangler tail --status/--method/--header/--search/
// --sampling-rate` sends in the body of `POST .../tails`), applied here, before an event is
// encoded or queued: a filtered tail costs the dispatch path nothing for what it leaves out.
struct LiveTailFilters
{
    double samplingRate = 1.0; // (0, 1]: the share of matching events kept
    std::optional<QSet<QString>> outcomes; // workerd's names: ok, exception, exceededCpu, ...
    std::optional<QSet<QString>> methods; // upper case
    struct Header
    {
        QString key; // lower case
        std::optional<QString> query; // the value exactly, when given
    };
    std::optional<Header> header;
    std::optional<QString> query; // a text some console.log argument or exception contains

    // Every filter but the sampling rate.
    bool matches(const store::TraceRecord &trace) const;
};

// Where a live tail's events go: called on engine threads, so it only queues (and bounds) them.
class LiveTailSink
{
public:
    virtual ~LiveTailSink() = default;
    // One TraceItem as compact JSON text.
    virtual void offer(const QByteArray &event) = 0;
};

// The live tail sessions of the platform and the Invocations they see. A session tails one
// Worker: a platform Worker by name (`dispatchNamespace` empty), which, as a tail of a dispatcher
// on Cloudflare, also sees every user Worker it runs; or one user Worker of a dispatch namespace.
//
// Threads: subscribe/unsubscribe from any thread; watching() and publish() on engine threads, for
// every finished Invocation, so watching() answers from one atomic load while nobody tails.
class LiveTails
{
public:
    struct Subscription
    {
        QString dispatchNamespace; // empty: a platform Worker
        QString scriptName;
        LiveTailFilters filters;
        std::weak_ptr<LiveTailSink> sink;
    };

    quint64 subscribe(Subscription subscription);
    void unsubscribe(quint64 id);
    int count() const { return m_count.load(std::memory_order_relaxed); }

    // Whether a finished Invocation of this Worker would reach a session; `dispatcher` is the
    // platform Worker that ran a user Worker (WorkerContext::dispatcher).
    bool watching(const QString &dispatchNamespace, const QString &scriptName,
                  const QString &dispatcher) const;
    // Offers the trace to every session that tails it and whose filters it passes.
    void publish(const store::TraceRecord &trace, const QString &dispatcher) const;

private:
    static QString key(const QString &dispatchNamespace, const QString &scriptName);

    std::atomic<int> m_count {0};
    mutable std::shared_mutex m_mutex;
    quint64 m_nextId = 1;
    QHash<QString, QList<QPair<quint64, std::shared_ptr<const Subscription>>>> m_byWorker;
};

} // namespace switchyard::platform
