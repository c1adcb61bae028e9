#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpServer>

namespace switchyard::http {

struct ListenerLimits
{
    qint64 maxBodyBytes = 100LL * 1024 * 1024; // Workers' request body limit on paid plans
    qint64 maxHeaderBytes = 128 * 1024; // Cloudflare's total request header limit
    qint64 maxUrlBytes = 16 * 1024; // Cloudflare's URL length limit
};

// Frames the bytes of one connection before Qt HTTP Server 6.4 parses them. That parser buffers
// bodies and headers of any size and closes malformed requests without a word; this guard answers
// 400, 413 and 431 first and then discards the rest of the connection, so the parser never sees
// the offending request. It only scans: it never consumes bytes of a well-formed request.
class RequestGuard
{
public:
    enum class Verdict { Pass, BadRequest, HeadersTooLarge, UriTooLong, BodyTooLarge };

    explicit RequestGuard(const ListenerLimits &limits) : m_limits(limits) { }

    // Feeds newly arrived bytes; returns the verdict for the connection so far.
    Verdict feed(const char *data, qint64 size);
    QByteArray reason() const { return m_reason; }

private:
    Verdict finishHead();
    Verdict fail(Verdict verdict, QByteArray reason);

    enum class State { Head, FixedBody, ChunkLine, ChunkData, Failed };
    const ListenerLimits m_limits;
    State m_state = State::Head;
    QByteArray m_head; // the head of the current request, up to the header cap
    qint64 m_bodyRemaining = 0;
    qint64 m_bodySeen = 0;
    QByteArray m_line; // a partial chunk-size or trailer line
    bool m_inTrailers = false;
    QByteArray m_reason;
};

// A QTcpServer whose sockets pass through a RequestGuard before Qt HTTP Server reads them.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(const ListenerLimits &limits, QObject *parent = nullptr)
        : QTcpServer(parent), m_limits(limits)
    { }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ListenerLimits m_limits;
};

} // namespace switchyard::http
