// Two Switchyard nodes on one PostgreSQL store, in one process: each a whole RuntimeStack (store,
// platform service, engine, dispatch listener) on its own data directory, both on the same
// database of a real PostgreSQL server this executable starts (tests/common/pgcluster.h). An edit
// through node A's admin API must route node B's next requests once B has had the change feed's
// notification; the tests poll B's dispatch listener until a deadline and assert no timing.
#include "../common/pgcluster.h"
#include "../common/rawhttp.h"
#include "../common/workercode.h"

#include "runtimestack.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using switchyard::testing::PgCluster;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {

const QByteArray kToken = "cluster-test-token";
const QByteArray kBoundary = "----cluster-0123456789";

// Routes by the first label of the host to a user Worker in `production`; /kv reads ROUTES.
const QByteArray kDispatcher = R"JS(
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/kv')
      return new Response((await env.ROUTES.get('greeting')) ?? 'none');
    const name = url.hostname.split('.')[0];
    try {
      return await env.DISPATCHER.get(name).fetch(request);
    } catch (e) {
      return new Response('no worker ' + name, { status: 404 });
    }
  }
};
)JS";

QByteArray userWorker(const QByteArray &answer)
{
    return "export default { fetch() { return new Response('" + answer + "'); } };\n";
}

QByteArray uploadForm(const QByteArray &code)
{
    QByteArray out;
    out += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
            + R"({"main_module":"index.js"})" + "\r\n";
    out += "--" + kBoundary
            + "\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
              "Content-Type: application/javascript+module\r\n\r\n"
            + code + "\r\n";
    return out + "--" + kBoundary + "--\r\n";
}

} // namespace

class tst_Cluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void secondNodeLoadsTheSharedPlatform();
    void adminEditOnOneNodeRoutesTheOther();
    void kvEditOnOneNodeReachesTheOther();
    void editsOnBothNodesConverge();
    void gradualDeploymentReachesTheOtherNode();
    void headlessNodeJoinsWithoutShowingThePassword();

private:
    // Starts a node on the current test's database; node A also serves the admin API.
    std::unique_ptr<app::RuntimeStack> startNode(QTemporaryDir &dir, bool admin, QString *error);
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                    const QByteArray &contentType);
    // Asks `node` for host/path until the body is `expected` or 30 s pass; returns the last body.
    static QByteArray pollBody(app::RuntimeStack &node, const QByteArray &host,
                               const QByteArray &path, const QByteArray &expected);

    std::unique_ptr<engine::V8Platform> m_v8;
    std::optional<store::StoreLocation> m_store;
    QTemporaryDir m_dirA, m_dirB;
    std::unique_ptr<app::RuntimeStack> m_a, m_b;
};

void tst_Cluster::initTestCase()
{
    PgCluster &cluster = PgCluster::instance();
    QVERIFY2(cluster.error().isEmpty(), qPrintable(cluster.error()));
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_Cluster::cleanupTestCase()
{
    m_v8.reset();
    PgCluster::instance().stop();
}

std::unique_ptr<app::RuntimeStack> tst_Cluster::startNode(QTemporaryDir &dir, bool admin,
                                                          QString *error)
{
    auto stack = std::make_unique<app::RuntimeStack>(*m_v8);
    app::RuntimeStack::Config config;
    config.dataDir = dir.path();
    config.store = m_store;
    config.executorThreads = 1;
    if (admin)
        config.admin = app::Endpoint {QHostAddress::LocalHost, 0};
    config.adminToken = QString::fromLatin1(kToken);
    if (!stack->start(config, error))
        return nullptr;
    return stack;
}

void tst_Cluster::init()
{
    QString error;
    m_store = PgCluster::instance().createDatabase(&error);
    QVERIFY2(m_store, qPrintable(error));
    m_a = startNode(m_dirA, true, &error);
    QVERIFY2(m_a, qPrintable(error));
    platform::PlatformService &a = m_a->service();
    QVERIFY(a.createNamespace(QStringLiteral("production")));
    QVERIFY(a.createKvNamespace(QStringLiteral("ROUTES"), QStringLiteral("routes-id")));
    const QJsonArray bindings {
            QJsonObject {{QStringLiteral("type"), "dispatch_namespace"},
                         {QStringLiteral("name"), "DISPATCHER"},
                         {QStringLiteral("namespace"), "production"}},
            QJsonObject {{QStringLiteral("type"), "kv_namespace"},
                         {QStringLiteral("name"), "ROUTES"},
                         {QStringLiteral("namespace_id"), "routes-id"}},
    };
    const auto put
            = a.putPlatformWorker(QStringLiteral("dispatcher"), store::WorkerKind::Dispatcher,
                                  testing::moduleCode(kDispatcher, bindings));
    QVERIFY2(put, qPrintable(put.errorMessage()));
    QVERIFY(a.setActiveDispatcher(QStringLiteral("dispatcher")));
    // B starts after A's setup: it must find all of it in the shared store.
    m_b = startNode(m_dirB, false, &error);
    QVERIFY2(m_b, qPrintable(error));
}

void tst_Cluster::cleanup()
{
    m_b.reset();
    m_a.reset();
}

RawResponse tst_Cluster::api(const QByteArray &method, const QByteArray &path,
                             const QByteArray &body, const QByteArray &contentType)
{
    return rawRequest(m_a->adminPort(), method, "127.0.0.1", "/client/v4/accounts/local" + path,
                      body, {{"Authorization", "Bearer " + kToken}, {"Content-Type", contentType}});
}

QByteArray tst_Cluster::pollBody(app::RuntimeStack &node, const QByteArray &host,
                                 const QByteArray &path, const QByteArray &expected)
{
    QDeadlineTimer deadline(30000);
    QByteArray body;
    do {
        body = rawRequest(node.port(), "GET", host, path).body;
        if (body == expected)
            break;
        QTest::qWait(5);
    } while (!deadline.hasExpired());
    return body;
}

void tst_Cluster::secondNodeLoadsTheSharedPlatform()
{
    // What A set up before B started: namespace, KV namespace, the active dispatcher.
    const auto snapshot = m_b->service().snapshot();
    QVERIFY(snapshot->dispatchNamespace(QStringLiteral("production")));
    QCOMPARE(snapshot->activeDispatcher, QStringLiteral("dispatcher"));
    QVERIFY(m_b->service().kvNamespace(QStringLiteral("routes-id")));
    const RawResponse r = rawRequest(m_b->port(), "GET", "site.example.com", "/");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.body, QByteArray("no worker site"));
}

void tst_Cluster::gradualDeploymentReachesTheOtherNode()
{
    platform::PlatformService &a = m_a->service();
    const QString serving = a.platformWorker(QStringLiteral("dispatcher"))->versionId;
    const auto added = a.addPlatformWorkerVersion(
            QStringLiteral("dispatcher"),
            testing::moduleCode("export default { fetch() { return new Response('beta'); } };"));
    QVERIFY2(added, qPrintable(added.errorMessage()));
    const QString beta = added.value()->id;
    QVERIFY(a.deployPlatformWorker(QStringLiteral("dispatcher"), {{serving, 50}, {beta, 50}}));
    // B reloads the deployment and splits its own requests.
    QDeadlineTimer deadline(30000);
    while (!m_b->service().platformWorker(QStringLiteral("dispatcher"))->splitVersion
           && !deadline.hasExpired())
        QTest::qWait(5);
    QSet<QByteArray> seen;
    for (int i = 0; i < 100 && seen.size() < 2; ++i)
        seen.insert(rawRequest(m_b->port(), "GET", "site.example.com", "/").body);
    // Each of 100 requests misses a 50 % version with probability 2^-100.
    QCOMPARE(seen, (QSet<QByteArray> {"beta", "no worker site"}));
    QCOMPARE(m_b->service().platformWorkerVersions(QStringLiteral("dispatcher")).size(), 2);
    // A rollback on A: B serves the old version alone.
    QVERIFY(a.deployPlatformWorker(QStringLiteral("dispatcher"), {{serving, 100}}));
    deadline.setRemainingTime(30000);
    while (m_b->service().platformWorker(QStringLiteral("dispatcher"))->splitVersion
           && !deadline.hasExpired())
        QTest::qWait(5);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(rawRequest(m_b->port(), "GET", "site.example.com", "/").body,
                 QByteArray("no worker site"));
}

void tst_Cluster::adminEditOnOneNodeRoutesTheOther()
{
    const QByteArray script = "/workers/dispatch/namespaces/production/scripts/site";
    const QByteArray multipart = "multipart/form-data; boundary=" + kBoundary;
    RawResponse put = api("PUT", script, uploadForm(userWorker("v1")), multipart);
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(pollBody(*m_b, "site.example.com", "/", "v1"), QByteArray("v1"));

    // A new version replaces the old one on B too.
    put = api("PUT", script, uploadForm(userWorker("v2")), multipart);
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(pollBody(*m_b, "site.example.com", "/", "v2"), QByteArray("v2"));
    QCOMPARE(rawRequest(m_a->port(), "GET", "site.example.com", "/").body, QByteArray("v2"));

    // And a delete removes it there.
    const RawResponse removed = api("DELETE", script, {}, "application/json");
    QVERIFY2(removed.status == 200, removed.body.constData());
    QCOMPARE(pollBody(*m_b, "site.example.com", "/", "no worker site"),
             QByteArray("no worker site"));
    QVERIFY(!m_b->service().script(QStringLiteral("production"), QStringLiteral("site")));
}

void tst_Cluster::kvEditOnOneNodeReachesTheOther()
{
    QCOMPARE(rawRequest(m_b->port(), "GET", "x.example.com", "/kv").body, QByteArray("none"));
    const RawResponse put = api("PUT", "/storage/kv/namespaces/routes-id/values/greeting",
                                "hello from A", "text/plain");
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(pollBody(*m_b, "x.example.com", "/kv", "hello from A"), QByteArray("hello from A"));
    QVERIFY(m_b->service().kvGet(QStringLiteral("routes-id"), QStringLiteral("greeting")));
}

void tst_Cluster::editsOnBothNodesConverge()
{
    // Both nodes write at once, interleaved: every write lands once, and both views end equal.
    platform::PlatformService &a = m_a->service(), &b = m_b->service();
    const QString ns = QStringLiteral("routes-id");
    for (int i = 0; i < 20; ++i) {
        QVERIFY(a.kvPut(ns, QStringLiteral("a%1").arg(i), "from A"));
        QVERIFY(b.kvPut(ns, QStringLiteral("b%1").arg(i), "from B"));
        QVERIFY(b.kvPut(ns, QStringLiteral("shared"), QByteArray::number(i)));
    }
    const auto upload = b.putScript(QStringLiteral("production"), QStringLiteral("from-b"),
                                    {testing::moduleCode(userWorker("made on B")), {}});
    QVERIFY2(upload, qPrintable(upload.errorMessage()));
    QCOMPARE(pollBody(*m_a, "from-b.example.com", "/", "made on B"), QByteArray("made on B"));
    for (platform::PlatformService *node : {&a, &b}) {
        QTRY_COMPARE_WITH_TIMEOUT(node->kvList(ns, {}, 1000)->keys.size(), 41, 30000);
        QCOMPARE(node->kvGet(ns, QStringLiteral("shared"))->value, QByteArray("19"));
        QCOMPARE(node->kvGet(ns, QStringLiteral("a7"))->value, QByteArray("from A"));
        QCOMPARE(node->kvGet(ns, QStringLiteral("b7"))->value, QByteArray("from B"));
    }
}

void tst_Cluster::headlessNodeJoinsWithoutShowingThePassword()
{
    // The real executable, a third node on the same database, every log category on: the
    // password is in its command line and must be in none of its output.
    QTemporaryDir dir;
    QProcess node;
    node.setProcessChannelMode(QProcess::MergedChannels);
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("switchyard.*=true"));
    node.setProcessEnvironment(env);
    const QString url = PgCluster::instance().url(m_store->databaseName);
    node.start(QStringLiteral(SWITCHYARD_EXE),
               {QStringLiteral("--headless"), QStringLiteral("--store"), url,
                QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--admin"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--data-dir"), dir.path()});
    QByteArray printed;
    const QRegularExpression line(QStringLiteral("dispatching on http://127.0.0.1:(\\d+)/ "
                                                 "\\(data in ([^)]*)\\)"));
    QRegularExpressionMatch match;
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired() && node.state() != QProcess::NotRunning) {
        node.waitForReadyRead(100);
        printed += node.readAll();
        match = line.match(QString::fromUtf8(printed));
        if (match.hasMatch())
            break;
    }
    QVERIFY2(match.hasMatch(), printed.constData());
    QCOMPARE(match.captured(2), m_store->display());
    const quint16 port = quint16(match.captured(1).toUInt());

    // It serves what A publishes after it started.
    const RawResponse put = api("PUT", "/workers/dispatch/namespaces/production/scripts/late",
                                uploadForm(userWorker("seen by the third node")),
                                "multipart/form-data; boundary=" + kBoundary);
    QVERIFY2(put.status == 200, put.body.constData());
    QDeadlineTimer served(30000);
    QByteArray body;
    while (!served.hasExpired() && body != "seen by the third node") {
        body = rawRequest(port, "GET", "late.example.com", "/").body;
        QTest::qWait(5);
    }
    QCOMPARE(body, QByteArray("seen by the third node"));

    node.terminate();
    QVERIFY(node.waitForFinished(30000));
    printed += node.readAll();
    const QByteArray password = PgCluster::kPassword;
    QVERIFY2(!printed.contains(password), printed.constData());
    QVERIFY2(!printed.contains("pw-Zq9"), printed.constData());
    QVERIFY2(!printed.contains(QUrl::toPercentEncoding(QString::fromLatin1(password))),
             printed.constData());
}

QTEST_MAIN(tst_Cluster)
#include "tst_cluster.moc"
