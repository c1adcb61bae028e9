#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace switchyard::testing {

// Threads that spin until destroyed: a machine with no idle core, whatever else runs, from inside
// one test function (scripts/with-cpu-hogs.sh does the same around a whole test executable).
class CpuHogs
{
public:
    explicit CpuHogs(int count)
    {
        for (int i = 0; i < count; ++i)
            m_threads.emplace_back([this] {
                while (!m_stop.load(std::memory_order_relaxed)) { }
            });
    }
    ~CpuHogs()
    {
        m_stop = true;
        for (auto &thread : m_threads)
            thread.join();
    }
    CpuHogs(const CpuHogs &) = delete;
    CpuHogs &operator=(const CpuHogs &) = delete;

private:
    std::atomic_bool m_stop {false};
    std::vector<std::thread> m_threads;
};

} // namespace switchyard::testing
