#pragma once

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
class Scheduler
{
public:
    explicit Scheduler(int threads);
    ~Scheduler();
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;

    int size() const { return int(m_threads.size()); }
    void schedule(std::shared_ptr<Instance> instance);
    // The next ready Instance, or null after marking `executor` idle.
    std::shared_ptr<Instance> take(Executor &executor);
    // Instances are destroyed on an executor between turns, never inside another isolate's turn.
    void retire(std::shared_ptr<Instance> instance);
    std::vector<std::shared_ptr<Instance>> takeRetired();
    void stop();

private:
    std::mutex m_mutex;
    std::deque<std::shared_ptr<Instance>> m_ready;
    std::vector<bool> m_idle;
    std::vector<std::unique_ptr<ExecutorThread>> m_threads;
    std::vector<std::shared_ptr<Instance>> m_retired;
};

} // namespace switchyard::engine
