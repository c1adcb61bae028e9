// `wrangler tail`'s server side as a client meets it, with a raw WebSocket client: the tail
// session endpoints (POST / GET / DELETE .../tails, token required), the trace-v1 stream on the
// admin listener (events of the dispatcher and of the user Workers it runs, console.log and
// exceptions, the filters applied here), a user Worker tailed on its own, and the attacks: a
// guessed or reused URL, a client without the subprotocol, the per-Worker cap, a client that
// never reads (events dropped and counted, the stream says it samples, dispatch goes on), and
// a session that expires.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"
#include "../common/rawwebsocket.h"

#include "engine/v8platform.h"
#include "platform/livetails.h"
#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "tailed";
const QByteArray kToken = "tail-test-token";
constexpr int kWait = 20000;

constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    console.log("dispatching", name);
    return env.DISPATCHER.get(name).fetch(request);
  } };)JS";

constexpr char chattyCode[] = R"JS(export default { fetch(request) {
  console.log("hello", 42, { a: 1 });
  if (new URL(request.url).pathname === "/big") console.log("x".repeat(32 * 1024));
  return new Response("chatty");
} };)JS";

constexpr char throwerCode[] = R"JS(export default { fetch() {
  throw new TypeError("tail me");
} };)JS";

QList<QPair<QByteArray, QByteArray>> auth()
{
    return {{"Authorization", "Bearer " + kToken}, {"Content-Type", "application/json"}};
}

QJsonObject envelope(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// One frame from the server: never masked.
struct Frame
{
    int opcode = -1;
    QByteArray payload;
};

// A raw WebSocket client for a tail's URL.
struct TailClient
{
    QTcpSocket socket;
    QByteArray in;
    int status = 0;
    QByteArray head;

    // Sends the upgrade; `protocol` empty sends none. Returns once the response head is in.
    bool open(quint16 port, const QByteArray &path, const QByteArray &protocol = "trace-v1")
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(kWait))
            return false;
        QByteArray out = "GET " + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        if (!protocol.isEmpty())
            out += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
        socket.write(out + "\r\n");
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < kWait) {
            QTest::qWait(2);
            in += socket.readAll();
            const qsizetype end = in.indexOf("\r\n\r\n");
            if (end >= 0) {
                head = in.left(end);
                in.remove(0, end + 4);
                status = head.split(' ').value(1).toInt();
                return true;
            }
        }
        return false;
    }

    // What wrangler sends right after the handshake: {"debug": false}, unmasked.
    void sendUnmaskedText(const QByteArray &text)
    {
        QByteArray frame;
        frame += char(0x81);
        frame += char(text.size());
        socket.write(frame + text);
    }

    void sendMaskedClose(int code)
    {
        const char mask[4] = {1, 2, 3, 4};
        QByteArray body;
        body += char(code >> 8);
        body += char(code & 0xff);
        QByteArray frame;
        frame += char(0x88);
        frame += char(0x80 | body.size());
        frame.append(mask, 4);
        for (qsizetype i = 0; i < body.size(); ++i)
            frame += char(body[i] ^ mask[i % 4]);
        socket.write(frame);
    }

    bool parse(Frame *frame)
    {
        int first = 0;
        if (!testing::takeServerFrame(in, &first, &frame->payload))
            return false;
        frame->opcode = first & 0x0f;
        return true;
    }

    // The next frame within `ms`.
    std::optional<Frame> next(int ms = kWait)
    {
        QElapsedTimer timer;
        timer.start();
        Frame frame;
        while (!parse(&frame)) {
            if (timer.elapsed() > ms)
                return std::nullopt;
            QTest::qWait(2);
            in += socket.readAll();
        }
        return frame;
    }

    // Text messages as JSON until `done` says enough or `ms` pass.
    QList<QJsonObject> events(const std::function<bool(const QList<QJsonObject> &)> &done,
                              int ms = kWait)
    {
        QList<QJsonObject> out;
        QElapsedTimer timer;
        timer.start();
        while (!done(out) && timer.elapsed() < ms) {
            const auto frame = next(int(std::max<qint64>(1, ms - timer.elapsed())));
            if (!frame || frame->opcode == 8)
                break;
            if (frame->opcode == 1)
                out.append(QJsonDocument::fromJson(frame->payload).object());
        }
        return out;
    }
};

QStringList scriptNames(const QList<QJsonObject> &events)
{
    QStringList names;
    for (const QJsonObject &e : events)
        names << e.value(u"scriptName").toString();
    return names;
}
} // namespace

class tst_Tail : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void sessionEndpoints();
    void streamCarriesDispatcherAndUserWorkers();
    void filters_data();
    void filters();
    void samplingRate();
    void userWorkerTail();
    void urlIsTheOnlyCredential();
    void perWorkerCap(); // and many tails at once
    void clientThatNeverReads();
    void sessionExpires();

private:
    // POST .../tails for the dispatcher (or `path` of another Worker): the session's result.
    QJsonObject createTail(const QByteArray &body = "{\"filters\":[]}",
                           const QByteArray &path
                           = "/client/v4/accounts/local/workers/scripts/dispatcher/tails");
    QByteArray streamPath(const QJsonObject &session) const;
    // How many sessions GET `path` (the dispatcher's tails, unless another) lists.
    qsizetype tailCount(const QByteArray &path
                        = "/client/v4/accounts/local/workers/scripts/dispatcher/tails")
    {
        return envelope(rawRequest(m_stack.adminPort(), "GET", "127.0.0.1", path, {}, auth()))
                .value(u"result")
                .toArray()
                .size();
    }
    RawResponse visit(const QByteArray &host, const QByteArray &method = "GET",
                      const QByteArray &path = "/",
                      const QList<QPair<QByteArray, QByteArray>> &headers = {});
    // Waits until the stream is subscribed, so the next request's event reaches it.
    bool subscribed(int count);
    void deleteAll();

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::DispatchStack m_stack;
};

void tst_Tail::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    m_stack.adminToken = QString::fromLatin1(kToken);
    m_stack.configure = [](app::RuntimeStack::Config &config) {
        config.tailLifetime = std::chrono::seconds(20);
    };
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_stack.putUserWorker(QStringLiteral("chatty"), chattyCode).isEmpty());
    QVERIFY(m_stack.putUserWorker(QStringLiteral("thrower"), throwerCode).isEmpty());
}

void tst_Tail::cleanupTestCase()
{
    m_stack.stop();
}

void tst_Tail::cleanup()
{
    deleteAll();
}

void tst_Tail::deleteAll()
{
    for (const QByteArray &worker :
         {QByteArray("/workers/scripts/dispatcher"),
          QByteArray("/workers/dispatch/namespaces/tailed/scripts/chatty")}) {
        const RawResponse list
                = rawRequest(m_stack.adminPort(), "GET", "127.0.0.1",
                             "/client/v4/accounts/local" + worker + "/tails", {}, auth());
        for (const QJsonValue &t : envelope(list).value(u"result").toArray())
            rawRequest(m_stack.adminPort(), "DELETE", "127.0.0.1",
                       "/client/v4/accounts/local" + worker + "/tails/"
                               + t.toObject().value(u"id").toString().toLatin1(),
                       {}, auth());
    }
}

QJsonObject tst_Tail::createTail(const QByteArray &body, const QByteArray &path)
{
    // The Host wrangler sends names the port: the stream's URL is made from it.
    const RawResponse r = rawRequest(m_stack.adminPort(), "POST",
                                     "127.0.0.1:" + QByteArray::number(m_stack.adminPort()), path,
                                     body, auth());
    if (r.status != 200)
        qWarning() << "POST tails answered" << r.status << r.body;
    return envelope(r).value(u"result").toObject();
}

QByteArray tst_Tail::streamPath(const QJsonObject &session) const
{
    return QUrl(session.value(u"url").toString()).path().toLatin1();
}

RawResponse tst_Tail::visit(const QByteArray &host, const QByteArray &method,
                            const QByteArray &path,
                            const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return rawRequest(m_stack.port(), method, host, path, method == "POST" ? "body" : QByteArray(),
                      headers);
}

bool tst_Tail::subscribed(int count)
{
    return QTest::qWaitFor([&] { return m_stack.service().liveTails().count() == count; }, kWait);
}

void tst_Tail::sessionEndpoints()
{
    const QByteArray tails = "/client/v4/accounts/local/workers/scripts/dispatcher/tails";
    // The token is required for every call but the stream.
    QCOMPARE(rawRequest(m_stack.adminPort(), "POST", "127.0.0.1", tails, "{}").status, 401);
    const RawResponse missing
            = rawRequest(m_stack.adminPort(), "POST", "127.0.0.1",
                         "/client/v4/accounts/local/workers/scripts/nobody/tails", "{}", auth());
    QCOMPARE(missing.status, 404);
    QCOMPARE(envelope(missing).value(u"errors").toArray().at(0).toObject().value(u"code").toInt(),
             10007);
    const RawResponse bad = rawRequest(m_stack.adminPort(), "POST", "127.0.0.1", tails,
                                       R"({"filters":[{"nonsense":1}]})", auth());
    QCOMPARE(bad.status, 400);

    const QJsonObject session = createTail();
    const QString id = session.value(u"id").toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(id).hasMatch(),
             qPrintable(id));
    QCOMPARE(session.value(u"url").toString(),
             QStringLiteral("ws://127.0.0.1:%1/tail/%2").arg(m_stack.adminPort()).arg(id));
    const QDateTime expires
            = QDateTime::fromString(session.value(u"expires_at").toString(), Qt::ISODateWithMs);
    QVERIFY(expires.isValid());
    QVERIFY(expires > QDateTime::currentDateTimeUtc());

    const RawResponse list = rawRequest(m_stack.adminPort(), "GET", "127.0.0.1", tails, {}, auth());
    QCOMPARE(list.status, 200);
    QCOMPARE(envelope(list).value(u"result").toArray(), QJsonArray {session});

    const QByteArray one = tails + '/' + id.toLatin1();
    QCOMPARE(rawRequest(m_stack.adminPort(), "DELETE", "127.0.0.1", one, {}).status, 401);
    const RawResponse deleted
            = rawRequest(m_stack.adminPort(), "DELETE", "127.0.0.1", one, {}, auth());
    QCOMPARE(deleted.status, 200);
    QCOMPARE(envelope(deleted).value(u"success").toBool(), true);
    QCOMPARE(tailCount(tails), 0);
    QCOMPARE(rawRequest(m_stack.adminPort(), "DELETE", "127.0.0.1", one, {}, auth()).status, 404);
}

void tst_Tail::streamCarriesDispatcherAndUserWorkers()
{
    const QJsonObject session = createTail();
    TailClient client;
    QVERIFY(client.open(m_stack.adminPort(), streamPath(session)));
    QCOMPARE(client.status, 101);
    QVERIFY2(client.head.toLower().contains("sec-websocket-protocol: trace-v1"),
             client.head.constData());
    client.sendUnmaskedText(R"({"debug":false})");
    QVERIFY(subscribed(1));

    QCOMPARE(visit("chatty.example.com").body, QByteArray("chatty"));
    QCOMPARE(visit("thrower.example.com").status, 500);

    const QList<QJsonObject> events
            = client.events([](const QList<QJsonObject> &e) { return e.size() >= 4; });
    QCOMPARE(events.size(), 4);
    const QStringList names = scriptNames(events);
    QCOMPARE(names.count(QStringLiteral("dispatcher")), 2);
    QVERIFY(names.contains(QStringLiteral("chatty")));
    QVERIFY(names.contains(QStringLiteral("thrower")));
    for (const QJsonObject &e : events) {
        const QString name = e.value(u"scriptName").toString();
        const QJsonObject request = e.value(u"event").toObject().value(u"request").toObject();
        QCOMPARE(request.value(u"method").toString(), QStringLiteral("GET"));
        QVERIFY(request.value(u"url").toString().startsWith(QStringLiteral("http://")));
        QVERIFY(e.value(u"eventTimestamp").toDouble() > 0);
        QVERIFY(e.value(u"logs").isArray());
        QVERIFY(e.value(u"exceptions").isArray());
        if (name == QLatin1String("chatty")) {
            QCOMPARE(e.value(u"outcome").toString(), QStringLiteral("ok"));
            QCOMPARE(e.value(u"dispatchNamespace").toString(), QString::fromLatin1(kNamespace));
            const QJsonObject log = e.value(u"logs").toArray().at(0).toObject();
            QCOMPARE(log.value(u"level").toString(), QStringLiteral("log"));
            QCOMPARE(log.value(u"message").toArray(),
                     (QJsonArray {QStringLiteral("hello"), 42, QJsonObject {{"a", 1}}}));
            QCOMPARE(e.value(u"event")
                             .toObject()
                             .value(u"response")
                             .toObject()
                             .value(u"status")
                             .toInt(),
                     200);
        } else if (name == QLatin1String("thrower")) {
            QCOMPARE(e.value(u"outcome").toString(), QStringLiteral("exception"));
            const QJsonObject exception = e.value(u"exceptions").toArray().at(0).toObject();
            QCOMPARE(exception.value(u"name").toString(), QStringLiteral("TypeError"));
            QCOMPARE(exception.value(u"message").toString(), QStringLiteral("tail me"));
        } else {
            QCOMPARE(e.value(u"logs").toArray().at(0).toObject().value(u"message").toArray().at(0),
                     QJsonValue(QStringLiteral("dispatching")));
        }
    }

    // The client's close is answered, and the stream stops being built.
    client.sendMaskedClose(1000);
    const auto close = client.next();
    QVERIFY(close);
    QCOMPARE(close->opcode, 8);
    QVERIFY(subscribed(0));
    // The session ended with its client: it takes none of the Worker's ten places.
    QCOMPARE(tailCount(), 0);
}

void tst_Tail::filters_data()
{
    QTest::addColumn<QByteArray>("filters");
    QTest::addColumn<QStringList>("expected"); // scriptName:method of the events, in any order
    // wrangler's --status error is these four outcomes. The dispatcher forwards without catching:
    // the user Worker's exception is its own too.
    QTest::newRow("status error") << QByteArray(
            R"([{"outcome":["exception","exceededCpu","exceededMemory","unknown"]}])")
                                  << QStringList {"thrower:GET", "dispatcher:GET"};
    QTest::newRow("status ok") << QByteArray(R"([{"outcome":["ok"]}])")
                               << QStringList {"chatty:GET", "chatty:POST", "dispatcher:GET",
                                               "dispatcher:POST"};
    QTest::newRow("method") << QByteArray(R"([{"method":["post"]}])")
                            << QStringList {"chatty:POST", "dispatcher:POST"};
    QTest::newRow("header key") << QByteArray(R"([{"header":{"key":"X-Tail-Me"}}])")
                                << QStringList {"chatty:POST", "dispatcher:POST", "thrower:GET",
                                                "dispatcher:GET"};
    QTest::newRow("header value") << QByteArray(R"([{"header":{"key":"x-tail-me","query":"yes"}}])")
                                  << QStringList {"thrower:GET", "dispatcher:GET"};
    QTest::newRow("search log") << QByteArray(R"([{"query":"hello"}])")
                                << QStringList {"chatty:GET", "chatty:POST"};
    QTest::newRow("search exception") << QByteArray(R"([{"query":"tail me"}])")
                                      << QStringList {"thrower:GET", "dispatcher:GET"};
    QTest::newRow("together") << QByteArray(R"([{"method":["GET"]},{"query":"dispatching"}])")
                              << QStringList {"dispatcher:GET", "dispatcher:GET"};
}

void tst_Tail::filters()
{
    QFETCH(QByteArray, filters);
    QFETCH(QStringList, expected);
    const QJsonObject session = createTail("{\"filters\":" + filters + "}");
    QVERIFY(!session.isEmpty());
    TailClient client;
    QVERIFY(client.open(m_stack.adminPort(), streamPath(session)));
    QCOMPARE(client.status, 101);
    QVERIFY(subscribed(1));
    // Three requests, six Invocations: GET chatty, POST chatty (x-tail-me: no), GET thrower
    // (x-tail-me: yes).
    visit("chatty.example.com");
    visit("chatty.example.com", "POST", "/", {{"X-Tail-Me", "no"}});
    visit("thrower.example.com", "GET", "/", {{"X-Tail-Me", "yes"}});
    // Then a marker every filter lets through... none does; wait for the quiet instead: the
    // events of finished Invocations are out before the next request is answered.
    QList<QJsonObject> events = client.events(
            [&](const QList<QJsonObject> &e) { return e.size() > expected.size(); }, 2000);
    QStringList seen;
    for (const QJsonObject &e : events)
        seen << e.value(u"scriptName").toString() + u':'
                        + e.value(u"event")
                                  .toObject()
                                  .value(u"request")
                                  .toObject()
                                  .value(u"method")
                                  .toString();
    seen.sort();
    expected.sort();
    QCOMPARE(seen, expected);
}

void tst_Tail::samplingRate()
{
    const QJsonObject session = createTail(R"({"filters":[{"sampling_rate":0.5}]})",
                                           "/client/v4/accounts/local/workers/dispatch/"
                                           "namespaces/tailed/scripts/chatty/tails");
    TailClient client;
    QVERIFY(client.open(m_stack.adminPort(), streamPath(session)));
    QVERIFY(subscribed(1));
    constexpr int kRequests = 60;
    for (int i = 0; i < kRequests; ++i)
        QCOMPARE(visit("chatty.example.com").status, 200);
    const QList<QJsonObject> events
            = client.events([](const QList<QJsonObject> &) { return false; }, 2000);
    // Each event is kept with probability 1/2: all 60 or none would happen once in 2^59 runs.
    QVERIFY2(events.size() > 0 && events.size() < kRequests,
             qPrintable(QString::number(events.size())));
}

void tst_Tail::userWorkerTail()
{
    const QByteArray tails
            = "/client/v4/accounts/local/workers/dispatch/namespaces/tailed/scripts/chatty/tails";
    const QJsonObject session = createTail("{}", tails);
    QVERIFY(!session.isEmpty());
    // Not listed under the dispatcher.
    QCOMPARE(tailCount(), 0);
    TailClient client;
    QVERIFY(client.open(m_stack.adminPort(), streamPath(session)));
    QVERIFY(subscribed(1));
    visit("thrower.example.com");
    visit("chatty.example.com");
    const QList<QJsonObject> events
            = client.events([](const QList<QJsonObject> &e) { return e.size() >= 2; }, 2000);
    QCOMPARE(scriptNames(events), QStringList {QStringLiteral("chatty")});
    QCOMPARE(rawRequest(m_stack.adminPort(), "POST", "127.0.0.1",
                        "/client/v4/accounts/local/workers/dispatch/namespaces/tailed/scripts/"
                        "nobody/tails",
                        "{}", auth())
                     .status,
             404);
}

void tst_Tail::urlIsTheOnlyCredential()
{
    const QJsonObject a = createTail();
    const QJsonObject b = createTail();
    QVERIFY(a.value(u"id") != b.value(u"id"));
    // A guessed id, or the Worker's name, opens nothing.
    for (const QByteArray &guess :
         {QByteArray("/tail/00000000000000000000000000000000"), QByteArray("/tail/dispatcher"),
          QByteArray("/tail/") + a.value(u"id").toString().left(31).toLatin1()}) {
        TailClient guesser;
        QVERIFY(guesser.open(m_stack.adminPort(), guess));
        QCOMPARE(guesser.status, 404);
    }
    // Without the subprotocol wrangler asks for, or without an upgrade, no stream.
    TailClient plain;
    QVERIFY(plain.open(m_stack.adminPort(), streamPath(a), {}));
    QCOMPARE(plain.status, 400);
    QCOMPARE(rawRequest(m_stack.adminPort(), "GET", "127.0.0.1", streamPath(a)).status, 400);
    // One client per session: the URL cannot be used twice.
    TailClient first;
    QVERIFY(first.open(m_stack.adminPort(), streamPath(a)));
    QCOMPARE(first.status, 101);
    TailClient second;
    QVERIFY(second.open(m_stack.adminPort(), streamPath(a)));
    QCOMPARE(second.status, 409);
    // A deleted session's URL is dead, and its open stream is closed.
    QCOMPARE(rawRequest(m_stack.adminPort(), "DELETE", "127.0.0.1",
                        "/client/v4/accounts/local/workers/scripts/dispatcher/tails/"
                                + a.value(u"id").toString().toLatin1(),
                        {}, auth())
                     .status,
             200);
    const auto close = first.next();
    QVERIFY(close);
    QCOMPARE(close->opcode, 8);
    TailClient late;
    QVERIFY(late.open(m_stack.adminPort(), streamPath(a)));
    QCOMPARE(late.status, 404);
}

void tst_Tail::perWorkerCap()
{
    // Cloudflare's limit: 10 clients per Worker. All ten connected, none reading: dispatch goes
    // on for each of 200 requests, and the one client that does read has all their events.
    std::vector<std::unique_ptr<TailClient>> clients;
    for (int i = 0; i < 10; ++i) {
        const QJsonObject session = createTail();
        QVERIFY(!session.isEmpty());
        clients.push_back(std::make_unique<TailClient>());
        QVERIFY(clients.back()->open(m_stack.adminPort(), streamPath(session)));
        QCOMPARE(clients.back()->status, 101);
        if (i > 0)
            clients.back()->socket.setReadBufferSize(1024);
    }
    QVERIFY(subscribed(10));
    constexpr int kRequests = 200;
    for (int i = 0; i < kRequests; ++i)
        QCOMPARE(visit("chatty.example.com", "GET", "/many").status, 200);
    const QList<QJsonObject> events = clients.front()->events(
            [](const QList<QJsonObject> &e) { return e.size() >= 2 * kRequests; });
    QCOMPARE(events.size(), 2 * kRequests);
    const RawResponse refused = rawRequest(
            m_stack.adminPort(), "POST", "127.0.0.1",
            "/client/v4/accounts/local/workers/scripts/dispatcher/tails", "{}", auth());
    QCOMPARE(refused.status, 429);
    // Another Worker still has room.
    QVERIFY(!createTail("{}",
                        "/client/v4/accounts/local/workers/dispatch/namespaces/tailed/scripts/"
                        "chatty/tails")
                     .isEmpty());
}

void tst_Tail::clientThatNeverReads()
{
    const QJsonObject session = createTail(R"({"filters":[{"query":"xxxxxxxx"}]})");
    TailClient client;
    QVERIFY(client.open(m_stack.adminPort(), streamPath(session)));
    QCOMPARE(client.status, 101);
    // Qt stops reading the socket past this, so the kernel's buffers fill and TCP pushes back.
    client.socket.setReadBufferSize(4096);
    QVERIFY(subscribed(1));
    // ~32 KiB events: 1,500 of them (48 MiB) are far more than the queue (4 MiB) and the
    // sockets' buffers hold.
    constexpr int kRequests = 1500;
    for (int i = 0; i < kRequests; ++i)
        QCOMPARE(visit("chatty.example.com", "GET", "/big").status, 200);
    // The platform is not held up by the stalled client: another Worker answers at once.
    QCOMPARE(visit("thrower.example.com").status, 500);

    // Now the client reads: what was kept, then Cloudflare's sampling notice, and once it has
    // caught up the notice that it stopped.
    client.socket.setReadBufferSize(0);
    int events = 0;
    bool overload = false, overloadStop = false;
    QElapsedTimer timer;
    timer.start();
    while (!overloadStop && timer.elapsed() < 60000) {
        const auto frame = client.next(5000);
        if (!frame)
            break;
        const QJsonObject e = QJsonDocument::fromJson(frame->payload).object();
        const QJsonObject event = e.value(u"event").toObject();
        if (event.value(u"type") == QLatin1String("overload")) {
            overload = true;
            QCOMPARE(event.value(u"message").toString(),
                     QStringLiteral("Tail is currently in sampling mode due to the high volume "
                                    "of messages. To prevent messages from being dropped "
                                    "consider adding filters."));
        } else if (event.value(u"type") == QLatin1String("overload-stop")) {
            overloadStop = true;
        } else {
            ++events;
        }
    }
    QVERIFY(overload);
    QVERIFY(overloadStop);
    QVERIFY2(events > 0 && events < kRequests, qPrintable(QString::number(events)));
}

void tst_Tail::sessionExpires()
{
    // A stack of its own whose tails last two seconds.
    testing::DispatchStack stack;
    stack.adminToken = QString::fromLatin1(kToken);
    stack.configure = [](app::RuntimeStack::Config &config) {
        config.tailLifetime = std::chrono::milliseconds(2000);
    };
    QVERIFY(stack.start(*m_v8, QStringLiteral("expiring"), dispatcherCode).isEmpty());
    const RawResponse created = rawRequest(
            stack.adminPort(), "POST", "127.0.0.1",
            "/client/v4/accounts/local/workers/scripts/dispatcher/tails", "{}", auth());
    const QJsonObject session = envelope(created).value(u"result").toObject();
    TailClient client;
    QVERIFY(client.open(stack.adminPort(), streamPath(session)));
    QCOMPARE(client.status, 101);
    const auto close = client.next(15000);
    QVERIFY(close);
    QCOMPARE(close->opcode, 8);
    QCOMPARE(stack.service().liveTails().count(), 0);
    QCOMPARE(envelope(rawRequest(stack.adminPort(), "GET", "127.0.0.1",
                                 "/client/v4/accounts/local/workers/scripts/dispatcher/tails", {},
                                 auth()))
                     .value(u"result")
                     .toArray()
                     .size(),
             0);
    TailClient late;
    QVERIFY(late.open(stack.adminPort(), streamPath(session)));
    QCOMPARE(late.status, 404);
    stack.stop();
}

QTEST_MAIN(tst_Tail)
#include "tst_tail.moc"
