#include "scheduler.h"

#include "cputime.h"
#include "executor.h"
#include "instance.h"

namespace switchyard::engine {

Scheduler::Scheduler(int threads) : m_perLane(threads), m_idle(size_t(2 * threads), true)
{
    for (int i = 0; i < 2 * threads; ++i) {
        m_threads.push_back(std::make_unique<ExecutorThread>(*this, i, laneOf(i) == Lane::Long));
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
    // Destroyed outside the lock: an Instance going may release a Script, which retires others.
    std::vector<std::shared_ptr<Instance>> doomed;
    {
        std::lock_guard lock(m_mutex);
        for (auto &ready : m_ready) {
            for (auto &instance : ready)
                doomed.push_back(std::move(instance));
            ready.clear();
        }
        for (auto &instance : m_retired)
            doomed.push_back(std::move(instance));
        m_retired.clear();
    }
    doomed.clear();
}

void Scheduler::setIdle(int index, bool idle)
{
    if (m_idle[size_t(index)] == idle)
        return;
    m_idle[size_t(index)] = idle;
    if (laneOf(index) == Lane::Short) {
        m_shortBusy.fetch_add(idle ? -1 : 1, std::memory_order_relaxed);
        if (idle)
            m_shortIdleSinceNs.store(monotonicNowNs(), std::memory_order_relaxed);
    }
}

bool Scheduler::shortLaneBusy() const
{
    constexpr qint64 recentNs = 5'000'000;
    return m_shortBusy.load(std::memory_order_relaxed) > 0
            || monotonicNowNs() - m_shortIdleSinceNs.load(std::memory_order_relaxed) < recentNs;
}

qsizetype Scheduler::stealableFromLongLane() const
{
    const auto &ready = m_ready[size_t(Lane::Long)];
    for (qsizetype i = 0; i < qsizetype(ready.size()); ++i) {
        if (ready[size_t(i)]->recentSliceNs() < spinningSliceNs)
            return i;
    }
    return -1;
}

void Scheduler::schedule(std::shared_ptr<Instance> instance)
{
    const Lane lane = instance->runsLong() ? Lane::Long : Lane::Short;
    Executor *wake = nullptr;
    {
        std::lock_guard lock(m_mutex);
        if (m_threads.empty())
            return;
        m_ready[size_t(lane)].push_back(std::move(instance));
        auto wakeIdleOf = [&](Lane which) {
            const int first = which == Lane::Short ? 0 : m_perLane;
            for (int i = first; i < first + m_perLane; ++i) {
                if (m_idle[size_t(i)]) {
                    setIdle(i, false);
                    wake = m_threads[size_t(i)]->executor();
                    return;
                }
            }
        };
        // One that only ran slow goes to an idle short-lane executor first: a long-lane thread
        // at SCHED_IDLE may get no CPU at all while other processes keep the cores busy.
        const bool slowNotSpinning = lane == Lane::Long
                && m_ready[size_t(Lane::Long)].back()->recentSliceNs() < spinningSliceNs;
        if (slowNotSpinning)
            wakeIdleOf(Lane::Short);
        if (!wake)
            wakeIdleOf(lane);
    }
    if (wake)
        wake->wake();
}

std::shared_ptr<Instance> Scheduler::take(Executor &executor)
{
    std::lock_guard lock(m_mutex);
    auto &ready = m_ready[size_t(laneOf(executor.index()))];
    if (ready.empty()) {
        const qsizetype stolen
                = laneOf(executor.index()) == Lane::Short ? stealableFromLongLane() : -1;
        if (stolen < 0) {
            setIdle(executor.index(), true);
            return nullptr;
        }
        auto &longLane = m_ready[size_t(Lane::Long)];
        setIdle(executor.index(), false);
        std::shared_ptr<Instance> next = std::move(longLane[size_t(stolen)]);
        longLane.erase(longLane.begin() + stolen);
        return next;
    }
    setIdle(executor.index(), false);
    std::shared_ptr<Instance> next = std::move(ready.front());
    ready.pop_front();
    return next;
}

void Scheduler::retire(std::shared_ptr<Instance> instance)
{
    if (!instance)
        return;
    Executor *wake = nullptr;
    {
        std::lock_guard lock(m_mutex);
        m_retired.push_back(std::move(instance));
        // A busy executor destroys it between turns; with none busy, an idle one is woken so a
        // discarded isolate does not wait for the next request.
        for (size_t i = 0; i < m_idle.size() && i < m_threads.size(); ++i) {
            if (!m_idle[i])
                return;
        }
        if (!m_threads.empty())
            wake = m_threads.front()->executor();
    }
    if (wake)
        wake->wake();
}

std::vector<std::shared_ptr<Instance>> Scheduler::takeRetired()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_retired, {});
}

} // namespace switchyard::engine
