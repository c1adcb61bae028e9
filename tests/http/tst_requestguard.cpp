#include "http/requestguard.h"

#include <QTest>

using namespace switchyard::http;
using Verdict = RequestGuard::Verdict;

class tst_RequestGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void feed_data();
    void feed();
    void splitAnywhere();
    void requestsComeOutWhole();
};

static ListenerLimits smallLimits()
{
    ListenerLimits l;
    l.maxBodyBytes = 100;
    l.maxHeaderBytes = 200;
    l.maxUrlBytes = 50;
    return l;
}

void tst_RequestGuard::feed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<QByteArray>("reason");

    QTest::newRow("simple get") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << Verdict::Pass
                                << QByteArray();
    QTest::newRow("incomplete head")
            << QByteArray("GET / HTTP/1.1\r\nHo") << Verdict::Pass << QByteArray();
    QTest::newRow("pipelined") << QByteArray("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.0\r\n\r\n")
                               << Verdict::Pass << QByteArray();
    QTest::newRow("body within cap")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n")
            << Verdict::Pass << QByteArray();
    QTest::newRow("body bytes not parsed as head")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nGARBAGE\r\n")
            << Verdict::Pass << QByteArray();
    QTest::newRow("chunked then next")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
                          "\r\nGET / HTTP/1.1\r\n\r\n")
            << Verdict::Pass << QByteArray();
    QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << Verdict::BadRequest
                             << QByteArray("Malformed request line.");
    QTest::newRow("http/2 line") << QByteArray("GET / HTTP/2\r\n\r\n") << Verdict::BadRequest
                                 << QByteArray("Malformed request line.");
    QTest::newRow("nul in method") << QByteArray("G\0T / HTTP/1.1\r\n\r\n", 18)
                                   << Verdict::BadRequest << QByteArray("Malformed request line.");
    QTest::newRow("separator in method")
            << QByteArray("GE(T / HTTP/1.1\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Malformed request line.");
    QTest::newRow("no target") << QByteArray("GET  HTTP/1.1\r\n\r\n") << Verdict::BadRequest
                               << QByteArray("Malformed request line.");
    QTest::newRow("space in target")
            << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Malformed request line.");
    QTest::newRow("lowercase version")
            << QByteArray("GET / http/1.1\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Malformed request line.");
    QTest::newRow("token method") << QByteArray("M-SEARCH * HTTP/1.1\r\nHost: a\r\n\r\n")
                                  << Verdict::Pass << QByteArray();
    QTest::newRow("transfer-encoding any case")
            << QByteArray("POST / HTTP/1.1\r\nTRANSFER-Encoding: gzip, CHUNKED\r\n"
                          "content-LENGTH: 3\r\n\r\n")
            << Verdict::BadRequest
            << QByteArray("Both Content-Length and Transfer-Encoding are set.");
    QTest::newRow("header without colon")
            << QByteArray("GET / HTTP/1.1\r\nHost a\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Malformed header line.");
    QTest::newRow("obsolete folding")
            << QByteArray("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Malformed header line.");
    QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Malformed header line.");
    QTest::newRow("bad content-length")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n") << Verdict::BadRequest
            << QByteArray("Invalid Content-Length.");
    QTest::newRow("conflicting content-length")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            << Verdict::BadRequest << QByteArray("Invalid Content-Length.");
    QTest::newRow("length and chunked")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n"
                          "\r\n")
            << Verdict::BadRequest
            << QByteArray("Both Content-Length and Transfer-Encoding are set.");
    QTest::newRow("body over cap")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n") << Verdict::BodyTooLarge
            << QByteArray("Request body exceeds 100 bytes.");
    QTest::newRow("headers over cap")
            << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(300, 'a') + "\r\n\r\n")
            << Verdict::HeadersTooLarge << QByteArray("Request headers exceed 200 bytes.");
    QTest::newRow("unterminated headers over cap")
            << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(300, 'a'))
            << Verdict::HeadersTooLarge << QByteArray("Request headers exceed 200 bytes.");
    QTest::newRow("chunked over cap")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n"
                          + QByteArray(64, 'x') + "\r\n40\r\n")
            << Verdict::BodyTooLarge << QByteArray("Request body exceeds 100 bytes.");
    QTest::newRow("chunk size not hex")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            << Verdict::BadRequest << QByteArray("Malformed chunked body.");
    QTest::newRow("chunk extension and trailer")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n"
                          "0\r\nX-T: 1\r\n\r\nGET / HTTP/1.1\r\n\r\n")
            << Verdict::Pass << QByteArray();
    QTest::newRow("url over cap") << QByteArray("GET /" + QByteArray(60, 'a') + " HTTP/1.1\r\n\r\n")
                                  << Verdict::UriTooLong
                                  << QByteArray("Request URL exceeds 50 bytes.");
}

void tst_RequestGuard::feed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(Verdict, verdict);
    QFETCH(QByteArray, reason);
    RequestGuard guard(smallLimits());
    QCOMPARE(guard.feed(bytes.constData(), bytes.size()), verdict);
    QCOMPARE(guard.reason(), reason);
}

// TCP splits a request anywhere: the verdict must not depend on where.
void tst_RequestGuard::splitAnywhere()
{
    const QByteArray good("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbodyGET /y "
                          "HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                          "GET /z HTTP/1.1\r\n\r\n");
    const QByteArray bad(good + "NOT HTTP\r\n\r\n");
    for (qsizetype cut = 1; cut < good.size(); ++cut) {
        RequestGuard g(smallLimits());
        QCOMPARE(g.feed(good.constData(), cut), Verdict::Pass);
        QCOMPARE(g.feed(good.constData() + cut, good.size() - cut), Verdict::Pass);
        RequestGuard b(smallLimits());
        const Verdict first = b.feed(bad.constData(), cut);
        QCOMPARE(first, Verdict::Pass);
        QCOMPARE(b.feed(bad.constData() + cut, bad.size() - cut), Verdict::BadRequest);
    }
}

// What the listener takes from the guard: every field as sent, bodies dechunked, persistence.
void tst_RequestGuard::requestsComeOutWhole()
{
    const QByteArray bytes("POST /a?b HTTP/1.1\r\nHost: h\r\nX-Two:  a, b \r\nTransfer-Encoding: "
                           "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                           "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    for (qsizetype cut = 1; cut < bytes.size(); ++cut) {
        RequestGuard g(smallLimits());
        QCOMPARE(g.feed(bytes.constData(), cut), Verdict::Pass);
        QCOMPARE(g.feed(bytes.constData() + cut, bytes.size() - cut), Verdict::Pass);
        QVERIFY(g.hasRequest());
        const ParsedRequest post = g.takeRequest();
        QCOMPARE(post.method, QByteArray("POST"));
        QCOMPARE(post.target, QByteArray("/a?b"));
        QCOMPARE(post.body, QByteArray("abcde"));
        QVERIFY(post.headers.contains({"X-Two", "a, b"}));
        QVERIFY(post.keepAlive);
        const ParsedRequest http10 = g.takeRequest();
        QVERIFY(http10.http10);
        QVERIFY(!http10.keepAlive);
        QVERIFY(!g.takeRequest().keepAlive);
        QVERIFY(!g.hasRequest());
        QVERIFY(!g.midHead() && !g.midBody());
    }
}

QTEST_GUILESS_MAIN(tst_RequestGuard)
#include "tst_requestguard.moc"
