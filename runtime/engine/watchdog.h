#pragma once

#include "cputimer.h"

#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <QtGlobal>

namespace v8 {
class Isolate;
}

namespace switchyard::engine {

// Stops Workers. A slice's CPU budget is enforced by its executor's own timers (CpuTimer), whose
// signal handler hands the kill to a thread that calls TerminateExecution (the one isolate call
// safe from any thread); that thread is woken only to kill. The watchdog thread fires wall-clock
// deadlines (of slices and of Invocations that are waiting), interrupts slices that may be
// throttled every `yieldEvery` so that they can give up the CPU, and polls the CPU clock of an
// executor the kernel gave no timers.
class Watchdog
{
public:
    using Clock = std::chrono::steady_clock;
    enum class Reason { None, Cpu, Wall };
    static constexpr std::chrono::milliseconds yieldEvery {1};
    using YieldCallback = void (*)(v8::Isolate *isolate, void *data);

    // Without `cpuTimers` every executor's CPU clock is polled.
    Watchdog(int slots, bool cpuTimers = true);
    ~Watchdog();
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

    // On the executor's thread: `slot` is the executor's index, `cpuClock` its thread's CPU clock;
    // the budget is what the Invocation has left. A non-null
    // `onYield` is requested as an isolate interrupt every `yieldEvery` while the slice runs; it
    // may run after the slice ended, on the isolate's next one.
    void arm(int slot, v8::Isolate *isolate, clockid_t cpuClock, qint64 cpuStartNs,
             qint64 cpuBudgetNs, Clock::time_point wallDeadline, YieldCallback onYield = nullptr);
    // After this returns the isolate will not be terminated on this slice's account; the result
    // says whether it was (the caller then cancels the termination).
    Reason disarm(int slot);

    // Shutdown: whatever runs now or later is terminated at once.
    void terminateAll();

    // Slices ended by their executor's CPU timer (the other CPU kills came from polling).
    quint64 timerKills() const { return m_timerKills.load(std::memory_order_relaxed); }

    quint64 addDeadline(Clock::time_point when, std::function<void()> fire);
    void removeDeadline(quint64 id);

private:
    struct Slot
    {
        v8::Isolate *isolate = nullptr;
        clockid_t clock {};
        qint64 cpuStartNs = 0;
        qint64 budgetNs = 0;
        Clock::time_point wallDeadline;
        Reason fired = Reason::None;
        YieldCallback onYield = nullptr;
        Clock::time_point yieldAt = Clock::time_point::max();
        quint64 generation = 0;
        bool polled = false; // no CpuTimer: the loop watches the CPU clock
        // Calls on `isolate` in progress on the watchdog's threads, made without m_mutex: an
        // isolate call waits for the isolate's own mutex, which a starved long-lane thread may
        // hold, and every slice start and end takes m_mutex. disarm() waits for none.
        int calls = 0;
    };
    void loop();
    void killLoop();
    // Under `lock`: lets it go for the isolate calls, then ends them.
    struct Call
    {
        int slot;
        v8::Isolate *isolate;
        YieldCallback onYield; // null: TerminateExecution
    };
    void makeCalls(std::unique_lock<std::mutex> &lock, std::vector<Call> &calls);
    // Under m_mutex: wake the thread if it would otherwise sleep past `when`.
    void wakeBefore(Clock::time_point when);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_callsDone;
    std::vector<Slot> m_slots;
    quint64 m_generation = 0;
    int m_killPipe[2] = {-1, -1};
    std::vector<std::unique_ptr<CpuTimer>> m_timers;
    std::atomic<quint64> m_timerKills {0};
    std::map<std::pair<Clock::time_point, quint64>, std::function<void()>> m_deadlines;
    std::map<quint64, Clock::time_point> m_deadlineTimes;
    quint64 m_nextDeadline = 0;
    bool m_stop = false;
    bool m_draining = false;
    // When the sleeping thread wakes on its own; min() while it is scanning (it will look again).
    Clock::time_point m_wakeAt = Clock::time_point::min();
    std::thread m_thread;
    std::thread m_killer;
};

} // namespace switchyard::engine
