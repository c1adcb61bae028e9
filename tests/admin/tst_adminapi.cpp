// The admin API as clients meet it: real HTTP over loopback into the admin listener of a full
// RuntimeStack (the demo platform seeded), Cloudflare's envelope and codes, and uploads that the
// dispatch listener serves on the next request. Bad input must leave the store as it was.
#include "../common/adminstack.h"
#include "../common/cloudflareapi.h"

#include "platform/wranglerconfig.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchyard;
using namespace switchyard::testing;
using switchyard::testing::rawRequest;

namespace {

const QByteArray kToken = "test-admin-token";
const QByteArray kBoundary = "----formdata-undici-0123456789";

struct Part
{
    QByteArray name;
    QByteArray contentType; // empty: a plain field; else a file named as the field, as wrangler
    QByteArray body;
};

QByteArray form(const QList<Part> &parts)
{
    QList<FormPart> out;
    for (const Part &p : parts)
        out.append(
                {p.name, p.contentType.isEmpty() ? QByteArray() : p.name, p.contentType, p.body});
    return multipartForm(kBoundary, out);
}

// What esbuild makes of a module Worker, as wrangler uploads it.
const QByteArray kBundled = "// src/index.js\n"
                            "var src_default = {\n"
                            "  async fetch(request, env) {\n"
                            "    return new Response(`Hello ${env.GREETING}`);\n"
                            "  }\n"
                            "};\n"
                            "export {\n"
                            "  src_default as default\n"
                            "};\n"
                            "//# sourceMappingURL=index.js.map\n";

QByteArray metadata(const QJsonObject &extra = {})
{
    QJsonObject m {{QStringLiteral("main_module"), QStringLiteral("index.js")},
                   {QStringLiteral("bindings"),
                    QJsonArray {QJsonObject {{QStringLiteral("name"), QStringLiteral("GREETING")},
                                             {QStringLiteral("type"), QStringLiteral("plain_text")},
                                             {QStringLiteral("text"), QStringLiteral("there")}}}},
                   {QStringLiteral("compatibility_date"), QStringLiteral("2025-01-01")},
                   {QStringLiteral("compatibility_flags"), QJsonArray()}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        m.insert(it.key(), it.value());
    return QJsonDocument(m).toJson(QJsonDocument::Compact);
}

QByteArray wranglerUpload(const QByteArray &meta = metadata(), const QByteArray &code = kBundled)
{
    return form({{"metadata", {}, meta},
                 {"index.js", "application/javascript+module", code},
                 {"index.js.map", "application/source-map", "{\"version\":3,\"mappings\":\"\"}"}});
}

} // namespace

class tst_AdminApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void tokenRequired_data();
    void tokenRequired();
    void unknownRouteAndMethod();
    void tokenFileGenerated();
    void dispatchNamespaces();
    void wranglerDeployFlow();
    void serviceWorkerBodyPart();
    void badUploadChangesNothing_data();
    void badUploadChangesNothing();
    void tagsAndBulkDelete();
    void secrets();
    void kvValuesKeysBulk();
    void analyticsSql();
    void platformWorkerBecomesDispatcher();
    void wranglerConfigKeepsIds();

private:
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                    QList<QPair<QByteArray, QByteArray>> headers = {},
                    const QByteArray &token = kToken)
    {
        return m_admin.request(method, "/client/v4/accounts/test-account" + path, body, headers,
                               token);
    }
    RawResponse upload(const QByteArray &name, const QByteArray &body)
    {
        return api("PUT",
                   "/workers/dispatch/namespaces/production/scripts/" + name
                           + "?excludeScript=true&bindings_inherit=strict",
                   body, {{"Content-Type", "multipart/form-data; boundary=" + kBoundary}});
    }
    RawResponse dispatch(const QByteArray &host) { return m_admin.dispatch(host); }

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::AdminStack m_admin {kToken};
    platform::PlatformService *m_service = nullptr;
};

void tst_AdminApi::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_AdminApi::cleanupTestCase()
{
    m_v8.reset();
}

void tst_AdminApi::init()
{
    const QString error = m_admin.start(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_service = &m_admin.service();
}

void tst_AdminApi::cleanup()
{
    m_service = nullptr;
    m_admin.stop();
}

void tst_AdminApi::tokenRequired_data()
{
    QTest::addColumn<QByteArray>("token"); // null: no Authorization header
    QTest::addColumn<int>("status");
    QTest::newRow("no token") << QByteArray() << 401;
    QTest::newRow("wrong token") << QByteArray("not-the-token") << 403;
    QTest::newRow("token prefix") << kToken.left(5) << 403;
}

void tst_AdminApi::tokenRequired()
{
    QFETCH(QByteArray, token);
    QFETCH(int, status);
    const RawResponse r = api("POST", "/workers/dispatch/namespaces", R"({"name":"sneaky"})",
                              {{"Content-Type", "application/json"}}, token);
    QCOMPARE(r.status, status);
    QCOMPARE(envelope(r).value(u"success").toBool(true), false);
    QCOMPARE(errorCode(r), 10000);
    QVERIFY(errorMessage(r).contains(QStringLiteral("Authentication error")));
    QCOMPARE(m_service->namespaces().size(), 1); // only the demo's "production"
    QCOMPARE(upload("customer-1", wranglerUpload()).status, 200); // the right token works
    QCOMPARE(api("GET", "/workers/dispatch/namespaces", {}, {}, token).status, status);
}

void tst_AdminApi::unknownRouteAndMethod()
{
    RawResponse r = api("GET", "/no/such/thing");
    QCOMPARE(r.status, 404);
    QCOMPARE(errorCode(r), 7000);
    r = api("PATCH", "/workers/dispatch/namespaces");
    QCOMPARE(r.status, 405);
    QVERIFY(errorMessage(r).contains(QStringLiteral("GET, POST")));
}

void tst_AdminApi::tokenFileGenerated()
{
    // A stack without --admin-token writes one, owner-only, and keeps it across restarts.
    QTemporaryDir dir;
    QString token;
    for (int run = 0; run < 2; ++run) {
        app::RuntimeStack stack(*m_v8);
        app::RuntimeStack::Config config;
        config.dataDir = dir.path();
        config.executorThreads = 1;
        config.admin = app::Endpoint {QHostAddress::LocalHost, 0};
        QString error;
        QVERIFY2(stack.start(config, &error), qPrintable(error));
        QCOMPARE(stack.adminTokenPath(), dir.filePath(QStringLiteral("admin-token")));
        QCOMPARE(QFile::permissions(stack.adminTokenPath())
                         & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QVERIFY(stack.adminToken().size() >= 32);
        if (run == 1)
            QCOMPARE(stack.adminToken(), token);
        token = stack.adminToken();
        const RawResponse r = rawRequest(stack.adminPort(), "GET", "127.0.0.1",
                                         "/client/v4/accounts/x/workers/dispatch/namespaces", {},
                                         {{"Authorization", "Bearer " + token.toLatin1()}});
        QCOMPARE(r.status, 200);
    }
}

void tst_AdminApi::dispatchNamespaces()
{
    RawResponse r = api("POST", "/workers/dispatch/namespaces", R"({"name":"staging"})",
                        {{"Content-Type", "application/json"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(envelope(r).value(u"success").toBool(), true);
    QCOMPARE(envelope(r).value(u"result").toObject().value(u"namespace_name").toString(),
             QStringLiteral("staging"));
    QCOMPARE(api("POST", "/workers/dispatch/namespaces", R"({"name":"staging"})").status, 409);
    r = api("GET", "/workers/dispatch/namespaces");
    QCOMPARE(envelope(r).value(u"result").toArray().size(), 2);
    r = api("PUT", "/workers/dispatch/namespaces/staging", R"({"trusted_workers":true})");
    QCOMPARE(r.status, 200);
    QVERIFY(envelope(r).value(u"result").toObject().value(u"trusted_workers").toBool());
    QCOMPARE(api("POST", "/workers/dispatch/namespaces", R"({"name":"Bad Name!"})").status, 400);
    QCOMPARE(api("POST", "/workers/dispatch/namespaces", "not json").status, 400);
    // Deleting takes its scripts along.
    QCOMPARE(api("PUT", "/workers/dispatch/namespaces/staging/scripts/w", wranglerUpload(),
                 {{"Content-Type", "multipart/form-data; boundary=" + kBoundary}})
                     .status,
             200);
    QCOMPARE(api("DELETE", "/workers/dispatch/namespaces/staging").status, 200);
    r = api("GET", "/workers/dispatch/namespaces/staging");
    QCOMPARE(r.status, 404);
    QCOMPARE(errorCode(r), 10007);
    QVERIFY(!m_service->script(QStringLiteral("staging"), QStringLiteral("w")));
}

void tst_AdminApi::wranglerDeployFlow()
{
    // wrangler 4.86 `deploy --dispatch-namespace production`, request by request.
    RawResponse r = api("GET", "/workers/scripts/customer-1/settings");
    QCOMPARE(r.status, 404);
    QCOMPARE(errorCode(r), 10007); // wrangler treats any failure here as "no settings yet"
    r = upload("customer-1", wranglerUpload());
    QCOMPARE(r.status, 200);
    const QJsonObject result = envelope(r).value(u"result").toObject();
    QCOMPARE(result.value(u"id").toString(), QStringLiteral("customer-1"));
    QVERIFY(result.value(u"deployment_id").toString().size() == 36);
    QVERIFY(result.value(u"has_modules").toBool());

    // Live at once through the dispatcher.
    r = dispatch("customer-1.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("Hello there"));

    r = api("GET", "/workers/dispatch/namespaces/production/scripts/customer-1");
    QCOMPARE(envelope(r).value(u"result").toObject().value(u"dispatch_namespace").toString(),
             QStringLiteral("production"));
    r = api("GET", "/workers/dispatch/namespaces/production/scripts/customer-1/settings");
    QCOMPARE(r.status, 200);
    const QJsonArray bindings
            = envelope(r).value(u"result").toObject().value(u"bindings").toArray();
    QCOMPARE(bindings.size(), 1);
    QCOMPARE(bindings.at(0).toObject().value(u"text").toString(), QStringLiteral("there"));
    r = api("GET", "/workers/dispatch/namespaces/production/scripts/customer-1/bindings");
    QCOMPARE(envelope(r).value(u"result").toArray(), bindings);
    r = api("GET", "/workers/dispatch/namespaces/production/scripts/customer-1/content");
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").startsWith("multipart/form-data"));
    QVERIFY(r.body.contains(kBundled));
    QCOMPARE(r.header("cf-entrypoint"), QByteArray("index.js"));

    // A second deploy replaces the code; the next request sees it.
    QByteArray v2 = kBundled;
    v2.replace("Hello", "Howdy");
    QCOMPARE(upload("customer-1", wranglerUpload(metadata(), v2)).status, 200);
    QCOMPARE(dispatch("customer-1.localhost").body, QByteArray("Howdy there"));

    // An inherited binding comes from the version being replaced.
    const QByteArray inherit = metadata(
            {{QStringLiteral("bindings"),
              QJsonArray {QJsonObject {{QStringLiteral("name"), QStringLiteral("GREETING")},
                                       {QStringLiteral("type"), QStringLiteral("inherit")}}}}});
    QCOMPARE(upload("customer-1", wranglerUpload(inherit)).status, 200);
    QCOMPARE(dispatch("customer-1.localhost").body, QByteArray("Hello there"));
    r = upload("customer-9", wranglerUpload(inherit));
    QCOMPARE(r.status, 400);
    QCOMPARE(errorCode(r), 10057);

    QCOMPARE(api("DELETE", "/workers/dispatch/namespaces/production/scripts/customer-1").status,
             200);
    QCOMPARE(dispatch("customer-1.localhost").status, 404);
}

void tst_AdminApi::serviceWorkerBodyPart()
{
    const QByteArray body
            = form({{"metadata", "application/json", R"({"body_part":"script","bindings":[]})"},
                    {"script", "application/javascript",
                     "addEventListener('fetch', e => e.respondWith(new Response('sw ok')));"}});
    QCOMPARE(upload("customer-2", body).status, 200);
    const RawResponse r = dispatch("customer-2.localhost");
    QCOMPARE(r.body, QByteArray("sw ok"));
    const RawResponse content
            = api("GET", "/workers/dispatch/namespaces/production/scripts/customer-2/content");
    QCOMPARE(content.header("content-type"), QByteArray("application/javascript"));
    QVERIFY(content.body.startsWith("addEventListener"));
}

void tst_AdminApi::badUploadChangesNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");

    const QByteArray multipart = "multipart/form-data; boundary=" + kBoundary;
    QByteArray cut = wranglerUpload();
    cut.chop(40);
    QTest::newRow("broken multipart")
            << cut << multipart << 400 << 10001 << QStringLiteral("Malformed multipart upload");
    QTest::newRow("not multipart") << QByteArray("{}") << QByteArray("application/json") << 400
                                   << 10001 << QStringLiteral("multipart/form-data");
    QTest::newRow("no metadata") << form({{"index.js", "application/javascript+module", kBundled}})
                                 << multipart << 400 << 10021
                                 << QStringLiteral("no \"metadata\" part");
    QTest::newRow("missing main_module") << wranglerUpload(R"({"bindings":[]})") << multipart << 400
                                         << 10021 << QStringLiteral("main_module");
    QTest::newRow("main module not uploaded")
            << form({{"metadata", {}, R"({"main_module":"worker.mjs"})"},
                     {"index.js", "application/javascript+module", kBundled}})
            << multipart << 400 << 10021 << QStringLiteral("\"worker.mjs\"");
    QTest::newRow("metadata not JSON") << wranglerUpload("{main_module:") << multipart << 400
                                       << 10001 << QStringLiteral("not a JSON object");
    QTest::newRow("syntax error") << wranglerUpload(
            metadata(), "export default {\n  fetch() { return new Response( }\n};\n")
                                  << multipart << 400 << 10021 << QStringLiteral("index.js:2:");
    QTest::newRow("unknown binding type") << wranglerUpload(
            metadata({{QStringLiteral("bindings"),
                       QJsonArray {QJsonObject {{QStringLiteral("name"), QStringLiteral("DB")},
                                                {QStringLiteral("type"), QStringLiteral("d1")},
                                                {QStringLiteral("id"), QStringLiteral("x")}}}}}))
                                          << multipart << 400 << 10021
                                          << QStringLiteral("unknown binding type \"d1\"");
    QJsonArray nine;
    for (int i = 0; i < 9; ++i)
        nine.append(QStringLiteral("t%1").arg(i));
    QTest::newRow("nine tags") << wranglerUpload(metadata({{QStringLiteral("tags"), nine}}))
                               << multipart << 400 << 10021 << QStringLiteral("at most 8");
}

void tst_AdminApi::badUploadChangesNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(int, code);
    QFETCH(QString, message);

    QCOMPARE(upload("customer-1", wranglerUpload()).status, 200);
    const auto before
            = m_service->script(QStringLiteral("production"), QStringLiteral("customer-1"));
    const RawResponse r = api("PUT", "/workers/dispatch/namespaces/production/scripts/customer-1",
                              body, {{"Content-Type", contentType}});
    QCOMPARE(r.status, status);
    QCOMPARE(envelope(r).value(u"success").toBool(true), false);
    QCOMPARE(errorCode(r), code);
    QVERIFY2(errorMessage(r).contains(message), qPrintable(errorMessage(r)));
    const auto after
            = m_service->script(QStringLiteral("production"), QStringLiteral("customer-1"));
    QCOMPARE(after, before); // the very same stored version
    QCOMPARE(dispatch("customer-1.localhost").body, QByteArray("Hello there"));
}

void tst_AdminApi::tagsAndBulkDelete()
{
    const QByteArray base = "/workers/dispatch/namespaces/production/scripts";
    QCOMPARE(upload("customer-1",
                    wranglerUpload(metadata(
                            {{QStringLiteral("tags"), QJsonArray {QStringLiteral("plan:free")}}})))
                     .status,
             200);
    RawResponse r = api("GET", base + "/customer-1/tags");
    QCOMPARE(envelope(r).value(u"result").toArray(), QJsonArray {QStringLiteral("plan:free")});
    r = api("PUT", base + "/customer-1/tags", R"(["plan:pro","customer:one"])");
    QCOMPARE(r.status, 200);
    QCOMPARE(api("PUT", base + "/customer-1/tags/beta").status, 200);
    QCOMPARE(api("DELETE", base + "/customer-1/tags/plan:pro").status, 200);
    QCOMPARE(m_service->script(QStringLiteral("production"), QStringLiteral("customer-1"))->tags,
             (QStringList {QStringLiteral("customer:one"), QStringLiteral("beta")}));
    QCOMPARE(api("PUT", base + "/customer-1/tags", R"(["1","2","3","4","5","6","7","8","9"])")
                     .status,
             400);

    // The demo's scripts are tagged customer:* and plan:*.
    r = api("GET", base + "?tags=plan:free:yes");
    QStringList names;
    for (const QJsonValue s : envelope(r).value(u"result").toArray())
        names << s.toObject().value(u"id").toString();
    QCOMPARE(names, (QStringList {QStringLiteral("cpu-burner"), QStringLiteral("fanout")}));
    QCOMPARE(api("DELETE", base + "?tags=plan:free:yes,customer:initech:no").status, 200);
    QVERIFY(!m_service->script(QStringLiteral("production"), QStringLiteral("fanout")));
    QVERIFY(m_service->script(QStringLiteral("production"), QStringLiteral("cpu-burner")));
}

void tst_AdminApi::secrets()
{
    const QByteArray code = "export default { fetch(r, env) { return new Response(env.API_KEY "
                            "?? 'none'); } };";
    QCOMPARE(upload("customer-1", wranglerUpload(metadata(), code)).status, 200);
    const QByteArray path = "/workers/dispatch/namespaces/production/scripts/customer-1/secrets";
    RawResponse r = api("PUT", path, R"({"name":"API_KEY","text":"s3cret","type":"secret_text"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(dispatch("customer-1.localhost").body, QByteArray("s3cret"));
    r = api("GET", path);
    QCOMPARE(envelope(r).value(u"result").toArray().size(), 1);
    QVERIFY(!r.body.contains("s3cret")); // never sent back
    r = api("GET", "/workers/dispatch/namespaces/production/scripts/customer-1/settings");
    QVERIFY(!r.body.contains("s3cret"));
    // keep_bindings carries the secret over a new upload that does not name it.
    QCOMPARE(upload("customer-1",
                    wranglerUpload(metadata({{QStringLiteral("keep_bindings"),
                                              QJsonArray {QStringLiteral("secret_text")}}}),
                                   code))
                     .status,
             200);
    QCOMPARE(dispatch("customer-1.localhost").body, QByteArray("s3cret"));
    QCOMPARE(api("DELETE", path + "/API_KEY").status, 200);
    QCOMPARE(dispatch("customer-1.localhost").body, QByteArray("none"));
    QCOMPARE(api("DELETE", path + "/API_KEY").status, 404);
}

void tst_AdminApi::kvValuesKeysBulk()
{
    RawResponse r = api("POST", "/storage/kv/namespaces", R"({"title":"SESSIONS"})");
    QCOMPARE(r.status, 200);
    const QByteArray id
            = envelope(r).value(u"result").toObject().value(u"id").toString().toLatin1();
    QCOMPARE(id.size(), 32);
    QCOMPARE(api("POST", "/storage/kv/namespaces", R"({"title":"SESSIONS"})").status, 409);
    const QByteArray ns = "/storage/kv/namespaces/" + id;

    // Raw body with a TTL; multipart with metadata; a key with a slash.
    QCOMPARE(api("PUT", ns + "/values/user%2F1?expiration_ttl=3600", "alice").status, 200);
    QCOMPARE(api("PUT", ns + "/values/user%2F2",
                 form({{"value", {}, "bob"}, {"metadata", {}, R"({"plan":"pro"})"}}),
                 {{"Content-Type", "multipart/form-data; boundary=" + kBoundary}})
                     .status,
             200);
    r = api("GET", ns + "/values/user%2F1");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("alice"));
    r = api("GET", ns + "/metadata/user%2F2");
    QCOMPARE(envelope(r).value(u"result").toObject().value(u"plan").toString(),
             QStringLiteral("pro"));
    r = api("GET", ns + "/values/nobody");
    QCOMPARE(r.status, 404);
    QCOMPARE(errorCode(r), 10009);
    r = api("PUT", ns + "/values/short?expiration_ttl=5", "x");
    QCOMPARE(r.status, 400);
    QVERIFY(errorMessage(r).contains(QStringLiteral("60")));
    QVERIFY(!m_service->kvGet(QString::fromLatin1(id), QStringLiteral("short")));

    // Bulk: all or nothing.
    QCOMPARE(api("PUT", ns + "/bulk",
                 R"([{"key":"a","value":"1"},{"key":"b","value":"Mg==","base64":true},)"
                 R"({"key":"c","value":"3","metadata":{"n":3}}])")
                     .status,
             200);
    QCOMPARE(m_service->kvGet(QString::fromLatin1(id), QStringLiteral("b"))->value,
             QByteArray("2"));
    r = api("PUT", ns + "/bulk", R"([{"key":"d","value":"4"},{"key":"","value":"5"}])");
    QCOMPARE(r.status, 400);
    QVERIFY(!m_service->kvGet(QString::fromLatin1(id), QStringLiteral("d")));

    // Keys in pages.
    r = api("GET", ns + "/keys?limit=2");
    QCOMPARE(envelope(r).value(u"result").toArray().size(), 2);
    const QString cursor = envelope(r).value(u"result_info").toObject().value(u"cursor").toString();
    QVERIFY(!cursor.isEmpty());
    r = api("GET", ns + "/keys?limit=10&cursor=" + QUrl::toPercentEncoding(cursor));
    QCOMPARE(envelope(r).value(u"result").toArray().size(), 3);
    QVERIFY(envelope(r).value(u"result_info").toObject().value(u"cursor").toString().isEmpty());
    r = api("GET", ns + "/keys?prefix=user/");
    const QJsonArray users = envelope(r).value(u"result").toArray();
    QCOMPARE(users.size(), 2);
    QVERIFY(users.at(0).toObject().contains(u"expiration"));
    QCOMPARE(users.at(1).toObject().value(u"metadata").toObject().value(u"plan").toString(),
             QStringLiteral("pro"));

    QCOMPARE(api("DELETE", ns + "/bulk", R"(["a","b"])").status, 200);
    QCOMPARE(api("DELETE", ns + "/values/c").status, 200);
    r = api("GET", ns + "/keys");
    QCOMPARE(envelope(r).value(u"result").toArray().size(), 2);
    QCOMPARE(api("DELETE", ns).status, 200);
    QCOMPARE(errorCode(api("GET", ns + "/keys")), 10013);
}

void tst_AdminApi::analyticsSql()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(m_service->appendDataPoints({{QStringLiteral("limit_violations"),
                                          now,
                                          "cpu-burner",
                                          {"cpu_limit_exceeded", "free"},
                                          {10, 5},
                                          1},
                                         {QStringLiteral("limit_violations"),
                                          now,
                                          "fanout",
                                          {"subrequest_limit_exceeded", "free"},
                                          {10, 5},
                                          1},
                                         {QStringLiteral("limit_violations"),
                                          now,
                                          "cpu-burner",
                                          {"cpu_limit_exceeded", "free"},
                                          {10, 5},
                                          1}}));
    RawResponse r = api("POST", "/analytics_engine/sql",
                        "SELECT blob1 AS kind, SUM(_sample_interval) AS n FROM limit_violations "
                        "WHERE timestamp > NOW() - INTERVAL '1' DAY GROUP BY kind ORDER BY n DESC "
                        "LIMIT 10 FORMAT JSON");
    QCOMPARE(r.status, 200);
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(o.value(u"rows").toInt(), 2);
    QCOMPARE(o.value(u"data").toArray().at(0).toObject().value(u"kind").toString(),
             QStringLiteral("cpu_limit_exceeded"));
    QCOMPARE(o.value(u"data").toArray().at(0).toObject().value(u"n").toString(),
             QStringLiteral("2"));
    QCOMPARE(o.value(u"meta").toArray().size(), 2);
    r = api("POST", "/analytics_engine/sql", "SHOW TABLES");
    QVERIFY(r.body.contains("limit_violations"));

    r = api("POST", "/analytics_engine/sql", "DELETE FROM limit_violations");
    QCOMPARE(r.status, 422);
    QVERIFY(errorMessage(r).contains(QStringLiteral("read-only")));
    r = api("POST", "/analytics_engine/sql", "SELECT count() AS n FROM limit_violations");
    QCOMPARE(QJsonDocument::fromJson(r.body)
                     .object()
                     .value(u"data")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"n")
                     .toString(),
             QStringLiteral("3"));
}

void tst_AdminApi::platformWorkerBecomesDispatcher()
{
    const QByteArray code = "export default { async fetch(request, env) {\n"
                            "  const w = env.DISPATCHER.get('site');\n"
                            "  const r = await w.fetch(request);\n"
                            "  return new Response('via admin dispatcher: ' + r.status);\n"
                            "} };\n";
    const QByteArray meta = R"({"main_module":"index.js","bindings":[{"type":"dispatch_namespace",)"
                            R"("name":"DISPATCHER","namespace":"production"}]})";
    const QList<QPair<QByteArray, QByteArray>> type {
            {"Content-Type", "multipart/form-data; boundary=" + kBoundary}};
    RawResponse r = api(
            "PUT", "/workers/scripts/edge?active_dispatcher=true",
            form({{"metadata", {}, meta}, {"index.js", "application/javascript+module", code}}),
            type);
    QCOMPARE(r.status, 200);
    QCOMPARE(envelope(r).value(u"result").toObject().value(u"kind").toString(),
             QStringLiteral("dispatcher"));
    QCOMPARE(m_service->activeDispatcher(), QStringLiteral("edge"));
    QCOMPARE(dispatch("anything.localhost").body, QByteArray("via admin dispatcher: 200"));
    r = api("GET", "/workers/scripts/edge/settings");
    QCOMPARE(envelope(r).value(u"result").toObject().value(u"active_dispatcher").toBool(), true);
    r = api("GET", "/workers/scripts");
    QCOMPARE(envelope(r).value(u"result").toArray().size(), 2); // the demo's and this one
    // Back to the demo dispatcher through a settings PATCH.
    QCOMPARE(api("PATCH", "/workers/scripts/dispatcher/settings", R"({"active_dispatcher":true})")
                     .status,
             200);
    QCOMPARE(m_service->activeDispatcher(), QStringLiteral("dispatcher"));
    r = api("PUT", "/workers/scripts/edge?kind=sideways",
            form({{"metadata", {}, meta}, {"index.js", "application/javascript+module", code}}),
            type);
    QCOMPARE(r.status, 400);
}

// A wrangler file names its KV namespaces by id, and scripts use those ids with the API: the
// installed namespaces must answer to exactly them, titled by the binding.
void tst_AdminApi::wranglerConfigKeepsIds()
{
    QTemporaryDir dir;
    QFile code(dir.filePath(QStringLiteral("d.js")));
    QVERIFY(code.open(QIODevice::WriteOnly));
    code.write(R"(export default { async fetch(request, env) {
        const who = new URL(request.url).hostname.split(".")[0];
        env.HITS.writeDataPoint({ indexes: [who], blobs: ["hit"] });
        return new Response(`${who}:${await env.CUSTOMERS.get(who)}:${await env.ROUTES.get(who)}`);
    } };)");
    code.close();
    QFile toml(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(toml.open(QIODevice::WriteOnly));
    toml.write(R"(name = "edge"
main = "d.js"
[[dispatch_namespaces]]
binding = "DISPATCHER"
namespace = "staging"
[[kv_namespaces]]
binding = "CUSTOMERS"
id = "customers"
preview_id = "ignored-preview"
[[kv_namespaces]]
binding = "ROUTES"
id = "0f2ac74b498b48028cb68387c421e279"
[[analytics_engine_datasets]]
binding = "HITS"
dataset = "edge_hits"
)");
    toml.close();
    const auto parsed = platform::readWranglerConfig(toml.fileName());
    QVERIFY2(parsed.config, qPrintable(parsed.error));
    for (int run = 0; run < 2; ++run) { // installing again finds what the first run created
        const auto installed = platform::installDispatcher(*m_service, *parsed.config);
        QVERIFY2(installed, qPrintable(installed.errorMessage()));
    }

    const auto kvBefore = m_service->kvNamespaces().size();
    RawResponse r = api("GET", "/storage/kv/namespaces?per_page=100");
    QCOMPARE(r.status, 200);
    QMap<QString, QString> titles;
    for (const QJsonValue ns : envelope(r).value(u"result").toArray())
        titles.insert(ns[u"id"].toString(), ns[u"title"].toString());
    // The demo already has a namespace titled CUSTOMERS, and titles are unique as on Cloudflare.
    QCOMPARE(titles.value(QStringLiteral("customers")), QStringLiteral("CUSTOMERS (2)"));
    QCOMPARE(titles.value(QStringLiteral("0f2ac74b498b48028cb68387c421e279")),
             QStringLiteral("ROUTES"));
    QVERIFY(!titles.contains(QStringLiteral("ignored-preview")));

    QCOMPARE(api("PUT", "/storage/kv/namespaces/customers/values/acme", "pro").status, 200);
    QCOMPARE(api("PUT", "/storage/kv/namespaces/0f2ac74b498b48028cb68387c421e279/values/acme", "eu")
                     .status,
             200);
    r = api("GET", "/storage/kv/namespaces/customers/values/acme");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("pro"));
    r = dispatch("acme.example.com");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("acme:pro:eu"));
    QCOMPARE(m_service->kvNamespaces().size(), kvBefore);
    QVERIFY(m_service->namespaces().size() == 2); // the demo's "production" and "staging"

    QTRY_VERIFY([&] {
        m_service->flushAppends();
        const RawResponse q
                = api("POST", "/analytics_engine/sql", "SELECT index1 FROM edge_hits FORMAT JSON");
        return q.status == 200 && q.body.contains("\"acme\"");
    }());
}

QTEST_GUILESS_MAIN(tst_AdminApi)
#include "tst_adminapi.moc"
