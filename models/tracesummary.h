#pragma once

#include "engine/outcome.h"
#include "store/records.h"

#include <QDateTime>
#include <QString>

namespace switchyard::models {

// The fields of a TraceItem that the live views show, extracted once per trace.
struct TraceSummary
{
    QDateTime time;
    QString scriptName;
    QString dispatchNamespace; // empty for platform Workers (the dispatcher)
    QString outcome;
    int status = 0; // 0: no response
    QString method;
    QString url;
    qint64 cpuTime = 0;
    qint64 wallTime = 0;
    QString logs; // one line per console call: "level: message"
    QString exceptions; // one line per exception: "Name: message"
    QString requestTag; // the Playground's marker header, if any

    bool isError() const
    {
        return outcome != engine::outcomeName(engine::Outcome::Ok) || status >= 500;
    }
};

// The header the Playground sets on its requests so it can tell its traces from other traffic.
inline constexpr char kPlaygroundHeader[] = "x-switchyard-playground";

TraceSummary summarize(const store::TraceRecord &trace);
QString requestTagOf(const store::TraceRecord &trace);

// The limit a trace shows its Worker exceeded, as the dispatcher's data points name it
// (cpu_limit_exceeded, subrequest_limit_exceeded, memory_limit_exceeded), or empty.
QString violationKind(const store::TraceRecord &trace);

} // namespace switchyard::models
