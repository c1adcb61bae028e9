#include "admintails.h"

#include "adminenvelope.h"
#include "adminscripts.h"
#include "logging.h"

#include "platform/platformservice.h"
#include "store/queries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>

#include <deque>
#include <mutex>

namespace switchyard::http::admin {

namespace {
// Cloudflare's texts for a tail that drops events (wrangler prints them in its pretty format).
const QString kOverloadText
        = QStringLiteral("Tail is currently in sampling mode due to the high volume of messages. "
                         "To prevent messages from being dropped consider adding filters.");
const QString kOverloadStopText
        = QStringLiteral("Tail has exited sampling mode and is no longer dropping messages.");

QByteArray tailInfo(bool overload)
{
    return store::compactJson(QJsonObject {
            {QStringLiteral("outcome"), QStringLiteral("ok")},
            {QStringLiteral("scriptName"), QJsonValue()},
            {QStringLiteral("exceptions"), QJsonArray()},
            {QStringLiteral("logs"), QJsonArray()},
            {QStringLiteral("eventTimestamp"), double(QDateTime::currentMSecsSinceEpoch())},
            {QStringLiteral("event"),
             QJsonObject {
                     {QStringLiteral("type"),
                      overload ? QStringLiteral("overload") : QStringLiteral("overload-stop")},
                     {QStringLiteral("message"), overload ? kOverloadText : kOverloadStopText}}}});
}

QString newSessionId()
{
    // 128 bits from the system's CSPRNG, as 32 hex digits (Cloudflare's ids are that long): the
    // WebSocket URL is the only credential its client presents.
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(
            QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex());
}

HttpResponse badFilter(const QString &message)
{
    return failure(400, kBadRequest, message);
}
} // namespace

// One session's WebSocket: the relay's other end, fed by engine threads through offer(). What
// the client has not taken waits here, at most kMaxQueuedEvents / kMaxQueuedBytes; past that
// events are dropped and counted, and the client told it is in sampling mode, as Cloudflare's
// tail does. More is handed to the relay only once it says the last batch reached the kernel
// (writable()), so a client that reads nothing costs this queue and the socket's buffers.
class TailStream final : public HttpWebSocket, public platform::LiveTailSink
{
public:
    TailStream(QObject *home, QString label) : m_home(home), m_label(std::move(label)) { }

    std::function<void()> onEnded; // the client left or closed; on the listener's thread

    void attach(Client client) override
    {
        bool ended = false;
        {
            std::lock_guard lock(m_mutex);
            m_client = std::move(client);
            m_attached = true;
            ended = m_ended;
        }
        if (ended)
            m_client.send({Message::Kind::Close, {}, 1000, m_closeReason});
        else
            flush();
    }

    bool receive(Message message) override
    {
        if (message.kind == Message::Kind::Close) {
            // The handshake: our close answers the client's.
            end();
            m_client.send(
                    {Message::Kind::Close, {}, message.code == 1005 ? 1000 : message.code, {}});
            return true;
        }
        // wrangler's {"debug": false}; the filters came with the POST.
        return true;
    }

    void gone() override { end(); }

    bool acceptsUnmaskedFrames() const override { return true; }

    void writable() override
    {
        bool more = false;
        {
            std::lock_guard lock(m_mutex);
            m_busy = false;
            more = !m_queue.empty() || m_overloaded;
        }
        if (more)
            flush();
    }

    void offer(const QByteArray &event) override
    {
        std::lock_guard lock(m_mutex);
        if (m_ended)
            return;
        if (qsizetype(m_queue.size()) >= TailSessions::kMaxQueuedEvents
            || m_queuedBytes + event.size() > TailSessions::kMaxQueuedBytes) {
            ++m_dropped;
            ++m_droppedSinceFlush;
            if (!m_overloaded) {
                m_overloaded = true;
                m_announce = true;
                qCWarning(lcHttp).noquote()
                        << "tail of" << m_label << "drops events: its client does not keep up";
            }
            return;
        }
        m_queuedBytes += event.size();
        m_queue.push_back(event);
        postFlushLocked();
    }

    // From this side: expiry, DELETE, drain.
    void close(int code, const QByteArray &reason)
    {
        bool attached = false;
        {
            std::lock_guard lock(m_mutex);
            if (m_ended)
                return;
            m_ended = true;
            m_closeReason = reason;
            m_queue.clear();
            m_queuedBytes = 0;
            attached = m_attached;
        }
        if (attached)
            m_client.send({Message::Kind::Close, {}, code, reason});
    }

    quint64 dropped() const
    {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }

private:
    void end()
    {
        {
            std::lock_guard lock(m_mutex);
            if (m_ended && m_endReported)
                return;
            m_ended = true;
            m_endReported = true;
            m_queue.clear();
            m_queuedBytes = 0;
        }
        if (onEnded)
            onEnded();
    }

    // Posted under the lock: once close() or end() set m_ended nothing more is posted, so a
    // TailSessions being destroyed is never posted to afterwards.
    void postFlushLocked()
    {
        if (!m_attached || m_busy || m_flushPosted || !m_home)
            return;
        m_flushPosted = true;
        QMetaObject::invokeMethod(
                m_home.data(), [self = m_self.lock()] { self->flush(); }, Qt::QueuedConnection);
    }

    // On the listener's thread.
    void flush()
    {
        std::deque<QByteArray> batch;
        {
            std::lock_guard lock(m_mutex);
            m_flushPosted = false;
            if (!m_attached || m_ended || m_busy)
                return;
            const bool droppedSince = m_droppedSinceFlush > 0;
            m_droppedSinceFlush = 0;
            if (std::exchange(m_announce, false))
                batch.push_back(tailInfo(true));
            for (QByteArray &event : m_queue)
                batch.push_back(std::move(event));
            m_queue.clear();
            m_queuedBytes = 0;
            if (m_overloaded && !droppedSince) {
                m_overloaded = false;
                batch.push_back(tailInfo(false));
                qCWarning(lcHttp).noquote() << "tail of" << m_label << "caught up;" << m_dropped
                                            << "events dropped so far";
            }
            m_busy = !batch.empty();
        }
        for (QByteArray &event : batch)
            m_client.send({Message::Kind::Text, std::move(event), 1005, {}});
    }

public:
    // Set by whoever makes the stream, so a posted flush keeps it alive.
    std::weak_ptr<TailStream> m_self;

private:
    QPointer<QObject> m_home;
    const QString m_label;
    mutable std::mutex m_mutex;
    Client m_client;
    std::deque<QByteArray> m_queue;
    qint64 m_queuedBytes = 0;
    bool m_attached = false;
    bool m_ended = false;
    bool m_endReported = false;
    bool m_busy = false; // a batch went to the relay and it has not said writable() since
    bool m_flushPosted = false;
    bool m_overloaded = false;
    bool m_announce = false;
    quint64 m_dropped = 0;
    quint64 m_droppedSinceFlush = 0;
    QByteArray m_closeReason;
};

TailSessions::TailSessions(platform::PlatformService &service, std::chrono::milliseconds lifetime,
                           QObject *parent)
    : QObject(parent), m_service(service), m_lifetime(lifetime), m_expiry(this)
{
    m_expiry.setInterval(std::min<qint64>(1000, std::max<qint64>(50, lifetime.count() / 4)));
    connect(&m_expiry, &QTimer::timeout, this, &TailSessions::expire);
}

TailSessions::~TailSessions()
{
    const QStringList ids = m_sessions.keys();
    for (const QString &id : ids)
        end(id, 1001, "The server is shutting down.");
}

void TailSessions::closeAll()
{
    const QStringList ids = m_sessions.keys();
    for (const QString &id : ids)
        end(id, 1001, "The server is shutting down.");
}

QJsonObject TailSessions::describe(const Session &session)
{
    return {{QStringLiteral("id"), session.id},
            {QStringLiteral("url"), session.url},
            {QStringLiteral("expires_at"), isoTime(session.expiresAt.toMSecsSinceEpoch())}};
}

HttpResponse TailSessions::handle(const AdminCall &call, const QString &dispatchNamespace,
                                  const QString &scriptName, const QStringList &rest)
{
    if (rest.isEmpty()) {
        if (call.method == "POST")
            return create(call, dispatchNamespace, scriptName);
        if (call.method == "GET") {
            QJsonArray list;
            for (const Session &session : std::as_const(m_sessions))
                if (session.dispatchNamespace == dispatchNamespace
                    && session.scriptName == scriptName)
                    list.append(describe(session));
            return success(list);
        }
        return methodNotAllowed(call, "GET, POST");
    }
    if (rest.size() != 1)
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    if (call.method != "DELETE")
        return methodNotAllowed(call, "DELETE");
    const auto it = m_sessions.constFind(rest.at(0));
    if (it == m_sessions.cend() || it->dispatchNamespace != dispatchNamespace
        || it->scriptName != scriptName)
        return failure(404, kNotFound,
                       QStringLiteral("Tail %1 does not exist on Worker \"%2\"")
                               .arg(rest.at(0), scriptName));
    end(rest.at(0), 1000, "The tail was deleted.");
    return success(QJsonValue());
}

HttpResponse TailSessions::create(const AdminCall &call, const QString &dispatchNamespace,
                                  const QString &scriptName)
{
    const auto snapshot = m_service.snapshot();
    const bool exists = dispatchNamespace.isEmpty()
            ? bool(snapshot->platformWorker(scriptName))
            : bool(snapshot->script(dispatchNamespace, scriptName));
    if (!exists) {
        ScriptSlot slot;
        slot.name = scriptName;
        slot.dispatchNamespace = dispatchNamespace;
        return scriptNotFound(slot);
    }
    int open = 0;
    for (const Session &session : std::as_const(m_sessions))
        open += session.dispatchNamespace == dispatchNamespace && session.scriptName == scriptName;
    if (open >= kMaxPerWorker)
        return failure(429, kBadRequest,
                       QStringLiteral("Worker \"%1\" already has %2 tails, the most Cloudflare "
                                      "allows at one time; end one with DELETE .../tails/{id}")
                               .arg(scriptName)
                               .arg(kMaxPerWorker));

    platform::LiveTailFilters filters;
    const QByteArray body = call.request.body.trimmed();
    if (!body.isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return failure(400, kUnparsableBody,
                           QStringLiteral("Could not parse request body: expected a JSON object "
                                          "such as {\"filters\": []}"));
        const QJsonValue list = doc.object().value(QLatin1String("filters"));
        if (!list.isUndefined() && !list.isNull() && !list.isArray())
            return badFilter(QStringLiteral("\"filters\" must be an array"));
        for (const QJsonValue &item : list.toArray()) {
            const QJsonObject filter = item.toObject();
            if (!item.isObject() || filter.size() != 1)
                return badFilter(QStringLiteral("Each filter must be an object with one key"));
            const QString kind = filter.begin().key();
            const QJsonValue value = filter.begin().value();
            auto strings = [&](QSet<QString> *out, bool upper) {
                if (!value.isArray())
                    return false;
                for (const QJsonValue &v : value.toArray()) {
                    if (!v.isString())
                        return false;
                    out->insert(upper ? v.toString().toUpper() : v.toString());
                }
                return true;
            };
            if (kind == QLatin1String("sampling_rate")) {
                const double rate = value.toDouble(-1);
                if (!value.isDouble() || rate <= 0 || rate > 1)
                    return badFilter(QStringLiteral("A sampling rate must be between 0 and 1"));
                filters.samplingRate = rate;
            } else if (kind == QLatin1String("outcome")) {
                QSet<QString> outcomes;
                if (!strings(&outcomes, false))
                    return badFilter(QStringLiteral("\"outcome\" must be an array of strings"));
                filters.outcomes = outcomes;
            } else if (kind == QLatin1String("method")) {
                QSet<QString> methods;
                if (!strings(&methods, true))
                    return badFilter(QStringLiteral("\"method\" must be an array of strings"));
                filters.methods = methods;
            } else if (kind == QLatin1String("header")) {
                const QJsonObject header = value.toObject();
                const QJsonValue key = header.value(QLatin1String("key"));
                const QJsonValue query = header.value(QLatin1String("query"));
                if (!key.isString() || key.toString().isEmpty()
                    || !(query.isUndefined() || query.isNull() || query.isString()))
                    return badFilter(QStringLiteral(
                            "\"header\" must be {\"key\": string, \"query\"?: string}"));
                platform::LiveTailFilters::Header h;
                h.key = key.toString().toLower();
                if (query.isString())
                    h.query = query.toString();
                filters.header = h;
            } else if (kind == QLatin1String("query")) {
                if (!value.isString())
                    return badFilter(QStringLiteral("\"query\" must be a string"));
                filters.query = value.toString();
            } else if (kind == QLatin1String("client_ip")
                       || kind == QLatin1String("scriptVersion")) {
                return badFilter(QStringLiteral("Switchyard does not filter tails by \"%1\" yet "
                                                "(wrangler tail --ip / --version-id)")
                                         .arg(kind));
            } else {
                return badFilter(QStringLiteral("Unknown tail filter \"%1\"").arg(kind));
            }
        }
    }

    Session session;
    session.id = newSessionId();
    session.dispatchNamespace = dispatchNamespace;
    session.scriptName = scriptName;
    session.filters = filters;
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    url.setHost(call.request.url.host());
    url.setPort(call.request.url.port());
    url.setPath(QStringLiteral("/tail/") + session.id);
    session.url = url.toString();
    session.createdAt = QDateTime::currentDateTimeUtc();
    session.expiresAt = session.createdAt.addMSecs(m_lifetime.count());
    const QJsonObject answer = describe(session);
    m_sessions.insert(session.id, std::move(session));
    if (!m_expiry.isActive())
        m_expiry.start();
    qCInfo(lcHttp).noquote() << "tail created for"
                             << (dispatchNamespace.isEmpty()
                                         ? scriptName
                                         : dispatchNamespace + QLatin1Char('/') + scriptName);
    return success(answer);
}

HttpResponse TailSessions::connectStream(const HttpRequest &request, const QString &id)
{
    auto it = m_sessions.find(id);
    if (it == m_sessions.end() || it->expiresAt <= QDateTime::currentDateTimeUtc())
        return failure(404, kNotFound, QStringLiteral("No such tail"));
    if (!headerHasToken(request.headers, "upgrade", "websocket"))
        return failure(400, kBadRequest,
                       QStringLiteral("A tail is read over a WebSocket (subprotocol trace-v1)"));
    if (!headerHasToken(request.headers, "sec-websocket-protocol", "trace-v1"))
        return failure(400, kBadRequest,
                       QStringLiteral("A tail's WebSocket must ask for the subprotocol trace-v1"));
    if (it->stream)
        return failure(409, kBadRequest, QStringLiteral("This tail is already connected"));
    Session &session = *it;
    const QString label = session.dispatchNamespace.isEmpty()
            ? session.scriptName
            : session.dispatchNamespace + QLatin1Char('/') + session.scriptName;
    auto stream = std::make_shared<TailStream>(this, label);
    stream->m_self = stream;
    QPointer<TailSessions> self = this;
    stream->onEnded = [self, id, weak = std::weak_ptr<TailStream>(stream)] {
        if (!self)
            return;
        const auto found = self->m_sessions.find(id);
        if (found == self->m_sessions.end() || found->stream != weak.lock())
            return;
        // The session ends with its client: wrangler's own DELETE rarely outlives the Ctrl+C
        // that sends it, and a session nobody reads must not hold one of the Worker's ten places.
        self->end(id, 1000, {});
    };
    session.stream = stream;
    session.subscription = m_service.liveTails().subscribe(
            {session.dispatchNamespace, session.scriptName, session.filters, stream});
    HttpResponse response;
    response.status = 101;
    response.headers.append({"sec-websocket-protocol", QByteArray("trace-v1")});
    response.webSocket = stream;
    return response;
}

void TailSessions::end(const QString &id, int code, const QByteArray &reason)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return;
    Session session = std::move(*it);
    m_sessions.erase(it);
    if (session.subscription)
        m_service.liveTails().unsubscribe(session.subscription);
    if (session.stream) {
        if (const quint64 dropped = session.stream->dropped())
            qCWarning(lcHttp) << "a tail ended having dropped" << dropped << "events";
        session.stream->close(code, reason);
    }
    if (m_sessions.isEmpty())
        m_expiry.stop();
}

void TailSessions::expire()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList expired;
    const qint64 connectWithin = std::min<qint64>(kConnectWithinMs, m_lifetime.count());
    for (const Session &session : std::as_const(m_sessions))
        if (session.expiresAt <= now
            || (!session.stream && session.createdAt.msecsTo(now) >= connectWithin))
            expired.append(session.id);
    for (const QString &id : std::as_const(expired))
        end(id, 1000, "The tail expired.");
}

} // namespace switchyard::http::admin
