#pragma once

#include <pthread.h>
#include <time.h>

#include <QtGlobal>

#include <algorithm>
#include <limits>

namespace switchyard::engine {

// CPU time is read from the executing thread's own clock, so time spent waiting is never billed
// to a Worker (and time preempted at most as ThreadCpuClock says).
inline clockid_t currentThreadCpuClock()
{
    clockid_t id = CLOCK_THREAD_CPUTIME_ID;
    pthread_getcpuclockid(pthread_self(), &id);
    return id;
}

inline qint64 cpuNowNs(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// The calling thread's own CPU time: the same clock as currentThreadCpuClock() names for other
// threads, without the kernel looking the thread up by id on every read.
inline qint64 ownCpuNowNs()
{
    return cpuNowNs(CLOCK_THREAD_CPUTIME_ID);
}

inline qint64 monotonicNowNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// An executor thread's own CPU clock, read through the kernel at most once per `reuseNs` of wall
// time. The thread CPU clock is a system call that takes the run-queue lock: ~0.4 µs on an idle
// VM and about twice that under load, and a forwarded request read it ten times (slice starts and
// ends, the CPU time of each response). Between kernel reads the reading is extrapolated by the
// monotonic clock, which the vDSO serves in ~20 ns. A thread's CPU time never advances faster than
// wall time, so an extrapolated reading overstates by at most the time the thread spent
// preempted since the last kernel read (< defaultReuseNs, 20 µs); readings never go backwards, so
// the next kernel read absorbs the difference instead of billing it twice. Time the thread spends
// blocked on purpose (its event loop waiting for work) must not be extrapolated over: forget()
// first.
class ThreadCpuClock
{
public:
    static constexpr qint64 defaultReuseNs = 20000;
    explicit ThreadCpuClock(qint64 reuseNs = defaultReuseNs) : m_reuseNs(reuseNs) { }

    // Only on the thread the clock belongs to.
    qint64 now()
    {
        const qint64 wall = monotonicNowNs();
        if (wall - m_wallAt >= m_reuseNs) {
            m_wallAt = wall;
            m_cpuAt = ownCpuNowNs();
            m_last = std::max(m_last, m_cpuAt);
        } else {
            m_last = std::max(m_last, m_cpuAt + (wall - m_wallAt));
        }
        return m_last;
    }

    // The thread is about to block: the next reading comes from the kernel.
    void forget() { m_wallAt = std::numeric_limits<qint64>::min() / 2; }

private:
    const qint64 m_reuseNs;
    qint64 m_wallAt = std::numeric_limits<qint64>::min() / 2;
    qint64 m_cpuAt = 0;
    qint64 m_last = 0;
};

} // namespace switchyard::engine
