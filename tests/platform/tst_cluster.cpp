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

#include "serverstatus.h"
#include "store/database.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
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
    void kvEditReloadsOnlyItsKeys();
    void workerAndHostnameEditsReloadOnlyThemselves();
    void editsOnBothNodesConverge();
    void gradualDeploymentReachesTheOtherNode();
    void headlessNodeJoinsWithoutShowingThePassword();
    void storeOutageKeepsServingAndRecovers();
    void nodesSeeEachOther();
    void dataPointsAndTracesNameTheirNode();
    void killedNodeLosesNothingAcknowledged();

private:
    // Starts a node on the current test's database; node A also serves the admin API.
    std::unique_ptr<app::RuntimeStack> startNode(QTemporaryDir &dir, bool admin, QString *error);
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                    const QByteArray &contentType);
    // Asks `node` for host/path until the body is `expected` or 30 s pass; returns the last body.
    static QByteArray pollBody(app::RuntimeStack &node, const QByteArray &host,
                               const QByteArray &path, const QByteArray &expected);
    // Runs the real executable as a headless node on the current test's database with its admin
    // API on; returns its dispatch and admin ports (0 when it did not start).
    std::pair<quint16, quint16> startProcessNode(QProcess &node, const QString &dataDir,
                                                 QByteArray *printed);
    // How many trace rows of the user Worker `site` in the store have `needle` in their event.
    qint64 storedTraces(const QString &needle);

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
    config.nodeName = admin ? QStringLiteral("node-a") : QStringLiteral("node-b");
    config.heartbeatIntervalMs = 200;
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

void tst_Cluster::kvEditReloadsOnlyItsKeys()
{
    // A row written behind the nodes' backs (no NOTIFY) shows who reads what: a KV write on A
    // makes B read that key alone, so B does not see the row; any other edit makes B read
    // everything, and then it does.
    QString error;
    auto db = store::Database::open(*m_store, store::Database::Options {}, &error);
    QVERIFY2(db, qPrintable(error));
    db->exec(QStringLiteral("INSERT INTO kv_entries (namespace_id, key, value) VALUES (?, ?, ?)"),
             {QStringLiteral("routes-id"), QStringLiteral("behind"), QByteArray("unseen")});
    platform::PlatformService &a = m_a->service(), &b = m_b->service();
    const QString ns = QStringLiteral("routes-id");
    QVERIFY(a.kvPut(ns, QStringLiteral("greeting"), "only this"));
    QVERIFY(a.kvBulkPut(ns, {{QStringLiteral("one"), "1", {}}, {QStringLiteral("two"), "2", {}}}));
    QVERIFY(a.kvDelete(ns, QStringLiteral("one")));
    QTRY_VERIFY_WITH_TIMEOUT(b.kvGet(ns, QStringLiteral("two")), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!b.kvGet(ns, QStringLiteral("one")), 30000);
    QCOMPARE(b.kvGet(ns, QStringLiteral("greeting"))->value, QByteArray("only this"));
    QCOMPARE(pollBody(*m_b, "x.example.com", "/kv", "only this"), QByteArray("only this"));
    QVERIFY(!b.kvGet(ns, QStringLiteral("behind")));

    QVERIFY(a.createNamespace(QStringLiteral("staging")));
    QTRY_VERIFY_WITH_TIMEOUT(b.kvGet(ns, QStringLiteral("behind")), 30000);
    QVERIFY(b.snapshot()->dispatchNamespace(QStringLiteral("staging")));
}

void tst_Cluster::workerAndHostnameEditsReloadOnlyThemselves()
{
    // As for KV: a row written behind the nodes' backs shows that a user Worker's upload, tags
    // and deletion on A make B read that Worker alone, while it serves each of them; and a custom
    // hostname's put and deletion that hostname alone.
    QString error;
    auto db = store::Database::open(*m_store, store::Database::Options {}, &error);
    QVERIFY2(db, qPrintable(error));
    db->exec(QStringLiteral("INSERT INTO kv_entries (namespace_id, key, value) VALUES (?, ?, ?)"),
             {QStringLiteral("routes-id"), QStringLiteral("behind"), QByteArray("unseen")});
    platform::PlatformService &a = m_a->service(), &b = m_b->service();
    const QString ns = QStringLiteral("production"), name = QStringLiteral("partial");
    QSignalSpy changed(&b, &platform::PlatformService::scriptChanged);
    auto put = a.putScript(ns, name, {testing::moduleCode(userWorker("first")), {}});
    QVERIFY2(put, qPrintable(put.errorMessage()));
    QCOMPARE(pollBody(*m_b, "partial.example.com", "/", "first"), QByteArray("first"));
    put = a.putScript(ns, name, {testing::moduleCode(userWorker("second")), {}});
    QVERIFY2(put, qPrintable(put.errorMessage()));
    QCOMPARE(pollBody(*m_b, "partial.example.com", "/", "second"), QByteArray("second"));
    QVERIFY(a.setScriptTags(ns, name, {QStringLiteral("customer-7")}));
    QTRY_VERIFY_WITH_TIMEOUT(b.script(ns, name)
                                     && b.script(ns, name)->tags
                                             == QStringList {QStringLiteral("customer-7")},
                             30000);
    // B's copy is the stored Worker, bindings typed as a full read types them.
    QCOMPARE(b.script(ns, name)->contentHash, a.script(ns, name)->contentHash);
    QCOMPARE(b.script(ns, name)->code.modules, a.script(ns, name)->code.modules);
    QVERIFY(a.deleteScript(ns, name));
    QTRY_VERIFY_WITH_TIMEOUT(!b.script(ns, name), 30000);
    QCOMPARE(pollBody(*m_b, "partial.example.com", "/", "no worker partial"),
             QByteArray("no worker partial"));
    QVERIFY(changed.size() >= 4);
    for (const QList<QVariant> &args : std::as_const(changed))
        QCOMPARE(args.at(1).toString(), name);
    // A custom hostname likewise, with its metadata.
    QSignalSpy hostnames(&b, &platform::PlatformService::customHostnameChanged);
    const QString host = QStringLiteral("shop.partial.example");
    QVERIFY(a.putCustomHostname(host, R"({"customer":"c-7"})"));
    QTRY_VERIFY_WITH_TIMEOUT(b.customHostname(host), 30000);
    QCOMPARE(b.customHostname(host)->metadata.value(u"customer").toString(), QStringLiteral("c-7"));
    QVERIFY(a.deleteCustomHostname(host));
    QTRY_VERIFY_WITH_TIMEOUT(!b.customHostname(host), 30000);
    QCOMPARE(hostnames.size(), 2);
    QVERIFY(!b.kvGet(QStringLiteral("routes-id"), QStringLiteral("behind")));
    // Anything else is still read whole.
    QVERIFY(a.createNamespace(QStringLiteral("staging")));
    QTRY_VERIFY_WITH_TIMEOUT(b.kvGet(QStringLiteral("routes-id"), QStringLiteral("behind")), 30000);
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

std::pair<quint16, quint16> tst_Cluster::startProcessNode(QProcess &node, const QString &dataDir,
                                                          QByteArray *printed)
{
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.start(QStringLiteral(SWITCHYARD_EXE),
               {QStringLiteral("--headless"), QStringLiteral("--store"),
                PgCluster::instance().url(m_store->databaseName), QStringLiteral("--listen"),
                QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin"),
                QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin-token"),
                QString::fromLatin1(kToken), QStringLiteral("--data-dir"), dataDir});
    const QRegularExpression dispatch(QStringLiteral("dispatching on http://127.0.0.1:(\\d+)/"));
    const QRegularExpression admin(QStringLiteral("admin API on http://127.0.0.1:(\\d+)/"));
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired() && node.state() != QProcess::NotRunning) {
        node.waitForReadyRead(100);
        *printed += node.readAll();
        const auto d = dispatch.match(QString::fromUtf8(*printed));
        const auto a = admin.match(QString::fromUtf8(*printed));
        if (d.hasMatch() && a.hasMatch())
            return {quint16(d.captured(1).toUInt()), quint16(a.captured(1).toUInt())};
    }
    return {0, 0};
}

qint64 tst_Cluster::storedTraces(const QString &needle)
{
    QString error;
    auto db = store::Database::open(*m_store, store::Database::Options {}, &error);
    if (!db)
        return -1;
    QSqlQuery query = db->exec(
            QStringLiteral(
                    "SELECT count(*) FROM traces WHERE script_name = 'site' AND event LIKE ?"),
            {QStringLiteral("%") + needle + QStringLiteral("%")});
    return query.next() ? query.value(0).toLongLong() : -1;
}

void tst_Cluster::storeOutageKeepsServingAndRecovers()
{
    const QByteArray script = "/workers/dispatch/namespaces/production/scripts/site";
    const QByteArray multipart = "multipart/form-data; boundary=" + kBoundary;
    RawResponse put = api("PUT", script, uploadForm(userWorker("before")), multipart);
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(pollBody(*m_b, "site.example.com", "/", "before"), QByteArray("before"));

    // What the GUI's banner shows, on B.
    models::ServerStatus status(QStringLiteral("test"));
    status.watchStore(m_b->service());
    QVERIFY(status.storeAvailable());

    PgCluster &cluster = PgCluster::instance();
    const QString crashed = cluster.crash();
    QVERIFY2(crashed.isEmpty(), qPrintable(crashed));
    auto resume = qScopeGuard([&] { cluster.resume(); });

    // Both nodes go on serving what they had, and B's traces of it wait in memory.
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(rawRequest(m_a->port(), "GET", "site.example.com", "/").body,
                 QByteArray("before"));
        const RawResponse r = rawRequest(m_b->port(), "GET", "site.example.com", "/during-outage");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("before"));
    }
    // An edit is refused, in Cloudflare's envelope, naming the store without its password.
    put = api("PUT", script, uploadForm(userWorker("during")), multipart);
    QCOMPARE(put.status, 503);
    const QJsonObject envelope = QJsonDocument::fromJson(put.body).object();
    QCOMPARE(envelope.value(u"success").toBool(true), false);
    const QJsonObject error = envelope.value(u"errors").toArray().at(0).toObject();
    QCOMPARE(error.value(u"code").toInt(), 10002);
    QVERIFY2(error.value(u"message").toString().contains(u"cannot be reached"),
             put.body.constData());
    QVERIFY2(!put.body.contains("pw-Zq9"), put.body.constData());
    QVERIFY(!m_a->service().storeAvailable());
    // B, which edits nothing, notices by itself.
    QTRY_VERIFY_WITH_TIMEOUT(!m_b->service().storeAvailable(), 30000);
    QVERIFY(!status.storeAvailable());
    QVERIFY2(status.storeProblem().contains(u"edits are refused"),
             qPrintable(status.storeProblem()));
    QVERIFY(!m_b->service().putScript(QStringLiteral("production"), QStringLiteral("site"),
                                      {testing::moduleCode(userWorker("refused")), {}}));
    QCOMPARE(rawRequest(m_b->port(), "GET", "site.example.com", "/").body, QByteArray("before"));
    m_b->service().flushAppends(); // returns although nothing could be written

    resume.dismiss();
    const QString resumed = cluster.resume();
    QVERIFY2(resumed.isEmpty(), qPrintable(resumed));

    // Both reconnect and listen again without anyone restarting them.
    QTRY_VERIFY_WITH_TIMEOUT(m_a->service().storeAvailable(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(m_b->service().storeAvailable(), 30000);
    QVERIFY(status.storeAvailable());
    QCOMPARE(status.storeProblem(), QString());
    put = api("PUT", script, uploadForm(userWorker("after")), multipart);
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(pollBody(*m_b, "site.example.com", "/", "after"), QByteArray("after"));
    const auto fromB
            = m_b->service().putScript(QStringLiteral("production"), QStringLiteral("from-b"),
                                       {testing::moduleCode(userWorker("b again")), {}});
    QVERIFY2(fromB, qPrintable(fromB.errorMessage()));
    QCOMPARE(pollBody(*m_a, "from-b.example.com", "/", "b again"), QByteArray("b again"));

    // What B traced during the outage reached the store once it was back.
    QTRY_COMPARE_WITH_TIMEOUT(storedTraces(QStringLiteral("/during-outage")), qint64(3), 30000);
}

void tst_Cluster::nodesSeeEachOther()
{
    // Each node's heartbeat keeps its row current; either node reads both.
    auto names = [](platform::PlatformService &service) {
        QStringList list;
        if (const auto nodes = service.nodes())
            for (const store::NodeRecord &node : nodes.value())
                list << node.name;
        return list;
    };
    const QStringList both {QStringLiteral("node-a"), QStringLiteral("node-b")};
    QTRY_COMPARE_WITH_TIMEOUT(names(m_a->service()), both, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(names(m_b->service()), both, 30000);

    for (int i = 0; i < 5; ++i)
        QCOMPARE(rawRequest(m_b->port(), "GET", "x.example.com", "/kv").status, 200);
    m_b->heartbeat();
    const auto nodes = m_a->service().nodes();
    QVERIFY2(nodes, qPrintable(nodes.errorMessage()));
    const store::NodeRecord &b = nodes->at(1);
    QCOMPARE(b.address, QStringLiteral("http://127.0.0.1:%1/").arg(m_b->port()));
    QCOMPARE(b.version, QStringLiteral(SWITCHYARD_VERSION));
    QVERIFY(b.startedAt > 0 && b.startedAt <= b.lastHeartbeat);
    QVERIFY(b.requestsPerSecond >= 0);
    QVERIFY2(b.liveInstances >= 1, qPrintable(QString::number(b.liveInstances)));

    // A node that shuts down removes its row.
    m_b->shutdown(std::chrono::milliseconds(1000));
    QCOMPARE(names(m_a->service()), QStringList {QStringLiteral("node-a")});
}

void tst_Cluster::dataPointsAndTracesNameTheirNode()
{
    // Both nodes write to one dataset; Analytics Engine SQL on either sees every point.
    auto point = [](const QByteArray &blob, double value) {
        store::AnalyticsPoint p;
        p.dataset = QStringLiteral("cluster_ds");
        p.timestamp = QDateTime::currentMSecsSinceEpoch();
        p.blobs = {blob};
        p.doubles = {value};
        return p;
    };
    QVERIFY(m_a->service().appendDataPoints({point("from-a", 1), point("from-a", 2)}));
    QVERIFY(m_b->service().appendDataPoints({point("from-b", 40)}));
    m_a->service().flushAppends();
    m_b->service().flushAppends();
    QCOMPARE(rawRequest(m_b->port(), "GET", "trace.example.com", "/traced-on-b").status, 404);
    m_b->service().flushAppends();

    const store::AnalyticsAnswer answer = m_b->service().queryAnalytics(QStringLiteral(
            "SELECT blob1 AS who, count() AS n, sum(double1) AS total, max(timestamp) AS at "
            "FROM cluster_ds WHERE timestamp > now() - INTERVAL '1' DAY GROUP BY who "
            "ORDER BY who FORMAT JSON"));
    QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
    const QJsonArray rows = QJsonDocument::fromJson(answer.body).object().value(u"data").toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).toObject().value(u"who").toString(), QStringLiteral("from-a"));
    QCOMPARE(rows.at(0).toObject().value(u"n").toString(), QStringLiteral("2"));
    QCOMPARE(rows.at(0).toObject().value(u"total").toDouble(), 3.0);
    QCOMPARE(rows.at(1).toObject().value(u"who").toString(), QStringLiteral("from-b"));
    QCOMPARE(rows.at(1).toObject().value(u"total").toDouble(), 40.0);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"))
                     .match(rows.at(1).toObject().value(u"at").toString())
                     .hasMatch(),
             answer.body.constData());
    const store::AnalyticsAnswer tables
            = m_a->service().queryAnalytics(QStringLiteral("SHOW TABLES"));
    QVERIFY2(tables.body.contains("cluster_ds"), tables.body.constData());

    // The store knows which node wrote what.
    QString error;
    auto db = store::Database::open(*m_store, store::Database::Options {}, &error);
    QVERIFY2(db, qPrintable(error));
    QSqlQuery q = db->exec(QStringLiteral("SELECT blob1, node FROM analytics_rows ORDER BY id"));
    QStringList seen;
    while (q.next())
        seen << QString::fromUtf8(q.value(0).toByteArray()) + u'@' + q.value(1).toString();
    QCOMPARE(seen, (QStringList {"from-a@node-a", "from-a@node-a", "from-b@node-b"}));
    q = db->exec(QStringLiteral("SELECT DISTINCT node FROM traces WHERE event LIKE ?"),
                 {QStringLiteral("%/traced-on-b%")});
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("node-b"));
    QVERIFY(!q.next());
}

void tst_Cluster::killedNodeLosesNothingAcknowledged()
{
    // A third node, the real executable, takes KV writes through its admin API until it is
    // killed with SIGKILL in the middle of them: every write it acknowledged is in the store.
    QTemporaryDir dir;
    QProcess node;
    QByteArray printed;
    const auto [port, adminPort] = startProcessNode(node, dir.path(), &printed);
    QVERIFY2(adminPort != 0, printed.constData());
    QStringList acknowledged;
    for (int i = 0; i < 400; ++i) {
        if (i == 40)
            node.kill();
        const QByteArray key = "k" + QByteArray::number(i);
        const RawResponse r = rawRequest(
                adminPort, "PUT", "127.0.0.1",
                "/client/v4/accounts/local/storage/kv/namespaces/routes-id/values/" + key,
                "value " + key,
                {{"Authorization", "Bearer " + kToken}, {"Content-Type", "text/plain"}});
        if (r.status == 200)
            acknowledged << QString::fromLatin1(key);
        else if (i >= 40)
            break;
    }
    // The requests above run the event loop, which may have seen it end already.
    QVERIFY(node.state() == QProcess::NotRunning || node.waitForFinished(30000));
    QCOMPARE(node.exitStatus(), QProcess::CrashExit);
    QVERIFY2(acknowledged.size() >= 40, qPrintable(acknowledged.join(u',')));
    for (const QString &key : std::as_const(acknowledged)) {
        QTRY_VERIFY_WITH_TIMEOUT(m_b->service().kvGet(QStringLiteral("routes-id"), key), 30000);
        QCOMPARE(m_b->service().kvGet(QStringLiteral("routes-id"), key)->value,
                 "value " + key.toLatin1());
    }
    Q_UNUSED(port);
}

QTEST_MAIN(tst_Cluster)
#include "tst_cluster.moc"
