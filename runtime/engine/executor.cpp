#include "executor.h"

#include "cputime.h"
#include "instance.h"
#include "scheduler.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>

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
        if (!instance)
            return; // idle: the scheduler wakes us
        instance->run(*this);
    } while (elapsed.nsecsElapsed() < 1000000);
    wake();
}

ExecutorThread::ExecutorThread(Scheduler &scheduler, int index, bool longLane)
    : m_scheduler(scheduler), m_index(index), m_longLane(longLane)
{
    setObjectName(QStringLiteral("executor-%1").arg(index));
}

void ExecutorThread::run()
{
    Executor executor(m_scheduler, m_index, m_longLane);
    m_executor = &executor;
    m_ready.storeRelease(1);
    exec();
    m_scheduler.takeRetired().clear();
    m_executor = nullptr;
}

} // namespace switchyard::engine
