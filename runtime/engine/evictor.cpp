#include "evictor.h"

#include "cputime.h"
#include "enginecore.h"

#include <QFile>

#include <unistd.h>

#include <algorithm>
#include <limits>

namespace switchyard::engine {

qint64 defaultMemoryBudgetBytes()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    qint64 physical = pages > 0 && pageSize > 0 ? qint64(pages) * pageSize : 4ll << 30;
    // In a container the cgroup's limit is what the process may really use.
    QFile limit(QStringLiteral("/sys/fs/cgroup/memory.max"));
    if (limit.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const qint64 bytes = limit.readAll().trimmed().toLongLong(&ok); // "max": no limit
        if (ok && bytes > 0)
            physical = std::min(physical, bytes);
    }
    return physical / 4;
}

Evictor::Evictor(EngineCore &core, qint64 budgetBytes, qint64 idleTimeoutMs, qint64 trimAfterIdleMs)
    : m_core(core), m_budgetBytes(budgetBytes), m_idleTimeoutMs(std::max<qint64>(0, idleTimeoutMs)),
      m_trimAfterIdleMs(std::max<qint64>(0, trimAfterIdleMs))
{
    m_thread = std::thread([this] { loop(); });
}

Evictor::~Evictor()
{
    stop();
}

void Evictor::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void Evictor::account(qint64 delta)
{
    if (delta == 0)
        return;
    const qint64 used = m_usedBytes.fetch_add(delta, std::memory_order_relaxed) + delta;
    if (used <= m_budgetBytes || m_nudged.exchange(true))
        return;
    {
        std::lock_guard lock(m_mutex); // the thread is then waiting or will see the flag
    }
    m_wake.notify_one();
}

void Evictor::loop()
{
    using std::chrono::milliseconds;
    // Often enough that an Instance outlives its idle timeout, or waits for its trim, by an
    // eighth of it at most.
    qint64 tickMs = 0;
    for (const qint64 after : {m_idleTimeoutMs, m_trimAfterIdleMs}) {
        if (after > 0)
            tickMs = std::min(tickMs > 0 ? tickMs : 1000, std::clamp<qint64>(after / 8, 10, 1000));
    }
    const milliseconds tick(tickMs);
    // A pass that could not get under the budget (what is left has work in flight) is tried
    // again after this, not on every turn that reports memory.
    constexpr milliseconds retry(10);
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        const auto woken = [this] {
            return m_stop || m_nudged.load();
        };
        if (usedBytes() > m_budgetBytes)
            m_wake.wait_for(lock, retry, [this] { return m_stop; });
        else if (tick.count() > 0)
            m_wake.wait_for(lock, tick, woken);
        else
            m_wake.wait(lock, woken);
        if (m_stop)
            break;
        m_nudged = false;
        lock.unlock();
        // Below the budget by a sixteenth, so that a busy node does not evict on every new
        // Instance.
        const qint64 target = usedBytes() > m_budgetBytes ? m_budgetBytes - m_budgetBytes / 16
                                                          : std::numeric_limits<qint64>::max();
        const qint64 idleBefore = m_idleTimeoutMs > 0
                ? monotonicNowNs() - m_idleTimeoutMs * 1'000'000
                : std::numeric_limits<qint64>::min();
        m_core.evictIdle(target, idleBefore);
        lock.lock();
    }
}

} // namespace switchyard::engine
