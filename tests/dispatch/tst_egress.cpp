// What tenant code can reach with fetch(), through the real dispatch listener of a full
// RuntimeStack with its admin API: the control plane never, loopback and private networks only
// when allowed, this platform's own listener always; and a Worker that fetches itself is stopped
// by the loop limit (CF-EW-Via, error 1019) instead of running until every Worker in the chain
// times out.
#include "../common/loopbackhttpserver.h"
#include "../common/rawhttp.h"
#include "../common/workercode.h"
#include "runtimestack.h"

#include "engine/v8platform.h"
#include "platform/dispatcher.h"
#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace switchyard;
using switchyard::testing::LoopbackHttpServer;
using switchyard::testing::LoopbackReply;
using switchyard::testing::LoopbackRequest;
using switchyard::testing::moduleCode;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {

const char kNamespace[] = "tenants";
const QByteArray kToken = "egress-admin-token";

// Every host goes to the user Worker named by its first label, under the engine's default limits.
const QByteArray kDispatcher = R"(export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    try {
      return await env.DISPATCHER.get(name).fetch(request);
    } catch (e) {
      return new Response(e.message, { status: e.message.startsWith("Worker not found") ? 404 : 500 });
    }
  },
};)";

// Fetches ?depth=N levels deep into its own host and reports every level's status.
const QByteArray kLooper = R"(export default {
  async fetch(request) {
    const url = new URL(request.url);
    const depth = Number(url.searchParams.get("depth"));
    if (depth <= 0) return new Response("bottom, CF-EW-Via " + request.headers.get("cf-ew-via"));
    const r = await fetch(`http://${url.host}/?depth=${depth - 1}`);
    return new Response(`${depth}:${r.status} ` + (await r.text()), { status: r.status });
  },
};)";

// Fetches itself with no end; only the platform can stop it.
const QByteArray kForever = R"(export default {
  async fetch(request) {
    const r = await fetch(request.url, { headers: { "cf-ew-via": "1000" } });
    return new Response(await r.text(), { status: r.status });
  },
};)";

// Fetches ?u=URL and reports what came back, or the error fetch() rejected with.
const QByteArray kProbe = R"(export default {
  async fetch(request) {
    const target = new URL(request.url).searchParams.get("u");
    try {
      const r = await fetch(target, { headers: { authorization: "Bearer egress-admin-token" } });
      return new Response(`status ${r.status}: ` + (await r.text()));
    } catch (e) {
      return new Response(`${e.name}: ${e.message}`, { status: 502 });
    }
  },
};)";

// Redirects to ?to=URL.
const QByteArray kRedirector = R"(export default {
  async fetch(request) {
    return Response.redirect(new URL(request.url).searchParams.get("to"), 302);
  },
};)";

} // namespace

class tst_Egress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void selfFetchChainIsNotStalled();
    void loopIsStoppedWith1019();
    void endlessSelfFetchEndsAtTheLimit();
    void incomingLoopHeaderIsHonoured();
    void adminApiIsUnreachable_data();
    void adminApiIsUnreachable();
    void privateNetworksAreRefusedByDefault_data();
    void privateNetworksAreRefusedByDefault();
    void ownListenerIsReachable();
    void redirectIntoAdminIsRefused();
    void allowPrivateOutboundReachesLoopback();

private:
    void startStack(bool allowPrivate);
    void putUserWorker(const QString &name, const QByteArray &code);
    // `worker`.localhost, which Workers can fetch too (RFC 6761), with the listener's port.
    QByteArray host(const QByteArray &worker) const
    {
        return worker + ".localhost:" + QByteArray::number(m_stack->port());
    }
    RawResponse get(const QByteArray &worker, const QByteArray &target = "/",
                    const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return rawRequest(m_stack->port(), "GET", host(worker), target, {}, headers, 60000);
    }
    RawResponse probe(const QString &url)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("u"), url);
        return get("probe", "/?" + query.toString(QUrl::FullyEncoded).toLatin1());
    }
    QString adminBase(const QString &host) const
    {
        return QStringLiteral("http://%1:%2/client/v4/accounts/x/workers/dispatch/namespaces")
                .arg(host)
                .arg(m_stack->adminPort());
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<app::RuntimeStack> m_stack;
};

void tst_Egress::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_Egress::cleanupTestCase()
{
    m_v8.reset();
}

void tst_Egress::cleanup()
{
    m_stack.reset();
    m_dir.reset();
}

void tst_Egress::startStack(bool allowPrivate)
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_stack = std::make_unique<app::RuntimeStack>(*m_v8);
    app::RuntimeStack::Config config;
    config.dataDir = m_dir->path();
    config.executorThreads = 2;
    config.admin = app::Endpoint {QHostAddress::LocalHost, 0};
    config.adminToken = QString::fromLatin1(kToken);
    config.allowPrivateOutbound = allowPrivate;
    QString error;
    QVERIFY2(m_stack->start(config, &error), qPrintable(error));
    auto &service = m_stack->service();
    QVERIFY(service.createNamespace(QString::fromLatin1(kNamespace)));
    const QJsonArray bindings {
            QJsonObject {{QStringLiteral("type"), QStringLiteral("dispatch_namespace")},
                         {QStringLiteral("name"), QStringLiteral("DISPATCHER")},
                         {QStringLiteral("namespace"), QString::fromLatin1(kNamespace)}}};
    auto put
            = service.putPlatformWorker(QStringLiteral("dispatcher"), store::WorkerKind::Dispatcher,
                                        moduleCode(kDispatcher, bindings));
    QVERIFY2(put, qPrintable(put.errorMessage()));
    QVERIFY(service.setActiveDispatcher(QStringLiteral("dispatcher")));
    putUserWorker(QStringLiteral("looper"), kLooper);
    putUserWorker(QStringLiteral("forever"), kForever);
    putUserWorker(QStringLiteral("probe"), kProbe);
    putUserWorker(QStringLiteral("redirector"), kRedirector);
}

void tst_Egress::putUserWorker(const QString &name, const QByteArray &code)
{
    auto put = m_stack->service().putScript(QString::fromLatin1(kNamespace), name,
                                            {moduleCode(code), {}});
    QVERIFY2(put, qPrintable(put.errorMessage()));
}

void tst_Egress::selfFetchChainIsNotStalled()
{
    // 15 nested fetches into the platform's own listener, each waiting on the next: more than
    // the six connections Qt opens per host, which stalled the chain until the wall limit.
    startStack(false);
    const RawResponse r = get("looper", "/?depth=15");
    QVERIFY2(r.status == 200, r.body.constData());
    QVERIFY2(r.body.startsWith("15:200 14:200 13:200"), r.body.constData());
    QVERIFY2(r.body.endsWith("1:200 bottom, CF-EW-Via 1"), r.body.constData());
}

void tst_Egress::loopIsStoppedWith1019()
{
    startStack(false);
    const RawResponse r = get("looper", "/?depth=40");
    QCOMPARE(r.status, 508);
    // The request from outside and 15 fetches run Workers; the 16th fetch is stopped.
    QVERIFY2(r.body.startsWith("40:508 39:508"), r.body.constData());
    QVERIFY2(r.body.contains(" 25:508 Error 1019: Worker hit loop limit: a Worker cannot call "
                             "itself or another Worker more than 16 times (CF-EW-Via).\n"),
             r.body.constData());
    QVERIFY2(!r.body.contains(" 24:"), r.body.constData());
}

void tst_Egress::endlessSelfFetchEndsAtTheLimit()
{
    // The Worker even sets its own CF-EW-Via: the platform's count wins.
    startStack(false);
    const RawResponse r = get("forever");
    QCOMPARE(r.status, 508);
    QVERIFY2(r.body.startsWith("Error 1019: Worker hit loop limit"), r.body.constData());
}

void tst_Egress::incomingLoopHeaderIsHonoured()
{
    startStack(false);
    RawResponse r = get("looper", "/?depth=3", {{platform::kLoopHeader, "2"}});
    QCOMPARE(r.status, 508);
    QVERIFY2(r.body.startsWith("3:508 2:508 Error 1019"), r.body.constData());
    r = get("looper", "/", {{platform::kLoopHeader, "0"}});
    QCOMPARE(r.status, 508);
    // A larger count than the limit is capped.
    r = get("looper", "/?depth=20", {{platform::kLoopHeader, "1000"}});
    QCOMPARE(r.status, 508);
}

void tst_Egress::adminApiIsUnreachable_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("127.0.0.1") << "127.0.0.1";
    QTest::newRow("localhost") << "localhost";
    QTest::newRow("*.localhost") << "admin.localhost";
    QTest::newRow("127.0.0.2") << "127.0.0.2";
    QTest::newRow("0.0.0.0") << "0.0.0.0";
    QTest::newRow("decimal") << "2130706433";
    QTest::newRow("octal") << "0177.0.0.1";
    QTest::newRow("hex") << "0x7f.0.0.1";
    QTest::newRow("[::1]") << "[::1]";
    QTest::newRow("[::ffff:127.0.0.1]") << "[::ffff:127.0.0.1]";
    QTest::newRow("[::]") << "[::]";
}

void tst_Egress::adminApiIsUnreachable()
{
    QFETCH(QString, host);
    startStack(false);
    // The same request from outside the platform is answered (and would be with the token).
    QCOMPARE(rawRequest(m_stack->adminPort(), "GET", "127.0.0.1",
                        "/client/v4/accounts/x/workers/dispatch/namespaces", {},
                        {{"Authorization", "Bearer " + kToken}})
                     .status,
             200);
    const RawResponse r = probe(adminBase(host));
    QCOMPARE(r.status, 502);
    QVERIFY2(r.body.startsWith("TypeError: fetch() to "), r.body.constData());
    QVERIFY2(r.body.endsWith(QStringLiteral(":%1 was refused: it is this platform's admin API, "
                                            "which Workers can never reach.")
                                     .arg(m_stack->adminPort())
                                     .toUtf8()),
             r.body.constData());
}

void tst_Egress::privateNetworksAreRefusedByDefault_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("refused");
    QTest::newRow("loopback server") << ""
                                     << "";
    QTest::newRow("10/8") << "http://10.0.0.1/"
                          << "10.0.0.1:80";
    QTest::newRow("192.168/16") << "http://192.168.1.1:8080/"
                                << "192.168.1.1:8080";
    QTest::newRow("172.16/12") << "http://172.16.0.1/"
                               << "172.16.0.1:80";
    QTest::newRow("metadata service") << "http://169.254.169.254/latest/meta-data/"
                                      << "169.254.169.254:80";
    QTest::newRow("carrier-grade NAT") << "http://100.64.0.1/"
                                       << "100.64.0.1:80";
    QTest::newRow("IPv6 unique local") << "http://[fd00::1]/"
                                       << "[fd00::1]:80";
    QTest::newRow("IPv6 link-local") << "http://[fe80::1]/"
                                     << "[fe80::1]:80";
    QTest::newRow("IPv4-mapped private") << "http://[::ffff:10.0.0.1]/"
                                         << "[::ffff:10.0.0.1]:80";
    QTest::newRow("NAT64 loopback") << "http://[64:ff9b::7f00:1]/"
                                    << "[64:ff9b::7f00:1]:80";
}

void tst_Egress::privateNetworksAreRefusedByDefault()
{
    QFETCH(QString, url);
    QFETCH(QString, refused);
    startStack(false);
    LoopbackHttpServer server([](const LoopbackRequest &) {
        return LoopbackReply("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
    });
    if (url.isEmpty()) {
        url = server.base() + QStringLiteral("/");
        refused = server.base().mid(7);
    }
    const RawResponse r = probe(url);
    QCOMPARE(r.status, 502);
    QCOMPARE(r.body,
             QStringLiteral("TypeError: fetch() to %1 was refused: Workers cannot reach "
                            "loopback, private or link-local addresses, only public ones and "
                            "this platform's dispatch listener (switchyard "
                            "--allow-private-outbound allows private networks).")
                     .arg(refused)
                     .toUtf8());
    QCOMPARE(server.requests, 0);
}

void tst_Egress::ownListenerIsReachable()
{
    startStack(false);
    for (const QString &host : {QStringLiteral("looper.localhost"), QStringLiteral("127.0.0.1")}) {
        const RawResponse r
                = probe(QStringLiteral("http://%1:%2/?depth=0").arg(host).arg(m_stack->port()));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.startsWith(host == u"127.0.0.1" ? "status 404: Worker not found"
                                                        : "status 200: bottom, CF-EW-Via 15"),
                 r.body.constData());
    }
}

void tst_Egress::redirectIntoAdminIsRefused()
{
    // The first hop is the platform's own listener (allowed); its answer redirects to the admin
    // API, which is checked like any other address.
    startStack(false);
    QUrlQuery to;
    to.addQueryItem(QStringLiteral("to"), adminBase(QStringLiteral("127.0.0.1")));
    const RawResponse r = probe(QStringLiteral("http://redirector.localhost:%1/?%2")
                                        .arg(m_stack->port())
                                        .arg(to.toString(QUrl::FullyEncoded)));
    QCOMPARE(r.status, 502);
    QVERIFY2(r.body.contains("was refused: it is this platform's admin API"), r.body.constData());
}

void tst_Egress::allowPrivateOutboundReachesLoopback()
{
    startStack(true);
    LoopbackHttpServer server([](const LoopbackRequest &) {
        return LoopbackReply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nlocal");
    });
    RawResponse r = probe(server.base() + QStringLiteral("/"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("status 200: local"));
    // The control plane stays out of reach.
    r = probe(adminBase(QStringLiteral("127.0.0.1")));
    QCOMPARE(r.status, 502);
    QVERIFY2(r.body.contains("was refused: it is this platform's admin API"), r.body.constData());
}

QTEST_GUILESS_MAIN(tst_Egress)
#include "tst_egress.moc"
