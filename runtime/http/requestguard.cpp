#include "requestguard.h"

#include <QHostAddress>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace switchyard::http {

namespace {

bool isTokenChar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c != '\0' && std::strchr("!#$%&'*+.^_`|~-", c) != nullptr);
}

bool isToken(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

// field-vchar, SP and HTAB (RFC 9110 5.5); obs-text stays allowed, every other control does not.
bool isFieldValueChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

QByteArrayView trimOws(QByteArrayView s)
{
    while (!s.isEmpty() && (s.front() == ' ' || s.front() == '\t'))
        s = s.sliced(1);
    while (!s.isEmpty() && (s.back() == ' ' || s.back() == '\t'))
        s.chop(1);
    return s;
}

// 1*DIGIT, no sign, no space; -1 when not a length.
qint64 parseLength(QByteArrayView s)
{
    if (s.isEmpty() || s.size() > 18)
        return -1;
    qint64 v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool hasToken(QByteArrayView list, QByteArrayView token)
{
    while (!list.isEmpty()) {
        const qsizetype comma = list.indexOf(',');
        const QByteArrayView item = trimOws(comma < 0 ? list : list.first(comma));
        if (item.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        list = comma < 0 ? QByteArrayView() : list.sliced(comma + 1);
    }
    return false;
}

// The target's bytes: visible ASCII or obs-text; spaces and controls end or break the line.
bool validTargetChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
}

// method SP request-target SP HTTP/1.0 or 1.1 (RFC 9112 3), checked by hand: it runs for every
// request, and a regular expression over a QString copy of the line cost more than the rest of
// the guard.
bool splitRequestLine(QByteArrayView line, QByteArrayView *method, QByteArrayView *target,
                      bool *http10)
{
    const qsizetype firstSpace = line.indexOf(' ');
    if (firstSpace <= 0)
        return false;
    *method = line.first(firstSpace);
    if (!isToken(*method))
        return false;
    const QByteArrayView rest = line.sliced(firstSpace + 1);
    const qsizetype secondSpace = rest.indexOf(' ');
    if (secondSpace <= 0)
        return false;
    *target = rest.first(secondSpace);
    if (!std::all_of(target->begin(), target->end(), validTargetChar))
        return false;
    const QByteArrayView version = rest.sliced(secondSpace + 1);
    *http10 = version == "HTTP/1.0";
    return version == "HTTP/1.1" || *http10;
}

// name ":" OWS value OWS, with a token name and no control but HTAB in the value.
enum class FieldCheck { Ok, Malformed, BadValue };
FieldCheck splitField(QByteArrayView line, QByteArrayView *name, QByteArrayView *value)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return FieldCheck::Malformed;
    *name = line.first(colon);
    if (!isToken(*name))
        return FieldCheck::Malformed;
    *value = trimOws(line.sliced(colon + 1));
    if (!std::all_of(value->begin(), value->end(), isFieldValueChar))
        return FieldCheck::BadValue;
    return FieldCheck::Ok;
}

const char kMalformedChunk[] = "Malformed chunked body.";

QByteArray headersTooLarge(qint64 cap)
{
    return "Request headers exceed " + QByteArray::number(cap) + " bytes.";
}

QByteArray bodyTooLarge(qint64 cap)
{
    return "Request body exceeds " + QByteArray::number(cap) + " bytes.";
}

} // namespace

RequestGuard::Verdict RequestGuard::fail(Verdict verdict, QByteArray reason)
{
    m_state = State::Failed;
    m_reason = std::move(reason);
    m_head.clear();
    m_line.clear();
    m_current = {};
    return verdict;
}

ParsedRequest RequestGuard::takeRequest()
{
    ParsedRequest r = std::move(m_ready.front());
    m_ready.pop_front();
    return r;
}

void RequestGuard::finishRequest()
{
    m_ready.push_back(std::move(m_current));
    m_current = {};
    m_state = State::Head;
}

RequestGuard::Verdict RequestGuard::feed(const char *data, qint64 size)
{
    qint64 i = 0;
    while (i < size) {
        switch (m_state) {
        case State::Failed:
            return Verdict::BadRequest;
        case State::Head: {
            // Clients may send empty lines (CRLF) between requests (RFC 9112 2.2); skip them.
            if (m_head.isEmpty()) {
                while (i + 1 < size && data[i] == '\r' && data[i + 1] == '\n')
                    i += 2;
                if (i == size)
                    break;
            } else if (m_head == "\r" && data[i] == '\n') {
                m_head.clear();
                ++i;
                break;
            }
            const qint64 before = m_head.size();
            m_head.append(data + i, size - i);
            const qsizetype from = std::max<qsizetype>(0, before - 3);
            const qsizetype end = m_head.indexOf("\r\n\r\n", from);
            // A head of bare LFs would never end; refuse it as soon as it shows, wherever the
            // stream was split.
            const qsizetype bareLf = m_head.indexOf("\n\n", std::max<qsizetype>(0, before - 1));
            if (bareLf >= 0 && (end < 0 || bareLf < end))
                return fail(Verdict::BadRequest, "Malformed header line.");
            if (end < 0) {
                if (m_head.size() > m_limits.maxHeaderBytes)
                    return fail(Verdict::HeadersTooLarge, headersTooLarge(m_limits.maxHeaderBytes));
                return Verdict::Pass;
            }
            const qint64 headLength = end + 4;
            i += headLength - before;
            m_head.truncate(headLength);
            if (m_head.size() > m_limits.maxHeaderBytes)
                return fail(Verdict::HeadersTooLarge, headersTooLarge(m_limits.maxHeaderBytes));
            const Verdict v = finishHead();
            m_head.clear();
            if (v != Verdict::Pass)
                return v;
            break;
        }
        case State::FixedBody:
        case State::ChunkData: {
            const qint64 take = qMin(m_bodyRemaining, size - i);
            m_current.body.append(data + i, take);
            m_bodyRemaining -= take;
            i += take;
            if (m_bodyRemaining == 0) {
                if (m_state == State::FixedBody)
                    finishRequest();
                else
                    m_state = State::ChunkDataEnd;
            }
            break;
        }
        case State::ChunkDataEnd: {
            // Exactly CRLF after a chunk's data; anything else would let two parsers disagree
            // on where the next chunk starts.
            const char expected = m_line.isEmpty() ? '\r' : '\n';
            if (data[i] != expected)
                return fail(Verdict::BadRequest, kMalformedChunk);
            ++i;
            if (expected == '\r') {
                m_line = "\r";
            } else {
                m_line.clear();
                m_state = State::ChunkLine;
            }
            break;
        }
        case State::ChunkLine:
        case State::Trailers: {
            bool complete = false;
            const Verdict v = readLine(data, size, i, complete);
            if (v != Verdict::Pass)
                return v;
            if (complete) {
                const Verdict line = finishLine();
                if (line != Verdict::Pass)
                    return line;
            }
            break;
        }
        }
    }
    return m_state == State::Failed ? Verdict::BadRequest : Verdict::Pass;
}

// Appends to m_line up to and including LF; a line must end in CRLF and hold no other CR or LF.
RequestGuard::Verdict RequestGuard::readLine(const char *data, qint64 size, qint64 &i,
                                             bool &complete)
{
    const char *lf = static_cast<const char *>(memchr(data + i, '\n', size_t(size - i)));
    const qint64 take = lf ? (lf - (data + i)) + 1 : size - i;
    m_line.append(data + i, take);
    i += take;
    if (m_state == State::Trailers) {
        m_trailerBytes += take;
        if (m_trailerBytes > m_limits.maxHeaderBytes)
            return fail(Verdict::HeadersTooLarge, headersTooLarge(m_limits.maxHeaderBytes));
    } else if (m_line.size() > 4096) {
        return fail(Verdict::BadRequest, kMalformedChunk);
    }
    complete = lf != nullptr;
    if (complete && (m_line.size() < 2 || m_line.at(m_line.size() - 2) != '\r'))
        return fail(Verdict::BadRequest,
                    m_state == State::Trailers ? "Malformed header line." : kMalformedChunk);
    return Verdict::Pass;
}

RequestGuard::Verdict RequestGuard::finishLine()
{
    const QByteArrayView line = QByteArrayView(m_line).chopped(2);
    const bool bareCr = line.contains('\r');
    if (m_state == State::Trailers) {
        if (bareCr)
            return fail(Verdict::BadRequest, "Malformed header line.");
        if (line.isEmpty()) {
            m_line.clear();
            finishRequest();
            return Verdict::Pass;
        }
        // Trailer fields are checked like header fields and then dropped: Workers see none.
        QByteArrayView name, value;
        switch (splitField(line, &name, &value)) {
        case FieldCheck::Ok:
            break;
        case FieldCheck::Malformed:
            return fail(Verdict::BadRequest, "Malformed header line.");
        case FieldCheck::BadValue:
            return fail(Verdict::BadRequest, "Invalid character in header value.");
        }
        m_line.clear();
        return Verdict::Pass;
    }
    // chunk-size [ chunk-ext ]: 1*HEXDIG, then nothing or BWS ";" and extensions we ignore.
    qsizetype digits = 0;
    qint64 chunk = 0;
    while (digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]))) {
        if (digits == 15)
            return fail(Verdict::BadRequest, kMalformedChunk);
        const char c = line[digits++];
        chunk = chunk * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    const QByteArrayView ext = trimOws(line.sliced(digits));
    if (digits == 0 || bareCr || (!ext.isEmpty() && ext.front() != ';')
        || !std::all_of(ext.begin(), ext.end(), isFieldValueChar))
        return fail(Verdict::BadRequest, kMalformedChunk);
    m_line.clear();
    if (m_current.body.size() + chunk > m_limits.maxBodyBytes)
        return fail(Verdict::BodyTooLarge, bodyTooLarge(m_limits.maxBodyBytes));
    if (chunk == 0) {
        m_state = State::Trailers;
        m_trailerBytes = 0;
    } else {
        m_bodyRemaining = chunk;
        m_state = State::ChunkData;
    }
    return Verdict::Pass;
}

RequestGuard::Verdict RequestGuard::finishHead()
{
    const QByteArrayView head(m_head);
    const qsizetype lineEnd = head.indexOf("\r\n");
    QByteArrayView method, target;
    bool http10 = false;
    if (!splitRequestLine(head.first(lineEnd), &method, &target, &http10))
        return fail(Verdict::BadRequest, "Malformed request line.");
    if (target.size() > m_limits.maxUrlBytes)
        return fail(Verdict::UriTooLong,
                    QByteArray("Request URL exceeds ") + QByteArray::number(m_limits.maxUrlBytes)
                            + " bytes.");

    ParsedRequest &r = m_current;
    r = {};
    r.method = method.toByteArray();
    r.target = target.toByteArray();
    r.http10 = http10;
    qint64 contentLength = -1;
    QByteArray transferEncoding;
    bool hasTransferEncoding = false, close = false, keepAlive = false, expectContinue = false;
    // The header lines, without the request line and the blank line that ends the head (a head
    // with no headers has none: its request line's CRLF is the blank line's first half).
    QByteArrayView lines
            = head.sliced(lineEnd + 2, std::max<qsizetype>(0, head.size() - lineEnd - 4));
    while (!lines.isEmpty()) {
        const qsizetype crlf = lines.indexOf("\r\n");
        const QByteArrayView line = lines.first(crlf);
        lines = lines.sliced(crlf + 2);
        // A CR or LF alone, or a line folded onto the previous one (obs-fold), frames differently
        // in other parsers.
        if (line.contains('\n') || line.contains('\r'))
            return fail(Verdict::BadRequest, "Malformed header line.");
        QByteArrayView name, value;
        switch (splitField(line, &name, &value)) {
        case FieldCheck::Ok:
            break;
        case FieldCheck::Malformed:
            return fail(Verdict::BadRequest, "Malformed header line.");
        case FieldCheck::BadValue:
            return fail(Verdict::BadRequest, "Invalid character in header value.");
        }
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            const qint64 length = parseLength(value);
            if (length < 0 || (contentLength >= 0 && contentLength != length))
                return fail(Verdict::BadRequest, "Invalid Content-Length.");
            contentLength = length;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            if (hasTransferEncoding)
                transferEncoding += ',';
            transferEncoding += value;
            hasTransferEncoding = true;
        } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
            close = close || hasToken(value, "close");
            keepAlive = keepAlive || hasToken(value, "keep-alive");
        } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
            expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
        r.headers.append({name.toByteArray(), value.toByteArray()});
    }
    r.keepAlive = !close && (!http10 || keepAlive);

    bool chunked = false;
    if (hasTransferEncoding) {
        if (contentLength >= 0)
            return fail(Verdict::BadRequest, "Both Content-Length and Transfer-Encoding are set.");
        // HTTP/1.0 has no transfer codings; chunked must be last and appear once (RFC 9112 6.1).
        QList<QByteArray> codings;
        for (const QByteArray &c : transferEncoding.split(',')) {
            const QByteArrayView t = trimOws(c);
            if (!t.isEmpty())
                codings.append(t.toByteArray().toLower());
        }
        if (http10 || codings.isEmpty() || codings.last() != "chunked"
            || codings.count("chunked") != 1)
            return fail(Verdict::BadRequest, "Invalid Transfer-Encoding.");
        if (codings.size() > 1)
            return fail(Verdict::NotImplemented, "Unsupported Transfer-Encoding.");
        chunked = true;
    }
    if (contentLength > m_limits.maxBodyBytes)
        return fail(Verdict::BodyTooLarge, bodyTooLarge(m_limits.maxBodyBytes));
    if (chunked) {
        m_state = State::ChunkLine;
        m_line.clear();
        m_continueWanted = expectContinue && !http10;
    } else if (contentLength > 0) {
        m_state = State::FixedBody;
        m_bodyRemaining = contentLength;
        // Declared lengths are not trusted for a reservation beyond what a read brings anyway.
        r.body.reserve(qsizetype(std::min<qint64>(contentLength, 64 * 1024)));
        m_continueWanted = expectContinue && !http10;
    } else {
        finishRequest();
    }
    return Verdict::Pass;
}

int statusOf(RequestGuard::Verdict verdict)
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
    case RequestGuard::Verdict::NotImplemented:
        return 501;
    }
    return 400;
}

namespace {

bool isHostNameChar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'
            || c == '.' || c == '_' || c == '~';
}

// uri-host [ ":" port ] (RFC 9110 7.2), narrowed to what can name a server: a DNS-style name or
// an IP literal, so nothing in it can move the URL's path, query, userinfo or port.
bool splitAuthority(QByteArrayView authority, QByteArray *host, int *port)
{
    *port = -1;
    QByteArrayView portText;
    if (authority.startsWith('[')) {
        const qsizetype close = authority.indexOf(']');
        if (close < 0)
            return false;
        const QByteArrayView literal = authority.sliced(1, close - 1);
        QHostAddress address;
        if (!address.setAddress(QString::fromLatin1(literal))
            || address.protocol() != QAbstractSocket::IPv6Protocol || literal.contains('%'))
            return false;
        *host = authority.first(close + 1).toByteArray();
        const QByteArrayView rest = authority.sliced(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return false;
        portText = rest.isEmpty() ? rest : rest.sliced(1);
    } else {
        const qsizetype colon = authority.indexOf(':');
        const QByteArrayView name = colon < 0 ? authority : authority.first(colon);
        if (name.isEmpty() || name.size() > 253
            || !std::all_of(name.begin(), name.end(), isHostNameChar))
            return false;
        *host = name.toByteArray().toLower();
        portText = colon < 0 ? QByteArrayView() : authority.sliced(colon + 1);
    }
    if (!portText.isEmpty()) {
        const qint64 p = portText.size() <= 5 ? parseLength(portText) : -1;
        if (p < 0 || p > 65535)
            return false;
        *port = int(p);
    }
    return true;
}

} // namespace

QUrl resolveRequestUrl(const ParsedRequest &request, QByteArrayView defaultAuthority,
                       QByteArray *error)
{
    QByteArrayView hostHeader;
    int hosts = 0;
    for (const auto &[name, value] : request.headers) {
        if (name.compare("host", Qt::CaseInsensitive) == 0) {
            hostHeader = value;
            ++hosts;
        }
    }
    if (hosts > 1) {
        *error = "Invalid Host header: more than one.";
        return {};
    }
    if (hosts == 0 && !request.http10) {
        *error = "Missing Host header.";
        return {};
    }
    QByteArrayView target(request.target);
    QByteArray scheme = "http";
    QByteArrayView authority = hosts ? hostHeader : defaultAuthority;
    QByteArrayView pathAndQuery;
    bool fromTarget = false;
    if (target.startsWith('/')) {
        pathAndQuery = target;
    } else if (target.startsWith("http://") || target.startsWith("https://")
               || target.startsWith("HTTP://") || target.startsWith("HTTPS://")) {
        // absolute-form: the target names the server and Host is ignored (RFC 9112 3.2.2).
        const qsizetype sep = target.indexOf("://");
        scheme = target.first(sep).toByteArray().toLower();
        const QByteArrayView rest = target.sliced(sep + 3);
        qsizetype end = 0;
        while (end < rest.size() && rest[end] != '/' && rest[end] != '?')
            ++end;
        authority = rest.first(end);
        pathAndQuery = rest.sliced(end);
        fromTarget = true;
    } else if (target == "*") {
        *error = "The request target * (server-wide OPTIONS) is not supported; ask for a path.";
        return {};
    } else {
        *error = "Invalid request target: it must start with / or be an absolute http(s) URL.";
        return {};
    }
    if (pathAndQuery.contains('#')) {
        *error = "Invalid request target: it has a fragment.";
        return {};
    }
    QByteArray host;
    int port = -1;
    if (!splitAuthority(authority, &host, &port)) {
        *error = fromTarget ? "Invalid host in the request target." : "Invalid Host header.";
        return {};
    }
    QByteArray text = scheme + "://" + host;
    if (port >= 0)
        text += ':' + QByteArray::number(port);
    if (!pathAndQuery.startsWith('/'))
        text += '/';
    text += pathAndQuery;
    // The pieces are checked, so the URL's authority is the one parsed; Tolerant mode only
    // percent-encodes what clients send raw (UTF-8, "|", "{").
    QUrl url = QUrl::fromEncoded(text, QUrl::TolerantMode);
    const QByteArray bareHost = host.startsWith('[') ? host.mid(1, host.size() - 2) : host;
    if (!url.isValid() || url.host(QUrl::FullyEncoded).toLatin1().toLower() != bareHost.toLower()
        || url.port() != port) {
        *error = fromTarget ? "Invalid host in the request target." : "Invalid Host header.";
        return {};
    }
    return url;
}

StreamParse parseRequestStream(QByteArrayView bytes, const ListenerLimits &limits,
                               QByteArrayView defaultAuthority)
{
    StreamParse out;
    RequestGuard guard(limits);
    const RequestGuard::Verdict verdict = guard.feed(bytes.data(), bytes.size());
    while (guard.hasRequest()) {
        ParsedRequest p = guard.takeRequest();
        QByteArray error;
        QUrl url = resolveRequestUrl(p, defaultAuthority, &error);
        if (url.isEmpty()) {
            out.status = 400;
            out.reason = error;
            return out;
        }
        out.requests.append(
                {std::move(p.method), std::move(url), std::move(p.headers), std::move(p.body), {}});
        if (!p.keepAlive)
            return out;
    }
    if (verdict != RequestGuard::Verdict::Pass) {
        out.status = statusOf(verdict);
        out.reason = guard.reason();
    }
    return out;
}

} // namespace switchyard::http
