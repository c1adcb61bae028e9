#pragma once

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
    const LimitsPolicy &limits() const;

    // Any thread. `invocation` is who the task's CPU time is billed to (null: the Instance).
    void post(std::shared_ptr<InvocationContext> invocation, Task task);
    void startInvocation(std::shared_ptr<InvocationContext> invocation);
    // Executor thread: one turn.
    void run(Executor &executor);
    // The wall-clock deadline passed (watchdog thread): the Invocation ends as canceled.
    void expire(std::shared_ptr<InvocationContext> invocation);
    // Engine shutdown, with no executor left: ends every Invocation still waiting.
    void shutdown();

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

private:
    struct Queued
    {
        std::shared_ptr<InvocationContext> invocation;
        Task task;
        bool start = false;
        bool timers = false; // fire the timers that are due
    };
    enum class State { New, Ready, Failed };

    void initialize(const QVariantList &firstEnv);
    void runSlice(const std::shared_ptr<InvocationContext> &invocation, const Task &task);
    // The watchdog's yield interrupt (long lane): sleeps while short work runs.
    static void yieldInterrupt(v8::Isolate *isolate, void *);
    void yieldToShortWork();
    void deliver(const std::shared_ptr<InvocationContext> &invocation);
    void deliverOrFail(const std::shared_ptr<InvocationContext> &invocation);
    // settled(invocationId, value, fulfilled), called by m_watch's promise reactions.
    bool makeWatch(v8::Local<v8::Context> context, v8::Local<v8::Object> internals);
    static void settledCallback(const v8::FunctionCallbackInfo<v8::Value> &info);
    void onSettled(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled);
    bool watchWaitUntil(const std::shared_ptr<InvocationContext> &invocation);
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
    void checkHung();
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
    v8::Global<v8::Function> m_watch; // (result, invocationId, fetchEvent): see makeWatch
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
    // The binding kinds of m_envDescriptors, shared by the Invocations that use that env.
    std::shared_ptr<const BindingKinds> m_envKinds;
};

} // namespace switchyard::engine
