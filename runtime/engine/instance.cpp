#include "instance.h"

#include "outboundwebsocket.h"

#include "bindingbridge.h"
#include "bindinghost.h"
#include "cputime.h"
#include "enginecore.h"
#include "executor.h"
#include "isolate.h"
#include "limits.h"
#include "logging.h"
#include "natives.h"
#include "valueconvert.h"
#include "warmpool.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>

#include <v8-container.h>
#include <v8-exception.h>
#include <v8-external.h>
#include <v8-isolate.h>
#include <v8-json.h>
#include <v8-locker.h>
#include <v8-microtask-queue.h>
#include <v8-object.h>
#include <v8-script.h>
#include <v8-statistics.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace switchyard::engine {

namespace {
constexpr int tasksPerTurn = 32;
// deliverWebSocket() of a socket whose Invocation ended: its Worker end is dropped, no event.
constexpr int kForgetWebSocket = -1;
constexpr int coldSlices = 4; // see runSlice
constexpr qint64 measureEveryNs = 5'000'000;

v8::MaybeLocal<v8::Value> callMember(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                                     const char *name, std::vector<v8::Local<v8::Value>> args)
{
    v8::Isolate *isolate = context->GetIsolate();
    v8::Local<v8::Value> function = getProperty(context, object, name);
    if (function.IsEmpty())
        return {};
    if (!function->IsFunction()) {
        isolate->ThrowException(v8::Exception::TypeError(toV8String(
                isolate,
                QStringLiteral("internals.%1 is not a function").arg(QLatin1String(name)))));
        return {};
    }
    return function.As<v8::Function>()->Call(context, object, int(args.size()), args.data());
}

// What a refused binding call throws: an Error, or the JavaScript error class the Worker on the
// other side threw (workerd keeps the class of an exception that crosses a Fetcher).
v8::Local<v8::Value> bindingError(v8::Isolate *isolate, const BindingResult &result)
{
    const v8::Local<v8::String> message = toV8String(isolate, result.error);
    const QString &name = result.errorName;
    if (name == QLatin1String("TypeError"))
        return v8::Exception::TypeError(message);
    if (name == QLatin1String("RangeError"))
        return v8::Exception::RangeError(message);
    if (name == QLatin1String("ReferenceError"))
        return v8::Exception::ReferenceError(message);
    if (name == QLatin1String("SyntaxError"))
        return v8::Exception::SyntaxError(message);
    if (name == QLatin1String("EvalError") || name == QLatin1String("URIError")) {
        // Not in V8's API: made by the context's own constructor.
        v8::TryCatch guard(isolate);
        v8::Local<v8::Context> context = isolate->GetCurrentContext();
        v8::Local<v8::Value> ctor
                = getProperty(context, context->Global(),
                              name == QLatin1String("EvalError") ? "EvalError" : "URIError");
        v8::Local<v8::Value> args[] = {message};
        v8::Local<v8::Object> made;
        if (!ctor.IsEmpty() && ctor->IsFunction()
            && ctor.As<v8::Function>()->NewInstance(context, 1, args).ToLocal(&made))
            return made;
    }
    return v8::Exception::Error(message);
}
} // namespace

Instance::Instance(EngineCore &core, const ScriptPtr &script)
    : m_core(core), m_source(script->source()), m_timers(core.config.maxLiveTimers)
{
    ++m_core.liveInstances;
}

Instance::~Instance()
{
    --m_core.liveInstances;
    if (m_core.evictor)
        m_core.evictor->account(-m_countedBytes);
    if (m_timerWatch && m_core.watchdog)
        m_core.watchdog->removeDeadline(m_timerWatch);
    if (!m_isolate)
        return;
    {
        v8::Locker locker(m_isolate->get());
        v8::Isolate::Scope scope(m_isolate->get());
        m_timers.clear();
        for (const auto &[id, invocation] : m_active) {
            if (auto body = invocation->bodyOut.lock())
                body->fail(QLatin1String(messages::shutdown));
            invocation->dropHandles();
        }
        for (auto &[key, body] : m_bodiesIn)
            body.stream->cancel();
        m_bodiesIn.clear();
        m_orphans.clear();
        m_hooks.reset();
        m_env.Reset();
        m_internals.Reset();
        m_exports.Reset();
        m_modules.reset();
        m_context.Reset();
    }
    m_isolate.reset();
}

v8::Isolate *Instance::isolate() const
{
    return m_isolate->get();
}

const LimitsPolicy &Instance::limits() const
{
    return m_core.config;
}

void Instance::post(std::shared_ptr<InvocationContext> invocation, Task task)
{
    bool schedule = false;
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.push_back({std::move(invocation), std::move(task), false});
        schedule = !std::exchange(m_scheduled, true);
    }
    if (schedule)
        m_core.scheduler->schedule(shared_from_this());
}

bool Instance::startInvocation(const std::shared_ptr<InvocationContext> &invocation)
{
    bool schedule = false;
    {
        std::lock_guard lock(m_queueMutex);
        if (m_evicted)
            return false;
        InvocationContext *raw = invocation.get();
        m_queue.push_back({invocation, [this, raw] { deliverOrFail(active(raw->id)); }, true});
        schedule = !std::exchange(m_scheduled, true);
    }
    if (schedule)
        m_core.scheduler->schedule(shared_from_this());
    return true;
}

bool Instance::evict()
{
    std::lock_guard lock(m_queueMutex);
    if (m_evicted || m_scheduled || !m_queue.empty() || !m_idle.load())
        return false;
    m_evicted = true;
    m_idle = false;
    m_core.evictor->account(-std::exchange(m_countedBytes, 0));
    return true;
}

bool Instance::trim()
{
    {
        std::lock_guard lock(m_queueMutex);
        if (m_trimmed || m_evicted || m_scheduled || !m_queue.empty() || !m_idle.load())
            return false;
        m_trimmed = true;
        Queued item;
        item.trim = true;
        m_queue.push_back(std::move(item));
        m_scheduled = true;
    }
    m_core.scheduler->schedule(shared_from_this());
    return true;
}

void Instance::expire(std::shared_ptr<InvocationContext> invocation)
{
    InvocationContext *raw = invocation.get();
    post(std::move(invocation), [this, raw] {
        auto invocation = active(raw->id);
        // A deadline replaced (the waitUntil() phase got its own) may fire just before removal.
        if (invocation && Watchdog::Clock::now() >= invocation->wallDeadline)
            fail(invocation, Outcome::Canceled, QStringLiteral("Error"),
                 QLatin1String(messages::wallExceeded));
    });
}

std::shared_ptr<InvocationContext> Instance::active(quint64 id) const
{
    auto it = m_active.find(id);
    return it == m_active.end() ? nullptr : it->second;
}

void Instance::run(Executor &executor)
{
    auto self = shared_from_this(); // outlives the Locker below even if the engine forgets us
    bool busy = true;
    bool used = false; // ran anything but a trim
    bool trimmed = false;
    qint64 measured = -1;
    qint64 now = 0;
    std::unique_ptr<WarmContext> warm;
    if (!m_isolate) {
        warm = m_core.warmPool ? m_core.warmPool->take() : nullptr;
        m_isolate = warm ? std::move(warm->isolate)
                : m_core.preludeRunner
                ? m_core.preludeRunner->newIsolate(m_core.config.heapLimitBytes)
                : std::make_unique<Isolate>(m_core.config.heapLimitBytes);
    }
    {
        v8::Locker locker(isolate());
        v8::Isolate::Scope isolateScope(isolate());
        v8::HandleScope handles(isolate());
        if (warm) {
            m_context = std::move(warm->context);
            m_internals = std::move(warm->internals);
            m_hooks = std::move(warm->hooks);
            warm.reset();
        }
        m_executor = &executor;
        if (m_state == State::New && !m_dead) {
            // A service-worker script sees its bindings as globals while it loads (workerd does
            // the same); env comes with Invocations, so the first one waiting provides it.
            QVariantList firstEnv;
            {
                std::lock_guard lock(m_queueMutex);
                for (const Queued &queued : m_queue) {
                    if (queued.start) {
                        firstEnv = queued.invocation->env;
                        break;
                    }
                }
            }
            initialize(firstEnv);
        }
        for (int turn = 0; turn < tasksPerTurn; ++turn) {
            Queued item;
            {
                std::lock_guard lock(m_queueMutex);
                if (m_queue.empty())
                    break;
                item = std::move(m_queue.front());
                m_queue.pop_front();
            }
            if (item.trim) {
                // The heap's committed size is what eviction counts; V8 shrinks it on this only.
                if (!m_dead && m_state == State::Ready) {
                    isolate()->MemoryPressureNotification(v8::MemoryPressureLevel::kCritical);
                    trimmed = true;
                }
                continue;
            }
            used = true;
            if (item.start) // registered before anything can fail it
                m_active.emplace(item.invocation->id, item.invocation);
            if (item.event && item.invocation)
                item.invocation->eventCpuBaseNs = item.invocation->cpuNs;
            if (item.timers) {
                if (!m_dead && m_state == State::Ready)
                    fireDueTimers();
                continue;
            }
            if (m_dead) {
                if (item.start)
                    fail(item.invocation, m_deathOutcome, QStringLiteral("Error"), m_deathMessage);
                continue;
            }
            if (m_state == State::Failed) {
                if (item.start)
                    fail(item.invocation, Outcome::Exception, m_failureName, m_failure);
                continue;
            }
            runSlice(item.invocation, item.task);
        }
        m_executor = nullptr;
        now = monotonicNowNs();
        busy = !m_active.empty() || !m_timers.empty() || !m_orphans.empty();
        // Memory is read at most every few milliseconds: it changes slowly, and a hot Instance
        // is the last one eviction would pick anyway.
        if (trimmed || now - m_measuredAtNs >= measureEveryNs) {
            m_measuredAtNs = now;
            v8::HeapStatistics heap;
            isolate()->GetHeapStatistics(&heap);
            measured = qint64(heap.total_physical_size()) + m_isolate->binaryBytes();
        }
    }
    bool again = false;
    {
        std::lock_guard lock(m_queueMutex);
        again = !m_queue.empty();
        if (!again)
            m_scheduled = false;
        // Stable while nothing is scheduled: all that changes it runs in a turn.
        m_idle = !again && !busy && !m_dead;
        if (used) {
            m_lastUsedNs = now;
            m_trimmed = false;
        }
        if (measured >= 0 && !m_evicted) {
            m_core.evictor->account(measured - m_countedBytes);
            m_countedBytes = measured;
        }
    }
    if (again)
        m_core.scheduler->schedule(self);
}

void Instance::initialize(const QVariantList &firstEnv)
{
    v8::Isolate *iso = isolate();
    iso->SetData(Isolate::InstanceSlot, this);
    // From the WarmPool or the startup snapshot: the prelude already ran in this context (no
    // Instance saw it before).
    bool warm = !m_context.IsEmpty();
    v8::Local<v8::Context> context;
    if (warm) {
        context = m_context.Get(iso);
    } else if (m_core.preludeRunner && m_core.preludeRunner->hasSnapshot()) {
        v8::Local<v8::Object> internals;
        warm = m_core.preludeRunner->newContext(iso, &internals).ToLocal(&context);
        if (warm)
            m_internals.Reset(iso, internals);
    }
    if (context.IsEmpty())
        context = v8::Context::New(iso);
    if (m_context.IsEmpty())
        m_context.Reset(iso, context);
    m_state = State::Ready;
    if (!warm && !m_core.preludeError.isNull()) {
        m_state = State::Failed;
        m_failureName = QStringLiteral("Error");
        m_failure = QStringLiteral("internal error: %1").arg(m_core.preludeError);
        return;
    }
    auto failWith = [this](const QString &name, const QString &message) {
        m_state = State::Failed;
        m_failureName = name;
        m_failure = message;
    };
    v8::Global<v8::Promise> evaluation;
    runSlice(nullptr, [&] {
        v8::TryCatch tryCatch(iso);
        v8::Local<v8::Object> internals;
        if (warm) {
            internals = m_internals.Get(iso);
            // performance.timeOrigin is when this Instance started, not when its context was
            // prepared (CONTRACT.md).
            v8::Local<v8::Value> reset = getProperty(context, internals, "resetTimeOrigin");
            if (!reset.IsEmpty() && reset->IsFunction()
                && reset.As<v8::Function>()->Call(context, internals, 0, nullptr).IsEmpty()) {
                if (!tryCatch.HasTerminated())
                    failWith(QStringLiteral("Error"),
                             QStringLiteral("internal error in the prelude: %1")
                                     .arg(toQString(iso, tryCatch.Exception())));
                return;
            }
        } else {
            installNatives(context);
            QString failedFile;
            v8::Local<v8::Value> last;
            if (!m_core.preludeRunner->evaluate(context, &failedFile).ToLocal(&last)) {
                if (!tryCatch.HasTerminated())
                    failWith(QStringLiteral("Error"),
                             QStringLiteral("internal error in the prelude: %1")
                                     .arg(scriptErrorFrom(context, tryCatch, failedFile).message));
                return;
            }
            if (last.IsEmpty() || !last->IsObject()) {
                failWith(
                        QStringLiteral("Error"),
                        QStringLiteral("internal error: the prelude returned no internals object"));
                return;
            }
            internals = last.As<v8::Object>();
            m_internals.Reset(iso, internals);
        }

        // Before any Worker code runs: the warm-up calls the prelude as the engine, and no Worker
        // code can have replaced what it calls. Its CPU is the start-up's, not a request's. A
        // context from the warm pool was warmed there, and this does nothing.
        if (m_core.config.warmUpInstances && m_core.preludeRunner)
            m_core.preludeRunner->warmUpContext(context, internals);
        if (tryCatch.HasTerminated())
            return;

        // A context from the warm pool was readied there, off the first request's path.
        if (m_hooks.watch.IsEmpty()
            && !prepareForWorkers(context, internals, &Instance::settledCallback,
                                  &Instance::bodyChunkCallback, &m_hooks)) {
            if (!tryCatch.HasTerminated())
                failWith(QStringLiteral("Error"),
                         QStringLiteral("internal error in the prelude: %1")
                                 .arg(toQString(iso, tryCatch.Exception())));
            return;
        }

        // No Worker code generates code from strings: `eval`, `new Function` and Wasm compilation
        // from bytes throw EvalError / CompileError, as in workerd before
        // allow_eval_during_startup.
        context->AllowCodeGenerationFromStrings(false);
        m_modules = std::make_unique<ModuleLoader>(iso);
        ScriptError error;
        if (!m_modules->load(context, m_source, &error)) {
            failWith(QStringLiteral("SyntaxError"), error.message);
            return;
        }
        if (m_source.serviceWorker) {
            v8::Local<v8::Value> env;
            v8::Local<v8::Value> ignored;
            if (!callMember(context, internals, "makeEnv", {toV8(context, firstEnv)}).ToLocal(&env)
                || callMember(context, internals, "installGlobals", {env}).IsEmpty()) {
                if (!tryCatch.HasTerminated())
                    failWith(QStringLiteral("Error"),
                             QStringLiteral("internal error installing the bindings: %1")
                                     .arg(toQString(iso, tryCatch.Exception())));
                return;
            }
            if (!m_modules->classicScript()->BindToCurrentContext()->Run(context).ToLocal(
                        &ignored)) {
                if (!tryCatch.HasTerminated()) {
                    QString name, message;
                    recordException(tryCatch.Exception(), &name, &message);
                    failWith(name, message);
                }
            }
            return;
        }
        v8::Local<v8::Value> result;
        if (!m_modules->mainModule()->Evaluate(context).ToLocal(&result)) {
            if (!tryCatch.HasTerminated()) {
                QString name, message;
                recordException(tryCatch.Exception(), &name, &message);
                failWith(name, message);
            }
            return;
        }
        if (result->IsPromise())
            evaluation.Reset(iso, result.As<v8::Promise>());
    });
    if (m_dead || m_state == State::Failed)
        return;
    v8::Context::Scope contextScope(context);
    if (!evaluation.IsEmpty()) {
        v8::Local<v8::Promise> promise = evaluation.Get(iso);
        if (promise->State() == v8::Promise::kRejected) {
            QString name, message;
            recordException(promise->Result(), &name, &message);
            failWith(name, message);
            return;
        }
        if (promise->State() == v8::Promise::kPending) {
            failWith(QStringLiteral("Error"),
                     QStringLiteral("%1: top-level await did not settle while the script loaded.")
                             .arg(m_source.mainModule));
            return;
        }
    }
    if (!m_source.serviceWorker) {
        v8::Local<v8::Value> exported = getProperty(
                context, m_modules->mainModule()->GetModuleNamespace().As<v8::Object>(), "default");
        if (!exported.IsEmpty() && exported->IsObject())
            m_exports.Reset(iso, exported.As<v8::Object>());
    }
    qCDebug(lcEngine) << "instance of" << m_source.name << "ready";
}

void Instance::runSlice(const std::shared_ptr<InvocationContext> &invocation, const Task &task)
{
    v8::Isolate *iso = isolate();
    v8::HandleScope handles(iso);
    v8::Local<v8::Context> context = m_context.Get(iso);
    v8::Context::Scope contextScope(context);
    m_current = invocation;
    const qint64 budget = invocation
            ? invocation->budget.cpuNs - (invocation->cpuNs - invocation->eventCpuBaseNs)
            : m_core.config.startupCpuNs();
    const auto deadline
            = invocation ? invocation->wallDeadline : Watchdog::Clock::time_point::max();
    const clockid_t clock = m_executor->cpuClock();
    m_sliceStartNs = m_executor->ownCpuClock().now();
    m_lastYieldNs = m_sliceStartNs;
    m_core.watchdog->arm(m_executor->index(), iso, clock, m_sliceStartNs, budget, deadline,
                         m_executor->longLane() ? &Instance::yieldInterrupt : nullptr);
    {
        v8::TryCatch backstop(iso);
        task();
        if (!iso->IsExecutionTerminating())
            iso->PerformMicrotaskCheckpoint();
    }
    const Watchdog::Reason killed = m_core.watchdog->disarm(m_executor->index());
    if (invocation) {
        const qint64 sliceNs = m_executor->ownCpuClock().now() - m_sliceStartNs;
        invocation->cpuNs += sliceNs;
        // An Instance's first slices run cold (lazy compilation, first allocations) and evaluating
        // its script is not spinning: neither sends it to the long lane, where it could wait
        // behind a Worker that does spin.
        if (++m_slicesRun > coldSlices)
            m_recentSliceNs.store(
                    std::max(sliceNs, m_recentSliceNs.load(std::memory_order_relaxed) / 2),
                    std::memory_order_relaxed);
    }
    m_current.reset();
    if (m_isolate->memoryExceeded()) {
        iso->CancelTerminateExecution();
        die(Outcome::ExceededMemory, QLatin1String(messages::memoryExceeded));
        return;
    }
    if (killed != Watchdog::Reason::None) {
        iso->CancelTerminateExecution();
        if (!invocation) {
            die(Outcome::ExceededCpu, QLatin1String(messages::cpuExceeded));
            return;
        }
        if (killed == Watchdog::Reason::Cpu)
            fail(invocation, Outcome::ExceededCpu, QStringLiteral("Error"),
                 QLatin1String(messages::cpuExceeded));
        else
            fail(invocation, Outcome::Canceled, QStringLiteral("Error"),
                 QLatin1String(messages::wallExceeded));
    }
    checkHung();
}

bool Instance::runsLong() const
{
    return m_recentSliceNs.load(std::memory_order_relaxed) >= Scheduler::longSliceNs;
}

void Instance::yieldInterrupt(v8::Isolate *isolate, void *)
{
    if (auto *instance = static_cast<Instance *>(isolate->GetData(Isolate::InstanceSlot)))
        instance->yieldToShortWork();
}

void Instance::yieldToShortWork()
{
    // The interrupt may arrive late, in a later slice or on another thread: only a slice that has
    // run for most of a yield period on the long lane gives way. Two milliseconds asleep for every
    // one running caps it at a third of a core while short work wants the CPU; its CPU clock, and
    // so its limit, does not run while it sleeps.
    if (!m_executor || !m_executor->longLane())
        return;
    const qint64 now = m_executor->ownCpuClock().now();
    constexpr qint64 period = std::chrono::nanoseconds(Watchdog::yieldEvery).count();
    if (now - m_lastYieldNs < period * 9 / 10)
        return;
    m_lastYieldNs = now;
    if (m_core.scheduler->shortLaneBusy()) {
        m_executor->ownCpuClock().forget();
        std::this_thread::sleep_for(2 * Watchdog::yieldEvery);
    }
}

void Instance::deliverOrFail(const std::shared_ptr<InvocationContext> &invocation)
{
    if (invocation && !invocation->completed)
        deliver(invocation);
}

void Instance::deliver(const std::shared_ptr<InvocationContext> &invocation)
{
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::TryCatch tryCatch(iso);
    v8::Local<v8::Object> internals = m_internals.Get(iso);
    const bool fetchEvent = invocation->kind == InvocationContext::Kind::Fetch;

    auto threw = [&] {
        if (tryCatch.HasTerminated() || !tryCatch.HasCaught())
            return; // the watchdog's kill: runSlice reports it
        QString name, message;
        recordException(tryCatch.Exception(), &name, &message);
        fail(invocation, Outcome::Exception, name, message);
    };

    v8::Local<v8::Value> env;
    v8::Local<v8::Value> ctx;
    v8::Local<v8::Object> handle = v8::Object::New(iso);
    handle->Set(context, propertyName(iso, "waitUntil"), v8::Array::New(iso)).Check();
    handle->Set(context, propertyName(iso, "passThrough"), v8::False(iso)).Check();
    // The env object is made again only when its descriptors change (a new Script version has an
    // Instance of its own; an outbound Worker's parameters may differ per call).
    const bool sameEnv = !m_env.IsEmpty()
            && (m_envDescriptors.isSharedWith(invocation->env)
                || m_envDescriptors == invocation->env);
    if (sameEnv) {
        env = m_env.Get(iso);
    } else {
        if (!callMember(context, internals, "makeEnv", {toV8(context, invocation->env)})
                     .ToLocal(&env))
            return threw();
        m_env.Reset(iso, env);
        m_envDescriptors = invocation->env;
        m_envKinds = std::make_shared<const BindingKinds>(BindingBridge::kindsOf(invocation->env));
    }
    invocation->bindingKinds = m_envKinds;
    if (!callMember(context, internals, "makeContext", {handle}).ToLocal(&ctx))
        return threw();
    invocation->setHandle(iso, handle);

    v8::Local<v8::Object> exports
            = m_exports.IsEmpty() ? v8::Local<v8::Object>() : m_exports.Get(iso);
    v8::Local<v8::Value> result;
    if (fetchEvent) {
        const RequestData &request = invocation->request;
        v8::Local<v8::Value> body = v8::Null(iso);
        if (request.body) {
            body = toUint8Array(iso, *request.body);
            if (body.IsEmpty())
                return threw();
        }
        v8::Local<v8::Value> cf = v8::Undefined(iso);
        if (request.cf
            && !v8::JSON::Parse(
                        context,
                        toV8String(
                                iso,
                                QString::fromUtf8(
                                        QJsonDocument(*request.cf).toJson(QJsonDocument::Compact))))
                        .ToLocal(&cf))
            return threw();
        v8::Local<v8::Value> jsRequest;
        if (!callMember(context, internals, "makeRequest",
                        {toV8String(iso, request.method), toV8String(iso, request.url),
                         headersToV8(context, request.headers), body, cf,
                         v8::Number::New(iso, double(invocation->id))})
                     .ToLocal(&jsRequest))
            return threw();
        if (m_source.serviceWorker) {
            // Globals are the only way a service-worker script reaches its bindings, so they
            // follow each Invocation's env (an outbound Worker's parameters differ per call). The
            // script's own globals are never overwritten; concurrent Invocations with different
            // env values see the latest (the platform's env of a Script is otherwise fixed).
            if (callMember(context, internals, "installGlobals", {env}).IsEmpty()
                || !callMember(context, internals, "serviceWorkerFetch", {jsRequest, env, ctx})
                            .ToLocal(&result))
                return threw();
        } else {
            v8::Local<v8::Value> handler = exports.IsEmpty()
                    ? v8::Local<v8::Value>()
                    : getProperty(context, exports, "fetch");
            if (handler.IsEmpty() || !handler->IsFunction()) {
                if (tryCatch.HasCaught())
                    return threw();
                return fail(invocation, Outcome::Exception, QStringLiteral("Error"),
                            QLatin1String(messages::noFetchHandler));
            }
            v8::Local<v8::Value> args[] = {jsRequest, env, ctx};
            if (!handler.As<v8::Function>()->Call(context, exports, 3, args).ToLocal(&result))
                return threw();
        }
        // The handler may return a Response or a Promise of one: internals.watchResult reads the
        // Response once it is there.
    } else {
        v8::Local<v8::Value> handler = exports.IsEmpty() ? v8::Local<v8::Value>()
                                                         : getProperty(context, exports, "tail");
        if (handler.IsEmpty() || !handler->IsFunction()) {
            if (tryCatch.HasCaught())
                return threw();
            return fail(invocation, Outcome::Exception, QStringLiteral("Error"),
                        QLatin1String(messages::noTailHandler));
        }
        v8::Local<v8::Value> events;
        const QByteArray json = QJsonDocument(invocation->events).toJson(QJsonDocument::Compact);
        if (!v8::JSON::Parse(context, toV8String(iso, QString::fromUtf8(json))).ToLocal(&events))
            return threw();
        v8::Local<v8::Value> args[] = {events, env, ctx};
        if (!handler.As<v8::Function>()->Call(context, exports, 3, args).ToLocal(&result))
            return threw();
    }

    if (!fetchEvent && !result->IsPromise()) {
        auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
        resolver->Resolve(context, result).Check();
        result = resolver->GetPromise();
    }
    v8::Local<v8::Value> args[] = {result, v8::Number::New(iso, double(invocation->id)),
                                   v8::Boolean::New(iso, fetchEvent)};
    if (m_hooks.watch.Get(iso)->Call(context, v8::Undefined(iso), 3, args).IsEmpty())
        return threw();
}

void Instance::settledCallback(const v8::FunctionCallbackInfo<v8::Value> &info)
{
    auto *self = static_cast<Instance *>(info.GetIsolate()->GetData(Isolate::InstanceSlot));
    self->onSettled(quint64(info[0].As<v8::Number>()->Value()), info[1], info[2]->IsTrue());
}

void Instance::onSettled(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled)
{
    auto invocation = active(invocationId);
    if (!invocation || invocation->completed || invocation->responded)
        return;
    if (!fulfilled) {
        QString name, message;
        recordException(value, &name, &message);
        fail(invocation, Outcome::Exception, name, message);
        return;
    }
    InvocationResult result;
    result.outcome = Outcome::Ok;
    if (invocation->kind == InvocationContext::Kind::Fetch) {
        v8::Isolate *iso = isolate();
        v8::Local<v8::Context> context = iso->GetCurrentContext();
        ResponseData response;
        if (value->IsObject()) {
            auto object = value.As<v8::Object>();
            v8::Local<v8::Value> origin = getProperty(context, object, "origin");
            if (!origin.IsEmpty() && origin->IsNumber()) {
                // A binding's response returned untouched: the engine still holds it.
                auto kept = invocation->takeKeptResponse(quint64(origin.As<v8::Number>()->Value()));
                if (!kept)
                    return fail(invocation, Outcome::Exception, QStringLiteral("Error"),
                                QStringLiteral("The fetched response is no longer available."));
                if (kept->webSocket) {
                    for (auto it = m_sockets.begin(); it != m_sockets.end(); ++it) {
                        if (it->second.channel == kept->webSocket) {
                            m_sockets.erase(it);
                            break;
                        }
                    }
                }
                if (kept->stream) {
                    // Its reader is now whoever reads this Invocation's response.
                    for (auto it = m_bodiesIn.begin(); it != m_bodiesIn.end(); ++it) {
                        if (it->second.stream == kept->stream) {
                            m_bodiesIn.erase(it);
                            break;
                        }
                    }
                }
                result.response = std::move(kept);
                respond(invocation, std::move(result));
                return;
            }
            v8::Local<v8::Value> status = getProperty(context, object, "status");
            if (!status.IsEmpty() && status->IsNumber())
                response.status = int(status.As<v8::Number>()->Value());
            response.statusText = toQString(iso, getProperty(context, object, "statusText"));
            if (response.statusText == QLatin1String("undefined"))
                response.statusText.clear();
            response.headers = headersFromV8(context, getProperty(context, object, "headers"));
            v8::Local<v8::Value> socket = getProperty(context, object, "webSocket");
            if (!socket.IsEmpty() && socket->IsNumber()) {
                const quint64 key = quint64(socket.As<v8::Number>()->Value());
                auto it = m_sockets.find(key);
                if (it == m_sockets.end())
                    return fail(invocation, Outcome::Exception, QStringLiteral("TypeError"),
                                QStringLiteral("Can't return WebSocket that was already used in "
                                               "a response."));
                response.webSocket = it->second.channel;
                if (it->second.outbound) {
                    // A fetched upstream returned as it is (a proxy): relayed without the Worker.
                    response.webSocket = relayWebSocket(it->second.channel);
                    m_sockets.erase(it);
                } else if (it->second.local) {
                    it->second.owner = invocation->id;
                    it->second.coupled = true;
                    ++invocation->openSockets;
                } else {
                    m_sockets.erase(it); // handed on: whoever reads the response takes it
                }
            }
            v8::Local<v8::Value> reader = getProperty(context, object, "stream");
            if (!reader.IsEmpty() && reader->IsObject())
                startBody(invocation, reader.As<v8::Object>(), response);
            else
                toBytes(getProperty(context, object, "body"), &response.body);
        }
        result.response = std::move(response);
    }
    respond(invocation, std::move(result));
}

bool Instance::watchWaitUntil(const std::shared_ptr<InvocationContext> &invocation)
{
    return invocation->watchWaitUntil(isolate()->GetCurrentContext(),
                                      &Instance::waitUntilSettledCallback<true>,
                                      &Instance::waitUntilSettledCallback<false>);
}

// The response is wholly out (its body ended, or its last WebSocket closed): what remains is the
// waitUntil() phase, on a wall budget of its own from now, or nothing.
void Instance::afterResponse(const std::shared_ptr<InvocationContext> &invocation)
{
    if (!watchWaitUntil(invocation)) {
        finalize(invocation);
        return;
    }
    if (m_core.watchdog && invocation->instance) {
        invocation->wallDeadline
                = Watchdog::Clock::now() + m_core.config.waitUntilWall(invocation->budget);
        m_core.watchWall(invocation->instance, invocation);
    }
}

template<bool fulfilled>
void Instance::waitUntilSettledCallback(const v8::FunctionCallbackInfo<v8::Value> &info)
{
    auto *self = static_cast<Instance *>(info.GetIsolate()->GetData(Isolate::InstanceSlot));
    self->onWaitUntilSettled(quint64(info.Data().As<v8::Number>()->Value()), info[0], fulfilled);
}

void Instance::onWaitUntilSettled(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled)
{
    auto invocation = active(invocationId);
    if (!invocation || invocation->completed)
        return;
    if (!fulfilled) {
        // Nobody else sees a rejected waitUntil() promise: the trace must.
        QString name, message;
        recordException(value, &name, &message);
        invocation->uncaught(QStringLiteral("Uncaught (in promise)"), name, message);
    }
    if (invocation->waitUntilSettled() && invocation->responded && !invocation->livesOn()
        && !watchWaitUntil(invocation))
        finalize(invocation);
}

void Instance::recordException(v8::Local<v8::Value> exception, QString *name, QString *message)
{
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    *name = QStringLiteral("Error");
    if (!exception.IsEmpty() && exception->IsObject()) {
        auto object = exception.As<v8::Object>();
        v8::TryCatch ignore(iso);
        v8::Local<v8::Value> n = getProperty(context, object, "name");
        v8::Local<v8::Value> m = getProperty(context, object, "message");
        if (!n.IsEmpty() && n->IsString())
            *name = toQString(iso, n);
        if (!m.IsEmpty() && m->IsString()) {
            *message = toQString(iso, m);
            return;
        }
    }
    v8::TryCatch ignore(iso);
    *message = toQString(iso, exception);
}

void Instance::fail(const std::shared_ptr<InvocationContext> &invocation, Outcome outcome,
                    const QString &name, const QString &message)
{
    if (!invocation || invocation->completed)
        return;
    if (outcome == Outcome::Exception && m_isolate && m_isolate->memoryExceeded() && !m_dead) {
        // The RangeError of a refused allocation, or anything thrown while the isolate was being
        // terminated for its memory: the limit is what ended the Invocation.
        return fail(invocation, Outcome::ExceededMemory, QStringLiteral("Error"),
                    QLatin1String(messages::memoryExceeded));
    }
    const bool exception = outcome == Outcome::Exception;
    if (invocation->responded) {
        // In the waitUntil() phase: a limit ends it with that outcome; a hang (the only exception
        // reported here) just ends it, the response having been fine.
        if (!exception)
            return finalize(invocation, outcome, name, message);
        if (invocation->livesOn()) {
            // The client got a cut body: that is the Invocation's failure, not a detail.
            invocation->recordException(name, message);
            return finalize(invocation, outcome, name, message);
        }
        invocation->log(QStringLiteral("warn"),
                        QStringLiteral("A waitUntil() promise never settled: the Worker had "
                                       "nothing left to run."));
        return finalize(invocation);
    }
    if (exception)
        invocation->recordException(name, message);
    InvocationResult result;
    result.outcome = outcome;
    result.errorName = name;
    result.error = message.isNull() ? QStringLiteral("") : message;
    // An exception still lets waitUntil() work finish (as workerd); limits end everything.
    respond(invocation, std::move(result), !exception);
}

namespace {
// `running`: the clock of the thread running the Invocation's current slice, else null.
double elapsedCpuMs(const InvocationContext &invocation, ThreadCpuClock *running,
                    qint64 sliceStartNs)
{
    qint64 cpuNs = invocation.cpuNs;
    if (running)
        cpuNs += running->now() - sliceStartNs;
    return double(cpuNs) / 1e6;
}
} // namespace

void Instance::respond(const std::shared_ptr<InvocationContext> &invocation,
                       InvocationResult result, bool terminal)
{
    if (invocation->completed || invocation->responded)
        return;
    invocation->responded = true;
    invocation->forgetKeptResponses(); // nothing can hand one back any more
    ThreadCpuClock *running
            = m_current == invocation && m_executor ? &m_executor->ownCpuClock() : nullptr;
    invocation->fill(result, elapsedCpuMs(*invocation, running, m_sliceStartNs), false);
    invocation->response = result;
    invocation->response.logs.clear();
    invocation->response.exceptions.clear();
    if (invocation->response.response) {
        invocation->response.response->stream.reset(); // the trace needs no body
        invocation->response.response->webSocket.reset();
    }
    InvocationCallback done = std::move(invocation->done);
    invocation->done = nullptr;
    const bool streaming = invocation->livesOn() && !terminal && !m_dead;
    if (!invocation->finished)
        invocation->host = nullptr; // its owner only promised it until `done`
    const bool waiting = !terminal && !m_dead && (watchWaitUntil(invocation) || streaming);
    if (streaming && m_core.watchdog) {
        // No wall-clock limit while the body streams: the client sets its pace. The CPU limit
        // still applies to every chunk, and the listener cuts a client that reads nothing.
        m_core.watchdog->removeDeadline(invocation->wallWatch);
        invocation->wallWatch = 0;
        invocation->wallDeadline = Watchdog::Clock::time_point::max();
    } else if (waiting && m_core.watchdog) {
        // The waitUntil() phase gets its own wall budget from now.
        m_core.watchdog->removeDeadline(invocation->wallWatch);
        invocation->wallDeadline
                = Watchdog::Clock::now() + m_core.config.waitUntilWall(invocation->budget);
        if (invocation->instance)
            m_core.watchWall(invocation->instance, invocation);
    }
    if (done)
        done(result);
    if (!waiting)
        finalize(invocation);
}

void Instance::finalize(const std::shared_ptr<InvocationContext> &invocation,
                        std::optional<Outcome> outcome, const QString &name, const QString &message)
{
    if (invocation->completed)
        return;
    invocation->completed = true;
    m_active.erase(invocation->id);
    if (m_core.watchdog)
        m_core.watchdog->removeDeadline(invocation->wallWatch);
    release(*invocation);
    InvocationResult result = std::move(invocation->response);
    if (outcome) {
        result.outcome = *outcome;
        result.errorName = name;
        result.error = message.isNull() ? QStringLiteral("") : message;
    } else if (invocation->endOutcome) {
        result.outcome = *invocation->endOutcome;
        result.errorName = invocation->endName;
        result.error = invocation->endMessage;
    }
    ThreadCpuClock *running
            = m_current == invocation && m_executor ? &m_executor->ownCpuClock() : nullptr;
    invocation->fill(result, elapsedCpuMs(*invocation, running, m_sliceStartNs), true);
    InvocationCallback finished = std::move(invocation->finished);
    invocation->finished = nullptr;
    invocation->host = nullptr;
    invocation->instance.reset();
    if (finished)
        finished(result);
}

void Instance::release(InvocationContext &invocation)
{
    // Whoever reads the body would otherwise wait for chunks nobody makes; what it sent is
    // incomplete, and the listener says so by cutting the connection.
    if (auto body = invocation.bodyOut.lock())
        body->fail(QStringLiteral("The Worker ended before its response body did."));
    invocation.bodyOut.reset();
    invocation.streaming = false;
    invocation.bodyPulling = false;
    // Bodies it received and did not hand on: their producers stop.
    for (auto it = m_bodiesIn.begin(); it != m_bodiesIn.end();) {
        if (it->second.owner == invocation.id) {
            it->second.stream->cancel();
            it = m_bodiesIn.erase(it);
        } else {
            ++it;
        }
    }
    // Its WebSockets: the client of one it answered with is closed (1011: nobody will handle its
    // messages); one it received and did not hand on loses its client.
    std::vector<quint64> ended;
    for (auto it = m_sockets.begin(); it != m_sockets.end();) {
        if (it->second.owner == invocation.id) {
            if (it->second.local) {
                it->second.channel->workerEnded(1011);
                ended.push_back(it->first);
            } else {
                it->second.channel->clientGone();
            }
            it = m_sockets.erase(it);
        } else {
            ++it;
        }
    }
    invocation.openSockets = 0;
    // The prelude forgets their Worker ends (and the listeners those hold), without events: the
    // Invocation that would handle them is over.
    // Inside a turn only: at shutdown nothing runs any more.
    if (!ended.empty() && !m_dead && m_executor)
        post(nullptr, [this, ended] {
            WebSocketMessage forget;
            forget.code = kForgetWebSocket;
            for (quint64 key : ended)
                deliverWebSocket(key, forget, true);
        });
    // What an ended Invocation left behind must not run on (and be billed to) nobody.
    for (int id : invocation.takeTimers())
        m_timers.remove(id);
    watchTimers();
    invocation.dropHandles([this](quint64 key, v8::Global<v8::Promise::Resolver> &&resolver) {
        m_orphans.emplace(key, std::move(resolver));
    });
}

void Instance::die(Outcome outcome, const QString &message)
{
    m_dead = true;
    m_deathOutcome = outcome;
    m_deathMessage = message;
    qCInfo(lcEngine) << "discarding the instance of" << m_source.name << "after" << message;
    m_core.forget(this);
    const auto victims = m_active;
    for (const auto &[id, invocation] : victims)
        fail(invocation, outcome, QStringLiteral("Error"), message);
    clearTimers();
    m_orphans.clear();
}

void Instance::shutdown()
{
    if (m_isolate) {
        v8::Locker locker(isolate());
        v8::Isolate::Scope isolateScope(isolate());
        v8::HandleScope handles(isolate());
        const auto victims = m_active;
        for (const auto &[id, invocation] : victims)
            fail(invocation, Outcome::Canceled, QStringLiteral("Error"),
                 QLatin1String(messages::shutdown));
        clearTimers();
        m_orphans.clear();
    }
    std::deque<Queued> queue;
    {
        std::lock_guard lock(m_queueMutex);
        queue.swap(m_queue);
    }
    for (Queued &item : queue) {
        if (!item.start || item.invocation->completed)
            continue;
        InvocationResult result;
        result.invocationId = item.invocation->id;
        result.outcome = Outcome::Canceled;
        result.errorName = QStringLiteral("Error");
        result.error = QLatin1String(messages::shutdown);
        item.invocation->responded = true;
        item.invocation->completed = true;
        item.invocation->instance.reset();
        if (auto done = std::move(item.invocation->done))
            done(result);
        if (auto finished = std::move(item.invocation->finished))
            finished(result);
    }
}

void Instance::checkHung()
{
    if (m_active.empty() || !m_timers.empty() || !m_orphans.empty() || m_dead)
        return;
    {
        std::lock_guard lock(m_queueMutex);
        if (!m_queue.empty())
            return;
    }
    for (const auto &[id, invocation] : m_active) {
        if (invocation->pendingCount() > 0)
            return; // its I/O may still settle something another one awaits
        if (invocation->streaming && !invocation->bodyPulling)
            return; // its body's reader will ask for more
        if (invocation->openSockets > 0)
            return; // its client may still send
    }
    const auto stuck = m_active;
    for (const auto &[id, invocation] : stuck)
        fail(invocation, Outcome::Exception, QStringLiteral("Error"),
             QLatin1String(messages::neverResponds));
}

void Instance::log(const QString &level, const QString &message, const QString &json)
{
    if (!m_current || m_current->completed) {
        qCDebug(lcEngine).noquote() << m_source.name << level << message;
        return;
    }
    m_current->log(level, message, json);
}

int Instance::setTimer(v8::Local<v8::Function> callback, double delayMs, bool repeat)
{
    const int id = m_timers.add(isolate(), callback, delayMs, repeat, m_current);
    if (id)
        watchTimers();
    return id;
}

void Instance::clearTimers()
{
    m_timers.clear();
    watchTimers();
}

void Instance::watchTimers()
{
    const auto next = m_timers.earliest();
    if (next == m_timerWatchAt)
        return;
    if (m_timerWatch && m_core.watchdog)
        m_core.watchdog->removeDeadline(m_timerWatch);
    m_timerWatch = 0;
    m_timerWatchAt = next;
    if (next == Watchdog::Clock::time_point::max() || !m_core.watchdog)
        return;
    std::weak_ptr<Instance> weak = weak_from_this();
    m_timerWatch = m_core.watchdog->addDeadline(next, [weak] {
        if (auto self = weak.lock())
            self->postTimers();
    });
}

void Instance::postTimers()
{
    bool schedule = false;
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.push_back({nullptr, {}, false, true});
        schedule = !std::exchange(m_scheduled, true);
    }
    if (schedule)
        m_core.scheduler->schedule(shared_from_this());
}

void Instance::fireDueTimers()
{
    // The deadline that brought us here has fired (or is about to be replaced).
    if (m_timerWatch && m_core.watchdog)
        m_core.watchdog->removeDeadline(m_timerWatch);
    m_timerWatch = 0;
    m_timerWatchAt = Watchdog::Clock::time_point::max();
    // Only those due now, a turn's worth at a time: a callback that sets a zero-delay timer does
    // not run it in this turn, and thousands due at once do not hold the executor.
    const auto now = Watchdog::Clock::now();
    for (int id : m_timers.due(now, tasksPerTurn)) {
        if (m_dead)
            return;
        std::shared_ptr<InvocationContext> invocation;
        if (!m_timers.find(id, &invocation))
            continue; // cleared by an earlier callback
        if (invocation && invocation->completed) {
            m_timers.remove(id);
            continue;
        }
        runSlice(invocation, [this, id] { fireTimer(id); });
    }
    if (m_dead)
        return;
    if (m_timers.earliest() <= now)
        postTimers();
    else
        watchTimers();
}

void Instance::clearTimer(int id)
{
    m_timers.remove(id);
    watchTimers();
}

void Instance::fireTimer(int id)
{
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::Local<v8::Function> callback = m_timers.take(iso, id);
    if (callback.IsEmpty())
        return;
    v8::TryCatch tryCatch(iso);
    if (callback->Call(context, v8::Undefined(iso), 0, nullptr).IsEmpty() && tryCatch.HasCaught()
        && !tryCatch.HasTerminated() && m_current) {
        // Uncaught in a timer: reported like workerd does, the request itself goes on.
        QString name, message;
        recordException(tryCatch.Exception(), &name, &message);
        m_current->uncaught(QStringLiteral("Uncaught"), name, message);
    }
}

quint64 Instance::addPending(v8::Local<v8::Promise::Resolver> resolver)
{
    const quint64 key = ++m_nextPending;
    if (m_current && !m_current->completed)
        m_current->addPending(isolate(), key, resolver);
    else
        m_orphans[key].Reset(isolate(), resolver);
    return key;
}

void Instance::settle(const std::shared_ptr<InvocationContext> &invocation, quint64 key,
                      const std::function<v8::Local<v8::Value>(v8::Local<v8::Context>)> &make,
                      bool reject)
{
    v8::Isolate *iso = isolate();
    v8::Local<v8::Promise::Resolver> resolver;
    if (invocation)
        resolver = invocation->takePending(iso, key);
    if (resolver.IsEmpty()) {
        auto it = m_orphans.find(key);
        if (it == m_orphans.end())
            return;
        resolver = it->second.Get(iso);
        m_orphans.erase(it);
    }
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::Local<v8::Value> value = make(context);
    if (reject)
        resolver->Reject(context, value).FromMaybe(false);
    else
        resolver->Resolve(context, value).FromMaybe(false);
}

v8::Local<v8::Promise> Instance::fetch(const OutboundRequest &request)
{
    v8::Isolate *iso = isolate();
    auto resolver = v8::Promise::Resolver::New(iso->GetCurrentContext()).ToLocalChecked();
    const quint64 id = addPending(resolver);
    std::weak_ptr<Instance> weak = weak_from_this();
    std::shared_ptr<InvocationContext> invocation = m_current;
    OutboundRequest sent = request;
    if (invocation && invocation->host)
        sent.platformHeaders = invocation->host->outboundHeaders();
    auto done = [weak, id, invocation](OutboundResponse response) {
        auto self = weak.lock();
        if (!self)
            return;
        self->post(invocation, [raw = self.get(), invocation, id, response = std::move(response)] {
            const bool failed = !response.networkError.isNull();
            bool delivered = false;
            raw->settle(
                    invocation, id,
                    [&](v8::Local<v8::Context> context) -> v8::Local<v8::Value> {
                        v8::Isolate *iso = context->GetIsolate();
                        if (failed)
                            return v8::Exception::TypeError(toV8String(iso, response.networkError));
                        v8::Local<v8::Object> made = responseToV8(
                                context, response.status, response.statusText, response.headers,
                                response.body, response.url, response.redirected);
                        if (response.stream) {
                            const quint64 body = raw->receiveBody(response.stream);
                            made->Set(context, propertyName(iso, "bodyStream"),
                                      v8::Number::New(iso, double(body)))
                                    .Check();
                            delivered = body != 0;
                        }
                        if (response.webSocket) {
                            const quint64 socket
                                    = raw->adoptOutboundWebSocket(invocation, response.webSocket);
                            made->Set(context, propertyName(iso, "outboundWebSocket"),
                                      v8::Number::New(iso, double(socket)))
                                    .Check();
                            delivered = socket != 0;
                        }
                        return made;
                    },
                    failed);
            // Nobody awaits it any more: the connection goes.
            if (response.stream && !delivered)
                response.stream->cancel();
            if (response.webSocket && !delivered)
                response.webSocket->workerEnded(1001);
        });
    };
    // Its upstream connection is read on this executor's thread, as a fetch() is.
    if (isWebSocketUpgrade(sent.headers))
        startOutboundWebSocket(m_executor->network(), m_core.config.outboundPolicy, sent, {},
                               std::move(done));
    else
        startOutboundFetch(m_executor->network(), m_core.config.outboundPolicy, sent,
                           std::move(done));
    return resolver->GetPromise();
}

v8::Local<v8::Value> Instance::binding(const QString &name, const QString &method,
                                       v8::Local<v8::Value> args)
{
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    std::shared_ptr<InvocationContext> invocation = m_current;
    if (!invocation || !invocation->host) {
        iso->ThrowException(v8::Exception::Error(toV8String(
                iso,
                QStringLiteral("Binding \"%1\" cannot be used outside a request.").arg(name))));
        return {};
    }
    BindingCall call;
    QString refusal;
    switch (BindingBridge::decode(context, invocation, name, method, args, &call, &refusal)) {
    case BindingBridge::Decoded::Call:
        break;
    case BindingBridge::Decoded::LongWay:
        return v8::Undefined(iso);
    case BindingBridge::Decoded::Threw:
        return {};
    case BindingBridge::Decoded::Refused:
        if (!invocation->host->isAsync(call)) {
            iso->ThrowException(v8::Exception::Error(toV8String(iso, refusal)));
            return {};
        }
        auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
        resolver->Reject(context, v8::Exception::Error(toV8String(iso, refusal))).Check();
        return resolver->GetPromise();
    }
    BindingHost *host = invocation->host;
    if (!host->isAsync(call)) {
        const BindingResult result = host->call(call);
        if (!result.ok()) {
            iso->ThrowException(bindingError(iso, result));
            return {};
        }
        return toV8(context, result.value);
    }
    auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
    const quint64 id = addPending(resolver);
    std::weak_ptr<Instance> weak = weak_from_this();
    // A host that answers at once (KV reads from memory) settles the promise in this slice: its
    // reactions still run as microtasks, but without a queued task and a slice of their own.
    auto inCall = std::make_shared<std::atomic_bool>(true);
    const auto caller = std::this_thread::get_id();
    std::optional<BindingResult> immediate;
    host->callAsync(call, [weak, id, invocation, inCall, caller, &immediate](BindingResult result) {
        if (std::this_thread::get_id() == caller && inCall->load()) {
            immediate = std::move(result);
            return;
        }
        auto self = weak.lock();
        if (!self)
            return;
        self->post(invocation, [raw = self.get(), invocation, id, result = std::move(result)] {
            raw->settleBinding(invocation, id, result);
        });
    });
    inCall->store(false);
    if (immediate)
        settleBinding(invocation, id, *immediate);
    return resolver->GetPromise();
}

void Instance::keepFetched(v8::Local<v8::Context> context, v8::Local<v8::Object> made,
                           const ResponseData &response)
{
    // A dispatcher returns the response it fetched, usually its first; a response without a key
    // is read out of JS like any other.
    const quint64 key = m_nextFetched + 1;
    if (!m_current->keepResponse(key, response))
        return;
    m_nextFetched = key;
    v8::Isolate *iso = context->GetIsolate();
    made->Set(context, propertyName(iso, "origin"), v8::Number::New(iso, double(key))).Check();
    made->Set(context, propertyName(iso, "originOf"), v8::Number::New(iso, double(m_current->id)))
            .Check();
}

void Instance::settleBinding(const std::shared_ptr<InvocationContext> &invocation, quint64 key,
                             const BindingResult &result)
{
    bool delivered = false;
    settle(
            invocation, key,
            [&](v8::Local<v8::Context> context) -> v8::Local<v8::Value> {
                if (!result.ok())
                    return bindingError(context->GetIsolate(), result);
                if (result.value.metaType() == QMetaType::fromType<FetchedResponse>()) {
                    const auto &fetched
                            = *static_cast<const FetchedResponse *>(result.value.constData());
                    v8::Local<v8::Object> made = responseToV8(
                            context, fetched.response.status, fetched.response.statusText,
                            fetched.response.headers, fetched.response.body, fetched.url, false);
                    if (fetched.response.webSocket) {
                        const quint64 socket = receiveWebSocket(fetched.response.webSocket);
                        if (socket)
                            made->Set(context, propertyName(context->GetIsolate(), "webSocket"),
                                      v8::Number::New(context->GetIsolate(), double(socket)))
                                    .Check();
                    }
                    if (fetched.response.stream) {
                        const quint64 body = receiveBody(fetched.response.stream);
                        made->Set(context, propertyName(context->GetIsolate(), "bodyStream"),
                                  v8::Number::New(context->GetIsolate(), double(body)))
                                .Check();
                        delivered = body != 0;
                    }
                    if (m_current && !m_current->responded)
                        keepFetched(context, made, fetched.response);
                    return made;
                }
                return toV8(context, result.value);
            },
            !result.ok());
    if (!delivered && result.value.metaType() == QMetaType::fromType<FetchedResponse>()) {
        // Nobody awaits this response any more: its producer must not wait for a reader.
        const auto &fetched = *static_cast<const FetchedResponse *>(result.value.constData());
        if (fetched.response.stream)
            fetched.response.stream->cancel();
        if (fetched.response.webSocket && !m_current)
            fetched.response.webSocket->clientGone();
    }
}

void Instance::startBody(const std::shared_ptr<InvocationContext> &invocation,
                         v8::Local<v8::Object> reader, ResponseData &response)
{
    auto stream = std::make_shared<BodyStream>();
    invocation->streaming = true;
    invocation->bodyOut = stream;
    invocation->bodyReader.Reset(isolate(), reader);
    std::weak_ptr<Instance> weak = weak_from_this();
    std::weak_ptr<InvocationContext> weakInvocation = invocation;
    std::weak_ptr<BodyStream> weakStream = stream;
    const quint64 id = invocation->id;
    // The Instance or the Invocation gone means release() or ~Instance failed the stream already.
    auto post = [weak, weakInvocation, id](void (Instance::*what)(quint64)) {
        auto self = weak.lock();
        auto invocation = weakInvocation.lock();
        if (self && invocation)
            self->post(invocation, [raw = self.get(), what, id] { (raw->*what)(id); });
    };
    stream->setProducer({[post] { post(&Instance::pullBody); },
                         [post] {
                             post(&Instance::stopBody);
                         }});
    response.stream = std::move(stream);
}

void Instance::pullBody(quint64 invocationId)
{
    auto invocation = active(invocationId);
    if (!invocation || invocation->completed || !invocation->streaming
        || invocation->bodyReader.IsEmpty() || invocation->bodyPulling)
        return;
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    invocation->bodyPulling = true;
    v8::Local<v8::Value> args[]
            = {invocation->bodyReader.Get(iso), v8::Number::New(iso, double(invocationId))};
    v8::TryCatch tryCatch(iso);
    if (m_hooks.pump.Get(iso)->Call(context, v8::Undefined(iso), 2, args).IsEmpty()
        && !tryCatch.HasTerminated())
        onBodyChunk(invocationId, tryCatch.Exception(), false);
}

void Instance::stopBody(quint64 invocationId)
{
    auto invocation = active(invocationId);
    if (!invocation || invocation->completed || !invocation->streaming)
        return;
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    // The client left: the Worker's cancel() runs, and what it still awaits is waited for like
    // waitUntil() work. Nobody is to blame, so the Instance lives on.
    if (!invocation->bodyReader.IsEmpty()) {
        v8::TryCatch tryCatch(iso);
        v8::Local<v8::Value> reason
                = v8::Exception::Error(toV8String(iso, QStringLiteral("The client disconnected.")));
        v8::Local<v8::Value> canceled;
        if (callMember(context, m_internals.Get(iso), "cancelBody",
                       {invocation->bodyReader.Get(iso), reason})
                    .ToLocal(&canceled))
            invocation->addWaitUntil(context, canceled);
        else if (tryCatch.HasCaught() && !tryCatch.HasTerminated()) {
            QString name, message;
            recordException(tryCatch.Exception(), &name, &message);
            invocation->uncaught(QStringLiteral("Uncaught"), name, message);
        }
    }
    invocation->endOutcome = Outcome::Canceled;
    invocation->endName = QStringLiteral("Error");
    invocation->endMessage = QStringLiteral("The client disconnected.");
    bodyEnded(invocation);
}

void Instance::bodyChunkCallback(const v8::FunctionCallbackInfo<v8::Value> &info)
{
    auto *self = static_cast<Instance *>(info.GetIsolate()->GetData(Isolate::InstanceSlot));
    self->onBodyChunk(quint64(info[0].As<v8::Number>()->Value()), info[1], info[2]->IsTrue());
}

void Instance::onBodyChunk(quint64 invocationId, v8::Local<v8::Value> value, bool fulfilled)
{
    auto invocation = active(invocationId);
    if (!invocation || invocation->completed || !invocation->streaming)
        return;
    invocation->bodyPulling = false;
    BodyStreamPtr stream = invocation->bodyOut.lock();
    if (!stream)
        return; // its reader let go: stopBody() is on its way
    if (!fulfilled) {
        // Headers are out: the client sees a cut connection, the trace the exception.
        QString name, message;
        recordException(value, &name, &message);
        invocation->uncaught(QStringLiteral("Uncaught (in response body)"), name, message);
        invocation->endOutcome = Outcome::Exception;
        invocation->endName = name;
        invocation->endMessage = message;
        stream->fail(message);
        bodyEnded(invocation);
        return;
    }
    if (value->IsNull()) {
        stream->end();
        bodyEnded(invocation);
        return;
    }
    QByteArray bytes;
    toBytes(value, &bytes);
    stream->push(std::move(bytes));
}

void Instance::bodyEnded(const std::shared_ptr<InvocationContext> &invocation)
{
    invocation->streaming = false;
    invocation->bodyOut.reset();
    invocation->bodyReader.Reset();
    invocation->bodyPulling = false;
    if (!invocation->responded || invocation->completed)
        return;
    afterResponse(invocation);
}

quint64 Instance::receiveBody(const BodyStreamPtr &stream)
{
    if (!m_current || m_current->completed) {
        stream->cancel();
        return 0;
    }
    const quint64 key = ++m_nextBody;
    m_bodiesIn.emplace(key, ReceivedBody {stream, m_current->id});
    return key;
}

v8::Local<v8::Value> Instance::readBody(quint64 key)
{
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
    auto found = m_bodiesIn.find(key);
    if (found == m_bodiesIn.end()) {
        resolver->Reject(context,
                         v8::Exception::TypeError(toV8String(
                                 iso,
                                 QStringLiteral("This ReadableStream is no longer readable "
                                                "(its request has ended)."))))
                .Check();
        return resolver->GetPromise();
    }
    BodyStreamPtr stream = found->second.stream;
    const quint64 id = addPending(resolver);
    std::weak_ptr<Instance> weak = weak_from_this();
    std::shared_ptr<InvocationContext> invocation = m_current;
    stream->read([weak, id, key, invocation](BodyStream::Chunk chunk) {
        auto self = weak.lock();
        if (!self)
            return;
        self->post(invocation, [raw = self.get(), invocation, id, key, chunk = std::move(chunk)] {
            const bool failed = !chunk.error.isNull();
            if (failed || chunk.end)
                raw->m_bodiesIn.erase(key);
            raw->settle(
                    invocation, id,
                    [&](v8::Local<v8::Context> context) -> v8::Local<v8::Value> {
                        v8::Isolate *iso = context->GetIsolate();
                        if (failed)
                            return v8::Exception::TypeError(toV8String(iso, chunk.error));
                        if (chunk.end)
                            return v8::Null(iso);
                        v8::Local<v8::Uint8Array> bytes = toUint8Array(iso, chunk.bytes);
                        if (bytes.IsEmpty())
                            return v8::Undefined(iso);
                        return bytes;
                    },
                    failed);
        });
    });
    return resolver->GetPromise();
}

void Instance::cancelBody(quint64 key)
{
    auto found = m_bodiesIn.find(key);
    if (found == m_bodiesIn.end())
        return;
    BodyStreamPtr stream = std::move(found->second.stream);
    m_bodiesIn.erase(found);
    stream->cancel();
}

} // namespace switchyard::engine

namespace switchyard::engine {

void Instance::postEvent(std::shared_ptr<InvocationContext> invocation, Task task)
{
    bool schedule = false;
    {
        std::lock_guard lock(m_queueMutex);
        Queued queued {std::move(invocation), std::move(task), false};
        queued.event = true;
        m_queue.push_back(std::move(queued));
        schedule = !std::exchange(m_scheduled, true);
    }
    if (schedule)
        m_core.scheduler->schedule(shared_from_this());
}

quint64 Instance::openWebSocket(quint64 invocationId)
{
    auto invocation = active(invocationId);
    if (!invocation || invocation->completed)
        return 0;
    const quint64 key = ++m_nextSocket;
    auto channel = std::make_shared<WebSocketChannel>();
    attachWorkerSide(channel, invocation, key);
    m_sockets.emplace(key, OpenSocket {channel, invocationId, true, false});
    return key;
}

void Instance::attachWorkerSide(const WebSocketChannelPtr &channel,
                                const std::shared_ptr<InvocationContext> &invocation, quint64 key)
{
    std::weak_ptr<Instance> weak = weak_from_this();
    std::weak_ptr<InvocationContext> weakInvocation = invocation;
    // Every message is its own event on this Instance, billed to the Invocation that answered
    // with (or fetched) the socket under a CPU limit of its own.
    auto post = [weak, weakInvocation, key](WebSocketMessage message, bool gone) {
        auto self = weak.lock();
        auto invocation = weakInvocation.lock();
        if (self && invocation)
            self->postEvent(invocation,
                            [raw = self.get(), key, message = std::move(message), gone] {
                                raw->deliverWebSocket(key, message, gone);
                            });
    };
    channel->attachWorker({[post](WebSocketMessage message) { post(std::move(message), false); },
                           [post] { post({}, true); },
                           {}});
}

quint64 Instance::adoptOutboundWebSocket(const std::shared_ptr<InvocationContext> &invocation,
                                         const WebSocketChannelPtr &channel)
{
    if (!invocation || invocation->completed || !active(invocation->id)) {
        channel->workerEnded(1001); // nobody will read it: the upstream is closed
        return 0;
    }
    const quint64 key = ++m_nextSocket;
    OpenSocket socket {channel, invocation->id, true, false};
    socket.outbound = true;
    m_sockets.emplace(key, std::move(socket));
    return key;
}

void Instance::acceptWebSocket(quint64 key)
{
    auto it = m_sockets.find(key);
    if (it == m_sockets.end() || !it->second.outbound)
        return;
    auto invocation = active(it->second.owner);
    if (!invocation || invocation->completed)
        return;
    // Like a socket it answered with, an accepted upstream keeps its Invocation alive until it
    // closes: its events may be what the Worker waits for (a relay's other side, a reply).
    if (!it->second.coupled) {
        it->second.coupled = true;
        ++invocation->openSockets;
    }
    // Until now the upstream was not read: what it sent waits in TCP, not here.
    attachWorkerSide(it->second.channel, invocation, key);
}

void Instance::webSocketSend(quint64 key, WebSocketMessage message)
{
    auto it = m_sockets.find(key);
    if (it != m_sockets.end() && it->second.local)
        it->second.channel->toClient(std::move(message));
}

void Instance::deliverWebSocket(quint64 key, const WebSocketMessage &message, bool gone)
{
    const bool forget = gone && message.code == kForgetWebSocket;
    auto it = m_sockets.find(key);
    WebSocketChannelPtr channel;
    if (!forget) {
        if (it == m_sockets.end())
            return;
        channel = it->second.channel;
        auto invocation = active(it->second.owner);
        if (!invocation || invocation->completed)
            return;
    }
    v8::Isolate *iso = isolate();
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    v8::Local<v8::Value> deliver = getProperty(context, m_internals.Get(iso), "deliverWebSocket");
    if (!deliver.IsEmpty() && deliver->IsFunction()) {
        const char *kind = forget                                ? "ended"
                : gone                                           ? "gone"
                : message.kind == WebSocketMessage::Kind::Text   ? "text"
                : message.kind == WebSocketMessage::Kind::Binary ? "binary"
                                                                 : "close";
        v8::Local<v8::Value> data = v8::Null(iso);
        if (!gone && message.kind == WebSocketMessage::Kind::Text)
            data = v8::String::NewFromUtf8(iso, message.data.constData(),
                                           v8::NewStringType::kNormal, int(message.data.size()))
                           .FromMaybe(v8::String::Empty(iso));
        else if (!gone && message.kind == WebSocketMessage::Kind::Binary)
            data = toUint8Array(iso, message.data);
        v8::Local<v8::Value> args[]
                = {v8::Number::New(iso, double(key)), toV8String(iso, kind), data,
                   v8::Number::New(iso, message.code), toV8String(iso, message.reason)};
        // The prelude reports what the Worker's listeners throw; a limit shows in runSlice.
        v8::TryCatch tryCatch(iso);
        v8::Local<v8::Value> ignored;
        if (!deliver.As<v8::Function>()
                     ->Call(context, v8::Undefined(iso), 5, args)
                     .ToLocal(&ignored))
            tryCatch.Reset();
    }
    if (forget)
        return;
    if (!gone)
        channel->delivered(message.data.size());
    if (gone || message.kind == WebSocketMessage::Kind::Close)
        webSocketFinished(key);
}

void Instance::webSocketFinished(quint64 key)
{
    auto it = m_sockets.find(key);
    if (it == m_sockets.end())
        return;
    const bool coupled = it->second.coupled;
    auto invocation = active(it->second.owner);
    if (it->second.outbound) {
        if (std::exchange(it->second.finished, true))
            return;
    } else {
        m_sockets.erase(it);
    }
    if (!coupled || !invocation || invocation->completed)
        return;
    if (--invocation->openSockets > 0 || invocation->streaming || !invocation->responded)
        return;
    afterResponse(invocation);
}

quint64 Instance::receiveWebSocket(const WebSocketChannelPtr &channel)
{
    if (!m_current || m_current->completed) {
        channel->clientGone();
        return 0;
    }
    const quint64 key = ++m_nextSocket;
    m_sockets.emplace(key, OpenSocket {channel, m_current->id, false, false});
    return key;
}

} // namespace switchyard::engine
