#pragma once

#include <pthread.h>
#include <time.h>

#include <QtGlobal>

namespace switchyard::engine {

// CPU time is read from the executing thread's own clock, so time spent waiting or preempted is
// never billed to a Worker.
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

} // namespace switchyard::engine
