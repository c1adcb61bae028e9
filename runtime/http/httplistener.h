#pragma once

#include "httpmessage.h"
#include "requestguard.h"

#include <QAbstractHttpServer>

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>
#include <list>
#include <memory>

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
    // A request not answered yet. Exactly one answer is written, on this thread, to a socket that
    // still exists.
    struct Pending
    {
        QPointer<QTcpSocket> socket;
        bool head = false;
        bool answered = false;
        qint64 deadlineMs = 0; // on m_clock
        std::list<std::shared_ptr<Pending>>::iterator position;
    };
    // By value: the list's reference goes when it is erased.
    void answer(std::shared_ptr<Pending> pending, const HttpResponse &response);
    void armSweep();
    void expireOverdue();
    void writeResponse(QTcpSocket *socket, const HttpResponse &response, bool head);

    Handler m_handler;
    ListenerLimits m_limits;
    std::chrono::milliseconds m_timeout {30000};
    // Unanswered requests in arrival order, so the oldest deadline is first: one timer watches
    // them all (a QTimer per request cost as much as parsing the request).
    std::list<std::shared_ptr<Pending>> m_pending;
    QTimer m_sweep;
    QElapsedTimer m_clock;
};

} // namespace switchyard::http
