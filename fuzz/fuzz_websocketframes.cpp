// What the other end sends after the handshake: a client to the dispatch listener's frame reader
// (masked frames), and an upstream server to an outbound WebSocket's (unmasked ones).
//
// Input: the first byte picks how the rest is split into reads (1 to 256 bytes each), so frames
// cut at every boundary are read too, its low bit which end reads, and its next bit whether
// permessage-deflate was negotiated (with context takeover, so an inflater lives across
// messages); the rest is the peer's bytes. The reader runs with a 4 KiB message limit so refusals
// by size are reached, for inflated messages too.

#include "engine/websocketframes.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace switchyard::engine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const size_t step = size_t(data[0]) + 1;
    constexpr qsizetype limit = 4096;
    WebSocketFrameReader reader(limit,
                                data[0] & 1 ? WebSocketFrameReader::Role::Client
                                            : WebSocketFrameReader::Role::Server);
    if (data[0] & 2)
        reader.enableDeflate(DeflateSettings {});
    for (size_t at = 1; at < size && !reader.failCode(); at += step) {
        reader.feed(reinterpret_cast<const char *>(data + at),
                    qsizetype(std::min(step, size - at)));
        WebSocketFrameReader::Frame frame;
        while (reader.next(&frame)) {
            using Op = WebSocketFrameReader::Opcode;
            // Messages within the limit, text valid UTF-8, control frames within 125 bytes.
            if (frame.payload.size() > limit)
                std::abort();
            if (frame.opcode == Op::Text && !validUtf8(frame.payload))
                std::abort();
            if ((frame.opcode == Op::Close || frame.opcode == Op::Ping || frame.opcode == Op::Pong)
                && frame.payload.size() > 125)
                std::abort();
            if (frame.opcode == Op::Continuation)
                std::abort(); // fragments come out joined
        }
        const int fail = reader.failCode();
        if (fail != 0 && fail != 1002 && fail != 1007 && fail != 1009)
            std::abort();
        // Nothing past one frame header and the largest message is ever held.
        if (!fail && reader.buffered() > limit + 14 + qsizetype(step))
            std::abort();
    }
    // A close frame fits a control frame's 125 bytes, masked (an outbound socket's) or not.
    const QByteArray reason(reinterpret_cast<const char *>(data),
                            qsizetype(std::min<size_t>(size, 200)));
    if (webSocketCloseFrame(1000, reason).size() > 127
        || webSocketCloseFrame(1000, reason, true).size() > 131)
        std::abort();
    // A masked frame reads back as written through a server's reader.
    const QByteArray payload(reinterpret_cast<const char *>(data),
                             qsizetype(std::min<size_t>(size, size_t(limit))));
    WebSocketFrameReader server(limit, WebSocketFrameReader::Role::Server);
    const QByteArray framed = webSocketFrame(WebSocketFrameReader::Opcode::Binary, payload, true);
    server.feed(framed.constData(), framed.size());
    WebSocketFrameReader::Frame back;
    if (!server.next(&back) || back.payload != payload)
        std::abort();
    // And compressed, as a client with permessage-deflate sends it.
    WebSocketFrameReader inflating(limit, WebSocketFrameReader::Role::Server);
    inflating.enableDeflate(DeflateSettings {true, true, 15, 15});
    WebSocketDeflate client(DeflateSettings {true, true, 15, 15}, false);
    const QByteArray compressed = webSocketFrame(WebSocketFrameReader::Opcode::Binary,
                                                 client.compress(payload), true, true);
    inflating.feed(compressed.constData(), compressed.size());
    if (!inflating.next(&back) || back.payload != payload)
        std::abort();
    return 0;
}
