#pragma once

#include "cputime.h"

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
    Executor(Scheduler &scheduler, int index, bool longLane);
    ~Executor() override;

    int index() const { return m_index; }
    // Runs Instances whose slices run long (Scheduler); their slices yield to short work.
    bool longLane() const { return m_longLane; }
    clockid_t cpuClock() const { return m_cpuClock; }
    // This thread's CPU time as Instances bill it; only on this executor's thread.
    ThreadCpuClock &ownCpuClock() { return m_ownCpuClock; }
    QNetworkAccessManager *network();
    // Any thread: run ready Instances soon.
    void wake();

private:
    void pump();

    Scheduler &m_scheduler;
    int m_index;
    bool m_longLane;
    clockid_t m_cpuClock;
    ThreadCpuClock m_ownCpuClock;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

// The QThread an Executor lives and dies in.
class ExecutorThread : public QThread
{
public:
    ExecutorThread(Scheduler &scheduler, int index, bool longLane);
    Executor *executor() const { return m_executor; }

protected:
    void run() override;

private:
    Scheduler &m_scheduler;
    int m_index;
    bool m_longLane;
    Executor *m_executor = nullptr;
    QAtomicInt m_ready = 0;
    friend class Scheduler;
};

} // namespace switchyard::engine
