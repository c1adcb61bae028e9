#pragma once

#include "invocation.h"
#include "script.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QVariantList>

#include <atomic>
#include <chrono>
#include <map>

namespace switchyard::engine {

class BindingHost;
class Instance;

// One event delivered to an Instance: its clocks, counters and captured output. Mutated only on
// the Instance's thread, except `subrequests`, which a BindingHost may count from anywhere.
class InvocationState
{
public:
    enum class Kind { Fetch, Tail };

    quint64 id = 0;
    Kind kind = Kind::Fetch;
    ScriptPtr script;
    RequestData request;
    QJsonArray events;
    QVariantList env;
    BindingHost *host = nullptr;
    // `done` when the response (or the failure) is ready; `finished` once ctx.waitUntil() work
    // has settled too. Without `finished`, `host` is forgotten right after `done`: the caller only
    // promised it lives that long.
    InvocationCallback done;
    InvocationCallback finished;
    // Keeps a replaced Instance alive until the Invocations it started have ended.
    std::shared_ptr<Instance> instance;

    qint64 cpuLimitNs = 0;
    int subrequestLimit = 0;
    int wallMs = 0;
    std::chrono::steady_clock::time_point wallDeadline;
    quint64 wallWatch = 0; // the watchdog's deadline id, removed when the Invocation ends

    std::atomic_int subrequests = 0;
    qint64 cpuNs = 0;
    QElapsedTimer wall;
    // responded: `done` was called, waitUntil() work may still run. completed: all over.
    bool responded = false;
    bool completed = false;
    InvocationResult response; // what `done` got, repeated (with the full logs) to `finished`
    int waitUntilWatched = 0; // entries of the ctx handle's waitUntil array already watched
    int waitUntilPending = 0;
    QList<LogEntry> logs;
    QList<ExceptionEntry> exceptions;
    // Responses fetch-shaped bindings gave this Invocation, by the key their JS Response carries:
    // one handed back untouched as the result is taken from here instead of read out of JS
    // (readResponse in CONTRACT.md). The first few only; emptied once the response is given.
    std::map<quint64, ResponseData> fetched;

    bool countSubrequest() { return subrequests.fetch_add(1) + 1 <= subrequestLimit; }
};

} // namespace switchyard::engine
