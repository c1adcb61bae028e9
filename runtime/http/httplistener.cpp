#include "httplistener.h"

#include "logging.h"

#include <QHttpServerRequest>
#include <QMetaEnum>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <memory>

#include <cerrno>
#include <sys/socket.h>

namespace switchyard::http {

HttpListener::HttpListener(Handler handler, ListenerLimits limits, QObject *parent)
    : QAbstractHttpServer(parent), m_handler(std::move(handler)), m_limits(limits), m_sweep(this)
{
    m_clock.start();
    m_sweep.setSingleShot(true);
    connect(&m_sweep, &QTimer::timeout, this, &HttpListener::expireOverdue);
}

quint16 HttpListener::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto server = new GuardedTcpServer(m_limits, this);
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
    bind(server);
    return server->serverPort();
}

static QByteArray methodName(QHttpServerRequest::Method method)
{
    const QMetaEnum e = QMetaEnum::fromType<QHttpServerRequest::Method>();
    return QByteArray(e.valueToKey(int(method))).toUpper();
}

bool HttpListener::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest r;
    r.method = methodName(request.method());
    // Qt 6.4 builds the URL with port 0 when the Host header has none; the URL Workers see is
    // the Host header as sent plus the request target.
    const QUrl parsed = request.url();
    QByteArray host = request.value("host");
    if (host.isEmpty())
        host = parsed.host(QUrl::FullyEncoded).toLatin1();
    QByteArray target = parsed.path(QUrl::FullyEncoded).toLatin1();
    if (parsed.hasQuery())
        target += '?' + parsed.query(QUrl::FullyEncoded).toLatin1();
    r.url = QUrl::fromEncoded("http://" + host + target);
    r.headers = request.headers();
    r.body = request.body();
    r.remoteAddress = request.remoteAddress();
    auto pending = std::make_shared<Pending>();
    pending->socket = socket;
    pending->head = r.method == "HEAD";
    pending->deadlineMs = m_clock.elapsed() + m_timeout.count();
    pending->position = m_pending.insert(m_pending.end(), pending);
    armSweep();

    QPointer<HttpListener> self = this;
    Reply reply = [self, pending](HttpResponse response) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
                self.data(),
                [self, pending, response = std::move(response)] {
                    if (self)
                        self->answer(pending, response);
                },
                Qt::AutoConnection);
    };
    m_handler(std::move(r), std::move(reply));
    return true;
}

void HttpListener::answer(std::shared_ptr<Pending> pending, const HttpResponse &response)
{
    if (pending->answered)
        return;
    pending->answered = true;
    m_pending.erase(pending->position);
    if (pending->socket)
        writeResponse(pending->socket, response, pending->head);
}

void HttpListener::armSweep()
{
    if (m_sweep.isActive() || m_pending.empty())
        return;
    m_sweep.start(int(std::max<qint64>(0, m_pending.front()->deadlineMs - m_clock.elapsed())));
}

void HttpListener::expireOverdue()
{
    const qint64 now = m_clock.elapsed();
    while (!m_pending.empty() && m_pending.front()->deadlineMs <= now) {
        answer(m_pending.front(),
               {504,
                {{"content-type", "text/plain;charset=UTF-8"}},
                "The dispatch Worker did not answer in time.\n"});
    }
    armSweep();
}

void HttpListener::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    writeResponse(socket, {404, {}, {}}, false);
}

void HttpListener::writeResponse(QTcpSocket *socket, const HttpResponse &response, bool head)
{
    QByteArray out;
    out.reserve(128 + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status)
            + "\r\n";
    bool hasType = false;
    for (const auto &[name, value] : response.headers) {
        const QByteArray lower = name.toLower();
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
            continue;
        hasType = hasType || lower == "content-type";
        out += name + ": " + value + "\r\n";
    }
    if (!hasType && !response.body.isEmpty())
        out += "content-type: text/plain;charset=UTF-8\r\n";
    out += "content-length: " + QByteArray::number(response.body.size()) + "\r\n\r\n";
    if (!head)
        out += response.body;
    // QAbstractSocket buffers a write and switches its write notifier on and off around it; under
    // the glib event loop each switch is an eventfd write waking this thread, two per response.
    // With nothing queued ahead of it the response goes straight to the kernel; only what the
    // kernel does not take (or an error, which Qt then reports) goes through the socket.
    qint64 sent = 0;
    if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState) {
        do
            sent = ::send(int(socket->socketDescriptor()), out.constData(), size_t(out.size()),
                          MSG_NOSIGNAL | MSG_DONTWAIT);
        while (sent < 0 && errno == EINTR);
        sent = std::max<qint64>(sent, 0);
    }
    if (sent < out.size()) {
        socket->write(out.constData() + sent, out.size() - sent);
        socket->flush();
    }
}

} // namespace switchyard::http
