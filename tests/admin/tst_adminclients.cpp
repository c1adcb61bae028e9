// The admin API as the real clients meet it beyond a user Worker upload: the shapes Cloudflare's
// SDK writes (parts named "0", "1" or "files[]" after the module's filename, bracketed form fields
// for metadata and settings), what `wrangler deploy` of a platform Worker reads and writes
// (workers/services, subdomain, schedules, routes, zones, versions + deployments), dispatch
// namespace rename and KV paging and bulk get. Real HTTP over loopback into a full RuntimeStack
// with the demo seeded; every refusal in Cloudflare's envelope and leaving the store as it was.
#include "../common/adminstack.h"
#include "../common/cloudflareapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchyard;
using namespace switchyard::testing;

namespace {

const QByteArray kToken = "clients-admin-token";
const QByteArray kBoundary = "form-data-boundary-ty0h4kxwl6ez5x8l";
const auto kForm = formContent(kBoundary);
const auto &kJson = kJsonContent;

QByteArray form(const QList<FormPart> &parts)
{
    return multipartForm(kBoundary, parts);
}

QByteArray worker(const QByteArray &label)
{
    return "export default { fetch(request, env) { return new Response('" + label
            + " ' + (env.GREETING ?? 'none')); } };\n";
}

// Exactly what cloudflare@4.5.0's scripts.update sends (captured from the SDK).
QByteArray sdkUpload(const QByteArray &metadata, const QByteArray &code,
                     const QByteArray &filename = "index.mjs")
{
    return form({{"metadata", "metadata", "application/json", metadata},
                 {"0", filename, "application/javascript+module", code}});
}

const QByteArray kMeta = R"({"main_module":"index.mjs","bindings":[{"type":"plain_text",)"
                         R"("name":"GREETING","text":"hi"}]})";

} // namespace

class tst_AdminClients : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void sdkPartNames();
    void curlPartNamesStillWork();
    void sdkContentAndSettingsForms();
    void badUploadsChangeNothing_data();
    void badUploadsChangeNothing();
    void servicesShape();
    void subdomainSchedulesRoutesZones();
    void versionsThenDeployment();
    void versionAttacks();
    void namespaceRename();
    void bareBindingsKeepTheirConfiguration();
    void kvPagingAndBulkGet();

private:
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                    QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        return m_admin.request(method, "/client/v4/accounts/sdk-account" + path, body, headers);
    }
    qsizetype scriptCount() const
    {
        return m_service->listScripts(QStringLiteral("production")).value().size();
    }
    QByteArray dispatch(const QByteArray &host) { return m_admin.dispatch(host).body; }

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::AdminStack m_admin {kToken};
    platform::PlatformService *m_service = nullptr;
};

void tst_AdminClients::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_AdminClients::cleanupTestCase()
{
    m_v8.reset();
}

void tst_AdminClients::init()
{
    const QString error = m_admin.start(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_service = &m_admin.service();
}

void tst_AdminClients::cleanup()
{
    m_service = nullptr;
    m_admin.stop();
}

void tst_AdminClients::sdkPartNames()
{
    RawResponse r = api("PUT", "/workers/dispatch/namespaces/production/scripts/sdk-tenant",
                        sdkUpload(kMeta, worker("v1")), kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(result(r).toObject().value(u"id").toString(), QStringLiteral("sdk-tenant"));
    QCOMPARE(dispatch("sdk-tenant.localhost"), QByteArray("v1 hi"));
    const auto stored
            = m_service->script(QStringLiteral("production"), QStringLiteral("sdk-tenant"));
    QCOMPARE(stored->code.modules.size(), 1);
    QCOMPARE(stored->code.modules.at(0).name, QStringLiteral("index.mjs"));

    // Two modules: the import resolves by the filenames, not the part names "0" and "1".
    const QByteArray main = "import { label } from './lib/label.mjs';\n"
                            "export default { fetch() { return new Response(label); } };\n";
    r = api("PUT", "/workers/dispatch/namespaces/production/scripts/sdk-tenant",
            form({{"metadata", "metadata", "application/json", R"({"main_module":"index.mjs"})"},
                  {"0", "index.mjs", "application/javascript+module", main},
                  {"1", "lib/label.mjs", "application/javascript+module",
                   "export const label = 'v2';"}}),
            kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch("sdk-tenant.localhost"), QByteArray("v2"));

    // A platform Worker through workers/scripts, the same shape.
    r = api("PUT", "/workers/scripts/sdk-outbound?kind=outbound", sdkUpload(kMeta, worker("p")),
            kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QVERIFY(m_service->platformWorker(QStringLiteral("sdk-outbound")));
}

void tst_AdminClients::curlPartNamesStillWork()
{
    // curl -F 'index.js=@src/worker.js': the part is named after the module, the file is not.
    const RawResponse r = api(
            "PUT", "/workers/dispatch/namespaces/production/scripts/curl-tenant",
            form({{"metadata", {}, {}, R"({"main_module":"index.js"})"},
                  {"index.js", "worker.js", "application/javascript+module", worker("curl")}}),
            kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch("curl-tenant.localhost"), QByteArray("curl none"));
}

void tst_AdminClients::sdkContentAndSettingsForms()
{
    QCOMPARE(api("PUT", "/workers/dispatch/namespaces/production/scripts/sdk-tenant",
                 sdkUpload(kMeta, worker("v1")), kForm)
                     .status,
             200);
    // content.update: metadata[main_module] and files[] (captured from cloudflare@4.5.0).
    RawResponse r
            = api("PUT", "/workers/dispatch/namespaces/production/scripts/sdk-tenant/content",
                  form({{"metadata[main_module]", {}, {}, "worker.mjs"},
                        {"files[]", "worker.mjs", "application/javascript+module", worker("v3")}}),
                  kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch("sdk-tenant.localhost"), QByteArray("v3 hi"));

    // settings.edit: settings[tags][] and an array of binding objects.
    r = api("PATCH", "/workers/dispatch/namespaces/production/scripts/sdk-tenant/settings",
            form({{"settings[tags][]", {}, {}, "plan:pro"},
                  {"settings[tags][]", {}, {}, "customer:sdk"},
                  {"settings[bindings][][type]", {}, {}, "plain_text"},
                  {"settings[bindings][][name]", {}, {}, "GREETING"},
                  {"settings[bindings][][text]", {}, {}, "edited"},
                  {"settings[bindings][][type]", {}, {}, "plain_text"},
                  {"settings[bindings][][name]", {}, {}, "OTHER"},
                  {"settings[bindings][][text]", {}, {}, "x"}}),
            kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(result(r).toObject().value(u"tags").toArray(),
             QJsonArray({QStringLiteral("plan:pro"), QStringLiteral("customer:sdk")}));
    QCOMPARE(result(r).toObject().value(u"bindings").toArray().size(), 2);
    QCOMPARE(dispatch("sdk-tenant.localhost"), QByteArray("v3 edited"));

    // KV values.update: "value" and metadata[...] fields.
    const QString id = m_service->kvNamespaces().constFirst().id;
    r = api("PUT", "/storage/kv/namespaces/" + id.toLatin1() + "/values/k",
            form({{"value", {}, {}, "hello"},
                  {"metadata[owner]", {}, {}, "sdk"},
                  {"metadata[tags][]", {}, {}, "a"}}),
            kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    r = api("GET", "/storage/kv/namespaces/" + id.toLatin1() + "/metadata/k");
    QCOMPARE(result(r).toObject(),
             QJsonObject({{QStringLiteral("owner"), QStringLiteral("sdk")},
                          {QStringLiteral("tags"), QJsonArray {QStringLiteral("a")}}}));
}

void tst_AdminClients::badUploadsChangeNothing_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message"); // a part of the message

    const QByteArray code = worker("bad");
    QTest::newRow("wrong part names: no part or file is the main module")
            << QByteArray("sdk-tenant") << sdkUpload(kMeta, code, "other.mjs") << 400 << 10021
            << QStringLiteral("The main_module \"index.mjs\" named in the metadata is not a part "
                              "of the upload");
    QTest::newRow("two parts with one module name")
            << QByteArray("sdk-tenant")
            << form({{"metadata", "metadata", "application/json", kMeta},
                     {"0", "index.mjs", "application/javascript+module", code},
                     {"1", "index.mjs", "application/javascript+module", code}})
            << 400 << 10021 << QStringLiteral("names module \"index.mjs\" twice");
    QByteArray unterminated = sdkUpload(kMeta, code);
    unterminated.chop(4 + kBoundary.size() + 4);
    QTest::newRow("bad multipart: no closing boundary")
            << QByteArray("sdk-tenant") << unterminated << 400 << 10001
            << QStringLiteral("Malformed multipart upload");
    QTest::newRow("bracket field that does not close")
            << QByteArray("sdk-tenant")
            << form({{"metadata[main_module", {}, {}, "index.mjs"},
                     {"files[]", "index.mjs", "application/javascript+module", code}})
            << 400 << 10026 << QStringLiteral("unbalanced brackets");
    QTest::newRow("bracket field used as value and as object")
            << QByteArray("sdk-tenant")
            << form({{"metadata[main_module]", {}, {}, "index.mjs"},
                     {"metadata[main_module][x]", {}, {}, "y"},
                     {"files[]", "index.mjs", "application/javascript+module", code}})
            << 400 << 10026 << QStringLiteral("already uses differently");
    QTest::newRow("a name that is not valid")
            << QByteArray("Not%20A%20Name") << sdkUpload(kMeta, code) << 400 << 10021
            << QStringLiteral("must be 1 to 63 characters");
    QTest::newRow("oversized: more than 10 MiB of script")
            << QByteArray("sdk-tenant")
            << sdkUpload(kMeta, code + "//" + QByteArray(10 * 1024 * 1024, 'x')) << 400 << 10021
            << QStringLiteral("sdk-tenant");
}

void tst_AdminClients::badUploadsChangeNothing()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, code);
    QFETCH(QString, message);
    QCOMPARE(api("PUT", "/workers/dispatch/namespaces/production/scripts/sdk-tenant",
                 sdkUpload(kMeta, worker("good")), kForm)
                     .status,
             200);
    const auto before
            = m_service->script(QStringLiteral("production"), QStringLiteral("sdk-tenant"));
    RawResponse r
            = api("PUT", "/workers/dispatch/namespaces/production/scripts/" + name, body, kForm);
    QVERIFY2(isCloudflareError(r, status, code), r.body.left(400).constData());
    QVERIFY2(errorMessage(r).contains(message), qPrintable(errorMessage(r)));
    // The same upload as a platform Worker version is refused alike, and nothing is staged.
    r = api("POST", "/workers/scripts/dispatcher/versions", body, kForm);
    if (name == "sdk-tenant") {
        QVERIFY2(isCloudflareError(r, status, code), r.body.left(400).constData());
    }
    QCOMPARE(m_service->script(QStringLiteral("production"), QStringLiteral("sdk-tenant")), before);
    QCOMPARE(dispatch("sdk-tenant.localhost"), QByteArray("good hi"));
    QCOMPARE(scriptCount(), 6);
}

void tst_AdminClients::servicesShape()
{
    RawResponse r = api("GET", "/workers/services/dispatcher");
    QCOMPARE(r.status, 200);
    const QJsonObject service = result(r).toObject();
    QCOMPARE(service.value(u"id").toString(), QStringLiteral("dispatcher"));
    const QJsonObject env = service.value(u"default_environment").toObject();
    QCOMPARE(env.value(u"environment").toString(), QStringLiteral("production"));
    const QJsonObject script = env.value(u"script").toObject();
    QCOMPARE(script.value(u"id").toString(), QStringLiteral("dispatcher"));
    QCOMPARE(script.value(u"tag").toString().size(), 32);
    QCOMPARE(script.value(u"last_deployed_from").toString(), QStringLiteral("wrangler"));
    QCOMPARE(api("GET", "/workers/services/dispatcher/environments/production").status, 200);
    r = api("GET", "/workers/services/dispatcher/environments/production/settings");
    QCOMPARE(r.status, 200);
    QVERIFY(result(r).toObject().contains(u"bindings"));

    // wrangler tells a first deploy from a redeploy by 10007 here.
    r = api("GET", "/workers/services/nobody");
    QVERIFY2(isCloudflareError(r, 404, 10007), r.body.constData());
    r = api("GET", "/workers/services/dispatcher/environments/staging");
    QVERIFY2(isCloudflareError(r, 404, 10090), r.body.constData());
    r = api("POST", "/workers/services/dispatcher");
    QVERIFY2(isCloudflareError(r, 405, 10405), r.body.constData());
}

void tst_AdminClients::subdomainSchedulesRoutesZones()
{
    RawResponse r = api("GET", "/workers/subdomain");
    QCOMPARE(result(r).toObject().value(u"subdomain").toString(), QStringLiteral("switchyard"));
    r = api("GET", "/workers/scripts/dispatcher/subdomain");
    QCOMPARE(result(r).toObject().value(u"enabled").toBool(), true);
    r = api("POST", "/workers/scripts/dispatcher/subdomain", R"({"enabled":false})", kJson);
    QCOMPARE(result(r).toObject(),
             QJsonObject({{QStringLiteral("enabled"), false},
                          {QStringLiteral("previews_enabled"), false}}));
    QCOMPARE(result(api("GET", "/workers/scripts/dispatcher/subdomain")).toObject(),
             result(r).toObject());
    QVERIFY(isCloudflareError(api("POST", "/workers/scripts/dispatcher/subdomain", "[", kJson), 400,
                              10026));
    QVERIFY(isCloudflareError(api("GET", "/workers/scripts/nobody/subdomain"), 404, 10007));

    r = api("PUT", "/workers/scripts/dispatcher/schedules", R"([{"cron":"*/5 * * * *"}])", kJson);
    QCOMPARE(r.status, 200);
    const QJsonArray schedules = result(r).toObject().value(u"schedules").toArray();
    QCOMPARE(schedules.size(), 1);
    QCOMPARE(schedules.at(0).toObject().value(u"cron").toString(), QStringLiteral("*/5 * * * *"));
    QCOMPARE(result(api("GET", "/workers/scripts/dispatcher/schedules"))
                     .toObject()
                     .value(u"schedules")
                     .toArray()
                     .size(),
             1);
    QVERIFY(isCloudflareError(api("PUT", "/workers/scripts/dispatcher/schedules", R"([{}])", kJson),
                              400, 10001));

    r = api("PUT", "/workers/scripts/dispatcher/routes", R"([{"pattern":"shop.example.com/*"}])",
            kJson);
    QCOMPARE(result(r).toArray().at(0).toObject().value(u"pattern").toString(),
             QStringLiteral("shop.example.com/*"));
    r = m_admin.request("GET", "/client/v4/zones?name=example.com&account.id=sdk-account");
    const QJsonObject zone = result(r).toArray().at(0).toObject();
    QCOMPARE(zone.value(u"name").toString(), QStringLiteral("example.com"));
    r = m_admin.request("GET",
                        "/client/v4/zones/" + zone.value(u"id").toString().toLatin1()
                                + "/workers/routes");
    QCOMPARE(result(r).toArray().at(0).toObject().value(u"script").toString(),
             QStringLiteral("dispatcher"));
    // Nothing of it reaches the platform: the dispatcher still answers every host.
    QVERIFY(dispatch("site.localhost").contains("Acme Rockets"));
}

void tst_AdminClients::versionsThenDeployment()
{
    const QByteArray code = "export default { fetch() { return new Response('v2 dispatcher'); } };";
    const QByteArray meta = R"({"main_module":"index.js","bindings":[{"type":"dispatch_namespace",)"
                            R"("name":"DISPATCHER","namespace":"production"}]})";
    RawResponse r = api("POST", "/workers/scripts/dispatcher/versions?bindings_inherit=strict",
                        form({{"metadata", {}, {}, meta},
                              {"index.js", "index.js", "application/javascript+module", code}}),
                        kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    const QString version = result(r).toObject().value(u"id").toString();
    QCOMPARE(version.size(), 36);
    QVERIFY(!result(r)
                     .toObject()
                     .value(u"resources")
                     .toObject()
                     .value(u"script")
                     .toObject()
                     .value(u"etag")
                     .toString()
                     .isEmpty());
    // Uploaded, not deployed.
    QVERIFY(dispatch("site.localhost").contains("Acme Rockets"));

    r = api("GET", "/workers/scripts/dispatcher/deployments");
    QCOMPARE(result(r).toObject().value(u"deployments").toArray().size(), 1);

    const QByteArray split = R"({"strategy":"percentage","versions":[{"version_id":")"
            + version.toLatin1() + R"(","percentage":50},{"version_id":"x","percentage":50}]})";
    // Half to a version that does not exist.
    QVERIFY(isCloudflareError(api("POST", "/workers/scripts/dispatcher/deployments", split, kJson),
                              404, 10007));
    QVERIFY(isCloudflareError(api("POST", "/workers/scripts/dispatcher/deployments",
                                  R"({"versions":[{"version_id":"no-such","percentage":100}]})",
                                  kJson),
                              404, 10007));
    // A version of one Worker cannot be deployed to another.
    QVERIFY(isCloudflareError(
            api("POST", "/workers/scripts/edge/deployments",
                R"({"versions":[{"version_id":")" + version.toLatin1() + R"(","percentage":100}]})",
                kJson),
            404, 10007));
    QVERIFY(dispatch("site.localhost").contains("Acme Rockets"));

    r = api("POST", "/workers/scripts/dispatcher/deployments",
            R"({"strategy":"percentage","versions":[{"version_id":")" + version.toLatin1()
                    + R"(","percentage":100}],"annotations":{"workers/message":"hi"}})",
            kJson);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch("site.localhost"), QByteArray("v2 dispatcher"));
    QCOMPARE(m_service->activeDispatcher(), QStringLiteral("dispatcher"));
}

void tst_AdminClients::versionAttacks()
{
    // A version that does not compile is refused at upload, with the compile error.
    RawResponse r = api("POST", "/workers/scripts/dispatcher/versions",
                        sdkUpload(R"({"main_module":"index.mjs"})", "export default {"), kForm);
    QVERIFY2(isCloudflareError(r, 400, 10021), r.body.constData());
    // No such Worker: 10007, as for every sub-resource.
    r = api("POST", "/workers/scripts/nobody/versions", sdkUpload(kMeta, worker("x")), kForm);
    QVERIFY(isCloudflareError(r, 404, 10007));
    // Uploads never deployed are kept (the newest 100, tst_versions) and stay deployable.
    QStringList ids;
    for (int i = 0; i < 12; ++i) {
        r = api("POST", "/workers/scripts/dispatcher/versions", sdkUpload(kMeta, worker("x")),
                kForm);
        QCOMPARE(r.status, 200);
        ids.append(result(r).toObject().value(u"id").toString());
    }
    auto deploy = [&](const QString &id) {
        return api("POST", "/workers/scripts/dispatcher/deployments",
                   R"({"versions":[{"version_id":")" + id.toLatin1() + R"(","percentage":100}]})",
                   kJson);
    };
    QCOMPARE(deploy(ids.first()).status, 200);
    QCOMPARE(deploy(ids.last()).status, 200);
    QCOMPARE(dispatch("site.localhost"), QByteArray("x hi"));
}

void tst_AdminClients::namespaceRename()
{
    QCOMPARE(api("PUT", "/workers/dispatch/namespaces/production/scripts/sdk-tenant",
                 sdkUpload(kMeta, worker("renamed")), kForm)
                     .status,
             200);
    // Refused renames leave everything where it was.
    QVERIFY(isCloudflareError(
            api("PUT", "/workers/dispatch/namespaces/production", R"({"name":"Bad Name!"})", kJson),
            400, 10001));
    QVERIFY(api("POST", "/workers/dispatch/namespaces", R"({"name":"taken"})", kJson).status
            == 200);
    QVERIFY(isCloudflareError(
            api("PUT", "/workers/dispatch/namespaces/production", R"({"name":"taken"})", kJson),
            409, 10014));
    QCOMPARE(scriptCount(), 6);

    RawResponse r
            = api("PUT", "/workers/dispatch/namespaces/production", R"({"name":"prod-2"})", kJson);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(result(r).toObject().value(u"namespace_name").toString(), QStringLiteral("prod-2"));
    QCOMPARE(result(r).toObject().value(u"script_count").toInt(), 6);
    QVERIFY(isCloudflareError(api("GET", "/workers/dispatch/namespaces/production"), 404, 10007));
    // The demo dispatcher's binding followed, so customers are still served.
    QCOMPARE(dispatch("sdk-tenant.localhost"), QByteArray("renamed hi"));
    const auto dispatcher = m_service->platformWorker(QStringLiteral("dispatcher"));
    QVERIFY(QJsonDocument(dispatcher->code.bindings).toJson().contains("\"prod-2\""));
}

void tst_AdminClients::bareBindingsKeepTheirConfiguration()
{
    // `wrangler secret bulk`: settings with the kept bindings as {type, name} only.
    QByteArray settings
            = R"({"bindings":[{"type":"dispatch_namespace","name":"DISPATCHER"},)"
              R"({"type":"kv_namespace","name":"USER_ROUTING"},{"type":"kv_namespace","name":"PLANS"},)"
              R"({"type":"kv_namespace","name":"CUSTOMERS"},)"
              R"({"type":"analytics_engine","name":"ANALYTICS"},)"
              R"({"type":"secret_text","name":"K","text":"v"}]})";
    RawResponse r = api("PATCH", "/workers/scripts/dispatcher/settings",
                        form({{"settings", {}, {}, settings}}), kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QVERIFY(dispatch("site.localhost").contains("Acme Rockets"));
    const auto before = m_service->platformWorker(QStringLiteral("dispatcher"));
    QCOMPARE(before->code.bindings.size(), 6);
    // A bare binding with no previous binding of that name and type stays as sent, and is refused.
    settings = R"({"bindings":[{"type":"kv_namespace","name":"DISPATCHER"}]})";
    r = api("PATCH", "/workers/scripts/dispatcher/settings", settings, kJson);
    QVERIFY2(isCloudflareError(r, 400, 10021), r.body.constData());
    QCOMPARE(m_service->platformWorker(QStringLiteral("dispatcher")), before);

    // `wrangler delete`: DELETE workers/services/{name}.
    QCOMPARE(api("PUT", "/workers/scripts/scratch", sdkUpload(kMeta, worker("s")), kForm).status,
             200);
    QCOMPARE(api("DELETE", "/workers/services/scratch?force=true").status, 200);
    QVERIFY(!m_service->platformWorker(QStringLiteral("scratch")));
    QVERIFY(isCloudflareError(api("DELETE", "/workers/services/scratch"), 404, 10007));
}

void tst_AdminClients::kvPagingAndBulkGet()
{
    for (int i = 0; i < 5; ++i)
        QCOMPARE(api("POST", "/storage/kv/namespaces",
                     QByteArray(R"({"title":"T)") + QByteArray::number(i) + "\"}", kJson)
                         .status,
                 200);
    // 3 demo namespaces + 5: pages of 3, ordered by title, end with an empty page.
    QStringList titles;
    for (int page = 1; page <= 4; ++page) {
        const RawResponse r = api("GET",
                                  "/storage/kv/namespaces?per_page=3&order=title&page="
                                          + QByteArray::number(page));
        QCOMPARE(r.status, 200);
        const QJsonArray list = result(r).toArray();
        QCOMPARE(list.size(), page < 3 ? 3 : page == 3 ? 2 : 0);
        QCOMPARE(envelope(r).value(u"result_info").toObject().value(u"total_count").toInt(), 8);
        for (const QJsonValue n : list)
            titles.append(n.toObject().value(u"title").toString());
    }
    QStringList sorted = titles;
    sorted.sort();
    QCOMPARE(titles, sorted);
    QCOMPARE(titles.size(), 8);
    QVERIFY(isCloudflareError(api("GET", "/storage/kv/namespaces?per_page=0"), 400, 10001));

    const QByteArray id = m_service->kvNamespaces().constFirst().id.toLatin1();
    QCOMPARE(
            api("PUT", "/storage/kv/namespaces/" + id + "/bulk",
                R"([{"key":"a","value":"{\"n\":1}","metadata":{"m":true}},{"key":"b","value":"x"}])",
                kJson)
                    .status,
            200);
    RawResponse r = api("POST", "/storage/kv/namespaces/" + id + "/bulk/get",
                        R"({"keys":["a","b","zz"]})", kJson);
    QCOMPARE(result(r).toObject().value(u"values").toObject(),
             QJsonObject({{QStringLiteral("a"), QStringLiteral("{\"n\":1}")},
                          {QStringLiteral("b"), QStringLiteral("x")},
                          {QStringLiteral("zz"), QJsonValue::Null}}));
    r = api("POST", "/storage/kv/namespaces/" + id + "/bulk/get",
            R"({"keys":["a"],"type":"json","withMetadata":true})", kJson);
    QCOMPARE(
            result(r).toObject().value(u"values").toObject().value(u"a").toObject(),
            QJsonObject({{QStringLiteral("value"), QJsonObject {{QStringLiteral("n"), 1}}},
                         {QStringLiteral("metadata"), QJsonObject {{QStringLiteral("m"), true}}}}));
    QVERIFY(isCloudflareError(api("POST", "/storage/kv/namespaces/" + id + "/bulk/get",
                                  R"({"keys":["b"],"type":"json"})", kJson),
                              400, 10001));
    QVERIFY(isCloudflareError(
            api("POST", "/storage/kv/namespaces/" + id + "/bulk/get", R"({"keys":[]})", kJson), 400,
            10001));
}

QTEST_GUILESS_MAIN(tst_AdminClients)
#include "tst_adminclients.moc"
