#include "trace.h"

namespace switchyard::platform {

store::TraceRecord makeTrace(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result)
{
    store::TraceRecord t;
    t.scriptName = scriptName;
    t.dispatchNamespace = dispatchNamespace;
    t.scriptTags = tags;
    QJsonObject headers;
    for (const auto &[name, value] : request.headers) {
        const QString lower = name.toLower();
        // Several values of one header are combined, as Headers objects do.
        headers.insert(lower,
                       headers.contains(lower)
                               ? headers.value(lower).toString() + QStringLiteral(", ") + value
                               : value);
    }
    QJsonObject event {{QStringLiteral("request"),
                        QJsonObject {{QStringLiteral("url"), request.url},
                                     {QStringLiteral("method"), request.method},
                                     {QStringLiteral("headers"), headers}}}};
    if (result.response)
        event.insert(QStringLiteral("response"),
                     QJsonObject {{QStringLiteral("status"), result.response->status}});
    t.event = event;
    t.eventTimestamp = startedAt;
    for (const auto &log : result.logs)
        t.logs.append(QJsonObject {{QStringLiteral("message"), QJsonArray {log.message}},
                                   {QStringLiteral("level"), log.level},
                                   {QStringLiteral("timestamp"), double(log.timestamp)}});
    for (const auto &e : result.exceptions)
        t.exceptions.append(QJsonObject {{QStringLiteral("name"), e.name},
                                         {QStringLiteral("message"), e.message},
                                         {QStringLiteral("timestamp"), double(e.timestamp)}});
    t.outcome = result.outcome;
    t.cpuTime = qRound64(result.cpuTimeMs);
    t.wallTime = qRound64(result.wallTimeMs);
    return t;
}

QJsonObject traceToJson(const store::TraceRecord &t)
{
    return {{QStringLiteral("scriptName"), t.scriptName},
            {QStringLiteral("dispatchNamespace"),
             t.dispatchNamespace.isEmpty() ? QJsonValue() : QJsonValue(t.dispatchNamespace)},
            {QStringLiteral("scriptTags"), QJsonArray::fromStringList(t.scriptTags)},
            {QStringLiteral("event"), t.event},
            {QStringLiteral("eventTimestamp"), double(t.eventTimestamp)},
            {QStringLiteral("logs"), t.logs},
            {QStringLiteral("exceptions"), t.exceptions},
            {QStringLiteral("outcome"), t.outcome},
            {QStringLiteral("cpuTime"), double(t.cpuTime)},
            {QStringLiteral("wallTime"), double(t.wallTime)}};
}

} // namespace switchyard::platform
