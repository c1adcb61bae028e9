#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace switchyard::engine {

class Executor;
class ExecutorThread;
class Instance;

// Hands ready Instances to whichever executor is free, so one busy Worker occupies one thread and
// never holds up another Worker queued behind it.
//
// Executors come in two lanes of equal size. Instances whose recent slices ran long (a Worker
// spinning towards its CPU limit) are scheduled on the long lane only, whose threads run at
// SCHED_IDLE, and there they yield the CPU while short work runs (Instance::yieldToShortWork): a
// tenant burning its limit then takes what the others leave, not a core from them. Every Instance
// starts on the short lane.
class Scheduler
{
public:
    enum class Lane { Short, Long };
    // A slice this long (CPU) sends its Instance to the long lane.
    static constexpr qint64 longSliceNs = 1'000'000;
    // A recent slice this long is a Worker spinning towards its limit (the smallest plan's is
    // 10 ms). Below it, a long-lane Instance had a slow slice or two (cold code, or a loaded
    // machine): an idle short-lane executor runs it, short work first. On the long lane alone it
    // could wait behind a spinner, or get no CPU at all at SCHED_IDLE while other processes keep
    // the cores busy; a dispatcher there held up every tenant it routes.
    static constexpr qint64 spinningSliceNs = 8'000'000;

    // `threads` executors per lane.
    explicit Scheduler(int threads);
    ~Scheduler();
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;

    int size() const { return int(m_threads.size()); }
    void schedule(std::shared_ptr<Instance> instance);
    // The next ready Instance of the executor's lane, or null after marking `executor` idle.
    std::shared_ptr<Instance> take(Executor &executor);
    // Any thread, lock-free: has short-lane work run or waited within the last few milliseconds?
    // Under load its executors idle for moments between requests; a long slice that took those
    // moments as a quiet lane kept most of a core.
    bool shortLaneBusy() const;
    // Instances are destroyed on an executor between turns, never inside another isolate's turn.
    void retire(std::shared_ptr<Instance> instance);
    std::vector<std::shared_ptr<Instance>> takeRetired();
    void stop();

private:
    Lane laneOf(int index) const { return index < m_perLane ? Lane::Short : Lane::Long; }
    // Under m_mutex. An executor is idle only when its lane has nothing waiting, so the count of
    // busy short executors also says whether short work waits.
    void setIdle(int index, bool idle);
    // Under m_mutex: the first long-lane Instance that is not spinning; its position in the long
    // queue, or -1.
    qsizetype stealableFromLongLane() const;

    const int m_perLane;
    std::mutex m_mutex;
    std::array<std::deque<std::shared_ptr<Instance>>, 2> m_ready;
    std::vector<bool> m_idle;
    std::atomic_int m_shortBusy = 0;
    std::atomic<qint64> m_shortIdleSinceNs = 0; // steady clock, when the last one went idle
    std::vector<std::unique_ptr<ExecutorThread>> m_threads;
    std::vector<std::shared_ptr<Instance>> m_retired;
};

} // namespace switchyard::engine
