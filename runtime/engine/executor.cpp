#include "executor.h"

#include "cputime.h"
#include "instance.h"
#include "logging.h"
#include "scheduler.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>

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
    // The long lane runs at nice 10 (a tenth of a normal thread's weight): a Worker spinning
    // there gets the CPU the other tenants leave. Raising nice needs no privilege; it is never
    // lowered again. Not SCHED_IDLE: a thread that starved while holding the scheduler's or the
    // watchdog's mutex would stall the short lane with it.
    if (m_longLane && setpriority(PRIO_PROCESS, pid_t(gettid()), 10) != 0)
        qCDebug(lcEngine) << "long-lane executor runs at normal priority";
    Executor executor(m_scheduler, m_index, m_longLane);
    m_executor = &executor;
    m_ready.storeRelease(1);
    exec();
    m_scheduler.takeRetired().clear();
    m_executor = nullptr;
}

} // namespace switchyard::engine
