// Outbound WebSockets as tenants use them, end to end: a real client (QWebSocket) through the
// dispatch listener and a dispatcher to user Workers that open WebSockets to a real upstream
// server (QWebSocketServer on loopback) with fetch() and `Upgrade: websocket` or `new
// WebSocket(url)`. The proxy pattern both ways (relayed in JS, and the fetched response returned
// as is), the close handshake from each side, a tenant stopped mid-stream, subrequest counting,
// an upstream that floods or sends too big a message, a TLS upstream nobody trusts, and the admin
// API out of reach.
#include "../common/dispatchstack.h"
#include "../common/loopbackhttpserver.h"
#include "../common/rawhttp.h"
#include "../common/rawwebsocket.h"

#include "engine/outboundwebsocket.h"
#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "outbound";
constexpr int kWait = 30000;
constexpr int kFloodMessages = 40000; // 40 MB: more than loopback's socket buffers hold

// The tenant is the first path segment (QWebSocket sends the URL's host as Host); burner-* run
// under a 50 ms CPU limit, limited-* with one subrequest.
constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.split("/")[1];
    const options = name.startsWith("burner") ? { limits: { cpuMs: 50 } }
      : name.startsWith("limited") ? { limits: { subRequests: 1 } } : {};
    return env.DISPATCHER.get(name, {}, options).fetch(request);
  } };)JS";

// /<tenant>/<mode>?up=PORT&path=P: P is the upstream's path (echo, flood, big).
constexpr char workerCode[] = R"JS(let received = 0;
export default { async fetch(request) {
  const url = new URL(request.url);
  const mode = url.pathname.split("/")[2] || "relay";
  const base = "127.0.0.1:" + url.searchParams.get("up");
  const up = "http://" + base + "/" + (url.searchParams.get("path") || "echo");
  const error = (e) => ({ name: e.name, message: e.message });
  if (mode === "pass") return fetch(up, request);
  if (mode === "talk") {
    const res = await fetch(up, { headers: { Upgrade: "websocket", "x-from": "talk" } });
    const ws = res.webSocket;
    const info = { status: res.status, statusText: res.statusText, isSocket: ws instanceof WebSocket,
      readyState: ws.readyState, upgrade: res.headers.get("upgrade") };
    info.sendBeforeAccept = (() => { try { ws.send("x"); return "sent"; } catch (e) { return error(e); } })();
    ws.accept();
    const reply = new Promise((r) => ws.addEventListener("message", (e) => r(e.data), { once: true }));
    ws.send("hi");
    info.reply = await reply;
    const closed = new Promise((r) => ws.addEventListener("close", (e) => r([e.code, e.reason, e.wasClean])));
    ws.close(1000, "done");
    info.close = await closed;
    info.after = ws.readyState;
    return Response.json(info);
  }
  if (mode === "ctor") {
    const ws = new WebSocket("ws://" + base + "/echo", ["chat", "other"]);
    const log = [ws.readyState, ws.url];
    log.push((() => { try { ws.accept(); return "accepted"; } catch (e) { return error(e); } })());
    await new Promise((r) => ws.addEventListener("open", r));
    log.push(ws.readyState, ws.protocol);
    const reply = new Promise((r) => ws.addEventListener("message", (e) => r(e.data), { once: true }));
    ws.send("from ctor");
    log.push(await reply);
    const closed = new Promise((r) => ws.addEventListener("close", (e) => r([e.code, e.reason, e.wasClean])));
    ws.close(1000, "bye");
    log.push(await closed);
    return Response.json(log);
  }
  if (mode === "cancel") {
    // close() before the upgrade is answered cancels it, as in workerd.
    const ws = new WebSocket("ws://" + base + "/cancelled");
    const log = [ws.readyState];
    ws.close(1000, "never sent");
    log.push(ws.readyState);
    log.push((() => { try { ws.send("ignored"); ws.close(4000); return "no error"; } catch (e) { return error(e); } })());
    await new Promise((r) => {
      ws.addEventListener("error", (e) => log.push(["error", e.message, ws.readyState]));
      ws.addEventListener("close", (e) => { log.push([e.code, e.reason, e.wasClean, ws.readyState]); r(); });
    });
    return Response.json(log);
  }
  if (mode === "refused") {
    const out = {};
    try { await fetch(up, { headers: { Upgrade: "websocket" } }); out.fetch = "connected"; } catch (e) { out.fetch = error(e); }
    const ws = new WebSocket("ws://" + base + "/");
    out.ctor = await new Promise((r) => {
      const log = [];
      ws.addEventListener("open", () => log.push("open"));
      ws.addEventListener("error", (e) => log.push(["error", e.constructor.name, e.message]));
      ws.addEventListener("close", (e) => { log.push(["close", e.code, e.reason, e.wasClean, ws.readyState]); r(log); });
    });
    return Response.json(out);
  }
  if (mode === "count") {
    const out = [];
    const first = await fetch(up, { headers: { Upgrade: "websocket" } });
    out.push(first.status);
    try { await fetch(up, { headers: { Upgrade: "websocket" } }); out.push("second connected"); } catch (e) { out.push(error(e)); }
    try { new WebSocket("ws://" + base + "/echo"); out.push("constructed"); } catch (e) { out.push(error(e)); }
    return Response.json(out);
  }
  if (mode === "deflate") {
    // Two messages in, one long one out, then the upstream's close.
    const res = await fetch(up, { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket;
    ws.accept();
    const got = [];
    const two = new Promise((r) => ws.addEventListener("message", (e) => { got.push(e.data); if (got.length === 2) r(); }));
    const closed = new Promise((r) => ws.addEventListener("close", (e) => r([e.code, e.reason])));
    await two;
    ws.send("z".repeat(300));
    const close = await closed;
    ws.close(1000, "");
    return Response.json({ got, close, extensions: res.headers.get("sec-websocket-extensions") });
  }
  if (mode === "state") return Response.json({ received });
  if (mode === "tls") {
    const out = {};
    const host = "localhost:" + url.searchParams.get("up");
    try { await fetch("https://" + host + "/", { headers: { Upgrade: "websocket" } }); out.fetch = "connected"; } catch (e) { out.fetch = error(e); }
    const ws = new WebSocket("wss://" + host + "/");
    out.ctor = await new Promise((r) => {
      const log = [];
      ws.addEventListener("open", () => log.push("open"));
      ws.addEventListener("error", (e) => log.push(["error", e.message]));
      ws.addEventListener("close", (e) => { log.push(["close", e.code, e.reason]); r(log); });
    });
    return Response.json(out);
  }
  if (mode === "abandon") {
    const res = await fetch(up, { headers: { Upgrade: "websocket" } });
    return new Response("left it " + res.status); // neither accepted nor closed
  }
  if (mode === "plain") {
    const res = await fetch(up, { headers: { Upgrade: "websocket" } });
    return Response.json({ status: res.status, webSocket: res.webSocket, body: await res.text() });
  }
  // relay (the proxy pattern in JS), or lazy: the upstream is accepted only when the client asks.
  const res = await fetch(up, { headers: { Upgrade: "websocket", "x-from": "relay" } });
  const upstream = res.webSocket;
  if (!upstream) return new Response("no WebSocket: " + res.status, { status: 502 });
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  const start = () => {
    upstream.accept();
    upstream.addEventListener("message", (e) => {
      if (mode === "lazy") { if (++received === Number(url.searchParams.get("n"))) server.send("all " + received); return; }
      server.send(e.data);
    });
    upstream.addEventListener("close", (e) => {
      try { server.close(e.code === 1005 || e.code === 1006 ? 1011 : e.code, e.reason); } catch (_) {}
    });
  };
  if (mode !== "lazy") start();
  server.addEventListener("message", (e) => {
    if (e.data === "forever") for (;;) {}
    if (e.data === "accept") { start(); return; }
    upstream.send(e.data);
  });
  server.addEventListener("close", (e) => {
    try { upstream.close(e.code === 1005 || e.code === 1006 ? 1000 : e.code, e.reason); } catch (_) {}
  });
  return new Response(null, { status: 101, webSocket: client });
} };)JS";

// A real WebSocket server: echoes text as "upstream:<text>" and binary as is, closes with 4001
// on "close-me"; /flood?n=N sends N 1 KiB messages at once, /big one message of exactly 1 MiB
// and one a byte over.
// A WebSocket server written frame by frame (Qt's does not compress): it accepts
// permessage-deflate with context takeover and sends RFC 7692 7.2.3.2's two "Hello"s, the second
// a reference into the first's window; it records the offer it got and inflates what comes back.
// `answer` replaces its Sec-WebSocket-Extensions (to test a server that names something else).
class DeflatingUpstream : public QObject
{
public:
    QByteArray answer = "permessage-deflate";
    QByteArray offer; // the client's Sec-WebSocket-Extensions
    QByteArray received; // the client's message, inflated
    bool receivedCompressed = false;

    bool listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *s = m_server.nextPendingConnection();
            auto in = std::make_shared<QByteArray>();
            auto upgraded = std::make_shared<bool>(false);
            connect(s, &QTcpSocket::readyRead, s, [this, s, in, upgraded] {
                *in += s->readAll();
                if (!*upgraded) {
                    const qsizetype end = in->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    QByteArray key;
                    for (const QByteArray &line : in->left(end).split('\n')) {
                        const QByteArray l = line.trimmed();
                        if (l.toLower().startsWith("sec-websocket-key:"))
                            key = l.mid(18).trimmed();
                        if (l.toLower().startsWith("sec-websocket-extensions:"))
                            offer = l.mid(25).trimmed();
                    }
                    in->remove(0, end + 4);
                    *upgraded = true;
                    const QByteArray accept
                            = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                                       QCryptographicHash::Sha1)
                                      .toBase64();
                    s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                             + accept + "\r\nSec-WebSocket-Extensions: " + answer + "\r\n\r\n");
                    s->write(QByteArray("\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00", 9));
                    s->write(QByteArray("\xc1\x05\xf2\x00\x11\x00\x00", 7));
                }
                // The client's frame: masked, 126-form length.
                if (in->size() < 8 || !received.isEmpty())
                    return;
                const auto *b = reinterpret_cast<const unsigned char *>(in->constData());
                qsizetype length = b[1] & 0x7f, header = 2;
                if (length == 126) {
                    length = (b[2] << 8) | b[3];
                    header = 4;
                }
                if (in->size() < header + 4 + length)
                    return;
                receivedCompressed = b[0] & 0x40;
                QByteArray payload = in->mid(header + 4, length);
                for (qsizetype i = 0; i < payload.size(); ++i)
                    payload[i] = char(payload[i] ^ b[header + i % 4]);
                received = receivedCompressed ? testing::rawInflate(payload) : payload;
                s->write(QByteArray("\x88\x04\x03\xe8ok", 6)); // close 1000 "ok"
            });
        });
        return m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

class UpstreamServer : public QObject
{
public:
    QWebSocketServer server {QStringLiteral("upstream"), QWebSocketServer::NonSecureMode};
    QList<QPointer<QWebSocket>> sockets;
    QStringList closes; // "<path> <code> <reason>"
    QList<QByteArray> fromHeaders; // each handshake's x-from

    bool listen()
    {
        server.setSupportedSubprotocols({QStringLiteral("chat")});
        connect(&server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *s = server.nextPendingConnection())
                accepted(s);
        });
        return server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return server.serverPort(); }

private:
    void accepted(QWebSocket *s)
    {
        s->setParent(this);
        sockets.append(s);
        fromHeaders.append(s->request().rawHeader("x-from"));
        const QString path = s->requestUrl().path();
        connect(s, &QWebSocket::textMessageReceived, s, [s](const QString &m) {
            if (m == QLatin1String("close-me"))
                s->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("upstream bye"));
            else if (m == QLatin1String("drop"))
                s->abort();
            else
                s->sendTextMessage(QStringLiteral("upstream:") + m);
        });
        connect(s, &QWebSocket::binaryMessageReceived, s,
                [s](const QByteArray &m) { s->sendBinaryMessage(m); });
        connect(s, &QWebSocket::disconnected, this, [this, s, path] {
            closes << QStringLiteral("%1 %2 %3")
                              .arg(path)
                              .arg(int(s->closeCode()))
                              .arg(s->closeReason());
        });
        if (path == QLatin1String("/flood")) {
            const int n = QUrlQuery(s->requestUrl()).queryItemValue(QStringLiteral("n")).toInt();
            const QString payload(1024, QLatin1Char('f'));
            for (int i = 0; i < n; ++i)
                s->sendTextMessage(payload);
        } else if (path == QLatin1String("/dropnow")) {
            s->flush(); // the 101 goes out, then the connection ends without a close frame
            s->abort();
        } else if (path == QLatin1String("/big")) {
            s->sendBinaryMessage(QByteArray(1024 * 1024, 'a'));
            s->sendBinaryMessage(QByteArray(1024 * 1024 + 1, 'b'));
        }
    }
};

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
    bool open(quint16 port, const QString &pathAndQuery)
    {
        socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/%2").arg(port).arg(pathAndQuery)));
        QSignalSpy connected(&socket, &QWebSocket::connected);
        return connected.wait(kWait) || socket.state() == QAbstractSocket::ConnectedState;
    }
};
} // namespace

class tst_OutboundWebSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void workerTalksToUpstream();
    void constructorOpensAndCloses();
    void closeWhileConnectingCancels();
    void relayedProxyEchoes();
    void returnedResponseIsRelayed();
    void relayedCloseThenLeaveReachesUpstream();
    void permessageDeflateWithAnUpstream();
    void clientClosesThroughTheProxy();
    void upstreamClosesThroughTheProxy();
    void tenantKilledMidStreamClosesUpstream();
    void upgradeCountsAsSubrequest();
    void floodingUpstreamIsHeldBackByTcp();
    void oversizedUpstreamMessageIs1009();
    void adminApiIsRefused();
    void abandonedUpstreamClosesWithItsInvocation();
    void upstreamDroppedIsA1006();
    void upstreamGoneBeforeAcceptIsA1006();
    void refusedUpgradeIsAnOrdinaryResponse();
    void untrustedTlsUpstreamIsRefused();

private:
    QString path(const QString &tenantAndMode, const QString &upstreamPath = {},
                 const QString &extra = {}) const
    {
        QString p = tenantAndMode + QStringLiteral("?up=%1").arg(m_upstream.port());
        if (!upstreamPath.isEmpty())
            p += QStringLiteral("&path=") + upstreamPath;
        return p + extra;
    }
    QJsonDocument get(const QString &pathAndQuery)
    {
        const RawResponse r
                = rawRequest(m_stack.port(), "GET", "127.0.0.1", ("/" + pathAndQuery).toUtf8());
        return QJsonDocument::fromJson(r.body);
    }
    int openSocketsOn(const QString &upstreamPath) const
    {
        int n = 0;
        for (const QPointer<QWebSocket> &s : m_upstream.sockets)
            n += s && s->requestUrl().path() == upstreamPath
                            && s->state() == QAbstractSocket::ConnectedState
                    ? 1
                    : 0;
        return n;
    }
    int closesOf(const QString &upstreamPath, const QString &code) const
    {
        int n = 0;
        for (const QString &c : m_upstream.closes)
            n += c.startsWith(upstreamPath + QLatin1Char(' ') + code) ? 1 : 0;
        return n;
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
    UpstreamServer m_upstream;
};

void tst_OutboundWebSocket::initTestCase()
{
    QVERIFY(m_upstream.listen());
    m_v8 = std::make_unique<engine::V8Platform>();
    m_stack.adminToken = QStringLiteral("outbound-test-token");
    // The upstream is on loopback: allowed as --allow-private-outbound allows it (the admin API
    // stays out of reach whatever the flag).
    m_stack.configure = [](app::RuntimeStack::Config &config) {
        config.allowPrivateOutbound = true;
    };
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char *name : {"relay", "pass", "closer", "burner", "limited", "flood", "big",
                             "other", "talker", "ctor", "refused"}) {
        const QString put = m_stack.putUserWorker(QString::fromLatin1(name), workerCode);
        QVERIFY2(put.isEmpty(), qPrintable(put));
    }
}

void tst_OutboundWebSocket::cleanupTestCase()
{
    m_stack.stop();
}

void tst_OutboundWebSocket::workerTalksToUpstream()
{
    const QJsonObject info = get(path(QStringLiteral("talker/talk"))).object();
    QCOMPARE(info.value(u"status").toInt(), 101);
    QCOMPARE(info.value(u"statusText").toString(), QStringLiteral("Switching Protocols"));
    QVERIFY(info.value(u"isSocket").toBool());
    QCOMPARE(info.value(u"readyState").toInt(), 1);
    QCOMPARE(info.value(u"upgrade").toString().toLower(), QStringLiteral("websocket"));
    QCOMPARE(info.value(u"sendBeforeAccept").toObject().value(u"message").toString(),
             QStringLiteral("You must call one of accept() or state.acceptWebSocket() on this "
                            "WebSocket before sending messages."));
    QCOMPARE(info.value(u"reply").toString(), QStringLiteral("upstream:hi"));
    QCOMPARE(info.value(u"close").toArray(), (QJsonArray {1000, "done", true}));
    QCOMPARE(info.value(u"after").toInt(), 3);
    // The Worker's own headers reached the upstream; it saw the Worker's close.
    QVERIFY(m_upstream.fromHeaders.contains("talk"));
    QTRY_COMPARE_WITH_TIMEOUT(closesOf(QStringLiteral("/echo"), QStringLiteral("1000 done")), 1,
                              kWait);
}

void tst_OutboundWebSocket::constructorOpensAndCloses()
{
    const QJsonArray log = get(path(QStringLiteral("ctor/ctor"))).array();
    QCOMPARE(log.at(0).toInt(), 0); // CONNECTING
    QCOMPARE(log.at(1).toString(), QStringLiteral("ws://127.0.0.1:%1/echo").arg(m_upstream.port()));
    QCOMPARE(log.at(2).toObject().value(u"message").toString(),
             QStringLiteral("Websockets obtained from the 'new WebSocket()' constructor cannot "
                            "call accept"));
    QCOMPARE(log.at(3).toInt(), 1); // OPEN
    QCOMPARE(log.at(4).toString(), QStringLiteral("chat")); // the one the server chose
    QCOMPARE(log.at(5).toString(), QStringLiteral("upstream:from ctor"));
    QCOMPARE(log.at(6).toArray(), (QJsonArray {1000, "bye", true}));
}

void tst_OutboundWebSocket::closeWhileConnectingCancels()
{
    const QJsonArray log = get(path(QStringLiteral("ctor/cancel"))).array();
    QCOMPARE(
            log,
            (QJsonArray {0, 1, "no error",
                         QJsonArray {"error", "Uncaught Error: Network connection lost.", 3},
                         QJsonArray {1006, "Failed to establish websocket connection", false, 3}}));
    // An upstream that answered the cancelled upgrade anyway is let go, not left open.
    QTRY_COMPARE_WITH_TIMEOUT(openSocketsOn(QStringLiteral("/cancelled")), 0, kWait);
}

void tst_OutboundWebSocket::relayedProxyEchoes()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("relay/relay"))));
    client.socket.sendTextMessage(QStringLiteral("hello"));
    client.socket.sendTextMessage(QStringLiteral("wörld ✓"));
    const QByteArray bytes("\x00\x01\x02\xff", 4);
    client.socket.sendBinaryMessage(bytes);
    const QByteArray big(300 * 1024, 'b'); // several reads and frames on each hop
    client.socket.sendBinaryMessage(big);
    QTRY_COMPARE_WITH_TIMEOUT(client.binaries.size(), 2, kWait);
    QCOMPARE(client.texts, (QStringList {"upstream:hello", "upstream:wörld ✓"}));
    QCOMPARE(client.binaries.at(0), bytes);
    QCOMPARE(client.binaries.at(1), big);
    QVERIFY(m_upstream.fromHeaders.contains("relay"));
    client.socket.close();
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
}

void tst_OutboundWebSocket::returnedResponseIsRelayed()
{
    // `return fetch(upstream, request)`: the client's own upgrade goes upstream, and the socket
    // is relayed by the engine without running the Worker.
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("pass/pass"))));
    client.socket.sendTextMessage(QStringLiteral("straight"));
    client.socket.sendBinaryMessage(QByteArray(200 * 1024, 'p'));
    QTRY_COMPARE_WITH_TIMEOUT(client.binaries.size(), 1, kWait);
    QCOMPARE(client.texts, QStringList {"upstream:straight"});
    QCOMPARE(client.binaries.at(0), QByteArray(200 * 1024, 'p'));
    // Closes pass through both ways: the upstream answers the client's close.
    const int before = closesOf(QStringLiteral("/echo"), QStringLiteral("4002 pass bye"));
    client.socket.close(QWebSocketProtocol::CloseCode(4002), QStringLiteral("pass bye"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 4002);
    QTRY_COMPARE_WITH_TIMEOUT(closesOf(QStringLiteral("/echo"), QStringLiteral("4002 pass bye")),
                              before + 1, kWait);
    // And the upstream closing first reaches the client.
    Client second;
    QVERIFY(second.open(m_stack.port(), path(QStringLiteral("pass/pass"))));
    second.socket.sendTextMessage(QStringLiteral("close-me"));
    QTRY_VERIFY_WITH_TIMEOUT(second.closed, kWait);
    QCOMPARE(int(second.socket.closeCode()), 4001);
    QCOMPARE(second.socket.closeReason(), QStringLiteral("upstream bye"));
}

void tst_OutboundWebSocket::permessageDeflateWithAnUpstream()
{
    // The Worker's socket offers permessage-deflate as browsers do, reads a server that keeps its
    // window between messages, and compresses what it sends.
    DeflatingUpstream upstream;
    QVERIFY(upstream.listen());
    const QString at = QStringLiteral("talker/deflate?up=%1").arg(upstream.port());
    const QJsonObject info = get(at).object();
    QCOMPARE(upstream.offer, QByteArray("permessage-deflate; client_max_window_bits"));
    QCOMPARE(info.value(u"got").toArray(), (QJsonArray {"Hello", "Hello"}));
    QCOMPARE(info.value(u"close").toArray(), (QJsonArray {1000, "ok"}));
    QCOMPARE(info.value(u"extensions").toString(), QStringLiteral("permessage-deflate"));
    QVERIFY(upstream.receivedCompressed);
    QCOMPARE(upstream.received, QByteArray(300, 'z'));

    // A server that answers with an extension nobody offered fails the upgrade (RFC 7692 5).
    DeflatingUpstream wrong;
    wrong.answer = "x-mystery";
    QVERIFY(wrong.listen());
    const QJsonObject refused
            = get(QStringLiteral("talker/refused?up=%1").arg(wrong.port())).object();
    QCOMPARE(refused.value(u"fetch").toObject().value(u"message").toString(),
             QStringLiteral("Network connection lost. (The server's WebSocket handshake was "
                            "invalid.)"));
}

void tst_OutboundWebSocket::relayedCloseThenLeaveReachesUpstream()
{
    // What the listener does when a relayed client closes as most clients do (QWebSocket, browsers
    // on unload): the close frame and the end of the connection arrive together, so the relay
    // hears the close and the client's departure back to back. The close must still reach the
    // upstream before the connection ends.
    QObject context;
    auto policy = std::make_shared<engine::OutboundPolicy>();
    policy->setAllowPrivateNetworks(true);
    engine::OutboundRequest request;
    request.method = QStringLiteral("GET");
    request.url = QUrl(QStringLiteral("http://127.0.0.1:%1/echo").arg(m_upstream.port()));
    std::optional<engine::OutboundResponse> answer;
    engine::startOutboundWebSocket(&context, policy, request, {},
                                   [&](engine::OutboundResponse r) { answer = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), kWait);
    QVERIFY2(answer->networkError.isNull(), qPrintable(answer->networkError));
    QCOMPARE(answer->status, 101);
    QVERIFY(answer->webSocket);
    const engine::WebSocketChannelPtr front = engine::relayWebSocket(answer->webSocket);
    QStringList heard;
    front->attachClient({[&](engine::WebSocketMessage m) { heard << QString::fromUtf8(m.data); },
                         [](int) {},
                         [] {
                         }});
    engine::WebSocketMessage hello;
    hello.data = "before close";
    front->fromClient(std::move(hello));
    QTRY_COMPARE_WITH_TIMEOUT(heard, QStringList {"upstream:before close"}, kWait);
    const int before = closesOf(QStringLiteral("/echo"), QStringLiteral("4003 left at once"));
    engine::WebSocketMessage close;
    close.kind = engine::WebSocketMessage::Kind::Close;
    close.code = 4003;
    close.reason = QStringLiteral("left at once");
    front->fromClient(std::move(close));
    front->clientGone();
    QTRY_COMPARE_WITH_TIMEOUT(
            closesOf(QStringLiteral("/echo"), QStringLiteral("4003 left at once")), before + 1,
            kWait);
}

void tst_OutboundWebSocket::clientClosesThroughTheProxy()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("closer/relay"))));
    client.socket.sendTextMessage(QStringLiteral("one"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts.size(), 1, kWait);
    const int before = closesOf(QStringLiteral("/echo"), QStringLiteral("1000 client bye"));
    client.socket.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("client bye"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    // The Worker passed the close upstream, and the upstream's answer back to the client.
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QTRY_COMPARE_WITH_TIMEOUT(closesOf(QStringLiteral("/echo"), QStringLiteral("1000 client bye")),
                              before + 1, kWait);
}

void tst_OutboundWebSocket::upstreamClosesThroughTheProxy()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("closer/relay"))));
    client.socket.sendTextMessage(QStringLiteral("close-me"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 4001);
    QCOMPARE(client.socket.closeReason(), QStringLiteral("upstream bye"));
    QTRY_VERIFY_WITH_TIMEOUT(
            closesOf(QStringLiteral("/echo"), QStringLiteral("4001 upstream bye")) >= 1, kWait);
}

void tst_OutboundWebSocket::tenantKilledMidStreamClosesUpstream()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("burner/relay"))));
    client.socket.sendTextMessage(QStringLiteral("before"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts, QStringList {"upstream:before"}, kWait);
    const int before = closesOf(QStringLiteral("/echo"), QStringLiteral("1011"));
    client.socket.sendTextMessage(QStringLiteral("forever"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 1011);
    // Its upstream socket was closed with it.
    QTRY_COMPARE_WITH_TIMEOUT(closesOf(QStringLiteral("/echo"), QStringLiteral("1011")), before + 1,
                              kWait);
    // The tenant's next connection works.
    Client again;
    QVERIFY(again.open(m_stack.port(), path(QStringLiteral("burner/relay"))));
    again.socket.sendTextMessage(QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(again.texts, QStringList {"upstream:after"}, kWait);
}

void tst_OutboundWebSocket::upgradeCountsAsSubrequest()
{
    // One subrequest allowed: the first upgrade, then neither a second nor the constructor.
    const QJsonArray out = get(path(QStringLiteral("limited/count"))).array();
    QCOMPARE(out.at(0).toInt(), 101);
    QCOMPARE(out.at(1).toObject().value(u"message").toString(),
             QStringLiteral("Too many subrequests."));
    QCOMPARE(out.at(2).toObject().value(u"message").toString(),
             QStringLiteral("Too many subrequests."));
}

void tst_OutboundWebSocket::floodingUpstreamIsHeldBackByTcp()
{
    // The upstream writes 40 MB at once to a Worker that has not accepted its socket yet.
    Client client;
    QVERIFY(client.open(m_stack.port(),
                        path(QStringLiteral("flood/lazy"), QStringLiteral("flood"),
                             QStringLiteral("%3Fn%3D%1&n=%1").arg(kFloodMessages))));
    QTRY_COMPARE_WITH_TIMEOUT(m_upstream.sockets.size() > 0
                                      && m_upstream.sockets.last()->requestUrl().path()
                                              == QLatin1String("/flood"),
                              true, kWait);
    QPointer<QWebSocket> flooder = m_upstream.sockets.last();
    // Another tenant's round trips meanwhile.
    Client other;
    QVERIFY(other.open(m_stack.port(), path(QStringLiteral("other/relay"))));
    for (int i = 0; i < 20; ++i)
        other.socket.sendTextMessage(QStringLiteral("m%1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(other.texts.size(), 20, kWait);
    QCOMPARE(other.texts.last(), QStringLiteral("upstream:m19"));
    // Nothing read it: beyond what loopback's socket buffers hold (a few MiB each way), the
    // flood still waits in the upstream's own buffer, however long the platform had.
    QVERIFY(flooder);
    const qint64 waiting = flooder->bytesToWrite();
    QVERIFY2(waiting > qint64(kFloodMessages) * 1024 - 20 * 1024 * 1024,
             qPrintable(QStringLiteral("only %1 bytes wait: the platform read an unaccepted "
                                       "upstream")
                                .arg(waiting)));
    // Accepted, every message arrives, none lost.
    client.socket.sendTextMessage(QStringLiteral("accept"));
    QTRY_COMPARE_WITH_TIMEOUT(client.texts,
                              QStringList {QStringLiteral("all %1").arg(kFloodMessages)}, 120000);
}

void tst_OutboundWebSocket::oversizedUpstreamMessageIs1009()
{
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("big/relay"), QStringLiteral("big"))));
    // 1 MiB is Cloudflare's limit and passes; a byte more closes the socket 1009 both ways.
    QTRY_COMPARE_WITH_TIMEOUT(client.binaries.size(), 1, kWait);
    QCOMPARE(client.binaries.at(0).size(), 1024 * 1024);
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QCOMPARE(client.socket.closeReason(), QStringLiteral("Message is too large"));
    QTRY_COMPARE_WITH_TIMEOUT(closesOf(QStringLiteral("/big"), QStringLiteral("1009")), 1, kWait);
}

void tst_OutboundWebSocket::adminApiIsRefused()
{
    const QString admin = QStringLiteral("refused/refused?up=%1").arg(m_stack.adminPort());
    const QJsonObject out = get(admin).object();
    const QString refusal = QStringLiteral("fetch() to 127.0.0.1:%1 was refused: it is this "
                                           "platform's admin API, which Workers can never reach.")
                                    .arg(m_stack.adminPort());
    QCOMPARE(out.value(u"fetch").toObject().value(u"name").toString(), QStringLiteral("TypeError"));
    QCOMPARE(out.value(u"fetch").toObject().value(u"message").toString(), refusal);
    const QJsonArray ctor = out.value(u"ctor").toArray();
    QCOMPARE(ctor.size(), 2);
    QCOMPARE(ctor.at(0).toArray().at(1).toString(), QStringLiteral("ErrorEvent"));
    QCOMPARE(ctor.at(0).toArray().at(2).toString(), refusal);
    QCOMPARE(ctor.at(1).toArray(),
             (QJsonArray {"close", 1006, "Failed to establish websocket connection", false, 3}));
}

void tst_OutboundWebSocket::abandonedUpstreamClosesWithItsInvocation()
{
    const RawResponse r = rawRequest(
            m_stack.port(), "GET", "127.0.0.1",
            ("/talker/abandon?up=" + QByteArray::number(m_upstream.port()) + "&path=abandon"));
    QCOMPARE(r.body, QByteArray("left it 101"));
    // Its Invocation is over: nobody will read the socket, so the upstream is closed.
    QTRY_COMPARE_WITH_TIMEOUT(closesOf(QStringLiteral("/abandon"), QStringLiteral("1011")), 1,
                              kWait);
}

void tst_OutboundWebSocket::upstreamDroppedIsA1006()
{
    // The relay closes its client with 1011 and the reason of the close event it got.
    Client client;
    QVERIFY(client.open(m_stack.port(), path(QStringLiteral("relay/relay"))));
    client.socket.sendTextMessage(QStringLiteral("drop"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 1011);
    QCOMPARE(client.socket.closeReason(),
             QStringLiteral("WebSocket disconnected without sending Close frame."));
}

void tst_OutboundWebSocket::upstreamGoneBeforeAcceptIsA1006()
{
    // The upstream leaves before the Worker accepts: accept() then hears of it at once.
    Client client;
    QVERIFY(client.open(m_stack.port(),
                        path(QStringLiteral("relay/lazy"), QStringLiteral("dropnow"))));
    QTRY_VERIFY_WITH_TIMEOUT(m_upstream.closes.filter(QStringLiteral("/dropnow ")).size() == 1,
                             kWait);
    client.socket.sendTextMessage(QStringLiteral("accept"));
    QTRY_VERIFY_WITH_TIMEOUT(client.closed, kWait);
    QCOMPARE(int(client.socket.closeCode()), 1011);
    QCOMPARE(client.socket.closeReason(),
             QStringLiteral("WebSocket disconnected without sending Close frame."));
}

void tst_OutboundWebSocket::refusedUpgradeIsAnOrdinaryResponse()
{
    testing::LoopbackHttpServer plain([](const testing::LoopbackRequest &) {
        return testing::LoopbackReply(
                "HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
    });
    const QString port = plain.base().section(QLatin1Char(':'), -1);
    const QJsonObject out = get(QStringLiteral("talker/plain?up=") + port).object();
    QCOMPARE(out.value(u"status").toInt(), 403);
    QVERIFY(out.value(u"webSocket").isNull());
    QCOMPARE(out.value(u"body").toString(), QStringLiteral("nope"));
}

void tst_OutboundWebSocket::untrustedTlsUpstreamIsRefused()
{
    // A wss upstream whose certificate nobody trusts (self-signed for localhost): the TLS
    // handshake verifies the name's certificate, so neither way of opening it connects.
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.setStandardOutputFile(QProcess::nullDevice());
    openssl.setStandardErrorFile(QProcess::nullDevice());
    openssl.start(QStringLiteral("openssl"),
                  {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                   "-days", "1", "-subj", "/CN=localhost", "-addext",
                   "subjectAltName=DNS:localhost"});
    QVERIFY(openssl.waitForFinished(kWait));
    QCOMPARE(openssl.exitCode(), 0);
    QFile certFile(cert), keyFile(key);
    QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(&certFile));
    tls.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    QWebSocketServer server(QStringLiteral("tls upstream"), QWebSocketServer::SecureMode);
    server.setSslConfiguration(tls);
    int connections = 0;
    connect(&server, &QWebSocketServer::newConnection, this, [&] {
        while (server.nextPendingConnection())
            ++connections;
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QJsonObject out
            = get(QStringLiteral("talker/tls?up=%1").arg(server.serverPort())).object();
    QCOMPARE(out.value(u"fetch").toObject().value(u"message").toString(),
             QStringLiteral("Network connection lost."));
    QCOMPARE(out.value(u"ctor").toArray(),
             (QJsonArray {QJsonArray {"error", "Network connection lost."},
                          QJsonArray {"close", 1006, "Failed to establish websocket connection"}}));
    QCOMPARE(connections, 0);
    // And it was TLS that the platform spoke, naming the host (SNI) it verifies: a raw listener
    // sees a ClientHello that carries "localhost".
    QTcpServer raw;
    QVERIFY(raw.listen(QHostAddress::LocalHost, 0));
    QByteArray hello;
    connect(&raw, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *s = raw.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [&hello, s] {
            hello += s->readAll();
            if (hello.contains("localhost"))
                s->abort();
        });
    });
    const QJsonObject rawOut
            = get(QStringLiteral("talker/tls?up=%1").arg(raw.serverPort())).object();
    QCOMPARE(rawOut.value(u"fetch").toObject().value(u"name").toString(),
             QStringLiteral("TypeError"));
    QVERIFY(hello.size() > 5);
    QCOMPARE(quint8(hello[0]), quint8(0x16)); // a TLS handshake record
    QVERIFY(hello.contains("localhost"));
}

QTEST_MAIN(tst_OutboundWebSocket)
#include "tst_outboundwebsocket.moc"
