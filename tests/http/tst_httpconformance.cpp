// HTTP/1.1 as clients and attackers speak it, through a real listener over loopback with raw
// sockets: response order under pipelining, the URL a handler sees for every Host and target
// form, what closes a connection, strict framing, and the timeouts and connection cap that keep
// idle or slow clients from holding the server. Timeouts are made short through ListenerLimits;
// the tests wait for a connection to close, never assert how fast.
#include "http/httplistener.h"

#include <QDir>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <sys/resource.h>
#include <unistd.h>

using namespace switchyard::http;

namespace {

struct Response
{
    int status = 0;
    HeaderList headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[n, v] : headers)
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

// Takes the complete responses off the front of `in` (content-length framed, as ours are).
QList<Response> takeResponses(QByteArray &in)
{
    QList<Response> out;
    while (true) {
        const qsizetype headEnd = in.indexOf("\r\n\r\n");
        if (headEnd < 0)
            break;
        Response r;
        const QList<QByteArray> lines = in.left(headEnd).split('\n');
        r.status = lines.value(0).split(' ').value(1).toInt();
        qint64 length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            r.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
            if (line.left(colon).compare("content-length", Qt::CaseInsensitive) == 0)
                length = line.mid(colon + 1).trimmed().toLongLong();
        }
        if (r.status == 100) {
            in.remove(0, headEnd + 4);
            out.append(r);
            continue;
        }
        if (in.size() < headEnd + 4 + length)
            break;
        r.body = in.mid(headEnd + 4, length);
        in.remove(0, headEnd + 4 + length);
        out.append(r);
    }
    return out;
}

// One raw client connection; waits keep the test thread's event loop (and so the listener)
// running.
class Client
{
public:
    explicit Client(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000);
    }
    bool connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    // Waits for `count` responses (or the connection's end) and returns those that came.
    QList<Response> read(int count, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (m_responses.size() < count && t.elapsed() < timeoutMs) {
            pump();
            if (m_socket.state() == QAbstractSocket::UnconnectedState) {
                pump();
                break;
            }
            QTest::qWait(2);
        }
        const QList<Response> out = m_responses.mid(0, count);
        m_responses.remove(0, out.size());
        return out;
    }
    Response readOne(int timeoutMs = 10000) { return read(1, timeoutMs).value(0); }
    // True once the server has closed the connection (no assertion on how soon).
    bool waitClosed(int timeoutMs = 15000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            pump();
            if (m_socket.state() == QAbstractSocket::UnconnectedState)
                return true;
            QTest::qWait(5);
        }
        return false;
    }
    // Whether the connection is still open after the event loop ran for a moment.
    bool stillOpen()
    {
        QTest::qWait(50);
        pump();
        return m_socket.state() == QAbstractSocket::ConnectedState;
    }
    QByteArray unparsed() const { return m_in; }

private:
    void pump()
    {
        m_in += m_socket.readAll();
        m_responses += takeResponses(m_in);
    }
    QTcpSocket m_socket;
    QByteArray m_in;
    QList<Response> m_responses;
};

struct Server
{
    std::unique_ptr<HttpListener> listener;
    quint16 port = 0;
};

Server start(HttpListener::Handler handler, ListenerLimits limits = {})
{
    Server s;
    s.listener = std::make_unique<HttpListener>(std::move(handler), limits);
    QString error;
    s.port = s.listener->listenOn(QHostAddress::LocalHost, 0, &error);
    if (!s.port)
        qFatal("listen failed: %s", qPrintable(error));
    return s;
}

// Answers with the URL it was asked for, so a test sees what a Worker would see.
HttpListener::Handler urlEcho(QList<HttpRequest> *seen = nullptr)
{
    return [seen](HttpRequest r, HttpListener::Reply reply) {
        if (seen)
            seen->append(r);
        reply({200, {}, r.url.toEncoded()});
    };
}

ListenerLimits quickLimits()
{
    ListenerLimits l;
    l.headerTimeout = std::chrono::milliseconds(300);
    l.bodyTimeout = std::chrono::milliseconds(300);
    l.idleTimeout = std::chrono::milliseconds(300);
    l.sendTimeout = std::chrono::milliseconds(300);
    return l;
}

double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
            + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

class tst_HttpConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pipelinedResponsesKeepRequestOrder();
    void slowFirstRequestDoesNotLetSecondOvertake();
    void refusalComesAfterPipelinedResponses();
    void urlFromParsedAuthority_data();
    void urlFromParsedAuthority();
    void invalidHostOrTargetIs400_data();
    void invalidHostOrTargetIs400();
    void connectionPersistence_data();
    void connectionPersistence();
    void strictChunked_data();
    void strictChunked();
    void controlCharactersInHeaderValues_data();
    void controlCharactersInHeaderValues();
    void expectContinue();
    void headerTimeoutClosesSlowloris();
    void silentConnectionIsClosed();
    void bodyTimeoutClosesStalledUpload();
    void idleKeepAliveTimeoutCloses();
    void connectionCapReapsIdleConnections();
    void connectionCapRefusesWhenNoneIdle();
    void acceptFailingWithEmfileDoesNotSpin();
    void shutdownDrainsGracefully();
    void shutdownAnswersLeftoversAtDeadline();
    void parseRequestStreamWithoutSockets();
};

void tst_HttpConformance::pipelinedResponsesKeepRequestOrder()
{
    // All three arrive, then are answered last first: they must still go out first first.
    QList<QPair<QString, HttpListener::Reply>> held;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        held.append({r.url.path(), std::move(reply)});
        if (held.size() == 3) {
            for (qsizetype i = held.size() - 1; i >= 0; --i)
                held[i].second({200, {}, held[i].first.toUtf8()});
        }
    });
    Client c(server.port);
    c.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
           "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n");
    const QList<Response> out = c.read(3);
    QCOMPARE(out.size(), 3);
    QCOMPARE(out[0].body, QByteArray("/1"));
    QCOMPARE(out[1].body, QByteArray("/2"));
    QCOMPARE(out[2].body, QByteArray("/3"));
}

void tst_HttpConformance::slowFirstRequestDoesNotLetSecondOvertake()
{
    // The case: a slow /1 and a fast /2 on the same connection.
    auto server = start([](HttpRequest r, HttpListener::Reply reply) {
        const QByteArray path = r.url.path().toUtf8();
        if (path == "/1")
            QTimer::singleShot(200, [reply, path] { reply({200, {}, path}); });
        else
            reply({200, {}, path});
    });
    Client c(server.port);
    c.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
    const QList<Response> out = c.read(2);
    QCOMPARE(out.size(), 2);
    QCOMPARE(out[0].body, QByteArray("/1"));
    QCOMPARE(out[1].body, QByteArray("/2"));
}

void tst_HttpConformance::refusalComesAfterPipelinedResponses()
{
    HttpListener::Reply held;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        if (r.url.path() == u"/1")
            held = reply;
        else
            reply({200, {}, "two"});
    });
    Client c(server.port);
    c.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nNOT HTTP\r\n\r\n");
    QTRY_VERIFY(held);
    QVERIFY(c.read(1, 200).isEmpty()); // nothing overtakes the unanswered /1
    held({200, {}, "one"});
    const QList<Response> out = c.read(3);
    QCOMPARE(out.size(), 3);
    QCOMPARE(out[0].body, QByteArray("one"));
    QCOMPARE(out[1].body, QByteArray("two"));
    QCOMPARE(out[2].status, 400);
    QCOMPARE(out[2].header("connection"), QByteArray("close"));
    QVERIFY(c.waitClosed());
}

void tst_HttpConformance::urlFromParsedAuthority_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("url");

    QTest::newRow("origin-form") << QByteArray(
            "GET /p?q=1 HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
                                 << QByteArray("http://echo.localhost/p?q=1");
    QTest::newRow("host with port")
            << QByteArray("GET / HTTP/1.1\r\nHost: echo.localhost:8787\r\n\r\n")
            << QByteArray("http://echo.localhost:8787/");
    QTest::newRow("host lowercased") << QByteArray("GET / HTTP/1.1\r\nHost: ECHO.Localhost\r\n\r\n")
                                     << QByteArray("http://echo.localhost/");
    QTest::newRow("at sign in the path stays in the path")
            << QByteArray("GET /@thrower.localhost/ HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
            << QByteArray("http://echo.localhost/@thrower.localhost/");
    QTest::newRow("double slash stays in the path")
            << QByteArray("GET //thrower.localhost/x HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
            << QByteArray("http://echo.localhost//thrower.localhost/x");
    QTest::newRow("absolute-form wins over Host")
            << QByteArray("GET http://echo.localhost/p?x HTTP/1.1\r\nHost: thrower.localhost\r\n"
                          "\r\n")
            << QByteArray("http://echo.localhost/p?x");
    QTest::newRow("absolute-form without path")
            << QByteArray("GET http://Echo.localhost:8080 HTTP/1.1\r\nHost: x\r\n\r\n")
            << QByteArray("http://echo.localhost:8080/");
    QTest::newRow("absolute-form query only")
            << QByteArray("GET https://echo.localhost?a=b HTTP/1.1\r\nHost: x\r\n\r\n")
            << QByteArray("https://echo.localhost/?a=b");
    QTest::newRow("ipv4") << QByteArray("GET / HTTP/1.1\r\nHost: 127.0.0.1:8787\r\n\r\n")
                          << QByteArray("http://127.0.0.1:8787/");
    QTest::newRow("ipv6") << QByteArray("GET /v6 HTTP/1.1\r\nHost: [::1]:8787\r\n\r\n")
                          << QByteArray("http://[::1]:8787/v6");
    QTest::newRow("raw utf-8 in the path is encoded")
            << QByteArray("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
            << QByteArray("http://echo.localhost/caf%C3%A9");
}

void tst_HttpConformance::urlFromParsedAuthority()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, url);
    QList<HttpRequest> seen;
    auto server = start(urlEcho(&seen));
    Client c(server.port);
    c.send(request);
    const Response r = c.readOne();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, url);
    QCOMPARE(seen.size(), 1);
}

void tst_HttpConformance::invalidHostOrTargetIs400_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("reason");

    const QByteArray badHost("Invalid Host header.\n");
    QTest::newRow("host with path and query")
            << QByteArray("GET /p HTTP/1.1\r\nHost: echo.localhost/evil?x\r\n\r\n") << badHost;
    QTest::newRow("host with userinfo")
            << QByteArray("GET / HTTP/1.1\r\nHost: thrower.localhost@echo.localhost\r\n\r\n")
            << badHost;
    QTest::newRow("port out of range")
            << QByteArray("GET / HTTP/1.1\r\nHost: echo.localhost:99999\r\n\r\n") << badHost;
    QTest::newRow("port not a number")
            << QByteArray("GET / HTTP/1.1\r\nHost: echo.localhost:80a\r\n\r\n") << badHost;
    QTest::newRow("non-UTF-8 host")
            << QByteArray("GET / HTTP/1.1\r\nHost: \xff\xfe.localhost\r\n\r\n") << badHost;
    QTest::newRow("space in host")
            << QByteArray("GET / HTTP/1.1\r\nHost: echo localhost\r\n\r\n") << badHost;
    QTest::newRow("empty host") << QByteArray("GET / HTTP/1.1\r\nHost:\r\n\r\n") << badHost;
    QTest::newRow("bad ipv6") << QByteArray("GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n") << badHost;
    QTest::newRow("duplicate host")
            << QByteArray("GET / HTTP/1.1\r\nHost: echo.localhost\r\nHost: thrower.localhost\r\n"
                          "\r\n")
            << QByteArray("Invalid Host header: more than one.\n");
    QTest::newRow("missing host on 1.1")
            << QByteArray("GET / HTTP/1.1\r\n\r\n") << QByteArray("Missing Host header.\n");
    QTest::newRow("at sign target")
            << QByteArray("GET @thrower.localhost/ HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
            << QByteArray("Invalid request target: it must start with / or be an absolute "
                          "http(s) URL.\n");
    QTest::newRow("authority-form")
            << QByteArray("CONNECT echo.localhost:443 HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
            << QByteArray("Invalid request target: it must start with / or be an absolute "
                          "http(s) URL.\n");
    QTest::newRow("OPTIONS *")
            << QByteArray("OPTIONS * HTTP/1.1\r\nHost: echo.localhost\r\n\r\n")
            << QByteArray("The request target * (server-wide OPTIONS) is not supported; ask for "
                          "a path.\n");
    QTest::newRow("absolute-form with userinfo")
            << QByteArray("GET http://thrower.localhost@echo.localhost/ HTTP/1.1\r\nHost: a\r\n"
                          "\r\n")
            << QByteArray("Invalid host in the request target.\n");
    QTest::newRow("absolute-form other scheme")
            << QByteArray("GET ftp://echo.localhost/ HTTP/1.1\r\nHost: a\r\n\r\n")
            << QByteArray("Invalid request target: it must start with / or be an absolute "
                          "http(s) URL.\n");
    QTest::newRow("fragment") << QByteArray("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n")
                              << QByteArray("Invalid request target: it has a fragment.\n");
}

void tst_HttpConformance::invalidHostOrTargetIs400()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, reason);
    QList<HttpRequest> seen;
    auto server = start(urlEcho(&seen));
    Client c(server.port);
    c.send(request);
    const Response r = c.readOne();
    QCOMPARE(r.status, 400);
    QCOMPARE(r.body, reason);
    QCOMPARE(r.header("content-type"), QByteArray("text/plain;charset=UTF-8"));
    QCOMPARE(r.header("connection"), QByteArray("close"));
    QVERIFY(seen.isEmpty());
    QVERIFY(c.waitClosed());
}

void tst_HttpConformance::connectionPersistence_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("keptOpen");
    QTest::addColumn<QByteArray>("connectionHeader");

    QTest::newRow("1.1 keeps alive by default")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n\r\n") << true << QByteArray();
    QTest::newRow("1.1 with close") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: close"
                                                  "\r\n\r\n")
                                    << false << QByteArray("close");
    QTest::newRow("1.1 with close among tokens")
            << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, Close\r\n\r\n") << false
            << QByteArray("close");
    QTest::newRow("1.0 closes by default")
            << QByteArray("GET / HTTP/1.0\r\nHost: h\r\n\r\n") << false << QByteArray("close");
    QTest::newRow("1.0 without Host")
            << QByteArray("GET / HTTP/1.0\r\n\r\n") << false << QByteArray("close");
    QTest::newRow("1.0 with keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n") << true
            << QByteArray("keep-alive");
}

void tst_HttpConformance::connectionPersistence()
{
    QFETCH(QByteArray, request);
    QFETCH(bool, keptOpen);
    QFETCH(QByteArray, connectionHeader);
    auto server = start(urlEcho());
    Client c(server.port);
    // A second request right behind the first: a closing connection must not answer it.
    c.send(request + request);
    const Response first = c.readOne();
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("connection"), connectionHeader);
    if (keptOpen) {
        QCOMPARE(c.readOne().status, 200);
        QVERIFY(c.stillOpen());
        c.send(request);
        QCOMPARE(c.readOne().status, 200);
    } else {
        QVERIFY(c.waitClosed());
        QVERIFY2(c.unparsed().isEmpty(), c.unparsed());
    }
}

void tst_HttpConformance::strictChunked_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    const QByteArray chunked("Transfer-Encoding: chunked\r\n");
    QTest::newRow("well-formed") << chunked << QByteArray("3\r\nabc\r\n0\r\n\r\n") << 200;
    QTest::newRow("extension and trailer")
            << chunked << QByteArray("3;x=\"y\"\r\nabc\r\n0\r\nX-T: 1\r\n\r\n") << 200;
    QTest::newRow("uppercase hex") << chunked << QByteArray("A\r\n0123456789\r\n0\r\n\r\n") << 200;
    QTest::newRow("junk after chunk data") << chunked << QByteArray("3\r\nabcXX0\r\n\r\n") << 400;
    QTest::newRow("LF alone after chunk data")
            << chunked << QByteArray("3\r\nabc\n0\r\n\r\n") << 400;
    QTest::newRow("LF alone after chunk size")
            << chunked << QByteArray("3\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("CR alone in chunk size")
            << chunked << QByteArray("3\rX\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("negative size") << chunked << QByteArray("-3\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("0x prefix") << chunked << QByteArray("0x3\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("size overflow")
            << chunked << QByteArray("10000000000000003\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("garbage extension") << chunked << QByteArray("3 x\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::newRow("control char in trailer")
            << chunked << QByteArray("3\r\nabc\r\n0\r\nX-T: a\x01\r\n\r\n") << 400;
    QTest::newRow("chunked twice") << QByteArray("Transfer-Encoding: chunked, chunked\r\n")
                                   << QByteArray("0\r\n\r\n") << 400;
    QTest::newRow("chunked not last")
            << QByteArray("Transfer-Encoding: chunked, gzip\r\n") << QByteArray("0\r\n\r\n") << 400;
    QTest::newRow("gzip then chunked: not implemented")
            << QByteArray("Transfer-Encoding: gzip, chunked\r\n") << QByteArray("0\r\n\r\n") << 501;
    QTest::newRow("content-length with sign")
            << QByteArray("Content-Length: +3\r\n") << QByteArray("abc") << 400;
    QTest::newRow("content-length list")
            << QByteArray("Content-Length: 3, 3\r\n") << QByteArray("abc") << 400;
}

void tst_HttpConformance::strictChunked()
{
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QList<HttpRequest> seen;
    auto server = start(urlEcho(&seen));
    Client c(server.port);
    c.send("POST /upload HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n" + body);
    const Response r = c.readOne();
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(seen.size(), 1);
        QVERIFY(seen.first().body.size() == 3 || seen.first().body == "0123456789");
        QVERIFY(c.stillOpen());
    } else {
        QVERIFY(seen.isEmpty());
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QVERIFY(c.waitClosed());
    }
}

void tst_HttpConformance::controlCharactersInHeaderValues_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");

    QTest::newRow("HTAB is allowed") << QByteArray("a\tb") << 200;
    QTest::newRow("obs-text is allowed") << QByteArray("caf\xc3\xa9") << 200;
    QTest::newRow("SOH") << QByteArray("a\x01"
                                       "b")
                         << 400;
    QTest::newRow("ESC") << QByteArray("a\x1b[31mred") << 400;
    QTest::newRow("DEL") << QByteArray("a\x7f") << 400;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << 400;
    QTest::newRow("CR alone") << QByteArray("a\rb") << 400;
    QTest::newRow("LF alone") << QByteArray("a\nb") << 400;
    QTest::newRow("vertical tab") << QByteArray("a\vb") << 400;
}

void tst_HttpConformance::controlCharactersInHeaderValues()
{
    QFETCH(QByteArray, value);
    QFETCH(int, status);
    QList<HttpRequest> seen;
    auto server = start(urlEcho(&seen));
    Client c(server.port);
    c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Value: " + value + "\r\n\r\n");
    const Response r = c.readOne();
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(seen.size(), 1);
        QVERIFY(seen.first().headers.contains({"X-Value", value}));
    } else {
        QVERIFY(seen.isEmpty());
        QVERIFY(c.waitClosed());
    }
}

void tst_HttpConformance::expectContinue()
{
    QList<HttpRequest> seen;
    auto server = start(urlEcho(&seen));
    Client c(server.port);
    c.send("PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    QCOMPARE(c.readOne().status, 100);
    c.send("hello");
    QCOMPARE(c.readOne().status, 200);
    QCOMPARE(seen.value(0).body, QByteArray("hello"));
}

void tst_HttpConformance::headerTimeoutClosesSlowloris()
{
    int calls = 0;
    auto server = start(
            [&](HttpRequest, HttpListener::Reply reply) {
                ++calls;
                reply({200, {}, {}});
            },
            quickLimits());
    Client c(server.port);
    c.send("GET / HTTP/1.1\r\nHost: h\r\n");
    // A header line now and then, never the end of the head: the timeout runs from the first byte.
    QElapsedTimer t;
    t.start();
    bool closed = false;
    while (!closed && t.elapsed() < 15000) {
        c.send("X-Slow: 1\r\n");
        closed = c.waitClosed(50);
    }
    QVERIFY(closed);
    QCOMPARE(calls, 0);
}

void tst_HttpConformance::silentConnectionIsClosed()
{
    auto server = start(urlEcho(), quickLimits());
    Client c(server.port);
    QVERIFY(c.connected());
    QVERIFY(c.waitClosed());
    QVERIFY(c.unparsed().isEmpty()); // no 408 to a client that never asked
    QTRY_COMPARE(server.listener->connectionCount(), 0);
}

void tst_HttpConformance::bodyTimeoutClosesStalledUpload()
{
    int calls = 0;
    auto server = start(
            [&](HttpRequest, HttpListener::Reply reply) {
                ++calls;
                reply({200, {}, {}});
            },
            quickLimits());
    Client c(server.port);
    c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
    const Response r = c.readOne(15000);
    QCOMPARE(r.status, 408);
    QVERIFY(c.waitClosed());
    QCOMPARE(calls, 0);
}

void tst_HttpConformance::idleKeepAliveTimeoutCloses()
{
    auto server = start(urlEcho(), quickLimits());
    Client c(server.port);
    c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(c.readOne().status, 200);
    QVERIFY(c.waitClosed());
    QVERIFY(c.unparsed().isEmpty());
    QTRY_COMPARE(server.listener->connectionCount(), 0);
}

void tst_HttpConformance::connectionCapReapsIdleConnections()
{
    ListenerLimits limits;
    limits.maxConnections = 4;
    auto server = start(urlEcho(), limits);
    QCOMPARE(server.listener->effectiveMaxConnections(), 4);
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < 4; ++i) {
        idle.push_back(std::make_unique<Client>(server.port));
        idle.back()->send("GET /idle HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(idle.back()->readOne().status, 200);
    }
    QCOMPARE(server.listener->connectionCount(), 4);
    // Over the cap: the longest-idle connection makes room and the new request is served.
    for (int round = 0; round < 3; ++round) {
        Client fresh(server.port);
        fresh.send("GET /fresh HTTP/1.1\r\nHost: h\r\n\r\n");
        const Response r = fresh.readOne();
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.endsWith("/fresh"));
        QVERIFY(server.listener->connectionCount() <= 4);
    }
    QVERIFY(idle.front()->waitClosed());
}

void tst_HttpConformance::connectionCapRefusesWhenNoneIdle()
{
    ListenerLimits limits;
    limits.maxConnections = 3;
    QList<HttpListener::Reply> held;
    auto server = start(
            [&](HttpRequest r, HttpListener::Reply reply) {
                if (r.url.path() == u"/hold")
                    held.append(reply);
                else
                    reply({200, {}, "served"});
            },
            limits);
    std::vector<std::unique_ptr<Client>> busy;
    for (int i = 0; i < 3; ++i) {
        busy.push_back(std::make_unique<Client>(server.port));
        busy.back()->send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
    }
    QTRY_COMPARE(held.size(), 3);
    // Every connection has a request in flight: a new one is closed, without an answer.
    const double cpuBefore = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < 5; ++i) {
        Client refused(server.port);
        refused.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        QVERIFY(refused.waitClosed());
        QVERIFY(refused.unparsed().isEmpty());
    }
    QTest::qWait(300);
    // Refusing must not keep the thread busy (it did when the listener retried in a loop).
    QVERIFY2(cpuSeconds() - cpuBefore < 0.5 * double(wall.elapsed()) / 1000.0,
             "the listener kept the CPU busy while at its connection cap");
    QCOMPARE(server.listener->connectionCount(), 3);
    // Once they are answered they idle, and the next client is served in their place.
    for (auto &reply : held)
        reply({200, {}, "held"});
    for (auto &c : busy)
        QCOMPARE(c->readOne().body, QByteArray("held"));
    Client after(server.port);
    after.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(after.readOne().body, QByteArray("served"));
}

void tst_HttpConformance::acceptFailingWithEmfileDoesNotSpin()
{
    QList<HttpListener::Reply> held;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        if (r.url.path() == u"/hold")
            held.append(reply);
        else
            reply({200, {}, r.url.path().toUtf8()});
    });
    rlimit saved {};
    QVERIFY(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    // Fill every free descriptor number below the highest in use, then leave room for exactly
    // one connection (its client and server ends) and one more client: the server's accept() of
    // that client fails with EMFILE.
    int highest = 0;
    for (const QString &entry : QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files))
        highest = std::max(highest, entry.toInt());
    std::vector<int> fillers;
    for (int fd = ::dup(0); fd >= 0; fd = ::dup(0)) {
        fillers.push_back(fd);
        if (fd > highest)
            break;
    }
    QVERIFY(!fillers.empty());
    rlimit tight = saved;
    tight.rlim_cur = rlim_t(fillers.back() + 1 + 3);
    QVERIFY(setrlimit(RLIMIT_NOFILE, &tight) == 0);
    auto restore = qScopeGuard([&] {
        setrlimit(RLIMIT_NOFILE, &saved);
        for (int fd : fillers)
            ::close(fd);
    });

    // Busy, so the listener cannot close it to make room.
    Client first(server.port);
    first.send("GET /hold HTTP/1.1\r\nHost: h\r\n\r\n");
    QTRY_COMPARE(held.size(), 1);
    Client second(server.port); // the handshake completes in the kernel; accept() cannot
    QVERIFY(second.connected());
    second.send("GET /second HTTP/1.1\r\nHost: h\r\n\r\n");
    const double cpuBefore = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    QVERIFY(second.read(1, 500).isEmpty());
    QVERIFY2(cpuSeconds() - cpuBefore < 0.5 * double(wall.elapsed()) / 1000.0,
             "the listener spun on a failing accept()");
    // Descriptors again: the waiting connection is accepted and served.
    restore.dismiss();
    setrlimit(RLIMIT_NOFILE, &saved);
    const Response r = second.readOne();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("/second"));
    for (int fd : fillers)
        ::close(fd);
    held.first()({200, {}, "first"});
    QCOMPARE(first.readOne().body, QByteArray("first"));
}

void tst_HttpConformance::shutdownDrainsGracefully()
{
    QList<HttpListener::Reply> held;
    auto server = start([&](HttpRequest r, HttpListener::Reply reply) {
        if (r.url.path() == u"/slow")
            held.append(reply);
        else
            reply({200, {}, "quick"});
    });
    QSignalSpy drained(server.listener.get(), &HttpListener::drained);
    Client idle(server.port);
    idle.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(idle.readOne().status, 200);
    Client busy(server.port);
    busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
    QTRY_COMPARE(held.size(), 1);
    Client partial(server.port);
    partial.send("POST /slow HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
    QTRY_COMPARE(server.listener->connectionCount(), 3);

    server.listener->shutdown(std::chrono::seconds(30));
    QVERIFY(idle.waitClosed()); // idle keep-alive connections go at once
    Client late(server.port);
    QVERIFY(!late.connected() || late.waitClosed()); // no longer accepting
    QVERIFY(busy.stillOpen());
    QCOMPARE(drained.size(), 0);

    held.takeFirst()({200, {}, "slow done"});
    const Response r = busy.readOne();
    QCOMPARE(r.body, QByteArray("slow done"));
    QCOMPARE(r.header("connection"), QByteArray("close"));
    QVERIFY(busy.waitClosed());

    partial.send("cd"); // a request partly received may finish, and is the connection's last
    QTRY_COMPARE(held.size(), 1);
    held.takeFirst()({200, {}, "partial done"});
    const Response p = partial.readOne();
    QCOMPARE(p.body, QByteArray("partial done"));
    QCOMPARE(p.header("connection"), QByteArray("close"));
    QVERIFY(partial.waitClosed());
    QTRY_COMPARE(drained.size(), 1);
}

void tst_HttpConformance::shutdownAnswersLeftoversAtDeadline()
{
    QList<HttpListener::Reply> held;
    auto server = start([&](HttpRequest, HttpListener::Reply reply) { held.append(reply); });
    QSignalSpy drained(server.listener.get(), &HttpListener::drained);
    Client c(server.port);
    c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QTRY_COMPARE(held.size(), 1);
    server.listener->shutdown(std::chrono::milliseconds(200));
    const Response r = c.readOne();
    QCOMPARE(r.status, 503);
    QVERIFY(c.waitClosed());
    QTRY_COMPARE(drained.size(), 1);
    held.first()({200, {}, "too late"}); // dropped, no crash

    // Nothing to drain: drained() still comes.
    auto empty = start(urlEcho());
    QSignalSpy emptyDrained(empty.listener.get(), &HttpListener::drained);
    empty.listener->shutdown(std::chrono::seconds(5));
    QTRY_COMPARE(emptyDrained.size(), 1);
}

void tst_HttpConformance::parseRequestStreamWithoutSockets()
{
    ListenerLimits limits;
    const StreamParse good = parseRequestStream(
            "POST /a HTTP/1.1\r\nHost: echo.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3\r\nabc\r\n0\r\n\r\nGET http://x.localhost/b HTTP/1.1\r\nHost: y\r\n\r\n",
            limits);
    QCOMPARE(good.status, 0);
    QCOMPARE(good.requests.size(), 2);
    QCOMPARE(good.requests[0].url, QUrl("http://echo.localhost/a"));
    QCOMPARE(good.requests[0].body, QByteArray("abc"));
    QCOMPARE(good.requests[1].url, QUrl("http://x.localhost/b"));

    const StreamParse bad = parseRequestStream(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", limits);
    QCOMPARE(bad.requests.size(), 1);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.reason, QByteArray("Invalid Host header."));
}

QTEST_GUILESS_MAIN(tst_HttpConformance)
#include "tst_httpconformance.moc"
