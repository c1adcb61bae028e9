#include "watchdog.h"

#include "cputime.h"

#include <algorithm>

#include <sys/prctl.h>

#include <v8-isolate.h>

namespace switchyard::engine {

Watchdog::Watchdog(int slots) : m_slots(slots), m_thread([this] { loop(); }) { }

Watchdog::~Watchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void Watchdog::arm(int slot, v8::Isolate *isolate, clockid_t cpuClock, qint64 cpuStartNs,
                   qint64 cpuBudgetNs, Clock::time_point wallDeadline, YieldCallback onYield)
{
    std::lock_guard lock(m_mutex);
    const auto now = Clock::now();
    const auto yieldAt = onYield ? now + yieldEvery : Clock::time_point::max();
    m_slots[slot] = Slot {isolate,      cpuClock,     cpuStartNs, cpuBudgetNs,
                          wallDeadline, Reason::None, onYield,    yieldAt};
    // A thread's CPU clock never runs faster than the wall clock, so this budget cannot be spent
    // before now + budget (less the microseconds since cpuStartNs, hence the margin). Waking the
    // thread for every slice cost more than running the slices did; it is woken only when its
    // own wake-up would come too late.
    const auto margin = std::chrono::microseconds(100);
    wakeBefore(std::min(
            {wallDeadline, yieldAt, now + std::chrono::nanoseconds(cpuBudgetNs) - margin}));
}

void Watchdog::wakeBefore(Clock::time_point when)
{
    if (when < m_wakeAt) {
        m_wakeAt = Clock::time_point::min();
        m_wake.notify_all();
    }
}

Watchdog::Reason Watchdog::disarm(int slot)
{
    std::lock_guard lock(m_mutex);
    const Reason fired = m_slots[slot].fired;
    m_slots[slot] = Slot {};
    return fired;
}

void Watchdog::terminateAll()
{
    {
        std::lock_guard lock(m_mutex);
        m_draining = true;
    }
    m_wake.notify_all();
}

quint64 Watchdog::addDeadline(Clock::time_point when, std::function<void()> fire)
{
    {
        std::lock_guard lock(m_mutex);
        const quint64 id = ++m_nextDeadline;
        m_deadlines.emplace(std::make_pair(when, id), std::move(fire));
        m_deadlineTimes.emplace(id, when);
        wakeBefore(when);
        return id;
    }
}

void Watchdog::removeDeadline(quint64 id)
{
    std::lock_guard lock(m_mutex);
    auto it = m_deadlineTimes.find(id);
    if (it == m_deadlineTimes.end())
        return;
    m_deadlines.erase({it->second, id});
    m_deadlineTimes.erase(it);
}

void Watchdog::loop()
{
    // A kill is only as punctual as this thread's wake-up: ask for exact timers. Not real-time
    // priority: where the process was allowed SCHED_FIFO (root), this thread, waking a thousand
    // times a second to interrupt long-lane slices, took whole cores for tens of milliseconds at a
    // time on a loaded 2-core VM, and every other tenant's p99 went from ~4 ms to 20-50 ms.
    // At normal priority kills stay within a tenth of a millisecond (bench/run.sh, overshoot).
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        const auto now = Clock::now();
        auto wait = std::chrono::nanoseconds(std::chrono::hours(1));
        for (Slot &slot : m_slots) {
            if (!slot.isolate || slot.fired != Reason::None)
                continue;
            const qint64 left
                    = m_draining ? 0 : slot.budgetNs - (cpuNowNs(slot.clock) - slot.cpuStartNs);
            if (left <= 0 || now >= slot.wallDeadline) {
                slot.fired = left <= 0 ? Reason::Cpu : Reason::Wall;
                slot.isolate->TerminateExecution();
                continue;
            }
            // A thread's CPU clock never runs faster than the wall clock, so sleeping `left` can
            // only wake early, never late.
            wait = std::min(wait, std::chrono::nanoseconds(left));
            wait = std::min(wait, std::chrono::nanoseconds(slot.wallDeadline - now));
            if (slot.onYield) {
                if (now >= slot.yieldAt) {
                    slot.isolate->RequestInterrupt(slot.onYield, nullptr);
                    slot.yieldAt = now + yieldEvery;
                }
                wait = std::min(wait, std::chrono::nanoseconds(slot.yieldAt - now));
            }
        }
        bool fired = false;
        while (!m_deadlines.empty() && m_deadlines.begin()->first.first <= now) {
            auto node = m_deadlines.extract(m_deadlines.begin());
            m_deadlineTimes.erase(node.key().second);
            lock.unlock();
            node.mapped()();
            lock.lock();
            fired = true;
        }
        // Slots armed while the lock was let go did not wake us: look at them before sleeping.
        if (fired)
            continue;
        if (!m_deadlines.empty())
            wait = std::min(wait, std::chrono::nanoseconds(m_deadlines.begin()->first.first - now));
        if (wait > std::chrono::nanoseconds(0)) {
            m_wakeAt = now + wait;
            m_wake.wait_for(lock, wait);
            m_wakeAt = Clock::time_point::min();
        }
    }
}

} // namespace switchyard::engine
