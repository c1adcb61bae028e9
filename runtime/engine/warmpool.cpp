#include "warmpool.h"

#include "enginecore.h"
#include "instance.h"
#include "isolate.h"
#include "logging.h"
#include "natives.h"
#include "prelude.h"

#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-locker.h>

#include <pthread.h>

namespace switchyard::engine {

WarmContext::~WarmContext()
{
    if (!isolate)
        return;
    v8::Locker locker(isolate->get());
    v8::Isolate::Scope scope(isolate->get());
    hooks.reset();
    internals.Reset();
    context.Reset();
}

WarmPool::WarmPool(EngineCore &core, int size) : m_core(core), m_size(size_t(std::max(size, 0)))
{
    if (m_size > 0)
        m_thread = std::thread([this] { run(); });
}

WarmPool::~WarmPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_ready.clear();
}

std::unique_ptr<WarmContext> WarmPool::take()
{
    std::unique_ptr<WarmContext> warm;
    {
        std::lock_guard lock(m_mutex);
        if (m_ready.empty())
            return nullptr;
        warm = std::move(m_ready.front());
        m_ready.pop_front();
    }
    m_wake.notify_all();
    return warm;
}

void WarmPool::run()
{
    pthread_setname_np(pthread_self(), "engine-warm");
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_ready.size() < m_size; });
            if (m_stop)
                return;
        }
        std::unique_ptr<WarmContext> warm = prepare();
        if (!warm) {
            qCWarning(lcEngine) << "cannot prepare contexts ahead of time; Instances will";
            return;
        }
        std::lock_guard lock(m_mutex);
        if (m_stop)
            return; // `warm` goes before the V8 platform does
        m_ready.push_back(std::move(warm));
    }
}

std::unique_ptr<WarmContext> WarmPool::prepare()
{
    auto warm = std::make_unique<WarmContext>();
    PreludeRunner &prelude = *m_core.preludeRunner;
    warm->isolate = prelude.newIsolate(m_core.config.heapLimitBytes);
    v8::Isolate *iso = warm->isolate->get();
    v8::Locker locker(iso);
    v8::Isolate::Scope isolateScope(iso);
    v8::HandleScope handles(iso);
    v8::Local<v8::Context> context;
    v8::Local<v8::Object> internals;
    if (prelude.hasSnapshot()) {
        if (!prelude.newContext(iso, &internals).ToLocal(&context))
            return nullptr;
    } else {
        context = v8::Context::New(iso);
    }
    v8::Context::Scope contextScope(context);
    v8::TryCatch tryCatch(iso);
    if (!prelude.hasSnapshot()) {
        installNatives(context);
        QString failedFile;
        v8::Local<v8::Value> last;
        if (!prelude.evaluate(context, &failedFile).ToLocal(&last) || !last->IsObject())
            return nullptr;
        internals = last.As<v8::Object>();
    }
    // A prelude that left work behind (microtasks) would not be what an Instance starts from.
    iso->PerformMicrotaskCheckpoint();
    // Here, off every request's path, rather than when the Instance starts (which warms only
    // contexts made from the snapshot's on the spot, when the pool was empty).
    if (prelude.hasSnapshot() && m_core.config.warmUpInstances)
        prelude.warmUpContext(context, internals);
    // After the warm-up, as an Instance does: the warm-up runs no Worker code either.
    if (tryCatch.HasCaught()
        || !prepareForWorkers(context, internals, &Instance::settledCallback,
                              &Instance::bodyChunkCallback, &warm->hooks)
        || warm->isolate->memoryExceeded())
        return nullptr;
    warm->context.Reset(iso, context);
    warm->internals.Reset(iso, internals);
    return warm;
}

} // namespace switchyard::engine
