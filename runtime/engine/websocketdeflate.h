#pragma once

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace switchyard::engine {

// RFC 7692 permessage-deflate, on zlib: the extension's negotiation for both ends and the
// compression of one connection's messages.
//
// The dispatch listener (the server end) always answers with both *_no_context_takeover
// parameters, so neither side keeps a compressor's window between messages: a connection holds
// no zlib state while idle, which matters with thousands of open sockets. An outbound socket (the
// client end) offers the extension as browsers do and keeps an inflater only when the server
// compresses with context takeover.
struct DeflateSettings
{
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 15;
    int clientMaxWindowBits = 15;
};

// Server end: the first offer in a client's Sec-WebSocket-Extensions that can be accepted, and
// the response header value in *response; std::nullopt (and an empty response) when none can.
std::optional<DeflateSettings> acceptDeflateOffer(const QByteArray &offers, QByteArray *response);

// Client end: the offer an outbound socket sends.
QByteArray deflateOffer();
// Client end: the server's answer to deflateOffer(). An empty header is no compression
// (std::nullopt, no error); one that names anything else, or parameters the offer did not allow,
// sets *error, and the connection must fail (RFC 7692, section 5).
std::optional<DeflateSettings> parseDeflateResponse(const QByteArray &header, QString *error);

// One connection's compression; `server` says which end this is.
class WebSocketDeflate
{
public:
    WebSocketDeflate(const DeflateSettings &settings, bool server);
    ~WebSocketDeflate();
    WebSocketDeflate(const WebSocketDeflate &) = delete;
    WebSocketDeflate &operator=(const WebSocketDeflate &) = delete;

    // Whether to send `message` compressed: not when it is too small to gain, nor when the peer
    // asked for a window zlib cannot produce (8 bits).
    bool worthCompressing(qsizetype bytes) const;
    // The payload of a compressed message (RSV1 set): raw DEFLATE, sync-flushed, without the
    // final 00 00 FF FF.
    QByteArray compress(const QByteArray &message);

    enum class Inflated { Ok, TooLarge, Corrupt };
    // A compressed message's payload; never produces more than `maxBytes` (a small payload that
    // inflates past it is TooLarge, and inflation stops there).
    Inflated decompress(const QByteArray &payload, qsizetype maxBytes, QByteArray *out);

private:
    struct Stream;
    DeflateSettings m_settings;
    bool m_server;
    // Kept between messages only where the negotiated context takeover needs them.
    std::unique_ptr<Stream> m_deflater;
    std::unique_ptr<Stream> m_inflater;
};

} // namespace switchyard::engine
