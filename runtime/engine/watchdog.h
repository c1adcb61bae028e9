#pragma once

#include <time.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <QtGlobal>

namespace v8 {
class Isolate;
}

namespace switchyard::engine {

// The one thread that stops Workers: it watches the CPU clock of every executor running a slice
// and calls TerminateExecution (the one isolate call safe from any thread) the moment a budget is
// spent, and fires wall-clock deadlines of Invocations that are waiting. Slices that may be
// throttled are also interrupted every `yieldEvery` so that they can give up the CPU.
class Watchdog
{
public:
    using Clock = std::chrono::steady_clock;
    enum class Reason { None, Cpu, Wall };
    static constexpr std::chrono::milliseconds yieldEvery {1};
    using YieldCallback = void (*)(v8::Isolate *isolate, void *data);

    explicit Watchdog(int slots);
    ~Watchdog();
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

    // `slot` is the executor's index; the budget is what the Invocation has left. A non-null
    // `onYield` is requested as an isolate interrupt every `yieldEvery` while the slice runs; it
    // may run after the slice ended, on the isolate's next one.
    void arm(int slot, v8::Isolate *isolate, clockid_t cpuClock, qint64 cpuStartNs,
             qint64 cpuBudgetNs, Clock::time_point wallDeadline, YieldCallback onYield = nullptr);
    // After this returns the isolate will not be terminated on this slice's account; the result
    // says whether it was (the caller then cancels the termination).
    Reason disarm(int slot);

    // Shutdown: whatever runs now or later is terminated at once.
    void terminateAll();

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
    };
    void loop();
    // Under m_mutex: wake the thread if it would otherwise sleep past `when`.
    void wakeBefore(Clock::time_point when);

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Slot> m_slots;
    std::map<std::pair<Clock::time_point, quint64>, std::function<void()>> m_deadlines;
    std::map<quint64, Clock::time_point> m_deadlineTimes;
    quint64 m_nextDeadline = 0;
    bool m_stop = false;
    bool m_draining = false;
    // When the sleeping thread wakes on its own; min() while it is scanning (it will look again).
    Clock::time_point m_wakeAt = Clock::time_point::min();
    std::thread m_thread;
};

} // namespace switchyard::engine
