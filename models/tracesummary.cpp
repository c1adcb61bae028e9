#include "tracesummary.h"

#include "dispatcherconventions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::models {

TraceSummary summarize(const store::TraceRecord &trace)
{
    TraceSummary s;
    s.time = QDateTime::fromMSecsSinceEpoch(trace.eventTimestamp);
    s.scriptName = trace.scriptName;
    s.dispatchNamespace = trace.dispatchNamespace;
    s.outcome = trace.outcome;
    const QJsonObject request = trace.event.value(QLatin1String("request")).toObject();
    s.method = request.value(QLatin1String("method")).toString();
    s.url = request.value(QLatin1String("url")).toString();
    s.requestTag = requestTagOf(trace);
    s.status = trace.event.value(QLatin1String("response"))
                       .toObject()
                       .value(QLatin1String("status"))
                       .toInt();
    s.cpuTime = trace.cpuTime;
    s.wallTime = trace.wallTime;
    QStringList logs;
    for (const QJsonValue &v : trace.logs) {
        const QJsonObject log = v.toObject();
        QStringList parts;
        for (const QJsonValue &m : log.value(QLatin1String("message")).toArray())
            parts << (m.isString()           ? m.toString()
                              : m.isObject() ? QString::fromUtf8(
                                        QJsonDocument(m.toObject()).toJson(QJsonDocument::Compact))
                              : m.isArray() ? QString::fromUtf8(
                                        QJsonDocument(m.toArray()).toJson(QJsonDocument::Compact))
                                            : m.toVariant().toString());
        logs << QStringLiteral("%1: %2").arg(log.value(QLatin1String("level")).toString(),
                                             parts.join(u' '));
    }
    s.logs = logs.join(u'\n');
    QStringList exceptions;
    for (const QJsonValue &v : trace.exceptions) {
        const QJsonObject e = v.toObject();
        exceptions << QStringLiteral("%1: %2").arg(e.value(QLatin1String("name")).toString(),
                                                   e.value(QLatin1String("message")).toString());
    }
    s.exceptions = exceptions.join(u'\n');
    return s;
}

QString requestTagOf(const store::TraceRecord &trace)
{
    return trace.event.value(QLatin1String("request"))
            .toObject()
            .value(QLatin1String("headers"))
            .toObject()
            .value(QLatin1String(kPlaygroundHeader))
            .toString();
}

QString violationKind(const store::TraceRecord &trace)
{
    using engine::Outcome;
    if (trace.outcome == engine::outcomeName(Outcome::ExceededCpu))
        return QLatin1String(conventions::kCpuLimitExceeded);
    if (trace.outcome == engine::outcomeName(Outcome::ExceededMemory))
        return QLatin1String(conventions::kMemoryLimitExceeded);
    // The (N+1)-th fetch() throws inside the user Worker; uncaught, it ends the invocation.
    for (const QJsonValue &v : trace.exceptions)
        if (v.toObject()
                    .value(QLatin1String("message"))
                    .toString()
                    .contains(QLatin1String("Too many subrequests")))
            return QLatin1String(conventions::kSubrequestLimitExceeded);
    return {};
}

} // namespace switchyard::models
