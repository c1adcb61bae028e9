#include "httplistener.h"
#include "httplistener_p.h"

#include "logging.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <memory>

#include <cerrno>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace switchyard::http {

namespace {

// Qt stops reading a socket whose buffer is full, so a connection we do not read pushes back on
// its client through TCP instead of growing in memory.
constexpr qint64 kSocketReadBuffer = 256 * 1024;
// A streamed body is read no further while this much of it waits in the socket's buffer for the
// client (the kernel's send buffer comes before it): a slow or stalled client costs at most this
// and one chunk, however large the body.
constexpr qint64 kStreamHighWater = 1024 * 1024;
// After the last response, how long the client gets to close its side before we cut: closing with
// its unread bytes in our buffer would send a reset that can destroy the response in flight.
constexpr qint64 kLingerMs = 5000;
// After accept() failed (EMFILE and the like), Qt stops watching the listening socket; it is
// watched again when a connection closes, and at the latest after this.
constexpr int kAcceptRetryMs = 100;

QByteArray statusLine(int status)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
}

bool bodylessStatus(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The status line and the Worker's headers, without framing or connection headers.
QByteArray serializeHeaders(const HttpResponse &response, qsizetype reserve, bool *typed)
{
    QByteArray out;
    out.reserve(128 + reserve);
    out += statusLine(response.status);
    bool hasType = false;
    for (const auto &[name, value] : response.headers) {
        const QByteArray lower = name.toLower();
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection"
            || lower == "keep-alive")
            continue;
        // A line break in a header would let the Worker write a second response.
        if (unsafeInHeader(name) || unsafeInHeader(value))
            continue;
        hasType = hasType || lower == "content-type";
        out += name + ": " + value + "\r\n";
    }
    *typed = hasType;
    return out;
}

QByteArray serialize(const HttpResponse &response, bool head, bool close, bool keepAlive10)
{
    // 1xx, 204 and 304 have no content and 204 no Content-Length (RFC 9110 8.6).
    const int status = response.status;
    const bool bodyless = bodylessStatus(status);
    bool hasType = false;
    QByteArray out = serializeHeaders(response, response.body.size(), &hasType);
    if (!hasType && !response.body.isEmpty() && !bodyless)
        out += "content-type: text/plain;charset=UTF-8\r\n";
    if (close)
        out += "connection: close\r\n";
    else if (keepAlive10)
        out += "connection: keep-alive\r\n";
    if (!bodyless)
        out += "content-length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "\r\n";
    if (!head && !bodyless)
        out += response.body;
    return out;
}

// The Content-Length a Worker set on a streamed body, or -1.
qint64 declaredLength(const HttpResponse &response)
{
    for (const auto &[name, value] : response.headers) {
        if (name.compare("content-length", Qt::CaseInsensitive) != 0)
            continue;
        const QByteArray digits = value.trimmed();
        if (digits.isEmpty() || digits.size() > 18
            || !std::all_of(digits.begin(), digits.end(),
                            [](char ch) { return ch >= '0' && ch <= '9'; }))
            return -1;
        return digits.toLongLong();
    }
    return -1;
}

QByteArray headerValue(const HeaderList &headers, const char *name)
{
    for (const auto &[n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

// The Sec-WebSocket-Key of a valid RFC 6455 upgrade request, else null.
QByteArray webSocketKeyOf(const ParsedRequest &p)
{
    if (p.method != "GET" || p.http10 || !headerHasToken(p.headers, "upgrade", "websocket")
        || !headerHasToken(p.headers, "connection", "upgrade")
        || headerValue(p.headers, "sec-websocket-version").trimmed() != "13")
        return {};
    const QByteArray key = headerValue(p.headers, "sec-websocket-key").trimmed();
    return QByteArray::fromBase64(key).size() == 16 ? key : QByteArray();
}

QByteArray refusal(int status, const QByteArray &reason)
{
    const QByteArray body = reason + '\n';
    return statusLine(status)
            + "content-type: text/plain;charset=UTF-8\r\nconnection: close\r\ncontent-length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

HttpListener::HttpListener(Handler handler, ListenerLimits limits, QObject *parent)
    : QObject(parent), m_handler(std::move(handler)), m_limits(limits), m_sweep(this)
{
    m_clock.start();
    m_readBuffer.resize(64 * 1024);
    m_maxConnections = std::max(1, m_limits.maxConnections);
    rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY)
        m_maxConnections = int(std::min<rlim_t>(rlim_t(m_maxConnections),
                                                std::max<rlim_t>(16, files.rlim_cur / 2)));
    connect(&m_sweep, &QTimer::timeout, this, &HttpListener::sweep);
    updateSweepInterval();
}

HttpListener::~HttpListener()
{
    for (auto &c : m_connections) {
        c->gone = true;
        for (auto &p : c->queue) {
            p->connection = nullptr;
            if (p->response.stream)
                p->response.stream->cancel();
            if (p->response.webSocket)
                p->response.webSocket->gone();
        }
        if (c->ws) {
            c->ws->connection = nullptr;
            if (!std::exchange(c->ws->peerTold, true))
                c->ws->peer->gone();
        }
        c->socket->disconnect();
        delete c->socket;
    }
    m_connections.clear();
}

quint16 HttpListener::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto server = new QTcpServer(this);
    // Qt's default backlog of 50 overflows when a client opens more connections at once (wrk
    // with 64): the kernel drops the handshakes it cannot queue and those clients wait for a
    // retransmit, a second or more. nginx queues 511.
    server->setListenBacklogSize(1024);
    if (!server->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(server->errorString());
        delete server;
        return 0;
    }
    // QTcpServer binds and listens; accepting is ours. Qt 6.4 retries a failing accept() (EMFILE)
    // at once and forever, a busy loop, and cannot be told to wait.
    server->pauseAccepting();
    const int fd = int(server->socketDescriptor());
    auto *notifier = new QSocketNotifier(fd, QSocketNotifier::Read, server);
    connect(notifier, &QSocketNotifier::activated, this, [this, fd] { acceptReady(fd); });
    m_listeners.append({server, notifier});
    if (m_maxConnections < m_limits.maxConnections)
        qCInfo(lcHttp) << "at most" << m_maxConnections << "connections on port"
                       << server->serverPort() << "(half the open-file limit)";
    return server->serverPort();
}

void HttpListener::acceptReady(int listenFd)
{
    // A bounded batch, so a flood of connections cannot starve the ones already open.
    for (int batch = 0; batch < 64 && !m_draining && !m_acceptPaused; ++batch) {
        const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            m_acceptErrorLogged = false;
            adopt(fd);
            continue;
        }
        switch (errno) {
        case EINTR:
        case ECONNABORTED: // that client is gone; the next one may be there
        case EPROTO:
            continue;
        case EAGAIN:
#if EAGAIN != EWOULDBLOCK
        case EWOULDBLOCK:
#endif
            return;
        default:
            acceptFailed(errno);
            return;
        }
    }
}

void HttpListener::setResponseTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
    updateSweepInterval();
}

void HttpListener::updateSweepInterval()
{
    const auto shortest = std::min({m_limits.headerTimeout, m_limits.bodyTimeout,
                                    m_limits.idleTimeout, m_limits.sendTimeout, m_timeout});
    m_sweep.setInterval(int(std::clamp<qint64>(shortest.count() / 4, 5, 1000)));
}

void HttpListener::adopt(qintptr descriptor)
{
    if (m_draining) {
        ::close(int(descriptor));
        return;
    }
    if (int(m_connections.size()) >= m_maxConnections && !reapIdleConnection()) {
        qCDebug(lcHttp) << "connection cap" << m_maxConnections << "reached: closing a new one";
        ::close(int(descriptor));
        return;
    }
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setReadBufferSize(kSocketReadBuffer);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto owned = std::make_unique<Connection>(m_limits);
    Connection *c = owned.get();
    c->socket = socket;
    c->peer = socket->peerAddress();
    c->sinceMs = m_clock.elapsed();
    c->position = m_connections.insert(m_connections.end(), std::move(owned));
    connect(socket, &QTcpSocket::readyRead, socket, [this, c] { onReadable(c); });
    connect(socket, &QTcpSocket::bytesWritten, socket, [this, c] {
        c->lastWriteMs = m_clock.elapsed();
        if (!c->queue.empty() && c->queue.front()->streaming)
            pump(c);
        if (!c->gone && c->socket->bytesToWrite() == 0)
            finishWriting(c);
    });
    connect(socket, &QTcpSocket::disconnected, socket, [this, c] { closeConnection(c, true); });
    connect(socket, &QTcpSocket::errorOccurred, socket, [this, c] {
        if (c->socket->state() != QAbstractSocket::ConnectedState)
            closeConnection(c, true);
    });
    armSweep();
}

void HttpListener::acceptFailed(int error)
{
    // The connection stays queued in the kernel, so watching the listening socket again at once
    // would spin on the same error: stop until a connection closes or a moment has passed.
    if (!m_acceptErrorLogged)
        qCWarning(lcHttp) << "cannot accept connections:" << qt_error_string(error)
                          << "- closing an idle one or retrying shortly";
    m_acceptErrorLogged = true;
    m_acceptPaused = true;
    for (const auto &l : std::as_const(m_listeners))
        l.notifier->setEnabled(false);
    if (!reapIdleConnection())
        QTimer::singleShot(kAcceptRetryMs, this, &HttpListener::resumeAccepting);
}

void HttpListener::resumeAccepting()
{
    if (!m_acceptPaused || m_draining)
        return;
    m_acceptPaused = false;
    for (const auto &l : std::as_const(m_listeners))
        l.notifier->setEnabled(true);
}

// Makes room by closing the connection that has waited longest with nothing to do.
bool HttpListener::reapIdleConnection()
{
    Connection *oldest = nullptr;
    for (const auto &c : m_connections) {
        const bool idle = c->phase == Phase::Idle || c->phase == Phase::Linger
                || (c->phase == Phase::Head && c->served == 0 && !c->guard.midHead());
        if (idle && !c->gone && (!oldest || c->sinceMs < oldest->sinceMs))
            oldest = c.get();
    }
    if (!oldest)
        return false;
    qCDebug(lcHttp) << "closing an idle connection from" << oldest->peer << "to make room";
    closeConnection(oldest, oldest->phase == Phase::Linger);
    return true;
}

void HttpListener::onReadable(Connection *c)
{
    if (c->gone)
        return;
    if (c->phase == Phase::Linger) {
        c->socket->readAll();
        return;
    }
    if (c->ws) {
        readWebSocket(c);
        return;
    }
    processInput(c);
}

void HttpListener::processInput(Connection *c)
{
    if (c->gone || c->processing)
        return;
    if (c->ws) {
        readWebSocket(c);
        return;
    }
    c->processing = true;
    while (!c->gone) {
        while (!c->closing && !c->gone && !c->upgrading && c->guard.hasRequest()
               && int(c->queue.size()) < std::max(1, m_limits.maxPipelinedRequests))
            dispatch(c, c->guard.takeRequest());
        if (c->gone || c->closing)
            break;
        if (c->guard.hasRequest() || c->upgrading)
            break; // the pipeline is full; the rest waits until responses go out
        if (c->inputFailed) {
            refuse(c, c->failStatus, c->failReason);
            break;
        }
        if (c->socket->bytesToWrite() > kMaxUnsentBytes)
            break;
        const qint64 n = c->socket->read(m_readBuffer.data(), m_readBuffer.size());
        if (n <= 0)
            break;
        const RequestGuard::Verdict verdict = c->guard.feed(m_readBuffer.constData(), n);
        if (c->guard.midBody())
            c->sinceMs = m_clock.elapsed();
        // Only when nothing is ahead of it on the connection: 100 is not a final response.
        if (c->guard.takeContinueWanted() && c->queue.empty() && !c->guard.hasRequest())
            writeOut(c, "HTTP/1.1 100 Continue\r\n\r\n");
        if (verdict != RequestGuard::Verdict::Pass) {
            c->inputFailed = true;
            c->failStatus = statusOf(verdict);
            c->failReason = c->guard.reason();
        }
    }
    c->processing = false;
    updatePhase(c);
}

void HttpListener::updatePhase(Connection *c)
{
    if (c->gone || c->phase == Phase::Linger || c->phase == Phase::WebSocket)
        return;
    const qint64 now = m_clock.elapsed();
    if (c->guard.midBody() && !c->closing) {
        if (c->phase != Phase::Body)
            c->sinceMs = now;
        c->phase = Phase::Body;
    } else if (c->guard.midHead() && !c->closing) {
        if (c->phase != Phase::Head)
            c->sinceMs = now;
        c->phase = Phase::Head;
    } else if (!c->queue.empty() || c->guard.hasRequest() || c->closing) {
        c->phase = Phase::Busy;
    } else if (m_draining) {
        closeConnection(c, false);
    } else if (c->phase == Phase::Head && c->served == 0) {
        // A new connection that has sent nothing: the header timeout runs from its accept.
    } else if (c->phase != Phase::Idle) {
        c->phase = Phase::Idle;
        c->sinceMs = now;
    }
}

void HttpListener::dispatch(Connection *c, ParsedRequest p)
{
    QByteArray authority;
    if (p.http10) {
        const QHostAddress local = c->socket->localAddress();
        authority = (local.protocol() == QAbstractSocket::IPv6Protocol
                             ? '[' + local.toString().toLatin1() + ']'
                             : local.toString().toLatin1())
                + ':' + QByteArray::number(c->socket->localPort());
    }
    QByteArray error;
    QUrl url = resolveRequestUrl(p, authority, &error);
    if (url.isEmpty()) {
        refuse(c, 400, error);
        return;
    }
    ++c->served;
    auto pending = std::make_shared<Pending>();
    pending->connection = c;
    pending->head = p.method == "HEAD";
    pending->http10 = p.http10;
    pending->keepAlive = p.keepAlive && !m_draining;
    pending->deadlineMs = m_clock.elapsed() + m_timeout.count();
    pending->position = m_pending.insert(m_pending.end(), pending);
    pending->webSocketKey = webSocketKeyOf(p);
    if (!pending->webSocketKey.isNull()) {
        c->upgrading = true;
        for (const auto &[name, value] : p.headers) {
            if (name.compare("sec-websocket-extensions", Qt::CaseInsensitive) == 0)
                pending->webSocketExtensions
                        += (pending->webSocketExtensions.isEmpty() ? "" : ", ") + value;
        }
    }
    pending->inDeadlineList = true;
    c->queue.push_back(pending);
    if (!pending->keepAlive)
        c->closing = true;
    armSweep();

    HttpRequest r {std::move(p.method), std::move(url), std::move(p.headers), std::move(p.body),
                   c->peer};
    QPointer<HttpListener> self = this;
    Reply reply = [self, pending](HttpResponse response) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
                self.data(),
                [self, pending, response = std::move(response)]() mutable {
                    if (self)
                        self->answer(pending, std::move(response));
                },
                Qt::AutoConnection);
    };
    m_handler(std::move(r), std::move(reply));
}

// Answers the connection's next request with an error of our own and takes no more from it.
void HttpListener::refuse(Connection *c, int status, const QByteArray &reason)
{
    if (c->gone || c->closing)
        return;
    qCDebug(lcHttp) << "refused request from" << c->peer << status << reason;
    auto pending = std::make_shared<Pending>();
    pending->connection = c;
    pending->answered = true;
    pending->raw = refusal(status, reason);
    c->queue.push_back(pending);
    c->closing = true;
    flush(c);
}

void HttpListener::answer(std::shared_ptr<Pending> pending, HttpResponse response)
{
    // A body nobody will read (a late answer, a closed connection) must not keep its producer.
    if (pending->answered || !pending->connection) {
        if (response.stream)
            response.stream->cancel();
        if (response.webSocket)
            response.webSocket->gone();
    }
    if (pending->answered)
        return;
    pending->answered = true;
    if (pending->inDeadlineList) {
        m_pending.erase(pending->position);
        pending->inDeadlineList = false;
    }
    Connection *c = pending->connection;
    if (!c)
        return;
    pending->response = std::move(response);
    if (c->queue.front() == pending)
        flush(c);
}

// Writes the answered responses at the front of the queue, in order.
void HttpListener::flush(Connection *c)
{
    while (!c->gone && !c->queue.empty() && c->queue.front()->answered) {
        const std::shared_ptr<Pending> p = c->queue.front();
        if (p->streaming)
            return; // its body is still being written; pump() goes on from here
        bool last = true;
        if (p->raw.isNull()) {
            if (p->response.webSocket && startWebSocket(c, *p)) {
                if (!c->gone) // its frames are relayed from here on; no response follows
                    c->queue.pop_front();
                p->connection = nullptr;
                return;
            }
            if (!p->webSocketKey.isNull())
                c->upgrading = false; // not upgraded: requests may follow
            last = !p->keepAlive || (c->closing && c->queue.size() == 1);
            if (p->response.stream) {
                if (startStream(c, *p, last)) {
                    pump(c);
                    return;
                }
            } else {
                writeOut(c, serialize(p->response, p->head, last, p->http10 && !last));
            }
        } else {
            writeOut(c, p->raw);
        }
        c->queue.pop_front();
        p->connection = nullptr;
        if (finishResponse(c, last))
            return;
    }
    if (!c->gone && !c->processing)
        processInput(c);
}

bool HttpListener::finishResponse(Connection *c, bool last)
{
    if (!last || c->gone)
        return c->gone;
    // Nothing more is read or written but the client's goodbye.
    c->closing = true;
    c->phase = Phase::Linger;
    c->sinceMs = m_clock.elapsed();
    c->socket->readAll();
    if (c->socket->bytesToWrite() == 0)
        ::shutdown(int(c->socket->socketDescriptor()), SHUT_WR);
    else
        c->shutdownWhenFlushed = true;
    return true;
}

bool HttpListener::startStream(Connection *c, Pending &p, bool last)
{
    HttpResponse &response = p.response;
    if (p.head || bodylessStatus(response.status)) {
        // No body to send; a HEAD response keeps the Content-Length a GET would have, if any.
        response.stream->cancel();
        response.stream.reset();
        bool hasType = false;
        QByteArray out = serializeHeaders(response, 0, &hasType);
        if (last)
            out += "connection: close\r\n";
        else if (p.http10)
            out += "connection: keep-alive\r\n";
        const qint64 length = declaredLength(response);
        if (length >= 0 && !bodylessStatus(response.status))
            out += "content-length: " + QByteArray::number(length) + "\r\n";
        writeOut(c, out + "\r\n");
        return false;
    }
    p.remaining = declaredLength(response);
    p.chunked = p.remaining < 0 && !p.http10;
    // HTTP/1.0 has no chunked coding: a body of unknown length ends when the connection does.
    p.closeAfter = last || (p.remaining < 0 && p.http10);
    bool hasType = false;
    QByteArray out = serializeHeaders(response, 0, &hasType);
    if (p.closeAfter)
        out += "connection: close\r\n";
    else if (p.http10)
        out += "connection: keep-alive\r\n";
    if (p.remaining >= 0)
        out += "content-length: " + QByteArray::number(p.remaining) + "\r\n";
    else if (p.chunked)
        out += "transfer-encoding: chunked\r\n";
    out += "\r\n";
    writeOut(c, out);
    p.streaming = true;
    return true;
}

void HttpListener::pump(Connection *c)
{
    if (c->gone || c->queue.empty())
        return;
    const std::shared_ptr<Pending> &p = c->queue.front();
    if (!p->streaming || p->reading || !p->response.stream)
        return;
    // The client is behind: the next chunk waits until bytesWritten says it caught up.
    if (c->socket->bytesToWrite() > kStreamHighWater)
        return;
    p->reading = true;
    QPointer<HttpListener> self = this;
    std::weak_ptr<Pending> weak = p;
    p->response.stream->read([self, weak](HttpBodySource::Chunk chunk) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
                self.data(),
                [self, weak, chunk = std::move(chunk)]() mutable {
                    auto p = weak.lock();
                    if (self && p)
                        self->onChunk(p, std::move(chunk));
                },
                Qt::QueuedConnection);
    });
}

void HttpListener::onChunk(const std::shared_ptr<Pending> &p, HttpBodySource::Chunk chunk)
{
    p->reading = false;
    Connection *c = p->connection;
    if (!c || c->gone || !p->streaming)
        return;
    bool broken = chunk.failed;
    if (!broken && !chunk.bytes.isEmpty()) {
        if (p->remaining >= 0) {
            broken = chunk.bytes.size() > p->remaining;
            p->remaining -= chunk.bytes.size();
        }
        if (!broken) {
            if (p->chunked)
                writeOut(c,
                         QByteArray::number(chunk.bytes.size(), 16) + "\r\n" + chunk.bytes
                                 + "\r\n");
            else
                writeOut(c, chunk.bytes);
            pump(c);
            return;
        }
    }
    if (!broken && chunk.end && p->remaining > 0)
        broken = true; // fewer bytes than the Content-Length said
    if (broken) {
        // The client must not take a truncated body for a whole one: no final chunk, a reset.
        qCDebug(lcHttp) << "a streamed response body to" << c->peer << "ended early";
        p->response.stream->cancel();
        closeConnection(c, true);
        return;
    }
    if (!chunk.end)
        return pump(c);
    if (p->chunked)
        writeOut(c, "0\r\n\r\n");
    p->streaming = false;
    p->response.stream.reset();
    c->queue.pop_front();
    p->connection = nullptr;
    const bool last = p->closeAfter || !p->keepAlive || (c->closing && c->queue.empty());
    if (!finishResponse(c, last))
        flush(c);
}

void HttpListener::writeOut(Connection *c, const QByteArray &out)
{
    QTcpSocket *socket = c->socket;
    if (c->gone || socket->state() != QAbstractSocket::ConnectedState)
        return;
    // QAbstractSocket buffers a write and switches its write notifier on and off around it; under
    // the glib event loop each switch is an eventfd write waking this thread, two per response.
    // With nothing queued ahead of it the response goes straight to the kernel; only what the
    // kernel does not take (or an error, which Qt then reports) goes through the socket.
    qint64 sent = 0;
    if (socket->bytesToWrite() == 0) {
        do
            sent = ::send(int(socket->socketDescriptor()), out.constData(), size_t(out.size()),
                          MSG_NOSIGNAL | MSG_DONTWAIT);
        while (sent < 0 && errno == EINTR);
        sent = std::max<qint64>(sent, 0);
    }
    if (sent < out.size()) {
        socket->write(out.constData() + sent, out.size() - sent);
        c->lastWriteMs = m_clock.elapsed();
    }
}

void HttpListener::finishWriting(Connection *c)
{
    if (c->gone)
        return;
    if (c->shutdownWhenFlushed) {
        c->shutdownWhenFlushed = false;
        ::shutdown(int(c->socket->socketDescriptor()), SHUT_WR);
    } else if (c->ws && c->phase == Phase::WebSocket) {
        const std::shared_ptr<WebSocketLink> link = c->ws;
        readWebSocket(c); // reading may have stopped for the unsent frames
        if (!c->gone && !link->closeSent)
            link->peer->writable();
    } else if (!c->closing) {
        processInput(c); // reading may have stopped for the unread responses
    }
}

void HttpListener::closeConnection(Connection *c, bool abortive)
{
    if (c->gone)
        return;
    c->gone = true;
    if (c->ws) {
        c->ws->connection = nullptr;
        if (!std::exchange(c->ws->peerTold, true))
            c->ws->peer->gone(); // the Worker sees a close without a handshake (1006)
    }
    for (const auto &p : c->queue) {
        p->connection = nullptr;
        if (p->response.stream) // the client left: the Worker's stream is canceled
            p->response.stream->cancel();
        if (p->response.webSocket)
            p->response.webSocket->gone();
        if (p->inDeadlineList) {
            m_pending.erase(p->position);
            p->inDeadlineList = false;
        }
        p->answered = true;
    }
    c->queue.clear();
    QTcpSocket *socket = c->socket;
    socket->disconnect();
    if (abortive)
        socket->abort();
    else
        socket->close();
    socket->deleteLater();
    // Callers up the stack may still hold `c`: it goes once control is back in the event loop.
    std::unique_ptr<Connection> owned = std::move(*c->position);
    m_connections.erase(c->position);
    QMetaObject::invokeMethod(
            this, [dead = std::shared_ptr<Connection>(std::move(owned))] {}, Qt::QueuedConnection);
    if (m_acceptPaused)
        resumeAccepting();
    maybeDrained();
}

void HttpListener::armSweep()
{
    if (!m_sweep.isActive())
        m_sweep.start();
}

void HttpListener::sweep()
{
    const qint64 now = m_clock.elapsed();
    while (!m_pending.empty() && m_pending.front()->deadlineMs <= now) {
        answer(m_pending.front(),
               {504,
                {{"content-type", "text/plain;charset=UTF-8"}},
                "The dispatch Worker did not answer in time.\n"});
    }
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        Connection *c = (it++)->get();
        checkDeadlines(c, now);
    }
    if (m_draining && now >= m_drainDeadlineMs)
        forceDrain();
    if (m_connections.empty() && m_pending.empty())
        m_sweep.stop();
}

void HttpListener::checkDeadlines(Connection *c, qint64 now)
{
    if (c->gone)
        return;
    if (c->socket->bytesToWrite() > 0 && now - c->lastWriteMs >= m_limits.sendTimeout.count()) {
        qCDebug(lcHttp) << "cutting a connection that reads no responses:" << c->peer;
        closeConnection(c, true);
        return;
    }
    const qint64 waited = now - c->sinceMs;
    switch (c->phase) {
    case Phase::Head:
        if (waited < m_limits.headerTimeout.count())
            break;
        if (c->guard.midHead())
            refuse(c, 408, "The request headers did not arrive in time.");
        else if (c->queue.empty())
            closeConnection(c, false);
        break;
    case Phase::Body:
        if (waited >= m_limits.bodyTimeout.count())
            refuse(c, 408, "The request body did not arrive in time.");
        break;
    case Phase::Idle:
        if (waited >= m_limits.idleTimeout.count())
            closeConnection(c, false);
        break;
    case Phase::Linger:
        if (waited >= std::min<qint64>(kLingerMs, m_limits.idleTimeout.count()))
            closeConnection(c, true);
        break;
    case Phase::Busy:
        break;
    case Phase::WebSocket:
        checkWebSocket(c, now);
        break;
    }
}

void HttpListener::shutdown(std::chrono::milliseconds grace)
{
    if (m_draining)
        return;
    m_draining = true;
    m_drainDeadlineMs = m_clock.elapsed() + grace.count();
    for (const auto &l : std::as_const(m_listeners)) {
        delete l.notifier;
        l.server->close();
    }
    m_listeners.clear();
    qCInfo(lcHttp) << "draining" << m_connections.size() << "connections within" << grace.count()
                   << "ms";
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        Connection *c = (it++)->get();
        if (c->phase == Phase::Linger)
            continue;
        if (c->ws) {
            closeWebSocket(c, 1001, "The server is shutting down.", false);
            continue;
        }
        if (!c->queue.empty() || c->guard.hasRequest())
            c->closing = true; // the response to the last request in flight says "close"
        else if (!c->guard.midHead() && !c->guard.midBody())
            closeConnection(c, false);
        // A request partly received may finish; dispatch() makes it the connection's last.
    }
    armSweep();
    maybeDrained();
}

void HttpListener::forceDrain()
{
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        Connection *c = (it++)->get();
        const auto queue = c->queue;
        for (const auto &p : queue) {
            if (!p->answered)
                answer(p,
                       {503,
                        {{"content-type", "text/plain;charset=UTF-8"}},
                        "The server is shutting down.\n"});
        }
        closeConnection(c, false);
    }
}

void HttpListener::maybeDrained()
{
    if (!m_draining || m_drainedSignalled || !m_connections.empty())
        return;
    m_drainedSignalled = true;
    // Queued: receivers may delete this listener, which must not happen under a socket's signal.
    QMetaObject::invokeMethod(this, &HttpListener::drained, Qt::QueuedConnection);
}

} // namespace switchyard::http
