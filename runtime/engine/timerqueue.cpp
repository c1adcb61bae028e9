#include "timerqueue.h"

#include "invocationcontext.h"

#include <climits>

namespace switchyard::engine {

int TimerQueue::add(v8::Isolate *isolate, v8::Local<v8::Function> callback, double delayMs,
                    bool repeat, const std::shared_ptr<InvocationContext> &owner)
{
    if (m_timers.size() >= size_t(m_maxLive))
        return 0;
    const int id = ++m_nextId;
    const int delay
            = delayMs > 0 && delayMs < INT_MAX ? int(delayMs) : (delayMs >= INT_MAX ? INT_MAX : 0);
    Timer timer;
    timer.callback.Reset(isolate, callback);
    timer.delayMs = delay;
    timer.repeat = repeat;
    timer.due = Clock::now() + std::chrono::milliseconds(delay);
    timer.owner = owner;
    if (owner)
        owner->addTimer(id);
    m_queue.emplace(timer.due, id);
    m_timers.emplace(id, std::move(timer));
    return id;
}

void TimerQueue::erase(std::map<int, Timer>::iterator it)
{
    m_queue.erase({it->second.due, it->first});
    if (it->second.owner)
        it->second.owner->removeTimer(it->first);
    m_timers.erase(it);
}

void TimerQueue::remove(int id)
{
    auto it = m_timers.find(id);
    if (it != m_timers.end())
        erase(it);
}

void TimerQueue::clear()
{
    for (auto &[id, timer] : m_timers) {
        if (timer.owner)
            timer.owner->removeTimer(id);
    }
    m_timers.clear();
    m_queue.clear();
}

TimerQueue::Clock::time_point TimerQueue::earliest() const
{
    return m_queue.empty() ? Clock::time_point::max() : m_queue.begin()->first;
}

std::vector<int> TimerQueue::due(Clock::time_point now, size_t max) const
{
    std::vector<int> ids;
    for (auto it = m_queue.begin(); it != m_queue.end() && it->first <= now && ids.size() < max;
         ++it)
        ids.push_back(it->second);
    return ids;
}

bool TimerQueue::find(int id, std::shared_ptr<InvocationContext> *owner) const
{
    auto it = m_timers.find(id);
    if (it == m_timers.end())
        return false;
    *owner = it->second.owner;
    return true;
}

v8::Local<v8::Function> TimerQueue::take(v8::Isolate *isolate, int id)
{
    auto it = m_timers.find(id);
    if (it == m_timers.end())
        return {};
    v8::Local<v8::Function> callback = it->second.callback.Get(isolate);
    if (it->second.repeat) {
        m_queue.erase({it->second.due, id});
        it->second.due = Clock::now() + std::chrono::milliseconds(std::max(it->second.delayMs, 1));
        m_queue.emplace(it->second.due, id);
    } else {
        erase(it);
    }
    return callback;
}

} // namespace switchyard::engine
