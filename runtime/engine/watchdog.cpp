#include "watchdog.h"

#include "cputime.h"

#include "logging.h"

#include <algorithm>

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <v8-isolate.h>

namespace switchyard::engine {

Watchdog::Watchdog(int slots, bool cpuTimers) : m_slots(slots), m_thread([this] { loop(); })
{
    // The write end does not block: it is written from signal handlers.
    if (!cpuTimers)
        return;
    if (pipe2(m_killPipe, O_CLOEXEC) == 0 && fcntl(m_killPipe[1], F_SETFL, O_NONBLOCK) == 0) {
        for (int i = 0; i < slots; ++i)
            m_timers.push_back(std::make_unique<CpuTimer>(i, m_killPipe[1]));
        m_killer = std::thread([this] { killLoop(); });
    } else {
        qCWarning(lcEngine) << "no kill pipe: CPU limits are polled";
    }
}

Watchdog::~Watchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
    if (m_killer.joinable()) {
        const CpuTimer::KillRequest stop {-1, 0};
        [[maybe_unused]] const ssize_t written = write(m_killPipe[1], &stop, sizeof stop);
        m_killer.join();
    }
    m_timers.clear();
    for (int fd : m_killPipe) {
        if (fd >= 0)
            close(fd);
    }
}

void Watchdog::killLoop()
{
    for (;;) {
        CpuTimer::KillRequest request {};
        const ssize_t got = read(m_killPipe[0], &request, sizeof request);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != sizeof request || request.slot < 0 || request.slot >= int(m_slots.size()))
            return;
        std::vector<Call> calls;
        std::unique_lock lock(m_mutex);
        Slot &slot = m_slots[size_t(request.slot)];
        if (slot.isolate && slot.generation == request.generation && slot.fired == Reason::None) {
            slot.fired = Reason::Cpu;
            ++slot.calls;
            calls.push_back({request.slot, slot.isolate, nullptr});
            // The executor waits blocked in its signal handler, possibly holding the isolate
            // mutex TerminateExecution takes: not under m_mutex.
            makeCalls(lock, calls);
            m_timerKills.fetch_add(1, std::memory_order_relaxed);
        }
        lock.unlock();
        m_timers[size_t(request.slot)]->acknowledge(request.generation);
    }
}

void Watchdog::arm(int slot, v8::Isolate *isolate, clockid_t cpuClock, qint64 cpuStartNs,
                   qint64 cpuBudgetNs, Clock::time_point wallDeadline, YieldCallback onYield)
{
    CpuTimer *timer = slot < int(m_timers.size()) ? m_timers[size_t(slot)].get() : nullptr;
    const bool timed = timer && timer->ensureCreated(cpuClock);
    quint64 generation;
    {
        std::lock_guard lock(m_mutex);
        const auto now = Clock::now();
        const auto yieldAt = onYield ? now + yieldEvery : Clock::time_point::max();
        generation = ++m_generation;
        const int calls = m_slots[slot].calls; // 0: disarm() waited for them
        m_slots[slot]
                = Slot {isolate, cpuClock, cpuStartNs, cpuBudgetNs, wallDeadline, Reason::None,
                        onYield, yieldAt,  generation, !timed,      calls};
        // Waking the thread for every slice cost more than running the slices did; it is woken
        // only when its own wake-up would come too late. A thread's CPU clock never runs faster
        // than the wall clock, so a polled budget cannot be spent before now + budget (less the
        // microseconds since cpuStartNs, hence the margin).
        auto wakeAt = std::min(wallDeadline, yieldAt);
        if (!timed)
            wakeAt = std::min(wakeAt,
                              now + std::chrono::nanoseconds(cpuBudgetNs)
                                      - std::chrono::microseconds(100));
        wakeBefore(wakeAt);
    }
    if (timed)
        timer->arm(generation, cpuStartNs + cpuBudgetNs, cpuStartNs);
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
    if (slot < int(m_timers.size()))
        m_timers[size_t(slot)]->disarm();
    std::unique_lock lock(m_mutex);
    m_callsDone.wait(lock, [&] { return m_slots[slot].calls == 0; });
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

void Watchdog::makeCalls(std::unique_lock<std::mutex> &lock, std::vector<Call> &calls)
{
    if (calls.empty())
        return;
    lock.unlock();
    for (const Call &call : calls) {
        if (call.onYield)
            call.isolate->RequestInterrupt(call.onYield, nullptr);
        else
            call.isolate->TerminateExecution();
    }
    lock.lock();
    for (const Call &call : calls)
        --m_slots[size_t(call.slot)].calls;
    calls.clear();
    m_callsDone.notify_all();
}

void Watchdog::loop()
{
    // Wall deadlines, yields and polled CPU limits are only as punctual as this thread's wake-up:
    // ask for exact timers. Not real-time priority: where the process was allowed SCHED_FIFO
    // (root), this thread, waking a thousand times a second to interrupt long-lane slices, took
    // whole cores for tens of milliseconds at a time on a loaded 2-core VM, and every other
    // tenant's p99 went from ~4 ms to 20-50 ms.
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    std::unique_lock lock(m_mutex);
    std::vector<Call> calls;
    while (!m_stop) {
        const auto now = Clock::now();
        auto wait = std::chrono::nanoseconds(std::chrono::hours(1));
        for (int i = 0; i < int(m_slots.size()); ++i) {
            Slot &slot = m_slots[size_t(i)];
            if (!slot.isolate || slot.fired != Reason::None)
                continue;
            qint64 left = std::numeric_limits<qint64>::max();
            if (m_draining)
                left = 0;
            else if (slot.polled)
                left = slot.budgetNs - (cpuNowNs(slot.clock) - slot.cpuStartNs);
            if (left <= 0 || now >= slot.wallDeadline) {
                slot.fired = left <= 0 ? Reason::Cpu : Reason::Wall;
                ++slot.calls;
                calls.push_back({i, slot.isolate, nullptr});
                continue;
            }
            // A thread's CPU clock never runs faster than the wall clock, so sleeping `left` can
            // only wake early, never late.
            wait = std::min(wait, std::chrono::nanoseconds(left));
            wait = std::min(wait, std::chrono::nanoseconds(slot.wallDeadline - now));
            if (slot.onYield) {
                if (now >= slot.yieldAt) {
                    ++slot.calls;
                    calls.push_back({i, slot.isolate, slot.onYield});
                    slot.yieldAt = now + yieldEvery;
                }
                wait = std::min(wait, std::chrono::nanoseconds(slot.yieldAt - now));
            }
        }
        bool fired = !calls.empty();
        makeCalls(lock, calls);
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
