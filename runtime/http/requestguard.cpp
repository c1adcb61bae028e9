#include "requestguard.h"

#include "httpmessage.h"
#include "logging.h"

#include <QTcpSocket>

#include <algorithm>
#include <cstring>

#include <memory>

namespace switchyard::http {

RequestGuard::Verdict RequestGuard::fail(Verdict verdict, QByteArray reason)
{
    m_state = State::Failed;
    m_reason = std::move(reason);
    return verdict;
}

RequestGuard::Verdict RequestGuard::feed(const char *data, qint64 size)
{
    qint64 i = 0;
    while (i < size) {
        switch (m_state) {
        case State::Failed:
            return Verdict::BadRequest;
        case State::Head: {
            // Copy up to the end of the head (the blank line) or the end of this data.
            const char *start = data + i;
            qint64 take = size - i;
            const qint64 before = m_head.size();
            m_head.append(start, take);
            qsizetype end = m_head.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
            if (end < 0) {
                // Clients may send blank lines between requests (RFC 9112 2.2); skip them.
                while (m_head.startsWith("\r\n"))
                    m_head.remove(0, 2);
                if (m_head.size() > m_limits.maxHeaderBytes)
                    return fail(Verdict::HeadersTooLarge,
                                QByteArray("Request headers exceed ")
                                        + QByteArray::number(m_limits.maxHeaderBytes) + " bytes.");
                return Verdict::Pass;
            }
            const qint64 headLength = end + 4;
            i += headLength - before;
            m_head.truncate(headLength);
            if (m_head.size() > m_limits.maxHeaderBytes)
                return fail(Verdict::HeadersTooLarge,
                            QByteArray("Request headers exceed ")
                                    + QByteArray::number(m_limits.maxHeaderBytes) + " bytes.");
            const Verdict v = finishHead();
            m_head.clear();
            if (v != Verdict::Pass)
                return v;
            break;
        }
        case State::FixedBody: {
            const qint64 take = qMin(m_bodyRemaining, size - i);
            m_bodyRemaining -= take;
            i += take;
            if (m_bodyRemaining == 0)
                m_state = State::Head;
            break;
        }
        case State::ChunkLine: {
            // A chunk-size line (hex size, optional extensions) or, after the last chunk, a
            // trailer line; both end at LF.
            const char *lf = static_cast<const char *>(memchr(data + i, '\n', size - i));
            const qint64 take = lf ? (lf - (data + i)) + 1 : size - i;
            m_line.append(data + i, take);
            i += take;
            if (m_line.size() > 4096)
                return fail(Verdict::BadRequest, "Malformed chunked body.");
            if (!lf)
                break;
            QByteArray line = m_line.trimmed();
            m_line.clear();
            if (m_inTrailers) {
                if (line.isEmpty()) {
                    m_inTrailers = false;
                    m_state = State::Head;
                }
                break;
            }
            bool ok = false;
            const qint64 chunk = line.split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || chunk < 0)
                return fail(Verdict::BadRequest, "Malformed chunked body.");
            m_bodySeen += chunk;
            if (m_bodySeen > m_limits.maxBodyBytes)
                return fail(Verdict::BodyTooLarge,
                            QByteArray("Request body exceeds ")
                                    + QByteArray::number(m_limits.maxBodyBytes) + " bytes.");
            if (chunk == 0) {
                m_inTrailers = true;
            } else {
                m_bodyRemaining = chunk + 2; // the data and its CRLF
                m_state = State::ChunkData;
            }
            break;
        }
        case State::ChunkData: {
            const qint64 take = qMin(m_bodyRemaining, size - i);
            m_bodyRemaining -= take;
            i += take;
            if (m_bodyRemaining == 0)
                m_state = State::ChunkLine;
            break;
        }
        }
    }
    return Verdict::Pass;
}

namespace {
bool isTokenChar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c != '\0' && std::strchr("!#$%&'*+.^_`|~-", c) != nullptr);
}

// method SP request-target SP HTTP/1.0 or 1.1 (RFC 9112 3), checked by hand: it runs for every
// request, and a regular expression over a QString copy of the line cost more than the rest of
// the guard.
bool validRequestLine(QByteArrayView line)
{
    const qsizetype firstSpace = line.indexOf(' ');
    if (firstSpace <= 0)
        return false;
    for (qsizetype i = 0; i < firstSpace; ++i) {
        if (!isTokenChar(line[i]))
            return false;
    }
    const QByteArrayView rest = line.sliced(firstSpace + 1);
    const qsizetype secondSpace = rest.indexOf(' ');
    if (secondSpace <= 0)
        return false;
    const QByteArrayView version = rest.sliced(secondSpace + 1);
    return version == "HTTP/1.1" || version == "HTTP/1.0";
}
} // namespace

RequestGuard::Verdict RequestGuard::finishHead()
{
    const QByteArrayView head(m_head);
    const qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView requestLine = head.first(lineEnd);
    if (!validRequestLine(requestLine))
        return fail(Verdict::BadRequest, "Malformed request line.");
    const qsizetype target = requestLine.indexOf(' ') + 1;
    if (requestLine.lastIndexOf(' ') - target > m_limits.maxUrlBytes)
        return fail(Verdict::UriTooLong,
                    QByteArray("Request URL exceeds ") + QByteArray::number(m_limits.maxUrlBytes)
                            + " bytes.");

    qint64 contentLength = -1;
    bool chunked = false;
    // The header lines, without the request line and the blank line that ends the head (a head
    // with no headers has none: its request line's CRLF is the blank line's first half).
    QByteArrayView lines
            = head.sliced(lineEnd + 2, std::max<qsizetype>(0, head.size() - lineEnd - 6));
    while (!lines.isEmpty()) {
        const qsizetype lf = lines.indexOf('\n');
        QByteArrayView line = lf < 0 ? lines : lines.first(lf);
        lines = lf < 0 ? QByteArrayView() : lines.sliced(lf + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.at(0) == ' ' || line.at(0) == '\t' || line.at(colon - 1) == ' ')
            return fail(Verdict::BadRequest, "Malformed header line.");
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 length = value.toLongLong(&ok);
            if (!ok || length < 0 || (contentLength >= 0 && contentLength != length))
                return fail(Verdict::BadRequest, "Invalid Content-Length.");
            contentLength = length;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            chunked = value.size() >= 7
                    && value.last(7).compare("chunked", Qt::CaseInsensitive) == 0;
        }
    }
    if (chunked && contentLength >= 0)
        return fail(Verdict::BadRequest, "Both Content-Length and Transfer-Encoding are set.");
    if (contentLength > m_limits.maxBodyBytes)
        return fail(Verdict::BodyTooLarge,
                    QByteArray("Request body exceeds ") + QByteArray::number(m_limits.maxBodyBytes)
                            + " bytes.");
    if (chunked) {
        m_state = State::ChunkLine;
        m_bodySeen = 0;
    } else if (contentLength > 0) {
        m_state = State::FixedBody;
        m_bodyRemaining = contentLength;
    }
    return Verdict::Pass;
}

static int statusOf(RequestGuard::Verdict verdict)
{
    switch (verdict) {
    case RequestGuard::Verdict::Pass:
        return 200;
    case RequestGuard::Verdict::BadRequest:
        return 400;
    case RequestGuard::Verdict::HeadersTooLarge:
        return 431;
    case RequestGuard::Verdict::UriTooLong:
        return 414;
    case RequestGuard::Verdict::BodyTooLarge:
        return 413;
    }
    return 400;
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    // Bytes the HTTP parser left unread after the previous readyRead: not new, not to rescan.
    struct Scan
    {
        RequestGuard guard;
        qint64 leftover = 0;
        bool afterHooked = false;
        bool refused = false;
    };
    auto scan = std::make_shared<Scan>(Scan {RequestGuard(m_limits)});
    // Connected before Qt HTTP Server connects its own slot, so this runs first.
    connect(socket, &QTcpSocket::readyRead, socket, [socket, scan] {
        if (scan->refused) {
            socket->readAll();
            return;
        }
        if (!scan->afterHooked) {
            // Qt's slot is connected by now; a slot connected now runs after it.
            scan->afterHooked = true;
            connect(socket, &QTcpSocket::readyRead, socket,
                    [socket, scan] { scan->leftover = socket->bytesAvailable(); });
        }
        const QByteArray pending = socket->peek(socket->bytesAvailable());
        const qint64 fresh = pending.size() - scan->leftover;
        if (fresh <= 0)
            return;
        const auto verdict = scan->guard.feed(pending.constData() + scan->leftover, fresh);
        if (verdict == RequestGuard::Verdict::Pass)
            return;
        scan->refused = true;
        socket->readAll();
        const int status = statusOf(verdict);
        const QByteArray body = scan->guard.reason() + '\n';
        qCDebug(lcHttp) << "refused request from" << socket->peerAddress() << status << body;
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                      + "\r\ncontent-type: text/plain;charset=UTF-8\r\nconnection: close\r\n"
                        "content-length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
    });
    // QTcpServer emits newConnection itself once this returns.
    addPendingConnection(socket);
}

} // namespace switchyard::http
