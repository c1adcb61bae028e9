#pragma once

#include <QLatin1String>
#include <QStringView>

namespace switchyard::engine {

// How an Invocation ended. Inside the runtime it is this enum; where it leaves (traces, Analytics
// Engine rows, the admin API, tail events) it is workerd's trace outcome name, from outcomeName().
enum class Outcome : quint8 {
    Ok,
    Exception,
    ExceededCpu,
    ExceededMemory,
    Canceled, // the wall-clock limit, or the runtime shutting down
    ScriptNotFound,
};

// workerd's name: "ok", "exception", "exceededCpu", "exceededMemory", "canceled",
// "scriptNotFound". User code and dashboards match on these.
QLatin1String outcomeName(Outcome outcome);

// An outcome equals its name, so code at the edges compares against the text Cloudflare documents.
inline bool operator==(Outcome outcome, QStringView name)
{
    return name == outcomeName(outcome);
}
inline bool operator==(Outcome outcome, QLatin1String name)
{
    return name == outcomeName(outcome);
}

} // namespace switchyard::engine
