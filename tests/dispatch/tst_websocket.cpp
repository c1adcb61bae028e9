// WebSockets end to end, as clients meet them: a real client (QWebSocket, or raw bytes where a
// client must misbehave) through the dispatch listener to a dispatcher that forwards to user
// Workers with `env.DISPATCHER.get(name).fetch(request)`, or answers itself. Echo of text and
// binary, the close handshake from each side, per-event CPU limits and a tenant stopped by its
// own, Cloudflare's 1 MiB message limit, unmasked client frames, a client that disconnects, and a
// flood that does not stall another tenant.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"
#include "../common/rawwebsocket.h"
#include "../common/tracelog.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"
#include "store/records.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "sockets";
constexpr int kWait = 30000;

// burner-* tenants run under a 50 ms CPU limit; ?wrap makes the dispatcher answer with a Response
// of its own around the user Worker's socket instead of returning the user Worker's response.
constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    // QWebSocket sends the URL's host as Host: its clients name the tenant in the path instead.
    const name = url.hostname === "127.0.0.1" ? url.pathname.split("/")[1] : url.hostname.split(".")[0];
    if (name === "direct") {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("message", (e) => server.send("dispatcher:" + e.data));
      return new Response(null, { status: 101, webSocket: client });
    }
    const options = name.startsWith("burner") ? { limits: { cpuMs: 50 } } : {};
    const res = await env.DISPATCHER.get(name, {}, options).fetch(request);
    if (url.searchParams.has("wrap") && res.webSocket)
      return new Response(null, { status: 101, webSocket: res.webSocket, headers: res.headers });
    return res;
  } };)JS";

// Module state is the Instance's: GET /state shows what its sockets saw.
constexpr char echoCode[] = R"JS(const closes = [];
let messages = 0;
const spin = (ms) => { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x++; return x; };
export default { async fetch(request) {
  if (request.headers.get("upgrade") !== "websocket")
    return Response.json({ closes, messages });
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.addEventListener("message", (e) => {
    ++messages;
    if (typeof e.data !== "string") { server.send(e.data); return; }
    if (e.data === "close-me") server.close(4000, "asked to");
    else if (e.data === "forever") { for (;;) {} }
    else if (e.data.startsWith("log:")) { console.log("got", e.data); server.send("logged"); }
    else if (e.data.startsWith("burn:")) server.send("burnt " + spin(Number(e.data.slice(5))) * 0);
    else server.send("echo:" + e.data);
  });
  // workerd sends no close back by itself (before web_socket_auto_reply_to_close): the Worker
  // answers, as Cloudflare's examples do.
  server.addEventListener("close", (e) => {
    closes.push([e.code, e.reason, e.wasClean]);
    if (e.code !== 1005 && e.code !== 1006) server.close(e.code, e.reason);
  });
  // ?nodeflate: the Worker asks for no compression, as workerd lets it.
  const headers = { "x-tenant": "echo" };
  if (new URL(request.url).searchParams.has("nodeflate")) headers["sec-websocket-extensions"] = "";
  return new Response(null, { status: 101, webSocket: client, headers });
} };)JS";

// A QWebSocket opened to `host` (the Host header picks the tenant) through the listener.
struct Client
{
    QWebSocket socket;
    QStringList texts;
    QList<QByteArray> binaries;
    bool closed = false;

    Client()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &m) { texts.append(m); });
        QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &socket,
                         [this](const QByteArray &m) { binaries.append(m); });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] { closed = true; });
        socket.setMaxAllowedIncomingMessageSize(4 * 1024 * 1024);
    }
    // `host` names the tenant, as the first label of a host name would.
    bool open(quint16 port, const QByteArray &host, const QByteArray &query = {})
    {
        const QString tenant = QString::fromLatin1(host.left(host.indexOf('.')));
        socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/%2%3")
                                 .arg(port)
                                 .arg(tenant, QString::fromLatin1(query))));
        QSignalSpy connected(&socket, &QWebSocket::connected);
        return connected.wait(kWait) || socket.state() == QAbstractSocket::ConnectedState;
    }
};

// The upgrade request a raw client sends.
QByteArray upgradeRequest(const QByteArray &host)
{
    return "GET / HTTP/1.1\r\nHost: " + host
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
}

// Opens `raw`, sends `request` and reads the answer's head (lower-cased); what followed the head
// stays in `*rest`. False when no head arrived.
bool rawUpgrade(QTcpSocket &raw, quint16 port, const QByteArray &request, QByteArray *head,
                QByteArray *rest)
{
    raw.connectToHost(QHostAddress::LocalHost, port);
    if (!raw.waitForConnected(kWait))
        return false;
    raw.write(request);
    QByteArray in;
    if (!QTest::qWaitFor(
                [&] {
                    in += raw.readAll();
                    return in.contains("\r\n\r\n");
                },
                kWait))
        return false;
    const qsizetype end = in.indexOf("\r\n\r\n");
    *head = in.left(end).toLower();
    *rest = in.mid(end + 4);
    return true;
}

// A masked client frame.
QByteArray clientFrame(int opcode, const QByteArray &payload)
{
    QByteArray out;
    out += char(0x80 | opcode);
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (payload.size() < 126) {
        out += char(0x80 | payload.size());
    } else {
        out += char(0x80 | 126);
        out += char((payload.size() >> 8) & 0xff);
        out += char(payload.size() & 0xff);
    }
    out.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out += char(payload[i] ^ mask[i % 4]);
    return out;
}
} // namespace

using switchyard::testing::rawDeflate;
using switchyard::testing::rawInflate;
using switchyard::testing::takeServerFrame;

class tst_WebSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void echoTextAndBinary_data() { wrapRows(); }
    void echoTextAndBinary();
    void dispatcherAnswersItself();
    void handshakeHeaders();
    void permessageDeflateBothWays();
    void workerCanRefuseCompression();
    void clientClosesFirst();
    void workerClosesFirst();
    void clientDisconnectIsA1006();
    void eachMessageHasItsOwnCpuLimit();
    void tenantOverItsCpuLimitIsClosed1011();
    void oversizedMessageIs1009();
    void unmaskedFrameIs1002();
    void pingIsAnsweredByTheListener();
    void floodDoesNotStallAnotherTenant();
    void oneTracePerSocket();
    void upgradeWithoutSocketStaysHttp();
    void socketWithoutUpgradeIs500();

private:
    // The outcomes of the traces of `script` that answered 101.
    static QStringList socketOutcomes(const testing::TraceLog &traces, const QString &script)
    {
        QStringList out;
        for (const store::TraceRecord &trace : traces.traces()) {
            if (trace.scriptName == script
                && trace.event.value(u"response").toObject().value(u"status").toInt() == 101)
                out << trace.outcome;
        }
        return out;
    }
    void wrapRows()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::newRow("response as fetched") << QByteArray();
        QTest::newRow("re-wrapped by the dispatcher") << QByteArray("?wrap");
    }
    QJsonObject state(const QByteArray &host)
    {
        const RawResponse r = rawRequest(m_stack.port(), "GET", host, "/state");
        return QJsonDocument::fromJson(r.body).object();
    }
    // The close events Worker `host` saw, as "code reason wasClean" lines.
    QStringList closes(const QByteArray &host)
    {
        QStringList out;
        for (const QJsonValue &c : state(host).value(QStringLiteral("closes")).toArray()) {
            const QJsonArray a = c.toArray();
            out << QStringLiteral("%1 %2 %3")
                            .arg(a.at(0).toInt())
                            .arg(a.at(1).toString())
                            .arg(a.at(2).toBool() ? "clean" : "unclean");
        }
        return out;
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_WebSocket::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char *name :
         {"echo", "closer", "leaver", "burner", "burner2", "flooder", "other", "tracer"}) {
        const QString put = m_stack.putUserWorker(QString::fromLatin1(name), echoCode);
        QVERIFY2(put.isEmpty(), qPrintable(put));
    }
}

void tst_WebSocket::cleanupTestCase()
{
    m_stack.stop();
}

void tst_WebSocket::echoTextAndBinary()
{
    QFETCH(QByteArray, query);
    Client client;
    QVERIFY(client.open(m_stack.port(), "echo.example.com", query));
    client.socket.sendTextMessage(QStringLiteral("hello"));
    client.socket.sendTextMessage(QStringLiteral("wörld ✓"));
    const QByteArray bytes("\x00\x01\x02\xff", 4);
    client.socket.sendBinaryMessage(bytes);
    const QByteArray big(200 * 1024, 'b'); // past one read of the listener, in several frames
    client.socket.sendBinaryMessage(big);
    QTRY_COMPARE_WITH_TIMEOUT(client.binaries.size(), 2, kWait);
    QCOMPARE(client.texts, (QStringList {"echo:hello", "echo:wörld ✓"}));
    QCOMPARE(client.binaries.at(0), bytes);
    QCOMPARE(client.binaries.at(1), big);
    client.socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
}

void tst_WebSocket::dispatcherAnswersItself()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), "direct.example.com"));
    client.socket.sendTextMessage(QStringLiteral("hi"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts, QStringList {"dispatcher:hi"}, kWait);
    client.socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
}

void tst_WebSocket::handshakeHeaders()
{
    QTcpSocket raw;
    QByteArray head, in;
    QVERIFY(rawUpgrade(raw, m_stack.port(), upgradeRequest("echo.example.com"), &head, &in));
    QVERIFY2(head.startsWith("http/1.1 101 switching protocols"), head.constData());
    // RFC 6455's own example key and answer.
    QVERIFY2(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), head.constData());
    QVERIFY(head.contains("upgrade: websocket"));
    QVERIFY(head.contains("x-tenant: echo")); // the Worker's own headers go along
}

void tst_WebSocket::permessageDeflateBothWays()
{
    // A browser's offer: the listener accepts it without context takeover either way, inflates
    // what the client compresses (RFC 7692's own "Hello"), and compresses what the Worker sends
    // when that gains something.
    QTcpSocket raw;
    QByteArray request = upgradeRequest("echo.example.com");
    request.insert(request.size() - 2,
                   "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    QByteArray head, in;
    QVERIFY(rawUpgrade(raw, m_stack.port(), request, &head, &in));
    QVERIFY2(head.startsWith("http/1.1 101"), head.constData());
    QVERIFY2(head.contains("\r\nsec-websocket-extensions: permessage-deflate; "
                           "server_no_context_takeover; client_no_context_takeover"),
             head.constData());

    QByteArray hello = clientFrame(1, QByteArray("\xf2\x48\xcd\xc9\xc9\x07\x00", 7));
    hello[0] = char(hello.at(0) | 0x40);
    raw.write(hello);
    int first = 0;
    QByteArray payload;
    QVERIFY(QTest::qWaitFor(
            [&] { return (in += raw.readAll(), takeServerFrame(in, &first, &payload)); }, kWait));
    QCOMPARE(first, 0x81); // short: sent as it is
    QCOMPARE(payload, QByteArray("echo:Hello"));

    const QByteArray long_(5000, 'a');
    QByteArray compressed = clientFrame(1, rawDeflate(long_));
    compressed[0] = char(compressed.at(0) | 0x40);
    raw.write(compressed);
    QVERIFY(QTest::qWaitFor(
            [&] { return (in += raw.readAll(), takeServerFrame(in, &first, &payload)); }, kWait));
    QCOMPARE(first, 0xc1); // FIN, RSV1, text
    QVERIFY(payload.size() < 200);
    QCOMPARE(rawInflate(payload), "echo:" + long_);

    // 16 MiB of zeros in a 16 KiB message: refused at the 1 MiB limit, never inflated whole.
    QByteArray bomb = clientFrame(2, rawDeflate(QByteArray(16 * 1024 * 1024, '\0')));
    bomb[0] = char(bomb.at(0) | 0x40);
    raw.write(bomb);
    QVERIFY(QTest::qWaitFor(
            [&] { return (in += raw.readAll(), takeServerFrame(in, &first, &payload)); }, kWait));
    QCOMPARE(first, 0x88);
    QCOMPARE((quint8(payload[0]) << 8) | quint8(payload[1]), 1009);
    QCOMPARE(payload.mid(2), QByteArray("Message is too large"));
}

void tst_WebSocket::workerCanRefuseCompression()
{
    // workerd's rule: an empty Sec-WebSocket-Extensions in the Worker's 101 means none; and a
    // client that offers nothing gets nothing.
    for (const QByteArray &path : {QByteArray("/?nodeflate"), QByteArray("/")}) {
        QTcpSocket raw;
        QByteArray request = upgradeRequest("echo.example.com");
        request.replace("GET / ", "GET " + path + ' ');
        if (path.contains("nodeflate"))
            request.insert(request.size() - 2, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        QByteArray head, in;
        QVERIFY(rawUpgrade(raw, m_stack.port(), request, &head, &in));
        QVERIFY2(head.startsWith("http/1.1 101"), head.constData());
        QVERIFY2(!head.contains("sec-websocket-extensions"), head.constData());
        // Then RSV1 is a protocol error.
        QByteArray hello = clientFrame(1, QByteArray("\xf2\x48\xcd\xc9\xc9\x07\x00", 7));
        hello[0] = char(hello.at(0) | 0x40);
        raw.write(hello);
        int first = 0;
        QByteArray payload;
        QVERIFY(QTest::qWaitFor(
                [&] { return (in += raw.readAll(), takeServerFrame(in, &first, &payload)); },
                kWait));
        QCOMPARE(first, 0x88);
        QCOMPARE((quint8(payload[0]) << 8) | quint8(payload[1]), 1002);
    }
}

void tst_WebSocket::clientClosesFirst()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), "closer.example.com"));
    client.socket.sendTextMessage(QStringLiteral("one"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts.size(), 1, kWait);
    client.socket.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    // The Worker answered the close with its own (the listener echoes nothing itself).
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QTRY_VERIFY_WITH_TIMEOUT(closes("closer.example.com").contains("1000 bye clean"), kWait);
}

void tst_WebSocket::workerClosesFirst()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), "closer.example.com"));
    client.socket.sendTextMessage(QStringLiteral("close-me"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 4000);
    QCOMPARE(client.socket.closeReason(), QStringLiteral("asked to"));
    // The client's answer reached the Worker as its close event.
    QTRY_VERIFY_WITH_TIMEOUT(closes("closer.example.com").contains("4000 asked to clean"), kWait);
}

void tst_WebSocket::clientDisconnectIsA1006()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), "leaver.example.com"));
    client.socket.sendTextMessage(QStringLiteral("x"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts.size(), 1, kWait);
    client.socket.abort();
    QTRY_VERIFY_WITH_TIMEOUT(
            closes("leaver.example.com")
                    .contains("1006 WebSocket disconnected without sending Close frame. unclean"),
            kWait);
}

void tst_WebSocket::eachMessageHasItsOwnCpuLimit()
{
    // Five messages of 20 ms CPU each under a 50 ms limit: every event gets the whole limit.
    Client client;
    QVERIFY(client.open(m_stack.port(), "burner2.example.com"));
    for (int i = 0; i < 5; ++i)
        client.socket.sendTextMessage(QStringLiteral("burn:20"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts.size(), 5, kWait);
    QVERIFY(!client.closed);
    client.socket.sendTextMessage(QStringLiteral("still here"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts.size(), 6, kWait);
    QCOMPARE(client.texts.last(), QStringLiteral("echo:still here"));
    client.socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
}

void tst_WebSocket::tenantOverItsCpuLimitIsClosed1011()
{
    testing::TraceLog traces(m_stack.service());
    Client client;
    QVERIFY(client.open(m_stack.port(), "burner.example.com"));
    client.socket.sendTextMessage(QStringLiteral("before"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts, QStringList {"echo:before"}, kWait);
    client.socket.sendTextMessage(QStringLiteral("forever"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 1011);
    // The socket's Invocation is one trace, ended by the limit.
    QTRY_VERIFY_WITH_TIMEOUT(socketOutcomes(traces, "burner").contains("exceededCpu"), kWait);
    // Another tenant is unaffected, and so is the burner's next connection.
    Client other;
    QVERIFY(other.open(m_stack.port(), "other.example.com"));
    other.socket.sendTextMessage(QStringLiteral("fine?"));
    QTRY_COMPARE_WITH_TIMEOUT(other.texts, QStringList {"echo:fine?"}, kWait);
    Client again;
    QVERIFY(again.open(m_stack.port(), "burner.example.com"));
    again.socket.sendTextMessage(QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(again.texts, QStringList {"echo:after"}, kWait);
}

void tst_WebSocket::oversizedMessageIs1009()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), "echo.example.com"));
    client.socket.sendBinaryMessage(QByteArray(1024 * 1024, 'x')); // the limit itself is fine
    QTRY_COMPARE_WITH_TIMEOUT(client.binaries.size(), 1, kWait);
    client.socket.sendBinaryMessage(QByteArray(1024 * 1024 + 1, 'x'));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
}

void tst_WebSocket::unmaskedFrameIs1002()
{
    QTcpSocket raw;
    QByteArray head, in;
    QVERIFY(rawUpgrade(raw, m_stack.port(), upgradeRequest("echo.example.com"), &head, &in));
    QVERIFY2(head.startsWith("http/1.1 101"), head.constData());
    raw.write(QByteArray("\x81\x02hi", 4)); // a text frame without a mask
    QTRY_VERIFY_WITH_TIMEOUT((in += raw.readAll()).size() >= 4
                                     || raw.state() != QAbstractSocket::ConnectedState,
                             kWait);
    QVERIFY(in.size() >= 4);
    QCOMPARE(quint8(in[0]), quint8(0x88)); // a close frame
    QCOMPARE((quint8(in[2]) << 8) | quint8(in[3]), 1002);
    QTRY_VERIFY_WITH_TIMEOUT(
            raw.state() == QAbstractSocket::UnconnectedState
                    || (raw.waitForReadyRead(100),
                        raw.atEnd() && raw.state() != QAbstractSocket::ConnectedState),
            kWait);
}

void tst_WebSocket::pingIsAnsweredByTheListener()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), "echo.example.com"));
    QSignalSpy pong(&client.socket, &QWebSocket::pong);
    client.socket.ping("are you there");
    QTRY_COMPARE_WITH_TIMEOUT(pong.size(), 1, kWait);
    QCOMPARE(pong.at(0).at(1).toByteArray(), QByteArray("are you there"));
}

void tst_WebSocket::floodDoesNotStallAnotherTenant()
{
    // The flooder writes 20,000 frames without reading a single echo.
    QTcpSocket flood;
    QByteArray head, in;
    QVERIFY(rawUpgrade(flood, m_stack.port(), upgradeRequest("flooder.example.com"), &head, &in));
    QVERIFY2(head.startsWith("http/1.1 101"), head.constData());
    QByteArray frames;
    for (int i = 0; i < 20000; ++i)
        frames += clientFrame(1, "flood " + QByteArray::number(i));
    flood.write(frames);
    // Meanwhile another tenant's round trips work.
    Client other;
    QVERIFY(other.open(m_stack.port(), "other.example.com"));
    for (int i = 0; i < 20; ++i)
        other.socket.sendTextMessage(QStringLiteral("m%1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(other.texts.size(), 20, kWait);
    QCOMPARE(other.texts.last(), QStringLiteral("echo:m19"));
    // The flooder's messages are handled as it reads its echoes: none is lost.
    QTRY_COMPARE_WITH_TIMEOUT(
            (flood.readAll(),
             state("flooder.example.com").value(QStringLiteral("messages")).toInt()),
            20000, 120000);
}

void tst_WebSocket::oneTracePerSocket()
{
    testing::TraceLog traces(m_stack.service());
    Client client;
    QVERIFY(client.open(m_stack.port(), "tracer.example.com"));
    client.socket.sendTextMessage(QStringLiteral("log:one"));
    client.socket.sendTextMessage(QStringLiteral("log:two"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts.size(), 2, kWait);
    QVERIFY(socketOutcomes(traces, "tracer").isEmpty()); // open: its Invocation goes on
    client.socket.close();
    QTRY_COMPARE_WITH_TIMEOUT(socketOutcomes(traces, "tracer"), QStringList {"ok"}, kWait);
    for (const store::TraceRecord &trace : traces.traces()) {
        if (trace.scriptName != QLatin1String("tracer"))
            continue;
        const QByteArray logs = QJsonDocument(trace.logs).toJson(QJsonDocument::Compact);
        QVERIFY2(logs.contains("log:one") && logs.contains("log:two"), logs.constData());
    }
}

void tst_WebSocket::upgradeWithoutSocketStaysHttp()
{
    // An upgrade request answered with an ordinary response (here the dispatcher's error for a
    // tenant that does not exist) is an ordinary HTTP exchange.
    const RawResponse r = rawRequest(m_stack.port(), "GET", "nobody.example.com", "/", {},
                                     {{"Upgrade", "websocket"},
                                      {"Connection", "Upgrade"},
                                      {"Sec-WebSocket-Version", "13"},
                                      {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
    QVERIFY(r.status >= 400);
}

void tst_WebSocket::socketWithoutUpgradeIs500()
{
    const RawResponse r = rawRequest(m_stack.port(), "GET", "direct.example.com", "/");
    QCOMPARE(r.status, 500);
    QVERIFY2(r.body.contains("Upgrade: websocket"), r.body.constData());
}

QTEST_MAIN(tst_WebSocket)
#include "tst_websocket.moc"
