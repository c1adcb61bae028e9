#pragma once

#include <QByteArray>

namespace switchyard::http {

// RFC 6455 framing, server side, for the listeners' WebSocket connections. Written
// here rather than taken from QWebSocketServer: that one wants to read the upgrade request
// itself, and the listener has parsed (and the Worker has answered) it by the time a connection
// becomes a WebSocket.
class WebSocketFrameReader
{
public:
    enum class Opcode { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };
    struct Frame
    {
        Opcode opcode = Opcode::Text; // Text or Binary: a whole message, its fragments joined
        QByteArray payload;
        int closeCode = 1005; // Close: 1005 when the frame had no body
        QByteArray closeReason;
    };

    explicit WebSocketFrameReader(qsizetype maxMessageBytes) : m_max(maxMessageBytes) { }

    // Unmasked client frames are read instead of refused (1002), for clients that send them.
    void acceptUnmasked(bool accept) { m_acceptUnmasked = accept; }

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
    bool m_acceptUnmasked = false;
    QByteArray m_buffer;
    QByteArray m_message; // fragments of a message so far
    Opcode m_messageOpcode = Opcode::Text;
    bool m_inMessage = false;
    int m_fail = 0;
    QByteArray m_reason;
};

// A server frame (never masked, always final).
QByteArray webSocketFrame(WebSocketFrameReader::Opcode opcode, const QByteArray &payload);
// A close frame: no body for 1005, else the code and the reason (cut to fit 125 bytes).
QByteArray webSocketCloseFrame(int code, const QByteArray &reason = {});
// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
QByteArray webSocketAccept(const QByteArray &key);
bool validUtf8(const QByteArray &bytes);

} // namespace switchyard::http
