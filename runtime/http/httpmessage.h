#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>

#include <functional>
#include <memory>

namespace switchyard::http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// Whether header `name` (any case, any of its occurrences) lists `token` among its
// comma-separated values (any case), as Upgrade, Connection and Sec-WebSocket-Protocol do.
bool headerHasToken(const HeaderList &headers, const char *name, const char *token);

// A request as it came off the wire, fully buffered, independent of Qt HTTP Server's types so
// nothing above this layer depends on a tech-preview API.
struct HttpRequest
{
    QByteArray method;
    QUrl url;
    HeaderList headers;
    QByteArray body;
    QHostAddress remoteAddress;
};

// A response body written as it is produced (a Worker's stream). The listener asks for one chunk
// at a time, and only while its client keeps up, so a slow client pushes back on the producer.
class HttpBodySource
{
public:
    struct Chunk
    {
        QByteArray bytes;
        bool end = false;
        bool failed = false; // the body is incomplete: the connection is cut
    };
    virtual ~HttpBodySource() = default;
    // `deliver` is called once, from any thread; the next read() comes after it.
    virtual void read(std::function<void(Chunk)> deliver) = 0;
    // The listener will read no more (the client left, or the response needs no body).
    virtual void cancel() = 0;
};

// The Worker's end of a WebSocket a `101` response hands over. Once the listener has answered
// the handshake it attaches itself as the client and relays every message both ways.
class HttpWebSocket
{
public:
    struct Message
    {
        enum class Kind { Text, Binary, Close };
        Kind kind = Kind::Text;
        QByteArray data; // Text: UTF-8
        int code = 1005; // Close: 1005 is a close frame without a body
        QByteArray reason; // UTF-8
    };
    struct Client
    {
        std::function<void(Message)> send; // from the Worker, for the client; any thread
        std::function<void(int code)> abort; // the Worker's side is gone: close with `code`
        std::function<void()> resume; // the Worker caught up: read frames again
    };
    virtual ~HttpWebSocket() = default;
    virtual void attach(Client client) = 0;
    // From the client; false: the Worker is behind, read no more frames until `resume`.
    virtual bool receive(Message message) = 0;
    // The connection ended without a close handshake (or the handshake never happened).
    virtual void gone() = 0;
    // Everything sent to the client so far has gone to the kernel: a producer that pushes on its
    // own (a tail stream) sends more only then, and holds or drops what a slow client cannot take.
    virtual void writable() { }
    // RFC 6455 wants client frames masked; wrangler's tail client sends its one message unmasked
    // (ws's `mask: false`), which Cloudflare's tail endpoint accepts.
    virtual bool acceptsUnmaskedFrames() const { return false; }
};

struct HttpResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;
    // Non-null: the body comes from here instead (`body` is ignored). Sent with the Content-Length
    // the headers give, else chunked (HTTP/1.1) or delimited by closing (HTTP/1.0).
    std::shared_ptr<HttpBodySource> stream;
    // Non-null with status 101: the request's WebSocket upgrade is accepted and the connection
    // carries this socket's frames from then on.
    std::shared_ptr<HttpWebSocket> webSocket;
};

QByteArray reasonPhrase(int status);

} // namespace switchyard::http
