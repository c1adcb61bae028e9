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
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon), value = line.mid(colon + 1).trimmed();
        r.headers.append({name, value});
        if (name.compare("content-length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
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

} // namespace switchyard::testing
