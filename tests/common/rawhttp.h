#pragma once

// A deliberately plain HTTP/1.1 client for tests: it sends exactly the bytes a test asks for
// (any Host header, no name resolution, so `customer-1.localhost` works), and waits while the
// test thread's event loop keeps running, because the platform service lives on that thread.

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

namespace switchyard::testing {

struct RawResponse
{
    int status = 0; // 0: no complete response arrived
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[n, v] : headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

inline RawResponse parseRawResponse(const QByteArray &in, bool *complete)
{
    RawResponse r;
    *complete = false;
    const qsizetype headEnd = in.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return r;
    const QList<QByteArray> lines = in.left(headEnd).split('\n');
    r.status = lines.value(0).split(' ').value(1).toInt();
    qint64 length = 0;
    bool chunked = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon), value = line.mid(colon + 1).trimmed();
        r.headers.append({name, value});
        if (name.compare("content-length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
        if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            chunked = value.compare("chunked", Qt::CaseInsensitive) == 0;
    }
    if (chunked) {
        // A streamed body: complete at the last chunk (no trailers are sent).
        qsizetype at = headEnd + 4;
        for (;;) {
            const qsizetype lineEnd = in.indexOf("\r\n", at);
            if (lineEnd < 0)
                return r;
            bool ok = false;
            const qint64 size = in.mid(at, lineEnd - at).toLongLong(&ok, 16);
            if (!ok)
                return r;
            at = lineEnd + 2;
            if (size == 0) {
                *complete = in.size() >= at + 2;
                return r;
            }
            if (in.size() < at + size + 2)
                return r;
            r.body += in.mid(at, size);
            at += size + 2;
        }
    }
    if (in.size() < headEnd + 4 + length)
        return r;
    r.body = in.mid(headEnd + 4, length);
    *complete = true;
    return r;
}

inline RawResponse rawRequest(quint16 port, const QByteArray &method, const QByteArray &host,
                              const QByteArray &target, const QByteArray &body = {},
                              const QList<QPair<QByteArray, QByteArray>> &headers = {},
                              int timeoutMs = 20000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QElapsedTimer timer;
    timer.start();
    while (socket.state() != QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs)
        QTest::qWait(1);
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
    for (const auto &[n, v] : headers)
        out += n + ": " + v + "\r\n";
    if (!body.isNull() || method == "POST" || method == "PUT")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n" + body;
    socket.write(out);
    QByteArray in;
    bool complete = false;
    RawResponse r;
    while (timer.elapsed() < timeoutMs) {
        QTest::qWait(1);
        in += socket.readAll();
        r = parseRawResponse(in, &complete);
        if (complete || socket.state() == QAbstractSocket::UnconnectedState)
            break;
    }
    if (!complete)
        r.status = 0;
    return r;
}

// A client for bodies too large to keep: it reads a response as it arrives, keeps its head and
// the first bytes of its body, and counts the rest (chunked or Content-Length). Qt reads no more
// than 64 KiB ahead of pump(), so a test that stops calling pump() is a client that stops
// reading: the kernel's buffers fill and the server sees it.
class StreamingClient
{
public:
    bool connect(quint16 port, int timeoutMs = 20000)
    {
        m_socket.setReadBufferSize(64 * 1024);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return m_socket.waitForConnected(timeoutMs);
    }
    void get(const QByteArray &host, const QByteArray &target)
    {
        send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }
    void post(const QByteArray &host, const QByteArray &target, const QByteArray &body)
    {
        send("POST " + target + " HTTP/1.1\r\nHost: " + host
             + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    // Reads what has arrived, waiting up to `waitMs` for more. False once nothing more can come
    // (the response is complete or the connection closed).
    bool pump(int waitMs = 20)
    {
        if (m_socket.bytesAvailable() == 0 && m_socket.state() == QAbstractSocket::ConnectedState)
            m_socket.waitForReadyRead(waitMs);
        m_buffer += m_socket.read(1024 * 1024);
        parse();
        if (m_socket.state() != QAbstractSocket::ConnectedState && m_socket.bytesAvailable() == 0)
            m_closed = true;
        return !m_complete && !m_closed;
    }
    void close() { m_socket.abort(); }

    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray bodyStart; // the first kKeep bytes of the body
    qint64 bodyBytes = 0;
    bool chunked = false;
    bool complete() const { return m_complete; }
    bool closed() const { return m_closed; }

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[n, v] : headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }

private:
    static constexpr qsizetype kKeep = 64 * 1024;
    enum class State { Head, Size, Data, DataEnd, Length, Done };

    void body(const QByteArray &bytes)
    {
        if (bodyStart.size() < kKeep)
            bodyStart += bytes.left(kKeep - bodyStart.size());
        bodyBytes += bytes.size();
    }
    void parse()
    {
        for (;;) {
            switch (m_state) {
            case State::Head: {
                const qsizetype end = m_buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QList<QByteArray> lines = m_buffer.left(end).split('\n');
                status = lines.value(0).split(' ').value(1).toInt();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const QByteArray line = lines.at(i).trimmed();
                    const qsizetype colon = line.indexOf(':');
                    headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
                }
                m_buffer.remove(0, end + 4);
                chunked = header("transfer-encoding").compare("chunked", Qt::CaseInsensitive) == 0;
                m_left = header("content-length").toLongLong();
                m_state = chunked ? State::Size : State::Length;
                break;
            }
            case State::Size: {
                const qsizetype end = m_buffer.indexOf("\r\n");
                if (end < 0)
                    return;
                m_left = m_buffer.left(end).toLongLong(nullptr, 16);
                m_buffer.remove(0, end + 2);
                if (m_left == 0) {
                    m_state = State::Done;
                    m_complete = true;
                    return;
                }
                m_state = State::Data;
                break;
            }
            case State::Data:
            case State::Length: {
                const qsizetype n = qsizetype(std::min<qint64>(m_left, m_buffer.size()));
                body(m_buffer.left(n));
                m_buffer.remove(0, n);
                m_left -= n;
                if (m_left > 0)
                    return;
                if (m_state == State::Length) {
                    m_state = State::Done;
                    m_complete = true;
                    return;
                }
                m_state = State::DataEnd;
                break;
            }
            case State::DataEnd:
                if (m_buffer.size() < 2)
                    return;
                m_buffer.remove(0, 2);
                m_state = State::Size;
                break;
            case State::Done:
                return;
            }
        }
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    State m_state = State::Head;
    qint64 m_left = 0;
    bool m_complete = false;
    bool m_closed = false;
};

} // namespace switchyard::testing
