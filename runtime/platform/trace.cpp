#include "trace.h"

#include <QJsonDocument>

#include <map>

namespace switchyard::platform {

namespace {
// A JSON string as QJsonDocument's compact form writes it. Written through a pointer into room
// made up front: appending byte by byte was most of the writer thread's row building.
void appendJsonString(QByteArray &out, QStringView text)
{
    static const char hex[] = "0123456789abcdef";
    const qsizetype start = out.size();
    out.resize(start + 2 + 6 * text.size()); // "\u00XX" is the longest form of one UTF-16 unit
    char *p = out.data() + start;
    *p++ = '"';
    const char16_t *src = text.utf16();
    const char16_t *end = src + text.size();
    while (src != end) {
        const char16_t u = *src++;
        if (u < 0x80) {
            if (u >= 0x20 && u != u'"' && u != u'\\') {
                *p++ = char(u);
                continue;
            }
            *p++ = '\\';
            switch (u) {
            case u'"':
                *p++ = '"';
                break;
            case u'\\':
                *p++ = '\\';
                break;
            case u'\b':
                *p++ = 'b';
                break;
            case u'\f':
                *p++ = 'f';
                break;
            case u'\n':
                *p++ = 'n';
                break;
            case u'\r':
                *p++ = 'r';
                break;
            case u'\t':
                *p++ = 't';
                break;
            default:
                *p++ = 'u';
                *p++ = '0';
                *p++ = '0';
                *p++ = hex[u >> 4];
                *p++ = hex[u & 0xf];
            }
        } else if (u < 0x800) {
            *p++ = char(0xc0 | (u >> 6));
            *p++ = char(0x80 | (u & 0x3f));
        } else if (!QChar::isSurrogate(u)) {
            *p++ = char(0xe0 | (u >> 12));
            *p++ = char(0x80 | ((u >> 6) & 0x3f));
            *p++ = char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && src != end && QChar::isLowSurrogate(*src)) {
            const char32_t c = QChar::surrogateToUcs4(u, *src++);
            *p++ = char(0xf0 | (c >> 18));
            *p++ = char(0x80 | ((c >> 12) & 0x3f));
            *p++ = char(0x80 | ((c >> 6) & 0x3f));
            *p++ = char(0x80 | (c & 0x3f));
        } else {
            // A lone surrogate: an escape, as Qt writes it.
            *p++ = '\\';
            *p++ = 'u';
            *p++ = hex[(u >> 12) & 0xf];
            *p++ = hex[(u >> 8) & 0xf];
            *p++ = hex[(u >> 4) & 0xf];
            *p++ = hex[u & 0xf];
        }
    }
    *p++ = '"';
    out.resize(p - out.constData());
}
} // namespace

store::TraceRow makeTraceRow(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result)
{
    store::TraceRow row;
    row.scriptName = scriptName;
    row.dispatchNamespace = dispatchNamespace;
    row.scriptTags = tags.isEmpty() ? QByteArrayLiteral("[]")
                                    : store::compactJson(QJsonArray::fromStringList(tags));
    // Keys in sorted order, as QJsonDocument writes them: the text reads back into a QJsonObject
    // and writes out again unchanged (store::traceRow(makeTrace(...)) == makeTraceRow(...)).
    std::map<QString, QString> headers;
    for (const auto &[name, value] : request.headers) {
        // Several values of one header are combined, as Headers objects do.
        auto [it, added] = headers.try_emplace(name.toLower(), value);
        if (!added)
            it->second = it->second + QStringLiteral(", ") + value;
    }
    QByteArray event;
    event.reserve(256);
    event += "{\"request\":{\"headers\":{";
    bool first = true;
    for (const auto &[name, value] : headers) {
        if (!std::exchange(first, false))
            event += ',';
        appendJsonString(event, name);
        event += ':';
        appendJsonString(event, value);
    }
    event += "},\"method\":";
    appendJsonString(event, request.method);
    event += ",\"url\":";
    appendJsonString(event, request.url);
    event += '}';
    if (result.response) {
        event += ",\"response\":{\"status\":";
        event += QByteArray::number(result.response->status);
        event += '}';
    }
    event += '}';
    row.event = std::move(event);
    row.eventTimestamp = startedAt;
    // Rare on the hot path, so written by QJsonDocument: its number format is the one reading
    // the row back keeps.
    QJsonArray logs;
    for (const auto &log : result.logs) {
        // The arguments as JSON; a line the runtime wrote (or JSON Qt cannot read back, such as
        // an escaped lone surrogate) is the one formatted string.
        QJsonArray message {log.message};
        if (!log.json.isEmpty()) {
            QJsonParseError error;
            const QJsonDocument arguments = QJsonDocument::fromJson(log.json.toUtf8(), &error);
            if (error.error == QJsonParseError::NoError && arguments.isArray())
                message = arguments.array();
        }
        logs.append(QJsonObject {{QStringLiteral("message"), message},
                                 {QStringLiteral("level"), log.level},
                                 {QStringLiteral("timestamp"), double(log.timestamp)}});
    }
    QJsonArray exceptions;
    for (const auto &e : result.exceptions)
        exceptions.append(QJsonObject {{QStringLiteral("name"), e.name},
                                       {QStringLiteral("message"), e.message},
                                       {QStringLiteral("timestamp"), double(e.timestamp)}});
    row.logs = logs.isEmpty() ? QByteArrayLiteral("[]") : store::compactJson(logs);
    row.exceptions
            = exceptions.isEmpty() ? QByteArrayLiteral("[]") : store::compactJson(exceptions);
    row.outcome = engine::outcomeName(result.outcome);
    row.cpuTime = qRound64(result.cpuTimeMs);
    row.wallTime = qRound64(result.wallTimeMs);
    return row;
}

store::TraceRecord makeTrace(const QString &scriptName, const QString &dispatchNamespace,
                             const QStringList &tags, const engine::RequestData &request,
                             qint64 startedAt, const engine::InvocationResult &result)
{
    // Through the row, so that a trace a tail Worker or the Tail view is handed now and the same
    // trace read back from the store later are one text.
    return store::traceRecord(
            makeTraceRow(scriptName, dispatchNamespace, tags, request, startedAt, result));
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
