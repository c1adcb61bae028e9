#pragma once

#include "httpmessage.h"
#include "requestguard.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <deque>
#include <functional>
#include <list>
#include <memory>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;

namespace switchyard::http {

// The HTTP/1.1 server under the dispatch listener and the admin API, on QTcpServer and
// QTcpSocket: RequestGuard frames and checks every request, each request goes to one handler,
// which answers through the Reply it is given, from any thread, once. Responses go out in request
// order (pipelining). The listener guarantees an answer: a handler that does not reply within the
// response timeout yields 504. Sockets that close before the answer are noticed and the late
// answer is dropped. Connections are capped and timed out per ListenerLimits.
class HttpListener : public QObject
{
    Q_OBJECT
public:
    using Reply = std::function<void(HttpResponse)>;
    using Handler = std::function<void(HttpRequest, Reply)>;

    explicit HttpListener(Handler handler, ListenerLimits limits = {}, QObject *parent = nullptr);
    ~HttpListener() override;

    // Returns the bound port, or 0 with `error` set.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);

    void setResponseTimeout(std::chrono::milliseconds timeout);

    // Graceful drain: stops accepting at once, closes idle keep-alive connections, lets requests
    // in flight (and requests partly received) finish, each answered with "connection: close".
    // At `grace`, unanswered requests get 503 and every connection left is closed. Emits
    // drained() once no connection is left (also when there were none).
    void shutdown(std::chrono::milliseconds grace);
    bool isShuttingDown() const { return m_draining; }

    int connectionCount() const { return int(m_connections.size()); }
    // The connection cap in force: limits().maxConnections, lowered to fit RLIMIT_NOFILE.
    int effectiveMaxConnections() const { return m_maxConnections; }

Q_SIGNALS:
    void drained();

private:
    struct Connection;
    // A request not written out yet, in its connection's queue. Exactly one answer is written,
    // on this thread, in request order, to a socket that still exists.
    struct Pending
    {
        Connection *connection = nullptr; // null once the connection is gone
        bool head = false;
        bool http10 = false;
        bool keepAlive = true;
        bool answered = false;
        bool inDeadlineList = false;
        HttpResponse response; // once answered
        QByteArray raw; // a refusal written by the listener itself, which ends the connection
        // A streamed body (response.stream) being written: the Pending stays at the front of its
        // queue until the body has ended.
        bool streaming = false;
        bool reading = false; // a chunk was asked for and has not come
        bool chunked = false;
        bool closeAfter = false; // the head said "connection: close" (or the body ends by it)
        qint64 remaining = -1; // of a Content-Length the Worker gave; -1: none
        qint64 deadlineMs = 0; // on m_clock
        // A valid WebSocket upgrade request: its Sec-WebSocket-Key, else null.
        QByteArray webSocketKey;
        // Its Sec-WebSocket-Extensions headers, joined: what the client offers.
        QByteArray webSocketExtensions;
        std::list<std::shared_ptr<Pending>>::iterator position;
    };

    void acceptReady(int listenFd);
    void adopt(qintptr descriptor);
    void acceptFailed(int error);
    void resumeAccepting();
    bool reapIdleConnection();

    void onReadable(Connection *c);
    void processInput(Connection *c);
    void dispatch(Connection *c, ParsedRequest request);
    void refuse(Connection *c, int status, const QByteArray &reason);
    void updatePhase(Connection *c);
    // By value: the list's reference goes when it is erased.
    void answer(std::shared_ptr<Pending> pending, HttpResponse response);
    void flush(Connection *c);
    // The response at the front of the queue was written: lingers and returns true if it was the
    // connection's last.
    bool finishResponse(Connection *c, bool last);
    // Writes a streamed response's head; false when it has no body to stream (HEAD, 204, 304).
    bool startStream(Connection *c, Pending &p, bool last);
    // Asks for the next chunk while the client keeps up.
    void pump(Connection *c);
    void onChunk(const std::shared_ptr<Pending> &p, HttpBodySource::Chunk chunk);
    void writeOut(Connection *c, const QByteArray &out);
    // WebSockets: the 101 and the relay that follows it (websocketrelay.cpp; framing:
    // engine/websocketframes.*).
    struct WebSocketLink;
    bool startWebSocket(Connection *c, Pending &p);
    void readWebSocket(Connection *c);
    void sendToClient(Connection *c, HttpWebSocket::Message message);
    void closeWebSocket(Connection *c, int code, const QByteArray &reason, bool workerKnows);
    void checkWebSocket(Connection *c, qint64 now);
    void finishWriting(Connection *c);
    void closeConnection(Connection *c, bool abortive);
    void armSweep();
    void sweep();
    void checkDeadlines(Connection *c, qint64 now);
    void forceDrain();
    void maybeDrained();
    void updateSweepInterval();

    Handler m_handler;
    ListenerLimits m_limits;
    int m_maxConnections = 0;
    std::chrono::milliseconds m_timeout {30000};
    struct Listening
    {
        QTcpServer *server;
        QSocketNotifier *notifier;
    };
    QList<Listening> m_listeners;
    std::list<std::unique_ptr<Connection>> m_connections;
    // Unanswered requests in arrival order, so the oldest deadline is first.
    std::list<std::shared_ptr<Pending>> m_pending;
    // One periodic sweep watches every deadline (a QTimer per request cost as much as parsing the
    // request); it runs only while there is something to watch.
    QTimer m_sweep;
    QElapsedTimer m_clock;
    bool m_acceptPaused = false;
    bool m_acceptErrorLogged = false;
    bool m_draining = false;
    bool m_drainedSignalled = false;
    qint64 m_drainDeadlineMs = 0;
    QByteArray m_readBuffer;
};

} // namespace switchyard::http
