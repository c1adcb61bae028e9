// The listener over real loopback sockets: what the handler receives, what the client gets back,
// and that every request is answered exactly once, whatever the handler or the client does.
#include "http/httplistener.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <thread>

using namespace switchyard::http;

class tst_HttpListener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestArrivesIntact();
    void responseKeepsStatusHeadersAndBody();
    void largeResponseThenPipelinedOne();
    void replyFromAnotherThread();
    void handlerThatNeverAnswersGets504();
    void clientThatLeavesEarly();
    void oversizedBodyNeverReachesHandler();
    void headRequestHasNoBody();

private:
    struct Server
    {
        std::unique_ptr<HttpListener> listener;
        quint16 port = 0;
    };
    static Server start(HttpListener::Handler handler, ListenerLimits limits = {});
    static QByteArray exchange(quint16 port, const QByteArray &request, int expectResponses = 1);
};

tst_HttpListener::Server tst_HttpListener::start(HttpListener::Handler handler,
                                                 ListenerLimits limits)
{
    Server s;
    s.listener = std::make_unique<HttpListener>(std::move(handler), limits);
    QString error;
    s.port = s.listener->listenOn(QHostAddress::LocalHost, 0, &error);
    if (!s.port)
        qFatal("listen failed: %s", qPrintable(error));
    return s;
}

// Sends raw bytes and reads until `expectResponses` complete responses (by content-length) or the
// server closes, with the event loop running so the in-process server can work.
QByteArray tst_HttpListener::exchange(quint16 port, const QByteArray &request, int expectResponses)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return "<no connection>";
    socket.write(request);
    QByteArray in;
    auto complete = [&] {
        int found = 0;
        qsizetype at = 0;
        while (true) {
            const qsizetype headEnd = in.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
                break;
            const QByteArray head = in.mid(at, headEnd - at).toLower();
            const qsizetype cl = head.indexOf("content-length: ");
            const qint64 length = cl < 0 ? 0 : head.mid(cl + 16).split('\r').first().toLongLong();
            if (in.size() < headEnd + 4 + length)
                break;
            at = headEnd + 4 + length;
            ++found;
        }
        return found >= expectResponses;
    };
    QElapsedTimer t;
    t.start();
    while (!complete() && t.elapsed() < 10000) {
        QTest::qWait(5);
        in += socket.readAll();
        if (socket.state() == QAbstractSocket::UnconnectedState)
            break;
    }
    return in;
}

void tst_HttpListener::requestArrivesIntact()
{
    HttpRequest seen;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        seen = r;
        reply({204, {}, {}});
    });
    const QByteArray out
            = exchange(server.port,
                       "PUT /p/a%20th?q=1&r=%C3%A9 HTTP/1.1\r\nHost: customer-1.localhost:"
                               + QByteArray::number(server.port)
                               + "\r\nX-One: 1\r\nx-two: a, b\r\nContent-Length: 7\r\n\r\n"
                                 "payload");
    QVERIFY2(out.startsWith("HTTP/1.1 204 No Content\r\n"), out);
    QCOMPARE(seen.method, QByteArray("PUT"));
    QCOMPARE(seen.url.host(), QStringLiteral("customer-1.localhost"));
    QCOMPARE(seen.url.path(QUrl::FullyEncoded), QStringLiteral("/p/a%20th"));
    QCOMPARE(seen.url.query(QUrl::FullyEncoded), QStringLiteral("q=1&r=%C3%A9"));
    QCOMPARE(seen.body, QByteArray("payload"));
    QVERIFY(seen.headers.contains({"X-One", "1"}));
    QVERIFY(seen.headers.contains({"x-two", "a, b"}));
}

void tst_HttpListener::responseKeepsStatusHeadersAndBody()
{
    auto server = start([](HttpRequest, HttpListener::Reply reply) {
        reply({299,
               {{"set-cookie", "a=1; Path=/"}, {"set-cookie", "b=2"}, {"content-type", "x/y"}},
               "body!"});
    });
    const QByteArray out = exchange(server.port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QVERIFY2(out.startsWith("HTTP/1.1 299 \r\n"), out);
    QVERIFY(out.contains("\r\nset-cookie: a=1; Path=/\r\n"));
    QVERIFY(out.contains("\r\nset-cookie: b=2\r\n"));
    QVERIFY(out.contains("\r\ncontent-type: x/y\r\n"));
    QVERIFY(out.contains("\r\ncontent-length: 5\r\n"));
    QVERIFY(out.endsWith("\r\n\r\nbody!"));
}

void tst_HttpListener::largeResponseThenPipelinedOne()
{
    // Responses go to the kernel directly when nothing is queued before them; 16 MiB is more than
    // a loopback socket takes at once, so the rest goes through the socket's buffer, and the
    // response answered right after it must arrive whole and after it.
    QByteArray big(16 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char('a' + (i * 7 + i / 4096) % 26);
    // Both are answered together once the second has arrived, the small one right after the big.
    QList<HttpListener::Reply> replies;
    auto server = start([&](HttpRequest, HttpListener::Reply reply) {
        replies.append(std::move(reply));
        if (replies.size() == 2) {
            replies[0]({200, {}, big});
            replies[1]({200, {}, "small"});
        }
    });
    const QByteArray out = exchange(server.port,
                                    "GET /big HTTP/1.1\r\nHost: h\r\n\r\n"
                                    "GET /small HTTP/1.1\r\nHost: h\r\n\r\n",
                                    2);
    const qsizetype firstBody = out.indexOf("\r\n\r\n") + 4;
    QVERIFY2(out.startsWith("HTTP/1.1 200 OK\r\n"), out.left(200));
    QVERIFY(out.left(firstBody).contains("content-length: 16777216\r\n"));
    QVERIFY2(out.mid(firstBody, big.size()) == big, "the large body arrived altered");
    const QByteArray second = out.mid(firstBody + big.size());
    QVERIFY2(second.startsWith("HTTP/1.1 200 OK\r\n"), second.left(200));
    QVERIFY(second.endsWith("\r\n\r\nsmall"));
}

void tst_HttpListener::replyFromAnotherThread()
{
    std::vector<std::thread> threads;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        threads.emplace_back([reply, path = r.url.path()] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            reply({200, {}, path.toUtf8()});
        });
    });
    // Two pipelined requests on one connection, both answered from worker threads.
    const QByteArray out
            = exchange(server.port,
                       "GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: "
                       "h\r\n\r\n",
                       2);
    for (auto &t : threads)
        t.join();
    QCOMPARE(out.count("HTTP/1.1 200 OK"), 2);
    QVERIFY(out.contains("/one"));
    QVERIFY(out.contains("/two"));
}

void tst_HttpListener::handlerThatNeverAnswersGets504()
{
    HttpListener::Reply kept;
    auto server = start([&](HttpRequest, HttpListener::Reply reply) { kept = reply; });
    server.listener->setResponseTimeout(std::chrono::milliseconds(100));
    const QByteArray out = exchange(server.port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QVERIFY2(out.startsWith("HTTP/1.1 504 Gateway Timeout\r\n"), out);
    QVERIFY(out.endsWith("The dispatch Worker did not answer in time.\n"));
    // A late answer after the timeout is dropped, not written as a second response.
    kept({200, {}, "late"});
    QTest::qWait(50);
}

void tst_HttpListener::clientThatLeavesEarly()
{
    QList<HttpListener::Reply> replies;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        if (r.url.path() == u"/slow")
            replies << reply;
        else
            reply({200, {}, "fine"});
    });
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port);
        QVERIFY(socket.waitForConnected());
        socket.write("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
        QTRY_COMPARE(replies.size(), 1);
        socket.abort();
    }
    QTest::qWait(50);
    replies.first()({200, {}, "to nobody"}); // must not crash or write to a dead socket
    const QByteArray out = exchange(server.port, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
    QVERIFY2(out.endsWith("fine"), out);
}

void tst_HttpListener::oversizedBodyNeverReachesHandler()
{
    int calls = 0;
    ListenerLimits limits;
    limits.maxBodyBytes = 1000;
    auto server = start(
            [&](HttpRequest, HttpListener::Reply reply) {
                ++calls;
                reply({200, {}, {}});
            },
            limits);
    const QByteArray out = exchange(server.port,
                                    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n"
                                            + QByteArray(5000, 'x'));
    QVERIFY2(out.startsWith("HTTP/1.1 413 Payload Too Large\r\n"), out);
    QVERIFY(out.contains("Request body exceeds 1000 bytes."));
    QCOMPARE(calls, 0);
    const QByteArray ok = exchange(server.port,
                                   "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: "
                                   "1000\r\n\r\n"
                                           + QByteArray(1000, 'x'));
    QVERIFY2(ok.startsWith("HTTP/1.1 200 OK\r\n"), ok);
    QCOMPARE(calls, 1);
}

void tst_HttpListener::headRequestHasNoBody()
{
    auto server = start([](HttpRequest, HttpListener::Reply reply) { reply({200, {}, "12345"}); });
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port);
    QVERIFY(socket.waitForConnected());
    socket.write("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
    QByteArray out;
    QTRY_VERIFY((out += socket.readAll()).contains("\r\n\r\n"));
    QTest::qWait(50);
    out += socket.readAll();
    QVERIFY(out.contains("content-length: 5\r\n"));
    QVERIFY(out.endsWith("\r\n\r\n"));
}

QTEST_GUILESS_MAIN(tst_HttpListener)
#include "tst_httplistener.moc"
