#include "scheduler.h"

#include "executor.h"
#include "instance.h"

namespace switchyard::engine {

Scheduler::Scheduler(int threads) : m_idle(size_t(threads), true)
{
    for (int i = 0; i < threads; ++i) {
        m_threads.push_back(std::make_unique<ExecutorThread>(*this, i));
        m_threads.back()->start();
    }
    for (auto &thread : m_threads) {
        while (!thread->m_ready.loadAcquire())
            QThread::yieldCurrentThread();
    }
}

Scheduler::~Scheduler()
{
    stop();
}

void Scheduler::stop()
{
    for (auto &thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    m_threads.clear();
    std::lock_guard lock(m_mutex);
    m_ready.clear();
    m_retired.clear();
}

void Scheduler::schedule(std::shared_ptr<Instance> instance)
{
    Executor *wake = nullptr;
    {
        std::lock_guard lock(m_mutex);
        if (m_threads.empty())
            return;
        m_ready.push_back(std::move(instance));
        for (size_t i = 0; i < m_idle.size(); ++i) {
            if (m_idle[i]) {
                m_idle[i] = false;
                wake = m_threads[i]->executor();
                break;
            }
        }
    }
    if (wake)
        wake->wake();
}

std::shared_ptr<Instance> Scheduler::take(Executor &executor)
{
    std::lock_guard lock(m_mutex);
    if (m_ready.empty()) {
        m_idle[size_t(executor.index())] = true;
        return nullptr;
    }
    m_idle[size_t(executor.index())] = false;
    std::shared_ptr<Instance> next = std::move(m_ready.front());
    m_ready.pop_front();
    return next;
}

void Scheduler::retire(std::shared_ptr<Instance> instance)
{
    std::lock_guard lock(m_mutex);
    m_retired.push_back(std::move(instance));
}

std::vector<std::shared_ptr<Instance>> Scheduler::takeRetired()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_retired, {});
}

} // namespace switchyard::engine
