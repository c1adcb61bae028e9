#pragma once

#include "watchdog.h"

#include <v8-function.h>
#include <v8-persistent-handle.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

namespace switchyard::engine {

class InvocationContext;

// Every pending setTimeout/setInterval of one Instance, in due order, so the Instance needs one
// watchdog deadline (for the earliest) however many there are, and clearing or discarding
// thousands costs nothing elsewhere. Each timer belongs to the Invocation that set it (null: set
// while the script loaded), which knows its ids and clears them when it ends. Used under the
// Instance's isolate lock only.
class TimerQueue
{
public:
    using Clock = Watchdog::Clock;

    explicit TimerQueue(int maxLive) : m_maxLive(maxLive) { }

    // The new timer's id; 0 when refused (maxLive are pending already).
    int add(v8::Isolate *isolate, v8::Local<v8::Function> callback, double delayMs, bool repeat,
            const std::shared_ptr<InvocationContext> &owner);
    void remove(int id);
    void clear();
    bool empty() const { return m_timers.empty(); }
    // Clock::time_point::max() when there is none.
    Clock::time_point earliest() const;
    // Up to `max` ids due at `now`, earliest first.
    std::vector<int> due(Clock::time_point now, size_t max) const;
    // Whose timer `id` is; false when it is gone (cleared by an earlier callback).
    bool find(int id, std::shared_ptr<InvocationContext> *owner) const;
    // The callback of `id`, now rescheduled (an interval) or removed; empty when it is gone.
    v8::Local<v8::Function> take(v8::Isolate *isolate, int id);

private:
    struct Timer
    {
        v8::Global<v8::Function> callback;
        int delayMs = 0;
        bool repeat = false;
        Clock::time_point due;
        std::shared_ptr<InvocationContext> owner;
    };
    void erase(std::map<int, Timer>::iterator it);

    const int m_maxLive;
    int m_nextId = 0;
    std::map<int, Timer> m_timers;
    std::set<std::pair<Clock::time_point, int>> m_queue; // (due, id)
};

} // namespace switchyard::engine
