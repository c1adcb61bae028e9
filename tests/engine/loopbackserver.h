// A raw HTTP/1.1 loopback server for outbound fetch() tests: no external network exists.
#pragma once

#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace enginetest {

// Answers raw HTTP/1.1 on loopback: enough to see what an outbound fetch() sent.
class LoopbackServer : public QObject
{
public:
    LoopbackServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                serve(socket);
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    QString base() const
    {
        return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
    }
    int requests = 0;

private:
    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            buffer->append(socket->readAll());
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = buffer->left(end);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer->size() < end + 4 + length)
                return;
            const QByteArray body = buffer->mid(end + 4, length);
            const QList<QByteArray> requestLine = head.left(head.indexOf('\r')).split(' ');
            const QByteArray path = requestLine.value(1);
            buffer->clear();
            ++requests;
            QByteArray response;
            if (path == "/redirect") {
                response
                        = "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n";
            } else {
                const QByteArray text = requestLine.value(0) + " " + path
                        + " from=" + (head.toLower().contains("x-from: worker") ? "worker" : "?")
                        + " body=" + body;
                response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: s=1\r\n"
                           "Set-Cookie: t=2\r\nContent-Length: "
                        + QByteArray::number(text.size()) + "\r\n\r\n" + text;
            }
            socket->write(response);
            socket->flush();
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
    QTcpServer m_server;
};

} // namespace enginetest
