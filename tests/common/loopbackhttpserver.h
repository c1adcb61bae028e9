#pragma once

// An HTTP/1.1 server on loopback for tests of the engine's outbound fetch(): no external network
// exists. Keep-alive and pipelining work because the engine's network manager reuses
// connections; what each request gets is the test's handler.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <memory>

namespace switchyard::testing {

struct LoopbackRequest
{
    QByteArray method;
    QByteArray target;
    QList<QPair<QByteArray, QByteArray>> headers; // names lowercased
    QByteArray body;
};

struct LoopbackReply
{
    LoopbackReply(QByteArray response, int delay = 0) : bytes(std::move(response)), delayMs(delay)
    { }
    QByteArray bytes; // the whole response, status line to body
    int delayMs = 0;
};

class LoopbackHttpServer : public QObject
{
public:
    using Handler = std::function<LoopbackReply(const LoopbackRequest &)>;

    explicit LoopbackHttpServer(Handler handler) : m_handler(std::move(handler))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                serve(socket);
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    // No trailing slash.
    QString base() const
    {
        return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
    }
    int requests = 0;

private:
    // Takes one complete request off the front of `buffer`; false while it is incomplete.
    static bool take(QByteArray *buffer, LoopbackRequest *out)
    {
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QList<QByteArray> lines = buffer->left(end).split('\n');
        qsizetype length = 0;
        out->headers.clear();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length")
                length = value.toLongLong();
            out->headers.append({name, value});
        }
        if (buffer->size() < end + 4 + length)
            return false;
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        out->method = requestLine.value(0);
        out->target = requestLine.value(1);
        out->body = buffer->mid(end + 4, length);
        buffer->remove(0, end + 4 + length);
        return true;
    }

    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            buffer->append(socket->readAll());
            LoopbackRequest request;
            while (take(buffer.get(), &request)) {
                ++requests;
                const LoopbackReply reply = m_handler(request);
                if (reply.delayMs <= 0) {
                    socket->write(reply.bytes);
                    continue;
                }
                // The client may give up (an aborted fetch()) and close the socket meanwhile.
                QTimer::singleShot(reply.delayMs, socket,
                                   [socket = QPointer<QTcpSocket>(socket), bytes = reply.bytes] {
                                       if (socket
                                           && socket->state() == QAbstractSocket::ConnectedState)
                                           socket->write(bytes);
                                   });
            }
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }

    Handler m_handler;
    QTcpServer m_server;
};

} // namespace switchyard::testing
