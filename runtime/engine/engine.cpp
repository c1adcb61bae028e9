#include "engine.h"

#include "cputime.h"
#include "enginecore.h"
#include "instance.h"
#include "invocationcontext.h"
#include "isolate.h"
#include "logging.h"
#include "modules.h"

#include <QThread>

#include <algorithm>

#include <v8-context.h>
#include <v8-isolate.h>
#include <v8-locker.h>

namespace switchyard::engine {

namespace {
EngineConfig normalised(EngineConfig config)
{
    if (config.executorThreads <= 0)
        config.executorThreads = std::max(2, QThread::idealThreadCount());
    if (config.memoryBudgetBytes <= 0)
        config.memoryBudgetBytes = defaultMemoryBudgetBytes();
    return config;
}
} // namespace

EngineCore::EngineCore(V8Platform &platform, EngineConfig config)
    : platform(platform), config(normalised(std::move(config)))
{
    prelude = loadPrelude(this->config.preludeDir, &preludeError);
    if (!preludeError.isNull())
        qCWarning(lcEngine).noquote() << "no Web APIs for Workers:" << preludeError;
    else
        preludeRunner = std::make_unique<PreludeRunner>(
                prelude, loadWarmup(this->config.preludeDir), this->config.heapLimitBytes,
                this->config.startupSnapshot);
    const bool cpuTimers
            = this->config.cpuTimers && qEnvironmentVariable("SWITCHYARD_CPU_TIMERS") != u"0";
    watchdog
            = std::make_unique<Watchdog>(2 * this->config.executorThreads, cpuTimers); // both lanes
    scheduler = std::make_unique<Scheduler>(this->config.executorThreads);
    if (preludeRunner && this->config.warmContexts > 0)
        warmPool = std::make_unique<WarmPool>(*this, this->config.warmContexts);
    evictor = std::make_unique<Evictor>(*this, this->config.memoryBudgetBytes,
                                        this->config.idleTimeoutMs, this->config.trimAfterIdleMs);
    releases->core = this;
}

EngineCore::~EngineCore()
{
    {
        std::lock_guard lock(releases->mutex);
        releases->core = nullptr;
    }
    evictor->stop();
    warmPool.reset();
    watchdog->terminateAll();
    scheduler->stop();
    std::vector<std::shared_ptr<Instance>> live;
    {
        std::lock_guard lock(instancesMutex);
        for (const Slot &slot : std::as_const(instances))
            live.push_back(slot.instance);
        for (const auto &weak : everyInstance) {
            if (auto instance = weak.lock())
                live.push_back(instance);
        }
        instances.clear();
        everyInstance.clear();
    }
    for (const auto &instance : live)
        instance->shutdown();
    live.clear();
    if (checkIsolate) {
        std::lock_guard lock(checkMutex);
        {
            v8::Locker locker(checkIsolate->get());
            v8::Isolate::Scope isolateScope(checkIsolate->get());
            checkContext.Reset();
        }
        checkIsolate.reset();
    }
    scheduler.reset();
    watchdog.reset();
}

std::shared_ptr<Instance> EngineCore::instanceFor(const ScriptPtr &script)
{
    std::lock_guard lock(instancesMutex);
    // Scripts the platform let go of take their Instances with them, a few at a time.
    if (++invocationsSincePurge >= 256) {
        invocationsSincePurge = 0;
        for (auto it = instances.begin(); it != instances.end();) {
            if (it->script.expired()) {
                scheduler->retire(std::move(it->instance));
                it = instances.erase(it);
            } else {
                ++it;
            }
        }
        std::erase_if(everyInstance, [](const auto &weak) { return weak.expired(); });
    }
    Slot &slot = instances[script->id()];
    if (!slot.instance || slot.instance->isDead()) {
        if (slot.instance)
            scheduler->retire(std::move(slot.instance));
        slot.script = script;
        slot.instance = std::make_shared<Instance>(*this, script);
        everyInstance.push_back(slot.instance);
    }
    return slot.instance;
}

void EngineCore::forget(const Instance *instance)
{
    std::lock_guard lock(instancesMutex);
    for (auto it = instances.begin(); it != instances.end(); ++it) {
        if (it->instance.get() == instance) {
            scheduler->retire(std::move(it->instance));
            instances.erase(it);
            return;
        }
    }
}

int EngineCore::evictIdle(qint64 targetBytes, qint64 idleBeforeNs)
{
    struct Candidate
    {
        qint64 lastUsedNs;
        quint64 scriptId;
        std::shared_ptr<Instance> instance;
    };
    std::vector<Candidate> candidates;
    {
        std::lock_guard lock(instancesMutex);
        candidates.reserve(size_t(instances.size()));
        for (auto it = instances.cbegin(); it != instances.cend(); ++it) {
            if (it->instance && it->instance->looksIdle())
                candidates.push_back({it->instance->lastUsedNs(), it.key(), it->instance});
        }
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate &a, const Candidate &b) { return a.lastUsedNs < b.lastUsedNs; });
    int evicted = 0;
    for (Candidate &candidate : candidates) {
        const bool stale = candidate.lastUsedNs < idleBeforeNs;
        if (!stale && evictor->usedBytes() <= targetBytes)
            break; // the rest were used later
        std::lock_guard lock(instancesMutex);
        auto it = instances.find(candidate.scriptId);
        // Replaced meanwhile, or busy again: Instance::evict() decides under its queue's lock.
        if (it == instances.end() || it->instance != candidate.instance
            || !candidate.instance->evict())
            continue;
        qCDebug(lcEngine) << "evicted the instance of" << candidate.instance->name()
                          << (stale ? "(idle)" : "(memory budget)");
        scheduler->retire(std::move(it->instance));
        instances.erase(it);
        evictor->evicted();
        ++evicted;
    }
    // Trimming costs an executor a full collection per Instance: only while short work is not
    // waiting for executors, oldest first, a bounded number a pass.
    if (config.trimAfterIdleMs > 0 && !scheduler->shortLaneBusy()) {
        const qint64 trimBefore = monotonicNowNs() - config.trimAfterIdleMs * 1'000'000;
        int trimmed = 0;
        for (const Candidate &candidate : candidates) {
            if (trimmed >= config.trimsPerPass || candidate.lastUsedNs >= trimBefore)
                break;
            if (candidate.instance->trim()) {
                evictor->trimmed();
                ++trimmed;
            }
        }
    }
    // An isolate is disposed of on an executor, not here: one evicted or released meanwhile may
    // be held by nothing else now.
    for (Candidate &candidate : candidates) {
        if (candidate.instance.use_count() == 1)
            scheduler->retire(std::move(candidate.instance));
    }
    return evicted;
}

void EngineCore::released(quint64 scriptId)
{
    std::lock_guard lock(instancesMutex);
    auto it = instances.find(scriptId);
    if (it == instances.end() || !it->script.expired())
        return;
    scheduler->retire(std::move(it->instance));
    instances.erase(it);
}

void EngineCore::watchWall(const std::shared_ptr<Instance> &instance,
                           const std::shared_ptr<InvocationContext> &invocation)
{
    std::weak_ptr<Instance> weakInstance = instance;
    std::weak_ptr<InvocationContext> weakInvocation = invocation;
    invocation->wallWatch = watchdog->addDeadline(invocation->wallDeadline, [=] {
        auto instance = weakInstance.lock();
        auto invocation = weakInvocation.lock();
        if (instance && invocation)
            instance->expire(invocation);
    });
}

quint64 EngineCore::start(const ScriptPtr &script, std::shared_ptr<InvocationContext> invocation,
                          const Limits &limits)
{
    invocation->id = ++nextId;
    invocation->wall.start();
    invocation->script = script;
    // The one place an Invocation's limits are decided; its InvocationContext enforces them.
    invocation->budget = config.budget(limits);
    invocation->wallDeadline
            = Watchdog::Clock::now() + std::chrono::milliseconds(invocation->budget.wallMs);
    if (!script) {
        InvocationResult result;
        result.invocationId = invocation->id;
        result.outcome = Outcome::ScriptNotFound;
        result.errorName = QStringLiteral("Error");
        result.error = QStringLiteral("Worker not found.");
        if (invocation->done)
            invocation->done(result);
        if (invocation->finished)
            invocation->finished(result);
        return invocation->id;
    }
    const quint64 id = invocation->id;
    for (;;) {
        std::shared_ptr<Instance> instance = instanceFor(script);
        invocation->instance = instance;
        watchWall(instance, invocation);
        if (instance->startInvocation(invocation))
            return id;
        // Evicted between the lookup and now; its slot went with it, so the next lookup makes a
        // fresh Instance.
        qCDebug(lcEngine) << "the instance of" << instance->name()
                          << "was evicted as a request came; starting a fresh one";
        watchdog->removeDeadline(invocation->wallWatch);
        invocation->instance.reset();
    }
}

Engine::Engine(V8Platform &platform, EngineConfig config)
    : d(std::make_unique<EngineCore>(platform, std::move(config)))
{ }

Engine::~Engine() = default;

const EngineConfig &Engine::config() const
{
    return d->config;
}

QString Engine::preludeError() const
{
    return d->preludeError;
}

ScriptError Engine::check(const ScriptSource &source)
{
    const QByteArray digest = CheckedSources::digest(source);
    std::lock_guard lock(d->checkMutex);
    if (d->checked.contains(digest))
        return {};
    if (!d->checkIsolate)
        d->checkIsolate = std::make_unique<Isolate>(d->config.heapLimitBytes);
    v8::Isolate *iso = d->checkIsolate->get();
    v8::Locker locker(iso);
    v8::Isolate::Scope isolateScope(iso);
    v8::HandleScope handles(iso);
    if (d->checkContext.IsEmpty())
        d->checkContext.Reset(iso, v8::Context::New(iso));
    v8::Local<v8::Context> context = d->checkContext.Get(iso);
    v8::Context::Scope contextScope(context);
    ModuleLoader loader(iso);
    ScriptError error;
    if (loader.load(context, source, &error))
        d->checked.insert(digest);
    return error;
}

ScriptPtr Engine::compile(const ScriptSource &source, ScriptError *error)
{
    ScriptError problem = check(source);
    if (error)
        *error = problem;
    if (!problem.isNull())
        return nullptr;
    // Without its Script nothing can invoke the Instance again: it is discarded at once, not when
    // some later request happens to look.
    std::weak_ptr<EngineCore::Releases> releases = d->releases;
    return ScriptPtr(new Script(++d->nextId, source), [releases](const Script *script) {
        const quint64 id = script->id();
        delete script;
        if (auto owner = releases.lock()) {
            std::lock_guard lock(owner->mutex);
            if (owner->core)
                owner->core->released(id);
        }
    });
}

// What every kind of event shares; the caller adds its event.
static std::shared_ptr<InvocationContext> newInvocation(InvocationContext::Kind kind,
                                                        QVariantList env, BindingHost *host,
                                                        InvocationCallback done,
                                                        InvocationCallback finished)
{
    auto invocation = std::make_shared<InvocationContext>();
    invocation->kind = kind;
    invocation->env = std::move(env);
    invocation->host = host;
    invocation->done = std::move(done);
    invocation->finished = std::move(finished);
    return invocation;
}

quint64 Engine::invokeFetch(const ScriptPtr &script, RequestData request, QVariantList env,
                            Limits limits, BindingHost *host, InvocationCallback done,
                            InvocationCallback finished)
{
    auto invocation = newInvocation(InvocationContext::Kind::Fetch, std::move(env), host,
                                    std::move(done), std::move(finished));
    invocation->request = std::move(request);
    return d->start(script, std::move(invocation), limits);
}

quint64 Engine::invokeTail(const ScriptPtr &script, QJsonArray events, QVariantList env,
                           Limits limits, BindingHost *host, InvocationCallback done,
                           InvocationCallback finished)
{
    auto invocation = newInvocation(InvocationContext::Kind::Tail, std::move(env), host,
                                    std::move(done), std::move(finished));
    invocation->events = std::move(events);
    return d->start(script, std::move(invocation), limits);
}

void Engine::dropInstance(const ScriptPtr &script)
{
    if (!script)
        return;
    std::lock_guard lock(d->instancesMutex);
    auto it = d->instances.find(script->id());
    if (it == d->instances.end())
        return;
    d->scheduler->retire(std::move(it->instance));
    d->instances.erase(it);
}

int Engine::instanceCount() const
{
    std::lock_guard lock(d->instancesMutex);
    return int(d->instances.size());
}

int Engine::liveInstances() const
{
    return d->liveInstances.load();
}

qint64 Engine::memoryUsedBytes() const
{
    return d->evictor->usedBytes();
}

qint64 Engine::memoryBudgetBytes() const
{
    return d->evictor->budgetBytes();
}

quint64 Engine::evictions() const
{
    return d->evictor->evictions();
}

quint64 Engine::trims() const
{
    return d->evictor->trims();
}

quint64 Engine::cpuTimerKills() const
{
    return d->watchdog->timerKills();
}

int Engine::liveIsolates()
{
    return Isolate::liveCount();
}

} // namespace switchyard::engine
