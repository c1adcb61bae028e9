#pragma once

#include <signal.h>
#include <time.h>

#include <atomic>
#include <limits>

#include <QtGlobal>

namespace switchyard::engine {

// One executor thread's CPU limit, enforced by kernel timers that signal that thread itself.
//
// A CPU-clock timer (timer_create on the thread's pthread_getcpuclockid clock) is checked by the
// kernel only on the scheduler tick of the CPU the thread runs on: it fires up to one tick (4 ms
// at CONFIG_HZ=250, 10 ms at 100) after its expiry. So it is armed `lead` before the budget runs
// out, and its signal arms a CLOCK_MONOTONIC timer (hrtimer precision) for the CPU time left: a
// thread's CPU clock never runs faster than the wall clock, so that timer can only fire early,
// never late, and each firing re-arms it for what is left until the budget is spent. Slices with
// less than `lead` left arm the wall timer at once.
//
// Both timers signal the executor thread (SIGEV_THREAD_ID), whose handler reads its own CPU clock.
// The handler may not call V8 (TerminateExecution takes a mutex): it hands the kill to a thread
// that does (`killFd`) and waits for that thread's acknowledgement, blocked, so the Worker does
// not run on while that thread waits for a core. On a busy machine that wait was the whole
// overshoot of a polling watchdog; blocked, it costs the Worker wall time, not CPU time. The wait
// is bounded (`ackWait`): the thread might have been interrupted holding the very V8 mutex the
// kill needs.
//
// A timer armed to fire no later than needed is left armed, so a slice start costs no system call
// unless its budget is tighter than what is armed; an early firing re-arms for the truth.
class CpuTimer
{
public:
    static constexpr qint64 none = std::numeric_limits<qint64>::max();
    static constexpr qint64 leadNs = 10'000'000; // one tick at CONFIG_HZ=100, the coarsest
    static constexpr int ackWaitMs = 50;
    struct KillRequest
    {
        int slot;
        quint64 generation;
    };

    CpuTimer(int slot, int killFd);
    ~CpuTimer();
    CpuTimer(const CpuTimer &) = delete;
    CpuTimer &operator=(const CpuTimer &) = delete;

    // On the executor thread, whose CPU clock is `clock`: false when the kernel refused the timers
    // (the watchdog then polls this slot's CPU clock instead).
    bool ensureCreated(clockid_t clock);
    // On the executor thread: a kill request naming `generation` is sent once the thread's CPU
    // clock reaches `deadlineNs`.
    // `nowNs` is the thread's CPU time as the caller read it (never behind the kernel's).
    void arm(quint64 generation, qint64 deadlineNs, qint64 nowNs);
    // On the executor thread: no kill request is sent for the slice armed last.
    void disarm();
    // The killing thread: the request naming `generation` was handled.
    void acknowledge(quint64 generation);

private:
    static void onSignal(int, siginfo_t *info, void *);
    static void installHandler();
    // On the executor thread (its normal flow or its signal handler).
    void schedule(qint64 nowNs, qint64 deadlineNs);
    void fired(bool wall);
    void requestKill();

    const int m_slot;
    const int m_killFd;
    int m_ackRead = -1;
    int m_ackWrite = -1;
    bool m_created = false;
    bool m_failed = false;
    timer_t m_cpuTimer {};
    timer_t m_wallTimer {};
    // Written on the executor thread, read by its signal handler (which may interrupt any write).
    std::atomic<qint64> m_deadlineNs {none};
    std::atomic<quint64> m_generation {0};
    // Absolute expiry of each timer while it is armed, `none` when it is not. Never claims a
    // timer armed that is not: the handler clears the value of the timer that fired.
    std::atomic<qint64> m_cpuTimerAt {none};
    std::atomic<qint64> m_wallTimerAt {none};
    // arm() is updating the timers: the handler leaves them to it and sets m_recheck.
    std::atomic<bool> m_busy {false};
    std::atomic<bool> m_recheck {false};
};

} // namespace switchyard::engine
