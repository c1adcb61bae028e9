#include "v8platform.h"

#include "logging.h"

#include <libplatform/libplatform.h>
#include <v8-initialization.h>

#include <atomic>

namespace switchyard::engine {

namespace {
std::atomic_bool s_initialised = false;
}

V8Platform::V8Platform(int workerThreads)
{
    if (s_initialised.exchange(true))
        qFatal("V8Platform: V8 can be initialised only once per process");
    // Workers share V8's background threads for GC and compilation; keep them few so a 2-core
    // machine still has cores for the executors.
    m_platform = v8::platform::NewDefaultPlatform(workerThreads > 0 ? workerThreads : 1);
    // Every new isolate would otherwise checksum V8's built-in snapshot (and every code cache it
    // consumes) again, ~0.2 ms of each Instance's start; later V8s verify only in debug builds.
    // Not --no-lazy-feedback-allocation, though it would warm a new Instance's inline caches for
    // its first request (~0.4 ms billed over warm instead of ~1.3): with it, V8 10.2 leaves a
    // Worker stopped at its CPU limit stopped again on its next request
    // (tst_dispatch limitKillDoesNotBrick).
    // No Sparkplug: its baseline compiler runs on the isolate's own thread, and every new isolate
    // compiles the prelude's hot functions again, in a batch that the first request's budget
    // interrupt sets off. That was half of what a new Worker's first request was billed over its
    // warm ones (tst_coldbilling). Optimized code is made on V8's background threads, and no
    // dispatch benchmark changed without Sparkplug (docs/benchmarks.md, "Without Sparkplug").
    static const char flags[] = "--no-verify-snapshot-checksum --no-sparkplug";
    v8::V8::SetFlagsFromString(flags, sizeof(flags) - 1);
    // For profiling (e.g. --perf-basic-prof, so perf can name JIT frames); not a user setting.
    const QByteArray extra = qgetenv("SWITCHYARD_V8_FLAGS");
    if (!extra.isEmpty()) {
        qCInfo(lcEngine) << "V8 flags from SWITCHYARD_V8_FLAGS:" << extra;
        v8::V8::SetFlagsFromString(extra.constData(), size_t(extra.size()));
    }
    v8::V8::InitializePlatform(m_platform.get());
    v8::V8::Initialize();
    qCDebug(lcEngine) << "V8" << version() << "initialised";
}

V8Platform::~V8Platform()
{
    v8::V8::Dispose();
    v8::V8::DisposePlatform();
}

const char *V8Platform::version()
{
    return v8::V8::GetVersion();
}

} // namespace switchyard::engine
