#pragma once

#include "httpmessage.h"
#include "requestguard.h"

#include <QAbstractHttpServer>

#include <chrono>
#include <functional>

namespace switchyard::http {

// Our own face over Qt HTTP Server 6.4 (a tech preview whose API changes in 6.8). Every request
// goes to one handler, which answers through the Reply it is given, from any thread, once.
// The listener guarantees an answer: a handler that does not reply within the timeout yields 504.
// Sockets that close before the answer are noticed and the late answer is dropped.
class HttpListener : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Reply = std::function<void(HttpResponse)>;
    using Handler = std::function<void(HttpRequest, Reply)>;

    explicit HttpListener(Handler handler, ListenerLimits limits = {}, QObject *parent = nullptr);

    // Returns the bound port, or 0 with `error` set.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);

    void setResponseTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void writeResponse(QTcpSocket *socket, const HttpResponse &response, bool head);

    Handler m_handler;
    ListenerLimits m_limits;
    std::chrono::milliseconds m_timeout {30000};
};

} // namespace switchyard::http
