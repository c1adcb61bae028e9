#pragma once

#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace switchyard::engine {

class EngineCore;

// Keeps the memory of live Instances within the engine's budget and ends those idle for too
// long, least recently used first, on a thread of its own (EngineCore::evictIdle does the work).
// It never touches an Instance with work in flight: an evicted Worker starts a fresh Instance on
// its next request, so eviction costs that request a cold start and nothing else.
class Evictor
{
public:
    // `budgetBytes` > 0; `idleTimeoutMs` 0: Instances are never evicted for idling alone;
    // `trimAfterIdleMs` 0: never trimmed (EngineConfig::trimAfterIdleMs).
    Evictor(EngineCore &core, qint64 budgetBytes, qint64 idleTimeoutMs, qint64 trimAfterIdleMs = 0);
    ~Evictor();
    Evictor(const Evictor &) = delete;
    Evictor &operator=(const Evictor &) = delete;

    // Ends the thread; the counters stay readable. Called before the engine's Instances go.
    void stop();

    qint64 budgetBytes() const { return m_budgetBytes; }
    qint64 idleTimeoutMs() const { return m_idleTimeoutMs; }
    qint64 usedBytes() const { return m_usedBytes.load(std::memory_order_relaxed); }
    quint64 evictions() const { return m_evictions.load(std::memory_order_relaxed); }

    // Any thread: what an Instance counts changed by `delta` bytes. Past the budget the thread
    // is woken.
    void account(qint64 delta);
    void evicted() { m_evictions.fetch_add(1, std::memory_order_relaxed); }
    quint64 trims() const { return m_trims.load(std::memory_order_relaxed); }
    void trimmed() { m_trims.fetch_add(1, std::memory_order_relaxed); }

private:
    void loop();

    EngineCore &m_core;
    const qint64 m_budgetBytes;
    const qint64 m_idleTimeoutMs;
    const qint64 m_trimAfterIdleMs;
    std::atomic<qint64> m_usedBytes = 0;
    std::atomic<quint64> m_evictions = 0;
    std::atomic<quint64> m_trims = 0;
    std::atomic_bool m_nudged = false;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace switchyard::engine
