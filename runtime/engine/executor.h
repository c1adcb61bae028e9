#pragma once

#include <QObject>
#include <QThread>

#include <time.h>

#include <memory>

class QNetworkAccessManager;

namespace switchyard::engine {

class Scheduler;

// One executor thread's worker: while Instances are ready it runs them one turn at a time, going
// back to its event loop in between so the timers and network replies it owns keep flowing.
class Executor : public QObject
{
    Q_OBJECT
public:
    Executor(Scheduler &scheduler, int index);
    ~Executor() override;

    int index() const { return m_index; }
    clockid_t cpuClock() const { return m_cpuClock; }
    QNetworkAccessManager *network();
    // Any thread: run ready Instances soon.
    void wake();

private:
    void pump();

    Scheduler &m_scheduler;
    int m_index;
    clockid_t m_cpuClock;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

// The QThread an Executor lives and dies in.
class ExecutorThread : public QThread
{
public:
    ExecutorThread(Scheduler &scheduler, int index);
    Executor *executor() const { return m_executor; }

protected:
    void run() override;

private:
    Scheduler &m_scheduler;
    int m_index;
    Executor *m_executor = nullptr;
    QAtomicInt m_ready = 0;
    friend class Scheduler;
};

} // namespace switchyard::engine
