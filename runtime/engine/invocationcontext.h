#pragma once

#include "invocation.h"
#include "limits.h"
#include "script.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QVariantList>

#include <v8-function.h>
#include <v8-persistent-handle.h>
#include <v8-promise.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace switchyard::engine {

class BindingHost;
class Instance;

// What a binding descriptor's `type` makes of a name in `env` (CONTRACT.md makeEnv): how the
// binding bridge reads that binding's calls.
enum class BindingKind { Other, KvNamespace, AnalyticsEngine, DispatchNamespace, Service };
using BindingKinds = QHash<QString, BindingKind>;

// Everything that lives for one event delivered to an Instance, and dies with it (workerd's
// IoContext): its request and env, its budget and clocks, the promises its I/O will settle, its
// ctx handle and waitUntil() work, the timers it set, the responses kept for it, its logs and its
// outcome. The Instance outlives many of these; none of this outlives its Invocation.
//
// Mutated only on the Instance's thread, under its isolate's lock, except the counters a
// BindingHost may bump from anywhere (subrequests, data points). The V8 handles it holds are
// released by end() (or dropHandles() when the Instance goes first), never by its destructor,
// which may run on any thread.
class InvocationContext
{
public:
    enum class Kind { Fetch, Tail };

    InvocationContext() = default;
    ~InvocationContext() = default;
    InvocationContext(const InvocationContext &) = delete;
    InvocationContext &operator=(const InvocationContext &) = delete;

    quint64 id = 0;
    Kind kind = Kind::Fetch;
    ScriptPtr script;
    RequestData request;
    QJsonArray events;
    QVariantList env;
    // Set when the Invocation is delivered: what each `env` name is, for the binding bridge.
    std::shared_ptr<const BindingKinds> bindingKinds;
    BindingHost *host = nullptr;
    // `done` when the response (or the failure) is ready; `finished` once ctx.waitUntil() work
    // has settled too. Without `finished`, `host` is forgotten right after `done`: the caller only
    // promised it lives that long.
    InvocationCallback done;
    InvocationCallback finished;
    // Keeps a replaced Instance alive until the Invocations it started have ended.
    std::shared_ptr<Instance> instance;

    InvocationBudget budget;
    std::chrono::steady_clock::time_point wallDeadline;
    quint64 wallWatch = 0; // the watchdog's deadline id, removed when the Invocation ends
    qint64 cpuNs = 0;
    QElapsedTimer wall;
    // responded: `done` was called, waitUntil() work may still run. completed: all over.
    bool responded = false;
    bool completed = false;
    InvocationResult response; // what `done` got, repeated (with the full logs) to `finished`

    // Limits counted from any thread: false once this one is past the budget.
    bool countSubrequest() { return m_subrequests.fetch_add(1) + 1 <= budget.subRequests; }
    int subrequestCount() const { return m_subrequests.load(); }
    bool countDataPoint() { return m_dataPoints.fetch_add(1) + 1 <= budget.dataPoints; }

    // Logs and uncaught exceptions, for the trace.
    void log(const QString &level, const QString &message, const QString &json = {});
    // An exception nobody caught but that did not end the request: an exception entry and the
    // error line workerd logs ("Uncaught", or "Uncaught (in promise)").
    void uncaught(const QString &prefix, const QString &name, const QString &message);
    void recordException(const QString &name, const QString &message);
    // Sets `result`'s id, clocks, logs and exceptions (moved out when `final`).
    void fill(InvocationResult &result, double cpuTimeMs, bool final);

    // Promises waiting for this Invocation's I/O (fetch, bindings), by a key unique in the
    // Instance. Once the Invocation ended its I/O no longer settles anything: addPending() then
    // keeps nothing and takePending() finds nothing.
    void addPending(v8::Isolate *isolate, quint64 key, v8::Local<v8::Promise::Resolver> resolver);
    v8::Local<v8::Promise::Resolver> takePending(v8::Isolate *isolate, quint64 key);
    size_t pendingCount() const { return m_pending.size(); }

    // The ctx handle (CONTRACT.md makeContext) whose waitUntil array the Worker fills.
    void setHandle(v8::Isolate *isolate, v8::Local<v8::Object> handle);
    // Watches the waitUntil() promises added since the last call; true while any is pending.
    // `onFulfilled`/`onRejected` are called with this Invocation's id as their data.
    bool watchWaitUntil(v8::Local<v8::Context> context, v8::FunctionCallback onFulfilled,
                        v8::FunctionCallback onRejected);
    // One waitUntil() promise settled; true when that was the last one watched.
    bool waitUntilSettled() { return --m_waitUntilPending <= 0; }

    // Timers this Invocation set (their callbacks live in the Instance's queue, which orders
    // every timer of the Instance); they are cleared when it ends.
    void addTimer(int id) { m_timers.insert(id); }
    void removeTimer(int id) { m_timers.erase(id); }
    std::set<int> takeTimers() { return std::exchange(m_timers, {}); }

    // The kept-response fast path: a fetch-shaped binding's response, kept by a key its JS
    // Response carries, so one handed back untouched as the result is taken from here instead
    // of read out of JS (readResponse in CONTRACT.md). Only the first few, of modest size; never
    // evicted, because the prelude trusts a key. False: not kept (read out of JS instead).
    bool keepResponse(quint64 key, const ResponseData &response);
    std::optional<ResponseData> takeKeptResponse(quint64 key);
    void forgetKeptResponses() { m_kept.clear(); }

    // A response body sent as the Worker produces it (ResponseData::stream): the stream the reader
    // pulls from and the prelude's reader of the Worker's ReadableStream. While it is set the
    // Invocation lives on after `done`, without a wall-clock limit (as on Cloudflare, a body may
    // take as long as its client reads), still under its CPU limit.
    // Weak: whoever reads the body owns it, and dropping it unread cancels the Worker's stream.
    bool streaming = false;
    std::weak_ptr<BodyStream> bodyOut;
    v8::Global<v8::Object> bodyReader;
    bool bodyPulling = false; // a chunk was asked of the Worker's stream and has not come
    // How the body ended, when that is what the Invocation's outcome is (its client left:
    // canceled; its stream threw: exception). finalize() uses it.
    std::optional<Outcome> endOutcome;
    QString endName;
    QString endMessage;

    // WebSockets this Invocation answered with whose Worker end is still open. Like a streamed
    // body they keep it alive after `done`, without a wall-clock limit; every message the client
    // sends is an event with the whole CPU limit of its own (as on Cloudflare): `eventCpuBaseNs`
    // is cpuNs when the current event began.
    int openSockets = 0;
    qint64 eventCpuBaseNs = 0;
    bool livesOn() const { return streaming || openSockets > 0; }

    // Adds a promise to the ctx handle's waitUntil list (a body's cancel() that is still running
    // when its reader left), so the Invocation waits for it like for the Worker's own.
    void addWaitUntil(v8::Local<v8::Context> context, v8::Local<v8::Value> promise);

    // Releases the V8 handles this holds (under the isolate's lock). Pending promises go to
    // `orphan` if given (a promise may be awaited by a later request), else are dropped.
    using Orphan = std::function<void(quint64 key, v8::Global<v8::Promise::Resolver> &&resolver)>;
    void dropHandles(const Orphan &orphan = {});

private:
    std::atomic_int m_subrequests = 0;
    std::atomic_int m_dataPoints = 0;
    QList<LogEntry> m_logs;
    QList<ExceptionEntry> m_exceptions;
    std::map<quint64, v8::Global<v8::Promise::Resolver>> m_pending;
    v8::Global<v8::Object> m_handle;
    int m_waitUntilWatched = 0; // entries of the ctx handle's waitUntil array already watched
    int m_waitUntilPending = 0;
    std::set<int> m_timers;
    std::map<quint64, ResponseData> m_kept;
};

using InvocationContextPtr = std::shared_ptr<InvocationContext>;

} // namespace switchyard::engine
