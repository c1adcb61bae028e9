#include "cputimer.h"

#include "cputime.h"
#include "logging.h"

#include <algorithm>
#include <cerrno>
#include <mutex>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

// glibc before 2.38 names the field of SIGEV_THREAD_ID only by its union member.
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

namespace switchyard::engine {

namespace {

// A real-time signal nothing else in the process uses; glibc keeps the first few below SIGRTMIN.
int signalNumber()
{
    return SIGRTMIN + 5;
}

timespec timespecOf(qint64 ns)
{
    return timespec {time_t(ns / 1000000000), long(ns % 1000000000)};
}

bool setTimer(timer_t timer, qint64 atNs)
{
    itimerspec spec {};
    spec.it_value = timespecOf(std::max<qint64>(atNs, 1));
    return timer_settime(timer, TIMER_ABSTIME, &spec, nullptr) == 0;
}

} // namespace

CpuTimer::CpuTimer(int slot, int killFd) : m_slot(slot), m_killFd(killFd)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
        m_ackRead = fds[0];
        m_ackWrite = fds[1];
    } else {
        m_failed = true;
    }
}

CpuTimer::~CpuTimer()
{
    // Only once the executor thread is gone: no handler can run on this object any more.
    if (m_created) {
        timer_delete(m_cpuTimer);
        timer_delete(m_wallTimer);
    }
    if (m_ackRead >= 0) {
        close(m_ackRead);
        close(m_ackWrite);
    }
}

void CpuTimer::installHandler()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction action = {};
        action.sa_sigaction = &CpuTimer::onSignal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(signalNumber(), &action, nullptr);
    });
}

bool CpuTimer::ensureCreated(clockid_t clock)
{
    if (m_created || m_failed)
        return m_created;
    installHandler();
    sigevent event {};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = signalNumber();
    event.sigev_notify_thread_id = gettid();
    event.sigev_value.sival_ptr = this;
    if (timer_create(clock, &event, &m_cpuTimer) != 0) {
        qCWarning(lcEngine) << "no CPU timer for executor" << m_slot << "(" << strerror(errno)
                            << "): its CPU limit is polled";
        m_failed = true;
        return false;
    }
    // The low bit tells the handler which timer fired (the object is aligned).
    event.sigev_value.sival_ptr = reinterpret_cast<char *>(this) + 1;
    if (timer_create(CLOCK_MONOTONIC, &event, &m_wallTimer) != 0) {
        qCWarning(lcEngine) << "no timer for executor" << m_slot << "(" << strerror(errno)
                            << "): its CPU limit is polled";
        timer_delete(m_cpuTimer);
        m_failed = true;
        return false;
    }
    m_created = true;
    return true;
}

void CpuTimer::arm(quint64 generation, qint64 deadlineNs, qint64 nowNs)
{
    bool unsure = false;
    do {
        m_busy.store(true);
        if (unsure) {
            // A timer fired while they were being set: which one is armed is unknown.
            m_cpuTimerAt.store(none);
            m_wallTimerAt.store(none);
            nowNs = ownCpuNowNs();
        }
        m_generation.store(generation);
        m_deadlineNs.store(deadlineNs);
        schedule(nowNs, deadlineNs);
        m_busy.store(false);
        unsure = m_recheck.exchange(false);
    } while (unsure);
}

void CpuTimer::disarm()
{
    m_deadlineNs.store(none);
}

void CpuTimer::acknowledge(quint64 generation)
{
    [[maybe_unused]] const ssize_t written = write(m_ackWrite, &generation, sizeof generation);
}

void CpuTimer::schedule(qint64 nowNs, qint64 deadlineNs)
{
    const qint64 left = deadlineNs - nowNs;
    if (left > leadNs) {
        const qint64 at = deadlineNs - leadNs;
        if (m_cpuTimerAt.load() > at && setTimer(m_cpuTimer, at))
            m_cpuTimerAt.store(at);
        return;
    }
    const qint64 at = monotonicNowNs() + std::max<qint64>(left, 0);
    if (m_wallTimerAt.load() > at && setTimer(m_wallTimer, at))
        m_wallTimerAt.store(at);
}

void CpuTimer::onSignal(int, siginfo_t *info, void *)
{
    if (info->si_code != SI_TIMER)
        return;
    const int savedErrno = errno;
    const auto bits = reinterpret_cast<quintptr>(info->si_value.sival_ptr);
    if (auto *timer = reinterpret_cast<CpuTimer *>(bits & ~quintptr(1)))
        timer->fired(bits & 1);
    errno = savedErrno;
}

void CpuTimer::fired(bool wall)
{
    (wall ? m_wallTimerAt : m_cpuTimerAt).store(none);
    if (m_busy.load()) {
        m_recheck.store(true);
        return;
    }
    const qint64 deadline = m_deadlineNs.load();
    if (deadline == none)
        return;
    const qint64 now = ownCpuNowNs();
    if (now < deadline)
        schedule(now, deadline);
    else
        requestKill();
}

void CpuTimer::requestKill()
{
    // Async-signal-safe from here on: atomics, read, write, poll, clock_gettime.
    const quint64 generation = m_generation.load();
    const qint64 deadline = m_deadlineNs.exchange(none);
    quint64 ack = 0;
    while (read(m_ackRead, &ack, sizeof ack) > 0) { } // of earlier kills whose wait ran out
    const KillRequest request {m_slot, generation};
    if (write(m_killFd, &request, sizeof request) != sizeof request) {
        // The pipe is full (cannot happen with one request per executor in flight): try again.
        m_deadlineNs.store(deadline);
        setTimer(m_wallTimer, monotonicNowNs() + 100000);
        m_wallTimerAt.store(none); // may already have fired: never claim it armed
        return;
    }
    const qint64 until = monotonicNowNs() + qint64(ackWaitMs) * 1000000;
    pollfd fd {m_ackRead, POLLIN, 0};
    for (;;) {
        const qint64 left = until - monotonicNowNs();
        if (left <= 0)
            return;
        const int ready = poll(&fd, 1, int((left + 999999) / 1000000));
        if (ready < 0 && errno != EINTR)
            return;
        while (ready > 0 && read(m_ackRead, &ack, sizeof ack) > 0) {
            if (ack == generation)
                return;
        }
    }
}

} // namespace switchyard::engine
