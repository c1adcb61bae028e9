#pragma once

#include "outboundfetch.h"

class QObject;

namespace switchyard::engine {

// A Worker's outbound WebSocket: fetch() with `Upgrade: websocket`, and `new WebSocket(url)`.
//
// Carried on a QTcpSocket (QSslSocket for https/wss) with the project's own RFC 6455 framing
// rather than QWebSocket, because the connection must go to the address the outbound policy
// checked (QWebSocket resolves the name again), must stop reading while its Worker is behind (so
// a flooding upstream is held back by TCP, not buffered: QWebSocket reads whatever arrives), and
// must refuse an oversized message from its header before buffering it.
struct OutboundWebSocketLimits
{
    // Cloudflare's limit on a received WebSocket message; a bigger one closes the socket 1009.
    qsizetype maxMessageBytes = 1024 * 1024;
    // Frames the upstream does not read, past which it is cut (the Worker hears a 1006).
    qint64 maxUnsentBytes = 16 * 1024 * 1024;
    // How long the upstream may take to answer the upgrade, and to answer a close.
    int handshakeTimeoutMs = 30000;
    int closeWaitMs = 5000;
    // No frame either way for this long: closed with 1001, as the listener closes its clients.
    int idleTimeoutMs = 100000;
};

// Connects to `request.url` (http, https) under `policy` and asks for an upgrade on the calling
// thread, which must run an event loop; `done` runs on it with a 101 response carrying
// `webSocket`, an ordinary response (the server refused the upgrade; its body read up to 1 MiB),
// or a network error.
void startOutboundWebSocket(QObject *threadContext, OutboundPolicyPtr policy,
                            const OutboundRequest &request, OutboundWebSocketLimits limits,
                            std::function<void(OutboundResponse)> done);

// Whether a Worker's request asks for a WebSocket (`Upgrade: websocket`).
bool isWebSocketUpgrade(const HeaderList &headers);

// An upstream WebSocket handed on in a Worker's response (the proxy pattern `return
// fetch(request)`): a channel for the listener whose messages are relayed to and from
// `upstream` without running the Worker. The upstream is read only once the listener attached.
WebSocketChannelPtr relayWebSocket(const WebSocketChannelPtr &upstream);

} // namespace switchyard::engine
