#include "outboundwebsocket.h"

#include "logging.h"
#include "websocketframes.h"

#include <QPointer>
#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace switchyard::engine {

namespace {

constexpr qsizetype kMaxHead = 64 * 1024;
constexpr qsizetype kMaxRefusalBody = 1024 * 1024;
// What is read from the socket at once, and all Qt buffers ahead of the frame reader: past it the
// kernel's buffers fill and TCP stops the upstream.
constexpr qint64 kReadChunk = 64 * 1024;
// A close code that means "drop the connection without a close frame".
constexpr int kDrop = 1006;

bool sameToken(const QByteArray &value, const char *token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool hopByHop(const QString &name)
{
    static const char *const names[] = {
            "host",
            "connection",
            "upgrade",
            "keep-alive",
            "te",
            "trailer",
            "transfer-encoding",
            "content-length",
            "proxy-connection",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-accept",
            "sec-websocket-extensions",
    };
    for (const char *n : names) {
        if (name.compare(QLatin1String(n), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool unsafe(const QByteArray &text)
{
    return text.contains('\r') || text.contains('\n') || text.contains('\0');
}

// One upstream connection, from its name's resolution to its last frame. Lives on the thread
// that started it; the channel's client callbacks come from Instances' threads and are queued
// to it. Kept alive by its socket's connections (and, before the socket, by its resolution).
struct Upstream : std::enable_shared_from_this<Upstream>
{
    enum class Phase { Resolving, Connecting, Head, Body, Open, Done };

    QPointer<QObject> context;
    OutboundPolicyPtr policy;
    OutboundRequest request;
    OutboundWebSocketLimits limits;
    std::function<void(OutboundResponse)> done;

    Phase phase = Phase::Resolving;
    QTcpSocket *socket = nullptr;
    QTimer *timer = nullptr;
    QByteArray key;
    QByteArray in;
    OutboundResponse response;
    qint64 bodyLength = -1; // a refused upgrade's Content-Length, -1: until the connection ends
    std::unique_ptr<WebSocketFrameReader> reader;
    std::optional<DeflateSettings> deflate; // permessage-deflate, when the server accepted it
    WebSocketChannelPtr channel;
    bool paused = true; // no Worker side yet, or it is behind
    bool closeSent = false;
    bool closeReceived = false;
    int receivedCloseCode = 1005;

    void start()
    {
        const bool tls = request.url.scheme() == QLatin1String("https");
        const quint16 port = quint16(request.url.port(tls ? 443 : 80));
        auto self = shared_from_this();
        resolveOutbound(context, policy, request.url, port,
                        [self, port, tls](const QHostAddress &address, const QString &refusal) {
                            if (!refusal.isNull())
                                self->fail(refusal);
                            else
                                self->connectTo(address, port, tls);
                        });
    }

    void connectTo(const QHostAddress &address, quint16 port, bool tls)
    {
        phase = Phase::Connecting;
        auto self = shared_from_this();
        QSslSocket *ssl = tls ? new QSslSocket : nullptr;
        socket = ssl ? ssl : new QTcpSocket;
        socket->setReadBufferSize(kReadChunk);
        timer = new QTimer(socket);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, socket, [self] { self->timedOut(); });
        timer->start(limits.handshakeTimeoutMs);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [self] { self->readable(); });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, [self] { self->ended(); });
        QObject::connect(socket, &QTcpSocket::errorOccurred, socket,
                         [self](QAbstractSocket::SocketError error) {
                             if (error != QAbstractSocket::RemoteHostClosedError)
                                 self->ended();
                         });
        if (ssl) {
            QObject::connect(ssl, &QSslSocket::encrypted, ssl, [self] { self->sendHandshake(); });
            // The connection goes to the checked address; the certificate and SNI are the name's.
            ssl->connectToHostEncrypted(address.toString(), port, request.url.host());
        } else {
            QObject::connect(socket, &QTcpSocket::connected, socket,
                             [self] { self->sendHandshake(); });
            socket->connectToHost(address, port);
        }
    }

    void sendHandshake()
    {
        phase = Phase::Head;
        QByteArray nonce(16, '\0');
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
        key = nonce.toBase64();
        QByteArray target = request.url.path(QUrl::FullyEncoded).toUtf8();
        if (target.isEmpty())
            target = "/";
        if (request.url.hasQuery())
            target += '?' + request.url.query(QUrl::FullyEncoded).toUtf8();
        QByteArray head = request.method.toUtf8() + ' ' + target + " HTTP/1.1\r\nHost: "
                + request.url.authority(QUrl::FullyEncoded).toUtf8() + "\r\n";
        auto overridden = [&](const QString &name) {
            return std::any_of(
                    request.platformHeaders.cbegin(), request.platformHeaders.cend(),
                    [&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
        };
        auto add = [&](const QString &name, const QString &value) {
            const QByteArray n = name.toUtf8(), v = value.toUtf8();
            if (!unsafe(n) && !unsafe(v))
                head += n + ": " + v + "\r\n";
        };
        for (const auto &[name, value] : request.headers) {
            if (!hopByHop(name) && !overridden(name))
                add(name, value);
        }
        for (const auto &[name, value] : request.platformHeaders)
            add(name, value);
        head += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Extensions: "
                + deflateOffer() + "\r\nSec-WebSocket-Key: " + key + "\r\n\r\n";
        socket->write(head);
    }

    void readable()
    {
        switch (phase) {
        case Phase::Head:
            readHead();
            break;
        case Phase::Body:
            readBody();
            break;
        case Phase::Open:
            readFrames();
            break;
        default:
            break;
        }
    }

    void readHead()
    {
        in += socket->readAll();
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end < 0) {
            if (in.size() > kMaxHead)
                fail(QStringLiteral("Network connection lost."));
            return;
        }
        const QList<QByteArray> lines = in.left(end).split('\n');
        QByteArray rest = in.mid(end + 4);
        in.clear();
        const QList<QByteArray> statusLine = lines.constFirst().trimmed().split(' ');
        bool ok = false;
        const int status = statusLine.size() >= 2 ? statusLine.at(1).toInt(&ok) : 0;
        if (!ok || !statusLine.constFirst().startsWith("HTTP/1.")) {
            fail(QStringLiteral("Network connection lost."));
            return;
        }
        response.status = status;
        response.statusText
                = QString::fromLatin1(lines.constFirst().trimmed()).section(QLatin1Char(' '), 2);
        response.url = request.url.toString();
        QByteArray upgrade, connection, accept, contentLength, transferEncoding, extensions;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            const QByteArray lower = name.toLower();
            if (lower == "upgrade")
                upgrade = value;
            else if (lower == "connection")
                connection = value;
            else if (lower == "sec-websocket-accept")
                accept = value;
            else if (lower == "content-length")
                contentLength = value;
            else if (lower == "transfer-encoding")
                transferEncoding = value;
            else if (lower == "sec-websocket-extensions")
                extensions += (extensions.isEmpty() ? "" : ", ") + value;
            response.headers.append({QString::fromLatin1(name), QString::fromUtf8(value)});
        }
        if (status != 101) {
            // The server answered the upgrade with an ordinary response: the Worker gets it.
            phase = Phase::Body;
            if (!contentLength.isEmpty())
                bodyLength = contentLength.toLongLong();
            if (!transferEncoding.isEmpty())
                bodyLength = 0; // not decoded: the Worker sees the status and headers
            response.body = rest;
            readBody();
            return;
        }
        if (!sameToken(upgrade, "websocket") || !sameToken(connection, "upgrade")
            || accept != webSocketAccept(key)) {
            fail(QStringLiteral("Network connection lost. (The server's WebSocket handshake was "
                                "invalid.)"));
            return;
        }
        QString refusal;
        deflate = parseDeflateResponse(extensions, &refusal);
        if (!refusal.isEmpty()) {
            qCDebug(lcEngine) << "refusing an outbound WebSocket to" << request.url.host() << ":"
                              << refusal;
            fail(QStringLiteral("Network connection lost. (The server's WebSocket handshake was "
                                "invalid.)"));
            return;
        }
        open(rest);
    }

    void readBody()
    {
        response.body += socket->readAll();
        if (bodyLength >= 0 && response.body.size() >= bodyLength)
            response.body.truncate(bodyLength);
        else if (response.body.size() < kMaxRefusalBody)
            return; // more to come, or the end of the connection ends it
        response.body.truncate(kMaxRefusalBody);
        answer();
        finish();
    }

    void open(const QByteArray &rest)
    {
        phase = Phase::Open;
        timer->start(limits.idleTimeoutMs);
        reader = std::make_unique<WebSocketFrameReader>(limits.maxMessageBytes,
                                                        WebSocketFrameReader::Role::Client);
        if (deflate)
            reader->enableDeflate(*deflate);
        reader->feed(rest.constData(), rest.size());
        channel = std::make_shared<WebSocketChannel>();
        std::weak_ptr<Upstream> weak = shared_from_this();
        // Queued to the thread's network manager, which outlives the socket: a call that comes
        // after the socket is gone finds this object gone too, or finished.
        QPointer<QObject> on = context;
        auto queued = [weak, on](std::function<void(Upstream &)> what) {
            if (!on)
                return;
            QMetaObject::invokeMethod(
                    on.data(),
                    [weak, what = std::move(what)] {
                        if (auto self = weak.lock())
                            what(*self);
                    },
                    Qt::QueuedConnection);
        };
        channel->attachClient(
                {[queued](WebSocketMessage message) {
                     queued([message = std::move(message)](Upstream &u) { u.fromWorker(message); });
                 },
                 [queued](int code) { queued([code](Upstream &u) { u.workerEnded(code); }); },
                 [queued] {
                     queued([](Upstream &u) {
                         u.paused = false;
                         u.readFrames();
                     });
                 }});
        response.webSocket = channel;
        answer();
    }

    // No frame either way for this long closes an open socket, as the listener does its clients.
    void active()
    {
        if (!closeSent && !closeReceived)
            timer->start(limits.idleTimeoutMs);
    }

    // Frames as long as the Worker keeps up; what is not read stays in the kernel's buffers.
    void readFrames()
    {
        while (phase == Phase::Open && !paused && !closeReceived) {
            WebSocketFrameReader::Frame frame;
            if (reader->next(&frame)) {
                active();
                handle(frame);
                continue;
            }
            if (reader->failCode()) {
                protocolError(reader->failCode(), reader->failReason());
                return;
            }
            if (socket->bytesAvailable() <= 0)
                return;
            const QByteArray chunk = socket->read(kReadChunk);
            reader->feed(chunk.constData(), chunk.size());
        }
    }

    void handle(const WebSocketFrameReader::Frame &frame)
    {
        using Op = WebSocketFrameReader::Opcode;
        switch (frame.opcode) {
        case Op::Text:
        case Op::Binary: {
            WebSocketMessage message;
            message.kind = frame.opcode == Op::Text ? WebSocketMessage::Kind::Text
                                                    : WebSocketMessage::Kind::Binary;
            message.data = frame.payload;
            if (!channel->fromClient(std::move(message)))
                paused = true;
            break;
        }
        case Op::Ping:
            if (!closeSent)
                write(webSocketFrame(Op::Pong, frame.payload, true));
            break;
        case Op::Close: {
            closeReceived = true;
            receivedCloseCode = frame.closeCode;
            WebSocketMessage message;
            message.kind = WebSocketMessage::Kind::Close;
            message.code = frame.closeCode;
            message.reason = QString::fromUtf8(frame.closeReason);
            channel->fromClient(std::move(message));
            if (closeSent)
                socket->disconnectFromHost();
            else
                closeSoon(); // answered for the Worker if it does not answer itself
            break;
        }
        default:
            break;
        }
    }

    // The upstream broke the protocol (or sent a message over the limit): it is closed with the
    // reader's code, and the Worker hears of it as that close.
    void protocolError(int code, const QByteArray &reason)
    {
        qCDebug(lcEngine) << "closing an outbound WebSocket to" << request.url.host() << "with"
                          << code << reason;
        closeReceived = true;
        if (!closeSent) {
            closeSent = true;
            write(webSocketCloseFrame(code, reason, true));
        }
        WebSocketMessage message;
        message.kind = WebSocketMessage::Kind::Close;
        message.code = code;
        message.reason = QString::fromUtf8(reason);
        channel->fromClient(std::move(message));
        closeSoon();
    }

    void fromWorker(const WebSocketMessage &message)
    {
        if (phase != Phase::Open || closeSent)
            return;
        using Op = WebSocketFrameReader::Opcode;
        if (message.kind == WebSocketMessage::Kind::Close) {
            closeSent = true;
            write(webSocketCloseFrame(message.code, message.reason.toUtf8(), true));
            if (closeReceived)
                socket->disconnectFromHost();
            else
                closeSoon();
            return;
        }
        active();
        write(webSocketMessageFrame(message.kind == WebSocketMessage::Kind::Text ? Op::Text
                                                                                 : Op::Binary,
                                    message.data, reader->deflate(), true));
        if (socket->bytesToWrite() > limits.maxUnsentBytes) {
            // An upstream that reads nothing must not hold the Worker's messages without end.
            qCDebug(lcEngine) << "cutting an outbound WebSocket that reads nothing:"
                              << request.url.host();
            socket->abort();
        }
    }

    // The Worker's side is gone (its Invocation ended, a limit stopped it, or the client of a
    // relay left): the upstream is closed with `code`.
    void workerEnded(int code)
    {
        if (phase != Phase::Open)
            return;
        if (code == kDrop) {
            // A relayed client that closed and left at once (as most clients do) has had its
            // close frame written here just before: it still goes out, then the connection. An
            // abort would drop it with the rest of the unsent bytes.
            if (closeSent)
                socket->disconnectFromHost();
            else
                socket->abort();
            return;
        }
        if (!closeSent) {
            closeSent = true;
            write(webSocketCloseFrame(code, {}, true));
        }
        socket->disconnectFromHost();
    }

    void closeSoon() { timer->start(limits.closeWaitMs); }

    void timedOut()
    {
        if (phase == Phase::Open) {
            if (closeSent) {
                socket->abort(); // the upstream never answered our close
            } else if (closeReceived) {
                // The Worker never answered the upstream's close: the reply it waits for.
                closeSent = true;
                write(webSocketCloseFrame(receivedCloseCode, {}, true));
                socket->disconnectFromHost();
            } else {
                closeSent = true;
                write(webSocketCloseFrame(1001, "The WebSocket was idle for too long.", true));
                closeSoon();
            }
            return;
        }
        if (phase == Phase::Body) {
            answer(); // a refusal without a length whose connection stays open: what came
            finish();
            return;
        }
        fail(QStringLiteral("Network connection lost."));
    }

    void write(const QByteArray &bytes)
    {
        if (socket->state() == QAbstractSocket::ConnectedState)
            socket->write(bytes);
    }

    void ended()
    {
        switch (phase) {
        case Phase::Connecting:
        case Phase::Head:
            fail(QStringLiteral("Network connection lost."));
            return;
        case Phase::Body:
            response.body += socket->readAll();
            response.body.truncate(kMaxRefusalBody);
            if (bodyLength >= 0)
                response.body.truncate(bodyLength);
            answer();
            finish();
            return;
        case Phase::Open:
            phase = Phase::Done;
            if (!closeReceived)
                channel->clientGone(); // the Worker hears a 1006
            finish();
            return;
        default:
            return;
        }
    }

    void answer()
    {
        if (!done)
            return;
        auto callback = std::move(done);
        done = nullptr;
        callback(std::move(response));
    }

    void fail(const QString &message)
    {
        if (done) {
            OutboundResponse failed;
            failed.networkError = message;
            auto callback = std::move(done);
            done = nullptr;
            callback(std::move(failed));
        }
        finish();
    }

    void finish()
    {
        phase = Phase::Done;
        if (!socket)
            return;
        QTcpSocket *s = std::exchange(socket, nullptr);
        s->disconnect();
        if (timer)
            timer->disconnect();
        s->abort();
        s->deleteLater(); // its connections held this object: it goes with them
    }
};

} // namespace

bool isWebSocketUpgrade(const HeaderList &headers)
{
    return std::any_of(headers.cbegin(), headers.cend(), [](const auto &h) {
        return h.first.compare(u"upgrade", Qt::CaseInsensitive) == 0
                && sameToken(h.second.toUtf8(), "websocket");
    });
}

void startOutboundWebSocket(QObject *threadContext, OutboundPolicyPtr policy,
                            const OutboundRequest &request, OutboundWebSocketLimits limits,
                            std::function<void(OutboundResponse)> done)
{
    auto upstream = std::make_shared<Upstream>();
    upstream->context = threadContext;
    upstream->policy = std::move(policy);
    upstream->request = request;
    upstream->limits = limits;
    upstream->done = std::move(done);
    upstream->start();
}

WebSocketChannelPtr relayWebSocket(const WebSocketChannelPtr &upstream)
{
    auto front = std::make_shared<WebSocketChannel>();
    std::weak_ptr<WebSocketChannel> weakFront = front;
    std::weak_ptr<WebSocketChannel> weakUpstream = upstream;
    // Client to upstream: passed on at once; an upstream that reads nothing is cut at its
    // unsent limit, so nothing piles up here.
    front->attachWorker({[upstream, weakFront](WebSocketMessage message) {
                             const qsizetype bytes = message.data.size();
                             upstream->toClient(std::move(message));
                             if (auto f = weakFront.lock())
                                 f->delivered(bytes);
                         },
                         [upstream] { upstream->workerEnded(kDrop); },
                         // Upstream to client, from the moment the listener carries the client: a
                         // client that reads nothing is cut at the listener's own unsent limit.
                         [weakFront, weakUpstream] {
                             auto u = weakUpstream.lock();
                             if (!u)
                                 return;
                             u->attachWorker({[weakFront, weakUpstream](WebSocketMessage message) {
                                                  const qsizetype bytes = message.data.size();
                                                  if (auto f = weakFront.lock())
                                                      f->toClient(std::move(message));
                                                  if (auto up = weakUpstream.lock())
                                                      up->delivered(bytes);
                                              },
                                              [weakFront] {
                                                  if (auto f = weakFront.lock())
                                                      f->workerEnded(kDrop);
                                              },
                                              {}});
                         }});
    return front;
}

} // namespace switchyard::engine
