#pragma once

#include "bodystream.h"
#include "outcome.h"
#include "websocketchannel.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace switchyard::engine {

class InvocationContext;

// Header lists keep order and repeats (several Set-Cookie stay separate entries).
using HeaderList = QList<QPair<QString, QString>>;

struct RequestData
{
    QString method = QStringLiteral("GET");
    QString url;
    HeaderList headers;
    std::optional<QByteArray> body; // nullopt: the request has no body (not an empty one)
    std::optional<QJsonObject> cf; // nullopt: `request.cf` is undefined (untrusted namespaces)
};

struct ResponseData
{
    int status = 200;
    QString statusText;
    HeaderList headers;
    QByteArray body;
    // Non-null: the body is a stream its Worker produces while it is read (`body` is empty). The
    // Invocation lives on until the stream ends or its reader cancels it.
    BodyStreamPtr stream;
    // Non-null: a `101` answered with one end of a WebSocketPair; the channel carries the
    // messages between the client and the Worker's other end (status is 101, body empty).
    WebSocketChannelPtr webSocket;
};

struct LogEntry
{
    QString level; // "debug", "info", "log", "warn", "error"
    QString message; // the arguments formatted into one line, as a console shows them
    qint64 timestamp = 0; // ms since epoch
    // The arguments as a JSON array (TraceItem logs[].message); empty for lines the runtime
    // writes itself, whose message is [message].
    QString json;
};

struct ExceptionEntry
{
    QString name;
    QString message;
    qint64 timestamp = 0;
};

struct InvocationResult
{
    quint64 invocationId = 0;
    Outcome outcome = Outcome::Ok; // outcomeName() at the edges
    std::optional<ResponseData> response; // fetch events that produced a Response
    QString errorName; // set when outcome != Outcome::Ok
    QString error; // the message a dispatcher's fetch() rejects with
    double cpuTimeMs = 0;
    double wallTimeMs = 0;
    QList<LogEntry> logs;
    QList<ExceptionEntry> exceptions;

    bool ok() const { return error.isNull(); }
};

// Called exactly once, on an engine thread.
using InvocationCallback = std::function<void(const InvocationResult &)>;

// What a BindingHost sees of the Invocation that called it. Cheap to copy, safe on any thread, and
// harmless after the Invocation ended. The engine counts what limits count (subrequests, data
// points) before a call reaches the host.
class InvocationRef
{
public:
    InvocationRef() = default;
    explicit InvocationRef(std::weak_ptr<InvocationContext> state, quint64 id);

    quint64 id() const { return m_id; }
    QString scriptName() const;
    int subrequestCount() const;

private:
    std::weak_ptr<InvocationContext> m_state;
    quint64 m_id = 0;
};

} // namespace switchyard::engine
