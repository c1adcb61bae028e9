#include "executor.h"

#include "cputime.h"
#include "instance.h"
#include "scheduler.h"

#include <QNetworkAccessManager>

namespace switchyard::engine {

Executor::Executor(Scheduler &scheduler, int index)
    : m_scheduler(scheduler), m_index(index), m_cpuClock(currentThreadCpuClock())
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
    m_scheduler.takeRetired().clear();
    std::shared_ptr<Instance> instance = m_scheduler.take(*this);
    if (!instance)
        return;
    instance->run(*this);
    instance.reset();
    // One turn per event-loop pass: replies and timers on this thread are not starved.
    wake();
}

ExecutorThread::ExecutorThread(Scheduler &scheduler, int index)
    : m_scheduler(scheduler), m_index(index)
{
    setObjectName(QStringLiteral("executor-%1").arg(index));
}

void ExecutorThread::run()
{
    Executor executor(m_scheduler, m_index);
    m_executor = &executor;
    m_ready.storeRelease(1);
    exec();
    m_scheduler.takeRetired().clear();
    m_executor = nullptr;
}

} // namespace switchyard::engine
