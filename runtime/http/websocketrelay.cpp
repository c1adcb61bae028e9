#include "httplistener.h"
#include "httplistener_p.h"
#include "logging.h"

#include <QPointer>

// The WebSocket relay: a connection the listener upgraded carries RFC 6455 frames between its
// client and an HttpWebSocket, the other end (a Worker's WebSocketPair end, a tail stream). The
// HTTP side hands over in flush() (startWebSocket) and calls back in onReadable (readWebSocket),
// finishWriting (writable), sweep (checkWebSocket) and shutdown (closeWebSocket).

namespace switchyard::http {

namespace {
// After a close frame went out: how long the client has to answer with its own; and after the
// client's, how long the Worker has to answer before the listener does.
constexpr qint64 kWebSocketCloseWaitMs = 5000;
// What a client that reads nothing may leave unsent of a Worker's messages before it is cut.
constexpr qint64 kWebSocketMaxUnsent = 16 * 1024 * 1024;
} // namespace

bool HttpListener::startWebSocket(Connection *c, Pending &p)
{
    std::shared_ptr<HttpWebSocket> peer = std::move(p.response.webSocket);
    if (p.webSocketKey.isNull() || p.response.status != 101) {
        // workerd's refusal when the client asked for no upgrade.
        peer->gone();
        p.response = {500,
                      {{"content-type", "text/plain;charset=UTF-8"}},
                      "Worker tried to return a WebSocket in a response to a request which did "
                      "not contain the header \"Upgrade: websocket\".\n"};
        return false;
    }
    QByteArray out = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
                     "connection: Upgrade\r\nsec-websocket-accept: "
            + webSocketAccept(p.webSocketKey) + "\r\n";
    // permessage-deflate, negotiated here for whatever the client offers, as workerd does from
    // compatibility date 2023-08-15; a Worker that answers with an empty Sec-WebSocket-Extensions
    // asks for none (workerd's rule). What else a Worker puts in that header is not ours to
    // promise, so it is not passed on.
    bool workerRefusesCompression = false;
    for (const auto &[name, value] : p.response.headers) {
        const QByteArray lower = name.toLower();
        if (lower == "sec-websocket-extensions" && value.trimmed().isEmpty())
            workerRefusesCompression = true;
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection"
            || lower == "keep-alive" || lower == "upgrade" || lower == "sec-websocket-accept"
            || lower == "sec-websocket-extensions" || unsafeInHeader(name) || unsafeInHeader(value))
            continue;
        out += name + ": " + value + "\r\n";
    }
    std::optional<engine::DeflateSettings> deflate;
    if (!workerRefusesCompression && !p.webSocketExtensions.isEmpty()) {
        QByteArray accepted;
        deflate = engine::acceptDeflateOffer(p.webSocketExtensions, &accepted);
        if (deflate)
            out += "sec-websocket-extensions: " + accepted + "\r\n";
    }
    writeOut(c, out + "\r\n");
    auto link = std::make_shared<WebSocketLink>(m_limits.webSocketMaxMessageBytes);
    if (deflate)
        link->reader.enableDeflate(*deflate);
    link->connection = c;
    link->peer = peer;
    link->reader.acceptUnmasked(peer->acceptsUnmaskedFrames());
    c->ws = link;
    c->upgrading = false;
    c->closing = true; // no request follows on this connection
    c->phase = Phase::WebSocket;
    c->sinceMs = m_clock.elapsed();
    // The Worker's side calls from its own threads; everything happens on this one.
    QPointer<HttpListener> self = this;
    std::weak_ptr<WebSocketLink> weak = link;
    auto onThisThread = [self, weak](std::function<void(HttpListener *, Connection *)> what) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
                self.data(),
                [self, weak, what = std::move(what)] {
                    auto link = weak.lock();
                    if (self && link && link->connection && !link->connection->gone)
                        what(self.data(), link->connection);
                },
                Qt::QueuedConnection);
    };
    peer->attach({[onThisThread](HttpWebSocket::Message message) {
                      onThisThread([message = std::move(message)](HttpListener *l,
                                                                  Connection *c) mutable {
                          l->sendToClient(c, std::move(message));
                      });
                  },
                  [onThisThread](int code) {
                      onThisThread([code](HttpListener *l, Connection *c) {
                          l->closeWebSocket(c, code, {}, true);
                      });
                  },
                  [onThisThread] {
                      onThisThread([](HttpListener *l, Connection *c) {
                          c->ws->paused = false;
                          l->readWebSocket(c);
                      });
                  }});
    // Frames the client sent right behind its request are already in the socket's buffer.
    readWebSocket(c);
    return true;
}

void HttpListener::readWebSocket(Connection *c)
{
    if (c->gone || !c->ws)
        return;
    const std::shared_ptr<WebSocketLink> link = c->ws;
    while (!c->gone && !link->paused && !link->closeReceived) {
        WebSocketFrameReader::Frame frame;
        if (link->reader.next(&frame)) {
            c->sinceMs = m_clock.elapsed();
            using Op = WebSocketFrameReader::Opcode;
            switch (frame.opcode) {
            case Op::Ping:
                if (!link->closeSent)
                    writeOut(c, webSocketFrame(Op::Pong, frame.payload));
                break;
            case Op::Pong:
            case Op::Continuation:
                break;
            case Op::Close: {
                link->closeReceived = true;
                link->closeReceivedMs = m_clock.elapsed();
                HttpWebSocket::Message message;
                message.kind = HttpWebSocket::Message::Kind::Close;
                message.code = frame.closeCode;
                message.reason = frame.closeReason;
                link->peerTold = true;
                link->peer->receive(std::move(message));
                if (link->closeSent) {
                    // The handshake is complete: the server closes the TCP connection first.
                    finishResponse(c, true);
                }
                // Else the Worker answers with close() from its close listener (workerd sends
                // no close by itself), which sendToClient writes before closing; one that
                // never answers is closed by checkWebSocket.
                break;
            }
            case Op::Text:
            case Op::Binary: {
                if (link->closeSent)
                    break; // the Worker closed: what the client still sends is dropped
                HttpWebSocket::Message message;
                message.kind = frame.opcode == Op::Text ? HttpWebSocket::Message::Kind::Text
                                                        : HttpWebSocket::Message::Kind::Binary;
                message.data = std::move(frame.payload);
                if (!link->peer->receive(std::move(message)))
                    link->paused = true;
                break;
            }
            }
            continue;
        }
        if (link->reader.failCode()) {
            qCDebug(lcHttp) << "closing a WebSocket from" << c->peer << "with"
                            << link->reader.failCode() << link->reader.failReason();
            closeWebSocket(c, link->reader.failCode(), link->reader.failReason(), false);
            return;
        }
        if (c->socket->bytesToWrite() > kMaxUnsentBytes)
            return; // bytesWritten reads on
        const qint64 n = c->socket->read(m_readBuffer.data(), m_readBuffer.size());
        if (n <= 0)
            return;
        link->reader.feed(m_readBuffer.constData(), n);
    }
}

void HttpListener::sendToClient(Connection *c, HttpWebSocket::Message message)
{
    WebSocketLink *link = c->ws.get();
    if (!link || link->closeSent)
        return;
    using Op = WebSocketFrameReader::Opcode;
    using Kind = HttpWebSocket::Message::Kind;
    if (message.kind == Kind::Close) {
        link->closeSent = true;
        link->closeSentMs = m_clock.elapsed();
        writeOut(c, webSocketCloseFrame(message.code, message.reason));
        if (link->closeReceived)
            finishResponse(c, true);
        return;
    }
    if (c->socket->bytesToWrite() > kWebSocketMaxUnsent) {
        qCDebug(lcHttp) << "cutting a WebSocket client that reads nothing:" << c->peer;
        closeConnection(c, true);
        return;
    }
    c->sinceMs = m_clock.elapsed();
    writeOut(c,
             engine::webSocketMessageFrame(message.kind == Kind::Text ? Op::Text : Op::Binary,
                                           message.data, link->reader.deflate()));
    if (c->socket->bytesToWrite() == 0)
        link->peer->writable(); // the kernel took it all at once: no bytesWritten follows
}

// Closes the socket from this side: a close frame with `code`, then the connection. The Worker
// hears of it as a close without a handshake (1006) unless it is what ended it.
void HttpListener::closeWebSocket(Connection *c, int code, const QByteArray &reason,
                                  bool workerKnows)
{
    WebSocketLink *link = c->ws.get();
    if (!link || c->gone)
        return;
    if (workerKnows)
        link->peerTold = true;
    // 1006 never goes on the wire: it is a connection dropped without a close frame (a relayed
    // upstream that did so).
    if (!link->closeSent && code != 1006) {
        link->closeSent = true;
        writeOut(c, webSocketCloseFrame(code, reason));
    }
    if (!std::exchange(link->peerTold, true))
        link->peer->gone();
    finishResponse(c, true);
}

void HttpListener::checkWebSocket(Connection *c, qint64 now)
{
    WebSocketLink *link = c->ws.get();
    if (!link)
        return;
    if (link->closeSent && now - link->closeSentMs >= kWebSocketCloseWaitMs) {
        closeConnection(c, false); // the client never answered our close
        return;
    }
    if (link->closeReceived && !link->closeSent
        && now - link->closeReceivedMs >= kWebSocketCloseWaitMs) {
        // The Worker never answered the client's close: the reply the client waits for.
        link->closeSent = true;
        writeOut(c, webSocketCloseFrame(1000));
        finishResponse(c, true);
        return;
    }
    if (now - c->sinceMs >= m_limits.webSocketIdleTimeout.count())
        closeWebSocket(c, 1001, "The WebSocket was idle for too long.", false);
}

} // namespace switchyard::http
