#pragma once

#include "contexthooks.h"
#include "invocationcontext.h"
#include "modules.h"
#include "outboundfetch.h"
#include "script.h"
#include "timerqueue.h"
#include "watchdog.h"

#include <v8-context.h>
#include <v8-function.h>
#include <v8-persistent-handle.h>
#include <v8-promise.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace switchyard::engine {

class EngineCore;
class Executor;
class Isolate;
struct BindingResult;

// A Script evaluated in its own isolate and context, reused by every Invocation of that Script.
// It runs on one executor thread at a time: work for it (new Invocations, timers, completions of
// fetches and bindings) is posted to its queue and run in turns, each turn under a v8::Locker.
class Instance : public std::enable_shared_from_this<Instance>
{
public:
    using Task = std::function<void()>;

    // Keeps the Script's source, not the Script: the engine discards the Instance once the
    // platform and every Invocation have let go of the Script.
    Instance(EngineCore &core, const ScriptPtr &script);
    ~Instance();
    Instance(const Instance &) = delete;
    Instance &operator=(const Instance &) = delete;

    // Dead: its heap is spent or it was dropped; Invocations go to a fresh Instance.
    bool isDead() const { return m_dead.load(); }
    // Any thread: its recent slices ran long enough for the Scheduler's long lane.
    bool runsLong() const;
    // Any thread: the longest recent slice (CPU), decayed by the slices since.
    qint64 recentSliceNs() const { return m_recentSliceNs.load(std::memory_order_relaxed); }
    const LimitsPolicy &limits() const;

    // Any thread. `invocation` is who the task's CPU time is billed to (null: the Instance).
    void post(std::shared_ptr<InvocationContext> invocation, Task task);
    // False when the Instance was evicted: the caller starts it on a fresh one.
    bool startInvocation(const std::shared_ptr<InvocationContext> &invocation);
    // Executor thread: one turn.
    void run(Executor &executor);
    // The wall-clock deadline passed (watchdog thread): the Invocation ends as canceled.
    void expire(std::shared_ptr<InvocationContext> invocation);
    // Engine shutdown, with no executor left: ends every Invocation still waiting.
    void shutdown();

    // The native ends of a context's hooks (contexthooks.h), which find their Instance through
    // the isolate: settled(invocationId, value, fulfilled) by the watch hook's promise reactions,
    // and a response body's chunk by the pump hook. Public for the warm pool, which makes the
    // hooks before any Instance has the context.
    static void settledCallback(const v8::FunctionCallbackInfo<v8::Value> &info);
    static void bodyChunkCallback(const v8::FunctionCallbackInfo<v8::Value> &info);

    // Eviction (EngineCore::evictIdle), any thread. Nothing was in flight when its last turn
    // ended: no Invocation (waitUntil() work and streamed bodies included), no timer, no I/O an
    // ended Invocation left pending.
    bool looksIdle() const { return m_idle.load(std::memory_order_relaxed); }
    // When its last turn ended (monotonicNowNs).
    qint64 lastUsedNs() const { return m_lastUsedNs.load(std::memory_order_relaxed); }
    // Under the engine's instancesMutex, with the slot removed right after: true when the
    // Instance was idle and nothing was queued for it, and now takes no more Invocations; its
    // memory stops counting against the budget.
    bool evict();
    // Any thread (EngineCore::evictIdle): an idle Instance not trimmed since it last ran gets a
    // turn of its own that runs a full garbage collection and hands the free pages back. False
    // when it has work, was evicted, or was trimmed already. Does not count as a use for LRU.
    bool trim();
    const QString &name() const { return m_source.name; }

    // For natives: valid only inside a task.
    v8::Isolate *isolate() const;
    InvocationContext *current() const { return m_current.get(); }
    void log(const QString &level, const QString &message, const QString &json = {});
    // 0: refused, the Instance has limits().maxLiveTimers already.
    int setTimer(v8::Local<v8::Function> callback, double delayMs, bool repeat);
    void clearTimer(int id);
    v8::Local<v8::Promise> fetch(const OutboundRequest &request);
    v8::Local<v8::Value> binding(const QString &name, const QString &method,
                                 v8::Local<v8::Value> args);
    // A body another Worker streams to this one (a fetch-shaped binding's response), by the key
    // its result object carried: the next chunk as a Promise of a Uint8Array (null at the end),
    // and giving up on it.
    v8::Local<v8::Value> readBody(quint64 key);
    void cancelBody(quint64 key);
    // WebSockets (CONTRACT.md): a channel for the end Invocation `invocationId` answers with, by a
    // key its peer's messages go out under; and what that peer sends or closes with.
    quint64 openWebSocket(quint64 invocationId);
    void webSocketSend(quint64 key, WebSocketMessage message);
    // An outbound WebSocket's accept(): its upstream is read from now on, each message an event.
    void acceptWebSocket(quint64 key);

private:
    struct Queued
    {
        std::shared_ptr<InvocationContext> invocation;
        Task task;
        bool start = false;
        bool timers = false; // fire the timers that are due
        bool event = false; // a new event of its Invocation: the CPU limit starts again
        bool trim = false; // collect garbage and give free pages back (trim())
    };
    enum class State { New, Ready, Failed };

    void initialize(const QVariantList &firstEnv);
    void runSlice(const std::shared_ptr<InvocationContext> &invocation, const Task &task);
    // The watchdog's yield interrupt (long lane): sleeps while short work runs.
    static void yieldInterrupt(v8::Isolate *isolate, void *);
    void yieldToShortWork();
    void deliver(const std::shared_ptr<InvocationContext> &invocation);
    void deliverOrFail(const std::shared_ptr<InvocationContext> &invocation);
    void onSettled(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled);
    bool watchWaitUntil(const std::shared_ptr<InvocationContext> &invocation);
    void afterResponse(const std::shared_ptr<InvocationContext> &invocation);
    template<bool fulfilled>
    static void waitUntilSettledCallback(const v8::FunctionCallbackInfo<v8::Value> &info);
    void onWaitUntilSettled(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled);
    // Timers live in the Instance's own queue, which orders those of every Invocation; the
    // watchdog holds one deadline per Instance, for its earliest timer, so clearing or discarding
    // thousands of them costs nothing elsewhere. Each Invocation knows the timers it set.
    void clearTimers();
    void watchTimers();
    void postTimers();
    void fireDueTimers();
    void fireTimer(int id);
    // A promise the current Invocation's I/O settles later, by a key unique in the Instance.
    quint64 addPending(v8::Local<v8::Promise::Resolver> resolver);
    void settle(const std::shared_ptr<InvocationContext> &invocation, quint64 key,
                const std::function<v8::Local<v8::Value>(v8::Local<v8::Context>)> &make,
                bool reject);
    void settleBinding(const std::shared_ptr<InvocationContext> &invocation, quint64 key,
                       const BindingResult &result);
    // Keeps a fetch-shaped binding's response with the current Invocation and tags `made` (its
    // result object for the prelude) with the key, so the response can be handed back as is.
    void keepFetched(v8::Local<v8::Context> context, v8::Local<v8::Object> made,
                     const ResponseData &response);
    // The Invocation's response body is a stream: `reader` reads it, `response.stream` is what
    // the reader of the response pulls from.
    void startBody(const std::shared_ptr<InvocationContext> &invocation,
                   v8::Local<v8::Object> reader, ResponseData &response);
    void pullBody(quint64 invocationId);
    void stopBody(quint64 invocationId);
    void onBodyChunk(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled);
    // The body ended one way or another: the Invocation ends once its waitUntil() work has too.
    void bodyEnded(const std::shared_ptr<InvocationContext> &invocation);
    // Registers a streamed body this Instance received; 0 when nobody can read it any more.
    quint64 receiveBody(const BodyStreamPtr &stream);
    void checkHung();
    // Any thread: the task runs as a new event of `invocation` (its own CPU limit).
    void postEvent(std::shared_ptr<InvocationContext> invocation, Task task);
    void deliverWebSocket(quint64 key, const WebSocketMessage &message, bool gone);
    // The Worker's end of socket `key` is closed both ways: it no longer keeps its Invocation.
    void webSocketFinished(quint64 key);
    // A WebSocket in a fetch-shaped binding's response, for the current Invocation: its key.
    quint64 receiveWebSocket(const WebSocketChannelPtr &channel);
    // An outbound WebSocket the current Invocation fetched: its key, or 0 (the upstream is closed).
    quint64 adoptOutboundWebSocket(const std::shared_ptr<InvocationContext> &invocation,
                                   const WebSocketChannelPtr &channel);
    // Messages and the end of `channel` become events of `invocation` on this Instance.
    void attachWorkerSide(const WebSocketChannelPtr &channel,
                          const std::shared_ptr<InvocationContext> &invocation, quint64 key);
    void die(Outcome outcome, const QString &message);
    void fail(const std::shared_ptr<InvocationContext> &invocation, Outcome outcome,
              const QString &name, const QString &message);
    // The response (or failure) is ready: calls `done`, then waits for waitUntil() work unless
    // `terminal` (a limit ended everything) or there is none.
    void respond(const std::shared_ptr<InvocationContext> &invocation, InvocationResult result,
                 bool terminal = false);
    // The end of the Invocation: calls `finished`. An `outcome` replaces the response's.
    void finalize(const std::shared_ptr<InvocationContext> &invocation,
                  std::optional<Outcome> outcome = std::nullopt, const QString &name = {},
                  const QString &message = {});
    // Releases what an ended Invocation held in this isolate; its pending promises stay with the
    // Instance, since another request may await them.
    void release(InvocationContext &invocation);
    void recordException(v8::Local<v8::Value> exception, QString *name, QString *message);
    std::shared_ptr<InvocationContext> active(quint64 id) const;

    EngineCore &m_core;
    const ScriptSource m_source;
    std::unique_ptr<Isolate> m_isolate;
    std::unique_ptr<ModuleLoader> m_modules;
    v8::Global<v8::Context> m_context;
    v8::Global<v8::Object> m_internals;
    v8::Global<v8::Object> m_exports; // the module Worker's default export
    ContextHooks m_hooks;
    // The env object of the last Invocation and the descriptors it was made from.
    v8::Global<v8::Value> m_env;
    QVariantList m_envDescriptors;
    State m_state = State::New;
    QString m_failure; // why initialize() failed (State::Failed)
    QString m_failureName;
    Outcome m_deathOutcome = Outcome::Exception;
    QString m_deathMessage;
    qint64 m_sliceStartNs = 0;
    // The longest recent slice: set by a longer one, halved by every slice after it, so a Worker
    // that stops spinning is back on the short lane after a few requests.
    std::atomic<qint64> m_recentSliceNs = 0;
    int m_slicesRun = 0; // of Invocations
    qint64 m_lastYieldNs = 0; // this thread's CPU clock when the slice started or last yielded
    std::atomic_bool m_dead = false;

    std::mutex m_queueMutex;
    std::deque<Queued> m_queue;
    bool m_scheduled = false;
    // Eviction state, written under m_queueMutex (m_idle and m_lastUsedNs are also read without
    // it). m_countedBytes is what this Instance counts in the engine's memory total: its heap's
    // committed pages plus its binary data, measured at the end of a turn.
    bool m_evicted = false;
    bool m_trimmed = false; // since the last turn that ran something else
    std::atomic_bool m_idle = false;
    std::atomic<qint64> m_lastUsedNs = 0;
    qint64 m_countedBytes = 0;
    qint64 m_measuredAtNs = 0;

    Executor *m_executor = nullptr;
    std::shared_ptr<InvocationContext> m_current;
    std::map<quint64, std::shared_ptr<InvocationContext>> m_active;
    TimerQueue m_timers;
    quint64 m_timerWatch = 0; // the watchdog deadline of the earliest timer, 0: none
    Watchdog::Clock::time_point m_timerWatchAt = Watchdog::Clock::time_point::max();
    // Promises of ended Invocations still waiting for their I/O: settled as they were, since a
    // later request may await one (a promise kept in a global).
    std::map<quint64, v8::Global<v8::Promise::Resolver>> m_orphans;
    quint64 m_nextPending = 0;
    quint64 m_nextFetched = 0; // keys of kept responses
    // Streamed bodies received from other Workers, by the key their JS stream reads them with,
    // and the Invocation that received them: canceled when it ends without handing them on.
    struct ReceivedBody
    {
        BodyStreamPtr stream;
        quint64 owner = 0;
    };
    std::map<quint64, ReceivedBody> m_bodiesIn;
    quint64 m_nextBody = 0;
    // WebSockets by key: `local` ones this Instance's Workers answered with (the Worker holds the
    // other end, `owner` is the Invocation they keep alive once `coupled`) or fetched from an
    // upstream (`outbound`: closed when `owner` ends), the others received in a binding's
    // response by Invocation `owner`, until it hands them on or ends.
    struct OpenSocket
    {
        WebSocketChannelPtr channel;
        quint64 owner = 0;
        bool local = true;
        bool coupled = false;
        bool outbound = false;
        // An outbound socket whose upstream closed: kept until its Invocation ends, so a close
        // the Worker sends back later still reaches the upstream.
        bool finished = false;
    };
    std::map<quint64, OpenSocket> m_sockets;
    quint64 m_nextSocket = 0;
    // The binding kinds of m_envDescriptors, shared by the Invocations that use that env.
    std::shared_ptr<const BindingKinds> m_envKinds;
};

} // namespace switchyard::engine
