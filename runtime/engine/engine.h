#pragma once

#include "bindinghost.h"
#include "invocation.h"
#include "limits.h"
#include "outboundfetch.h"
#include "script.h"

#include <QJsonArray>
#include <QVariantList>

#include <memory>

namespace switchyard::engine {

class V8Platform;
class EngineCore;

// A quarter of the physical memory, or of the cgroup's limit when that is lower: the default
// EngineConfig::memoryBudgetBytes.
qint64 defaultMemoryBudgetBytes();

// The engine's configuration; its limits (heapLimitBytes, defaultCpuMs, ...) are the
// LimitsPolicy it is, so every limit is set and read in one place.
struct EngineConfig : LimitsPolicy
{
    // Per lane (Scheduler). 0: one per core, at least 2, so one spinning Worker can't stall all.
    int executorThreads = 0;
    // Isolates with the prelude already evaluated, kept ready on a background thread so a new
    // Instance starts without that cost (each is used by one Instance only). 0: none.
    int warmContexts = 2;
    // New isolates deserialize a context with the prelude built and compiled (a V8 startup
    // snapshot made when the Engine starts) instead of evaluating it. Off only to measure it.
    bool startupSnapshot = true;
    // CPU limits are enforced by per-executor kernel timers (CpuTimer). Off, or with
    // SWITCHYARD_CPU_TIMERS=0 in the environment, the watchdog polls executors' CPU clocks
    // instead; only to measure one against the other.
    bool cpuTimers = true;
    // Each new Instance runs js/warmup.js in its context before the Worker's code, on its start-up
    // clock: a snapshot's functions come without their inline caches, so otherwise the Worker's
    // first request pays for warming them. Off only to measure it.
    bool warmUpInstances = true;
    // Where prelude.txt and the files it lists live; tests point this at a stand-in prelude.
    QString preludeDir = QStringLiteral(":/switchyard/js/");
    // Idle Instances are evicted, least recently used first, while the memory Instances count
    // (their heap's committed pages and their binary data) is above this. 0: a quarter of the
    // physical memory (defaultMemoryBudgetBytes()). Instances with work in flight are never
    // evicted, so the budget can be exceeded while they run.
    qint64 memoryBudgetBytes = 0;
    // An Instance with nothing in flight for this long is evicted. 0: never for idling alone.
    qint64 idleTimeoutMs = 5 * 60 * 1000;
    // An Instance idle this long gets one full garbage collection that hands its free pages back
    // to the system (~0.12 MiB of a trivial Worker's 1.6, for ~2 ms of executor time off any
    // tenant's bill), at most trimsPerPass a second and only while the short lane is quiet.
    // 0: never.
    qint64 trimAfterIdleMs = 10 * 1000;
    int trimsPerPass = 32;
    // What Workers' fetch() may connect to; shared, so the app can add its listeners once bound.
    // The default refuses loopback and private networks.
    OutboundPolicyPtr outboundPolicy = std::make_shared<OutboundPolicy>();
};

// The Worker runtime: executor threads that run Instances, a watchdog that enforces limits, and
// the entry points that deliver events. Thread-safe; callbacks arrive on engine threads.
class Engine
{
public:
    explicit Engine(V8Platform &platform, EngineConfig config = {});
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    const EngineConfig &config() const;
    // Non-null when the prelude could not be read (every Invocation then fails).
    QString preludeError() const;

    // Parses and links without running any Worker code (uploads are validated with it). Runs on
    // the calling thread.
    ScriptError check(const ScriptSource &source);
    // check() and, when it passes, a Script to invoke; null with *error set otherwise.
    ScriptPtr compile(const ScriptSource &source, ScriptError *error = nullptr);

    // `env` is the list of binding descriptors of CONTRACT.md (QVariantMaps). Returns the
    // Invocation's id (also InvocationResult::invocationId).
    //
    // `done` is called as soon as the Response (or the failure) is ready, so a client never waits
    // for background work. The Invocation then lives on until the promises given to
    // ctx.waitUntil() settle, bounded by the wall limit (at most 30 s after the response) and by
    // its CPU limit; when that is over, `finished` (if any) gets the final result: the same
    // response, all logs and exceptions (a rejected waitUntil() promise adds one), the total
    // times, and the outcome (a limit hit after the response replaces "ok"). `host` must stay
    // valid until `finished` was called or, without `finished`, until `done` was: waitUntil()
    // work then runs without bindings and what it logs is dropped.
    quint64 invokeFetch(const ScriptPtr &script, RequestData request, QVariantList env,
                        Limits limits, BindingHost *host, InvocationCallback done,
                        InvocationCallback finished = {});
    // Calls `tail(events, env, ctx)` with `events` the JSON TraceItems; callbacks as above.
    quint64 invokeTail(const ScriptPtr &script, QJsonArray events, QVariantList env, Limits limits,
                       BindingHost *host, InvocationCallback done,
                       InvocationCallback finished = {});

    // The next Invocation of `script` gets a fresh Instance; Invocations in flight finish on the
    // old one.
    void dropInstance(const ScriptPtr &script);
    int instanceCount() const;
    // Instance objects alive, including replaced and discarded ones not yet destroyed.
    int liveInstances() const;
    // Isolates alive in the process: every Instance's, the warm pool's and check()'s.
    static int liveIsolates();
    // What live Instances count against memoryBudgetBytes (see EngineConfig), the budget, and
    // how many Instances were evicted so far. Any thread.
    qint64 memoryUsedBytes() const;
    qint64 memoryBudgetBytes() const;
    quint64 evictions() const;
    // Idle Instances trimmed so far (EngineConfig::trimAfterIdleMs).
    quint64 trims() const;
    // Slices ended by their executor's CPU timer; the rest of the CPU-limit kills came from the
    // watchdog polling an executor the kernel gave no timers. Any thread.
    quint64 cpuTimerKills() const;

private:
    std::unique_ptr<EngineCore> d;
};

} // namespace switchyard::engine
