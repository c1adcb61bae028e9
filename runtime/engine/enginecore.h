#pragma once

#include "checkedsources.h"
#include "engine.h"
#include "evictor.h"
#include "prelude.h"
#include "scheduler.h"
#include "warmpool.h"
#include "watchdog.h"

#include <QHash>

#include <atomic>
#include <memory>
#include <mutex>

namespace switchyard::engine {

class Instance;
class Isolate;
class InvocationContext;

// What Engine, Instances and natives share: configuration, prelude, threads, and the map from
// Script to its current Instance. Engine's private half.
class EngineCore
{
public:
    EngineCore(V8Platform &platform, EngineConfig config);
    ~EngineCore();

    std::shared_ptr<Instance> instanceFor(const ScriptPtr &script);
    // An Instance that must not take new Invocations (spent heap, dropped script).
    void forget(const Instance *instance);
    // The last reference to a Script went (any thread): its Instance goes with it.
    void released(quint64 scriptId);
    // Evicts idle Instances, least recently used first, while the memory they count is above
    // `targetBytes` or their last turn ended before `idleBeforeNs` (monotonicNowNs). Returns how
    // many went.
    int evictIdle(qint64 targetBytes, qint64 idleBeforeNs);
    quint64 start(const ScriptPtr &script, std::shared_ptr<InvocationContext> invocation,
                  const Limits &limits);
    // Arms the watchdog for invocation->wallDeadline (sets invocation->wallWatch).
    void watchWall(const std::shared_ptr<Instance> &instance,
                   const std::shared_ptr<InvocationContext> &invocation);

    V8Platform &platform;
    const EngineConfig config;
    QList<PreludeFile> prelude;
    QString preludeError;
    std::unique_ptr<PreludeRunner> preludeRunner; // set when the prelude was read
    std::unique_ptr<WarmPool> warmPool; // null: Instances prepare their own contexts
    std::atomic<quint64> nextId = 0;

    std::unique_ptr<Watchdog> watchdog;
    std::unique_ptr<Scheduler> scheduler;

    // check() runs on callers' threads, one at a time, in this isolate.
    std::mutex checkMutex;
    std::unique_ptr<Isolate> checkIsolate;
    // Reused by every check(): compiling and linking modules runs no code in it.
    v8::Global<v8::Context> checkContext;
    CheckedSources checked;

    mutable std::mutex instancesMutex;
    struct Slot
    {
        std::weak_ptr<const Script> script;
        std::shared_ptr<Instance> instance;
    };
    QHash<quint64, Slot> instances;
    // Including replaced ones still finishing Invocations: shutdown must end those too.
    std::vector<std::weak_ptr<Instance>> everyInstance;
    int invocationsSincePurge = 0;
    std::atomic_int liveInstances = 0;
    // Counts Instances' memory against the budget and evicts idle ones; made last, stopped
    // first.
    std::unique_ptr<Evictor> evictor;

    // What a Script's deleter reaches: closed before the engine goes, so a Script outliving it
    // (the platform may hold one) finds nobody to tell.
    struct Releases
    {
        std::mutex mutex;
        EngineCore *core = nullptr;
    };
    std::shared_ptr<Releases> releases = std::make_shared<Releases>();
};

} // namespace switchyard::engine
