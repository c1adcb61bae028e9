#include "websocketframes.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace switchyard::engine {

bool validUtf8(const QByteArray &bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    const auto *end = p + bytes.size();
    while (p < end) {
        const unsigned char c = *p;
        int extra = 0;
        unsigned int cp = 0;
        if (c < 0x80) {
            ++p;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        // Overlong forms, surrogates, past U+10FFFF.
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff))
            || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += extra + 1;
    }
    return true;
}

bool WebSocketFrameReader::failWith(int code, const char *reason)
{
    m_fail = code;
    m_reason = reason;
    m_buffer.clear();
    m_message.clear();
    return false;
}

bool WebSocketFrameReader::next(Frame *frame)
{
    while (!m_fail) {
        if (m_buffer.size() < 2)
            return false;
        const auto *b = reinterpret_cast<const unsigned char *>(m_buffer.constData());
        const bool fin = b[0] & 0x80;
        const int op = b[0] & 0x0f;
        // RSV1 only on the first frame of a message, and only with permessage-deflate.
        const bool rsv1 = b[0] & 0x40;
        if ((b[0] & 0x30) || (rsv1 && (!m_deflate || op == 0 || (op & 0x08))))
            return failWith(1002, "Reserved bits are set.");
        const bool masked = b[1] & 0x80;
        quint64 length = b[1] & 0x7f;
        qsizetype header = 2;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return false;
            length = (quint64(b[2]) << 8) | b[3];
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return false;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | b[i];
            header = 10;
            if (length >> 63)
                return failWith(1002, "The frame length is invalid.");
        }
        const bool control = op & 0x08;
        if (op != 0 && op != 1 && op != 2 && op != 8 && op != 9 && op != 10)
            return failWith(1002, "Unknown opcode.");
        if (m_role == Role::Server && !masked && !m_acceptUnmasked)
            return failWith(1002, "Client frames must be masked.");
        if (m_role == Role::Client && masked)
            return failWith(1002, "Server frames must not be masked.");
        if (control && (!fin || length > 125))
            return failWith(1002, "Control frames must be final and at most 125 bytes.");
        if (!control) {
            if (op == 0 && !m_inMessage)
                return failWith(1002, "A continuation frame without a message.");
            if (op != 0 && m_inMessage)
                return failWith(1002, "A new message before the last one ended.");
            // Refused from its header: an oversized message is never buffered.
            if (quint64(m_message.size()) + length > quint64(m_max))
                return failWith(1009, "Message is too large");
        }
        const qsizetype maskBytes = masked ? 4 : 0;
        if (quint64(m_buffer.size()) < quint64(header) + maskBytes + length)
            return false;
        QByteArray payload(m_buffer.constData() + header + maskBytes, qsizetype(length));
        if (masked) {
            const unsigned char *mask = b + header;
            for (qsizetype i = 0; i < payload.size(); ++i)
                payload[i] = char(payload[i] ^ mask[i % 4]);
        }
        m_buffer.remove(0, header + maskBytes + qsizetype(length));

        if (control) {
            frame->opcode = Opcode(op);
            frame->payload = payload;
            frame->closeCode = 1005;
            frame->closeReason.clear();
            if (op == 8) {
                if (payload.size() == 1)
                    return failWith(1002, "A close frame with a one-byte body.");
                if (payload.size() >= 2) {
                    const auto *pb = reinterpret_cast<const unsigned char *>(payload.constData());
                    const int code = (pb[0] << 8) | pb[1];
                    const bool allowed = (code >= 1000 && code <= 1003)
                            || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
                    if (!allowed)
                        return failWith(1002, "Invalid close code.");
                    frame->closeCode = code;
                    frame->closeReason = payload.mid(2);
                    if (!validUtf8(frame->closeReason))
                        return failWith(1007, "The close reason is not UTF-8.");
                }
            }
            return true;
        }
        if (op != 0) {
            m_inMessage = true;
            m_messageOpcode = Opcode(op);
            m_compressed = rsv1;
        }
        m_message += payload;
        if (!fin)
            continue;
        m_inMessage = false;
        frame->opcode = m_messageOpcode;
        frame->payload = std::exchange(m_message, {});
        if (m_compressed) {
            QByteArray plain;
            switch (m_deflate->decompress(frame->payload, m_max, &plain)) {
            case WebSocketDeflate::Inflated::TooLarge:
                return failWith(1009, "Message is too large");
            case WebSocketDeflate::Inflated::Corrupt:
                return failWith(1007, "A compressed message is invalid.");
            case WebSocketDeflate::Inflated::Ok:
                frame->payload = std::move(plain);
                break;
            }
        }
        if (frame->opcode == Opcode::Text && !validUtf8(frame->payload))
            return failWith(1007, "A text message is not UTF-8.");
        return true;
    }
    return false;
}

QByteArray webSocketMessageFrame(WebSocketFrameReader::Opcode opcode, const QByteArray &payload,
                                 WebSocketDeflate *deflate, bool masked)
{
    if (deflate && deflate->worthCompressing(payload.size())) {
        const QByteArray compressed = deflate->compress(payload);
        if (!compressed.isNull() && compressed.size() < payload.size())
            return webSocketFrame(opcode, compressed, masked, true);
    }
    return webSocketFrame(opcode, payload, masked);
}

QByteArray webSocketFrame(WebSocketFrameReader::Opcode opcode, const QByteArray &payload,
                          bool masked, bool compressed)
{
    QByteArray out;
    out.reserve(payload.size() + 14);
    out += char(0x80 | (compressed ? 0x40 : 0) | int(opcode));
    const qsizetype n = payload.size();
    const char maskBit = masked ? char(0x80) : char(0);
    if (n < 126) {
        out += char(maskBit | char(n));
    } else if (n < 65536) {
        out += char(maskBit | 126);
        out += char((n >> 8) & 0xff);
        out += char(n & 0xff);
    } else {
        out += char(maskBit | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out += char((quint64(n) >> shift) & 0xff);
    }
    if (!masked) {
        out += payload;
        return out;
    }
    const quint32 key = QRandomGenerator::system()->generate();
    const unsigned char mask[4] = {uchar(key >> 24), uchar(key >> 16), uchar(key >> 8), uchar(key)};
    out.append(reinterpret_cast<const char *>(mask), 4);
    const qsizetype at = out.size();
    out += payload;
    char *p = out.data() + at;
    for (qsizetype i = 0; i < n; ++i)
        p[i] = char(p[i] ^ mask[i % 4]);
    return out;
}

QByteArray webSocketCloseFrame(int code, const QByteArray &reason, bool masked)
{
    if (code == 1005 || code <= 0)
        return webSocketFrame(WebSocketFrameReader::Opcode::Close, {}, masked);
    QByteArray body;
    body += char((code >> 8) & 0xff);
    body += char(code & 0xff);
    QByteArray r = reason.left(123);
    // Never cut a UTF-8 sequence in two.
    while (!r.isEmpty() && !validUtf8(r))
        r.chop(1);
    body += r;
    return webSocketFrame(WebSocketFrameReader::Opcode::Close, body, masked);
}

QByteArray webSocketAccept(const QByteArray &key)
{
    return QCryptographicHash::hash(key.trimmed() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                    QCryptographicHash::Sha1)
            .toBase64();
}

} // namespace switchyard::engine
