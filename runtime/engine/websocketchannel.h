#pragma once

#include <QByteArray>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace switchyard::engine {

struct WebSocketMessage
{
    enum class Kind { Text, Binary, Close };
    Kind kind = Kind::Text;
    QByteArray data; // Text: UTF-8
    int code = 1005; // Close: 1005 sends a close frame without a body
    QString reason;
};

// One WebSocket between a connection and the Worker end that accepted it. Inbound, the connection
// is the dispatch listener's client: the Instance attaches first, when the Worker answers 101
// with the other end of its WebSocketPair, and the listener attaches the client side later.
// Outbound (a Worker's fetch() with `Upgrade: websocket`), the connection is the upstream server:
// it attaches first and reads no frames until a Worker side attaches and resumes it. Thread-safe:
// each side calls in from its own thread and its callbacks are called from the other side's.
//
// Flood control: messages the client sent that the Worker has not handled yet are counted;
// fromClient() answers false at kMaxBacklog, and the reader reads no more frames until `resume`.
class WebSocketChannel
{
public:
    static constexpr int kMaxBacklog = 64;
    static constexpr qsizetype kMaxBacklogBytes = 4 * 1024 * 1024;

    struct Client
    {
        std::function<void(WebSocketMessage)> send; // a frame for the client
        // The Worker's side is gone without a close (its Invocation ended, or a limit stopped
        // it): close the client with this code (1011, or 1001 when the runtime goes away).
        std::function<void(int code)> abort;
        std::function<void()> resume; // the backlog went down: read frames again
    };
    struct Worker
    {
        // One message or close from the client, for the Worker; the receiver calls delivered()
        // once the Worker has handled it.
        std::function<void(WebSocketMessage)> deliver;
        // The client left without a close handshake.
        std::function<void()> gone;
        // Optional: the client side attached (a relay starts reading its other channel then).
        std::function<void()> clientAttached;
    };

    WebSocketChannel() = default;
    WebSocketChannel(const WebSocketChannel &) = delete;
    WebSocketChannel &operator=(const WebSocketChannel &) = delete;

    // Client side. Messages the Worker sent before are handed to `client.send` at once.
    void attachClient(Client client);
    // False once the backlog is full: read no further until `resume`.
    bool fromClient(WebSocketMessage message);
    void clientGone();

    // Worker side. An attached client that waits (an upstream) is resumed; one that is gone
    // already is reported to `worker.gone` at once.
    void attachWorker(Worker worker);
    void toClient(WebSocketMessage message);
    void delivered(qsizetype bytes);
    void workerEnded(int code);
    bool workerEndedAlready() const;

private:
    mutable std::mutex m_mutex;
    Client m_client;
    bool m_clientAttached = false;
    bool m_clientGone = false;
    Worker m_worker;
    bool m_workerEnded = false;
    int m_endCode = 0;
    std::deque<WebSocketMessage> m_outbox; // for a client not attached yet
    int m_backlog = 0;
    qsizetype m_backlogBytes = 0;
    bool m_paused = false;
};

using WebSocketChannelPtr = std::shared_ptr<WebSocketChannel>;

} // namespace switchyard::engine
