#pragma once

#include "contexthooks.h"

#include <v8-context.h>
#include <v8-object.h>
#include <v8-persistent-handle.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace switchyard::engine {

class EngineCore;
class Isolate;

// A fresh isolate with one context in which the prelude and the warm-up have run, readied for
// Worker code (contexthooks.h): what every Instance starts from before its own Script's code.
// Never used by two Instances.
struct WarmContext
{
    ~WarmContext();

    std::unique_ptr<Isolate> isolate;
    v8::Global<v8::Context> context;
    v8::Global<v8::Object> internals;
    ContextHooks hooks;
};

// Prepares WarmContexts ahead of need on a background thread, so a new Script's first Invocation
// does not wait for an isolate and the prelude. Holds at most `size`; each one taken is replaced.
// Only worth having with a prelude that loads: if preparing one fails, the pool stops and
// Instances do it themselves (reporting the failure as usual).
class WarmPool
{
public:
    WarmPool(EngineCore &core, int size);
    ~WarmPool();
    WarmPool(const WarmPool &) = delete;
    WarmPool &operator=(const WarmPool &) = delete;

    // Any thread. Null when none is ready.
    std::unique_ptr<WarmContext> take();

private:
    void run();
    std::unique_ptr<WarmContext> prepare();

    EngineCore &m_core;
    const size_t m_size;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::unique_ptr<WarmContext>> m_ready;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace switchyard::engine
