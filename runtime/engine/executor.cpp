#include "executor.h"

#include "cputime.h"
#include "instance.h"
#include "logging.h"
#include "scheduler.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace switchyard::engine {

Executor::Executor(Scheduler &scheduler, int index, bool longLane)
    : m_scheduler(scheduler), m_index(index), m_longLane(longLane),
      m_cpuClock(currentThreadCpuClock())
{ }

Executor::~Executor() = default;

QNetworkAccessManager *Executor::network()
{
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    return m_network.get();
}

void Executor::wake()
{
    QMetaObject::invokeMethod(this, &Executor::pump, Qt::QueuedConnection);
}

void Executor::pump()
{
    // Turns run back to back for up to a millisecond: a trip through the event loop per turn
    // (post, wake-up, poll) cost as much as a small Worker's turn. Then the loop gets a pass, so
    // replies and timers on this thread are not starved.
    QElapsedTimer elapsed;
    elapsed.start();
    do {
        m_scheduler.takeRetired().clear();
        std::shared_ptr<Instance> instance = m_scheduler.take(*this);
        if (!instance) {
            m_ownCpuClock.forget();
            return; // idle: the scheduler wakes us
        }
        instance->run(*this);
    } while (elapsed.nsecsElapsed() < 1000000);
    m_ownCpuClock.forget();
    wake();
}

ExecutorThread::ExecutorThread(Scheduler &scheduler, int index, bool longLane)
    : m_scheduler(scheduler), m_index(index), m_longLane(longLane)
{
    setObjectName(QStringLiteral("executor-%1").arg(index));
}

void ExecutorThread::run()
{
    // The long lane runs at SCHED_IDLE: a Worker spinning there gets the CPU the other tenants
    // leave, and any of their threads that wakes takes its core at once. At nice 10 it still
    // held its core for a slice or so after such a wake-up (the fair scheduler protects a running
    // slice), and on 2 cores a tenant spinning at its limit doubled another tenant's p99 while
    // taking a fifth of a core; at SCHED_IDLE the same p99 rose 1.1-1.2 times (bench/run.sh,
    // noisy neighbour). Its limit is CPU time, so it is billed the same. Lowering the policy
    // needs no privilege and it is never raised again.
    // The price: on a machine saturated by short work, a long-lane Worker waits for idle CPU
    // (its wall limit still ends it), and a mutex it holds when preempted is held until a core
    // idles; its threads take engine mutexes only between slices and for microseconds.
    if (m_longLane) {
        sched_param param {};
        if (sched_setscheduler(0, SCHED_IDLE, &param) != 0
            && setpriority(PRIO_PROCESS, pid_t(gettid()), 10) != 0)
            qCDebug(lcEngine) << "long-lane executor runs at normal priority";
    }
    Executor executor(m_scheduler, m_index, m_longLane);
    // Made now rather than on the first fetch(): its set-up is the runtime's, and would otherwise
    // be billed to whichever Worker fetches first on this thread.
    executor.network();
    m_executor = &executor;
    m_ready.storeRelease(1);
    exec();
    m_scheduler.takeRetired().clear();
    m_executor = nullptr;
}

} // namespace switchyard::engine
