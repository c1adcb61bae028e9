#pragma once

// What the listener's parts share about one connection: httplistener.cpp (HTTP) and
// websocketrelay.cpp (a connection upgraded to a WebSocket). Private to runtime/http.

#include "httplistener.h"

#include "engine/websocketframes.h"

#include <QTcpSocket>

#include <algorithm>

namespace switchyard::http {

using engine::webSocketAccept;
using engine::webSocketCloseFrame;
using engine::webSocketFrame;
using engine::WebSocketFrameReader;

// The client leaves this much of our responses unread: read no more of its requests (or
// WebSocket frames) until it does.
inline constexpr qint64 kMaxUnsentBytes = 4 * 1024 * 1024;

inline bool unsafeInHeader(const QByteArray &s)
{
    return std::any_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || !c; });
}

enum class Phase {
    Head, // waiting for a request head: since accept, or since its first byte after a response
    Body, // reading a body: since the last read
    Busy, // requests in flight, nothing partly read
    Idle, // keep-alive: since the last response
    Linger, // the last response sent: waiting for the client to close
    WebSocket, // upgraded: WebSocket frames both ways, since the last frame
};

// A connection upgraded to a WebSocket: the frames it reads, and the Worker's end it relays to.
// Callbacks from the Worker's side find the connection through it, once it is still there.
struct HttpListener::WebSocketLink
{
    explicit WebSocketLink(qint64 maxMessage) : reader(maxMessage) { }
    Connection *connection = nullptr; // null once the connection is gone
    std::shared_ptr<HttpWebSocket> peer;
    WebSocketFrameReader reader;
    bool closeSent = false;
    bool closeReceived = false;
    bool paused = false; // the Worker is behind: no frames are read until it resumes us
    bool peerTold = false; // the Worker heard how the socket ended
    qint64 closeSentMs = 0;
    qint64 closeReceivedMs = 0;
};

struct HttpListener::Connection
{
    explicit Connection(const ListenerLimits &limits) : guard(limits) { }

    QTcpSocket *socket = nullptr;
    RequestGuard guard;
    std::deque<std::shared_ptr<Pending>> queue; // in request order; the front is written next
    std::list<std::unique_ptr<Connection>>::iterator position;
    QHostAddress peer;
    Phase phase = Phase::Head;
    qint64 sinceMs = 0;
    qint64 lastWriteMs = 0;
    int served = 0;
    bool closing = false; // no more requests are taken
    bool inputFailed = false; // a refusal waits for the responses before it
    int failStatus = 0;
    QByteArray failReason;
    bool shutdownWhenFlushed = false;
    bool processing = false;
    bool gone = false;
    // A WebSocket upgrade request is in flight: nothing more is read until its answer, since what
    // follows a 101 is frames rather than requests.
    bool upgrading = false;
    std::shared_ptr<WebSocketLink> ws;
};

} // namespace switchyard::http
