#pragma once

#include "httpmessage.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QUrl>

#include <chrono>
#include <deque>

namespace switchyard::http {

struct ListenerLimits
{
    qint64 maxBodyBytes = 100LL * 1024 * 1024; // Workers' request body limit on paid plans
    qint64 maxHeaderBytes = 128 * 1024; // Cloudflare's total request header limit
    qint64 maxUrlBytes = 16 * 1024; // Cloudflare's URL length limit

    // Open connections; a connection beyond it first closes the longest-idle keep-alive one and
    // is itself closed at once when none is idle. The listener also keeps it at or below half the
    // process's soft RLIMIT_NOFILE, so the Workers' subrequests and the store keep descriptors.
    int maxConnections = 4096;
    // From a connection's first byte of a request head (or its accept) to the head's end: what a
    // slowloris client stretches. Answered 408 if part of a head came, closed silently otherwise.
    std::chrono::milliseconds headerTimeout {20000};
    // Between two reads of a request body: a slow upload is fine, a stalled one is not (408).
    std::chrono::milliseconds bodyTimeout {60000};
    // Keep-alive: from the last response to the next request's first byte; closed silently.
    std::chrono::milliseconds idleTimeout {30000};
    // Between two writes of a response the client does not read; the connection is cut.
    std::chrono::milliseconds sendTimeout {60000};
    // Requests of one connection handed on at once; further pipelined ones wait in the socket.
    int maxPipelinedRequests = 16;
    // WebSockets (a Worker's 101 with a webSocket): Cloudflare's 1 MiB message limit, larger
    // ones close the socket with 1009; a socket with no frame either way for this long is closed.
    qint64 webSocketMaxMessageBytes = 1024 * 1024;
    std::chrono::milliseconds webSocketIdleTimeout {100000};
};

// A request as framed from the wire, before its URL is resolved.
struct ParsedRequest
{
    QByteArray method;
    QByteArray target; // the request-target as sent
    bool http10 = false;
    bool keepAlive = true; // HTTP/1.1 without "close", or HTTP/1.0 with "keep-alive"
    HeaderList headers; // names as sent, values without surrounding whitespace
    QByteArray body; // dechunked
};

// Parses the bytes of one connection into requests (RFC 9112), strictly: anything that two
// parsers could frame differently is refused, so nothing can be smuggled past a proxy in front.
// Refuses with 400, 413, 414, 431 or 501 before buffering the offending part; after a refusal
// the rest of the connection is not parsed. Needs no socket: feed it bytes as they come.
class RequestGuard
{
public:
    enum class Verdict {
        Pass,
        BadRequest,
        HeadersTooLarge,
        UriTooLong,
        BodyTooLarge,
        NotImplemented
    };

    explicit RequestGuard(const ListenerLimits &limits) : m_limits(limits) { }

    // Feeds newly arrived bytes; returns the verdict for the connection so far. Complete requests
    // before a refusal stay available to takeRequest().
    Verdict feed(const char *data, qint64 size);
    QByteArray reason() const { return m_reason; }

    bool hasRequest() const { return !m_ready.empty(); }
    ParsedRequest takeRequest();

    // Part of a request head, or a whole head and part of its body, has arrived.
    bool midHead() const { return m_state == State::Head && !m_head.isEmpty(); }
    bool midBody() const { return m_state != State::Head && m_state != State::Failed; }
    // The head just completed asked for "100 Continue" before sending its body; reading clears it.
    bool takeContinueWanted() { return std::exchange(m_continueWanted, false); }

private:
    Verdict finishHead();
    Verdict readLine(const char *data, qint64 size, qint64 &i, bool &complete);
    Verdict finishLine(); // a chunk-size or trailer line in m_line
    void finishRequest();
    Verdict fail(Verdict verdict, QByteArray reason);

    enum class State { Head, FixedBody, ChunkLine, ChunkData, ChunkDataEnd, Trailers, Failed };
    const ListenerLimits m_limits;
    State m_state = State::Head;
    QByteArray m_head; // the head of the current request, up to the header cap
    ParsedRequest m_current;
    std::deque<ParsedRequest> m_ready;
    qint64 m_bodyRemaining = 0;
    QByteArray m_line; // a partial chunk-size or trailer line
    qint64 m_trailerBytes = 0;
    bool m_continueWanted = false;
    QByteArray m_reason;
};

int statusOf(RequestGuard::Verdict verdict);

// The URL a Worker sees for a request, from the parsed authority: the absolute-form target's if
// it has one (its Host header is then ignored, RFC 9112 3.2.2), else the Host header's. An
// HTTP/1.0 request without Host gets `defaultAuthority`. Returns an empty URL and sets `error`
// (a sentence for a 400 body) when Host or target are not valid: a missing or repeated Host on
// HTTP/1.1, a host that is not a DNS name or IP literal, a bad port, a target that is neither
// origin-form nor absolute-form (`*`, `@host/`, authority-form).
QUrl resolveRequestUrl(const ParsedRequest &request, QByteArrayView defaultAuthority,
                       QByteArray *error);

// The whole parse of a byte stream as a connection does it, without sockets (a fuzzing entry
// point): the requests as the handler would receive them, then the status (0 if none) and body
// text of the refusal that ended the stream, if any.
struct StreamParse
{
    QList<HttpRequest> requests;
    int status = 0;
    QByteArray reason;
};
StreamParse parseRequestStream(QByteArrayView bytes, const ListenerLimits &limits,
                               QByteArrayView defaultAuthority = "localhost");

} // namespace switchyard::http
