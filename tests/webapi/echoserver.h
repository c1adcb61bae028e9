// The HTTP server fetch.js talks to (fixtures/README.md, "Test HTTP server"), on loopback: the
// engine's outbound fetch() has no other network to reach. It serves HTTP/1.1 with keep-alive
// because the engine's network manager reuses connections.
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

namespace webapitest {

class EchoServer : public QObject
{
public:
    EchoServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                serve(socket);
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    // No trailing slash, as ECHO_URL.
    QString base() const
    {
        return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
    }

private:
    struct Parsed
    {
        QByteArray method;
        QByteArray target;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
    };

    // Takes one complete request off the front of `buffer`; false while it is incomplete.
    static bool take(QByteArray *buffer, Parsed *out)
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

    static QByteArray response(int status, const QByteArray &reason,
                               const QList<QByteArray> &headers, const QByteArray &body,
                               bool bodyAllowed = true)
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
        for (const QByteArray &header : headers)
            out += header + "\r\n";
        if (bodyAllowed)
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        out += "\r\n";
        if (bodyAllowed)
            out += body;
        return out;
    }

    static QByteArray answer(const Parsed &request, int *delayMs)
    {
        const QUrl url(QStringLiteral("http://localhost") + QString::fromLatin1(request.target));
        const QUrlQuery query(url);
        const QString path = url.path();
        if (path == QLatin1String("/echo")) {
            QJsonObject headers;
            for (const auto &[name, value] : request.headers)
                headers.insert(QString::fromLatin1(name), QString::fromUtf8(value));
            const QJsonObject json {{QStringLiteral("method"), QString::fromLatin1(request.method)},
                                    {QStringLiteral("path"), QString::fromLatin1(request.target)},
                                    {QStringLiteral("headers"), headers},
                                    {QStringLiteral("body"), QString::fromUtf8(request.body)}};
            return response(200, "OK", {"Content-Type: application/json", "X-Echo: yes"},
                            QJsonDocument(json).toJson(QJsonDocument::Compact));
        }
        if (path == QLatin1String("/redirect")) {
            const QString to = query.hasQueryItem(QStringLiteral("to"))
                    ? query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded)
                    : QStringLiteral("/echo");
            const int status = query.hasQueryItem(QStringLiteral("status"))
                    ? query.queryItemValue(QStringLiteral("status")).toInt()
                    : 302;
            return response(status, "Redirect", {"Location: " + to.toUtf8()}, {});
        }
        if (path.startsWith(QLatin1String("/status/"))) {
            const int status = path.mid(8).toInt();
            const bool noBody = status == 204 || status == 304;
            return response(status, "Custom Reason", {},
                            noBody ? QByteArray() : "status " + QByteArray::number(status),
                            !noBody);
        }
        if (path == QLatin1String("/slow")) {
            *delayMs = query.hasQueryItem(QStringLiteral("ms"))
                    ? query.queryItemValue(QStringLiteral("ms")).toInt()
                    : 500;
            return response(200, "OK", {}, "slow");
        }
        if (path == QLatin1String("/cookies"))
            return response(200, "OK", {"Set-Cookie: a=1; Path=/", "Set-Cookie: b=2; Path=/"},
                            "cookies");
        return response(404, "Not Found", {}, "not found");
    }

    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, buffer] {
            buffer->append(socket->readAll());
            Parsed request;
            while (take(buffer.get(), &request)) {
                int delayMs = 0;
                const QByteArray bytes = answer(request, &delayMs);
                if (delayMs <= 0) {
                    socket->write(bytes);
                    continue;
                }
                // The client may give up (an aborted fetch()) and close the socket meanwhile.
                QTimer::singleShot(delayMs, socket, [socket = QPointer<QTcpSocket>(socket), bytes] {
                    if (socket && socket->state() == QAbstractSocket::ConnectedState)
                        socket->write(bytes);
                });
            }
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }

    QTcpServer m_server;
};

} // namespace webapitest
