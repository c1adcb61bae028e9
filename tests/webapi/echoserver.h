// The HTTP server fetch.js talks to (fixtures/README.md, "Test HTTP server"), on loopback: the
// engine's outbound fetch() has no other network to reach.
#pragma once

#include "../common/loopbackhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

namespace webapitest {

class EchoServer : public switchyard::testing::LoopbackHttpServer
{
public:
    EchoServer() : LoopbackHttpServer(&answer) { }

private:
    using Request = switchyard::testing::LoopbackRequest;
    using Reply = switchyard::testing::LoopbackReply;

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

    static Reply answer(const Request &request)
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
            const int delayMs = query.hasQueryItem(QStringLiteral("ms"))
                    ? query.queryItemValue(QStringLiteral("ms")).toInt()
                    : 500;
            return {response(200, "OK", {}, "slow"), delayMs};
        }
        if (path == QLatin1String("/cookies"))
            return response(200, "OK", {"Set-Cookie: a=1; Path=/", "Set-Cookie: b=2; Path=/"},
                            "cookies");
        return response(404, "Not Found", {}, "not found");
    }
};

} // namespace webapitest
