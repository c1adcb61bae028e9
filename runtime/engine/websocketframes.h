#pragma once

#include "websocketdeflate.h"

#include <QByteArray>

#include <memory>

namespace switchyard::engine {

// RFC 6455 framing for both ends: the dispatch listener's server side, and the client side of a
// Worker's outbound WebSockets. Written here rather than taken from QWebSocket(Server): the
// listener has parsed (and the Worker has answered) the upgrade request by the time a connection
// becomes a WebSocket, and an outbound socket must connect to the address the outbound policy
// checked and stop reading while its Worker is behind, which QWebSocket cannot.
class WebSocketFrameReader
{
public:
    // A server reads a client's frames, which must be masked; a client a server's, which must
    // not be.
    enum class Role { Server, Client };
    enum class Opcode { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };
    struct Frame
    {
        Opcode opcode = Opcode::Text; // Text or Binary: a whole message, its fragments joined
        QByteArray payload;
        int closeCode = 1005; // Close: 1005 when the frame had no body
        QByteArray closeReason;
    };

    explicit WebSocketFrameReader(qsizetype maxMessageBytes, Role role = Role::Server)
        : m_max(maxMessageBytes), m_role(role)
    { }

    // Unmasked client frames are read instead of refused (1002), for clients that send them.
    void acceptUnmasked(bool accept) { m_acceptUnmasked = accept; }
    // permessage-deflate was negotiated: a message whose first frame has RSV1 set is inflated
    // (within the message limit). Writers compress through deflate().
    void enableDeflate(const DeflateSettings &settings)
    {
        m_deflate = std::make_unique<WebSocketDeflate>(settings, m_role == Role::Server);
    }
    WebSocketDeflate *deflate() const { return m_deflate.get(); }

    void feed(const char *data, qsizetype size) { m_buffer.append(data, size); }
    // The next whole message or control frame; false when more bytes are needed or the input
    // failed (failCode() then says how the connection is to be closed).
    bool next(Frame *frame);
    // 0 while the input is fine; 1002 protocol error, 1007 invalid UTF-8, 1009 too big.
    int failCode() const { return m_fail; }
    const QByteArray &failReason() const { return m_reason; }
    qsizetype buffered() const { return m_buffer.size(); }

private:
    bool failWith(int code, const char *reason);

    qsizetype m_max;
    Role m_role;
    bool m_acceptUnmasked = false;
    QByteArray m_buffer;
    QByteArray m_message; // fragments of a message so far
    Opcode m_messageOpcode = Opcode::Text;
    bool m_inMessage = false;
    bool m_compressed = false; // the message being read has RSV1 set
    std::unique_ptr<WebSocketDeflate> m_deflate;
    int m_fail = 0;
    QByteArray m_reason;
};

// A final frame: a server's (never masked) or, `masked`, a client's under a fresh random mask.
// `compressed`: RSV1 set, the payload a permessage-deflate one.
QByteArray webSocketFrame(WebSocketFrameReader::Opcode opcode, const QByteArray &payload,
                          bool masked = false, bool compressed = false);
// A Text or Binary message as `deflate` (null: not negotiated) sends it: compressed when that
// gains something.
QByteArray webSocketMessageFrame(WebSocketFrameReader::Opcode opcode, const QByteArray &payload,
                                 WebSocketDeflate *deflate, bool masked = false);
// A close frame: no body for 1005, else the code and the reason (cut to fit 125 bytes).
QByteArray webSocketCloseFrame(int code, const QByteArray &reason = {}, bool masked = false);
// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
QByteArray webSocketAccept(const QByteArray &key);
bool validUtf8(const QByteArray &bytes);

} // namespace switchyard::engine
