// Worker Versions and Deployments of platform Workers through the admin API, as Cloudflare's API
// has them: every upload is a version; a deployment serves one version or splits requests between
// two; rollback is a deployment of an older version. Real HTTP over loopback into a full
// RuntimeStack with the demo seeded, requests through the real dispatch listener, a restart of
// the stack on the same data directory, and the attacks: bad deployments, huge annotations, bad
// ids, and 10,000 versions of one Worker, of which the newest 100 are kept.
#include "../common/adminstack.h"
#include "../common/cloudflareapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>

using namespace switchyard;
using namespace switchyard::testing;

namespace {

const QByteArray kToken = "versions-admin-token";
const QByteArray kBoundary = "form-data-boundary-v3rs10ns";
const auto kForm = formContent(kBoundary);
const auto &kJson = kJsonContent;

QByteArray code(const QByteArray &label)
{
    return "export default { fetch() { return new Response('" + label + "'); } };\n";
}

// What wrangler sends for an upload: metadata (with annotations) and one module.
QByteArray upload(const QByteArray &label, const QJsonObject &annotations = {})
{
    QJsonObject metadata {{QStringLiteral("main_module"), QStringLiteral("index.js")}};
    if (!annotations.isEmpty())
        metadata.insert(QStringLiteral("annotations"), annotations);
    return multipartForm(kBoundary,
                         {{"metadata",
                           {},
                           "application/json",
                           QJsonDocument(metadata).toJson(QJsonDocument::Compact)},
                          {"index.js", "index.js", "application/javascript+module", code(label)}});
}

QByteArray deployment(const QList<QPair<QString, double>> &shares, const QByteArray &message = {})
{
    QJsonArray versions;
    for (const auto &[id, percentage] : shares)
        versions.append(QJsonObject {{QStringLiteral("version_id"), id},
                                     {QStringLiteral("percentage"), percentage}});
    QJsonObject body {{QStringLiteral("strategy"), QStringLiteral("percentage")},
                      {QStringLiteral("versions"), versions}};
    if (!message.isEmpty())
        body.insert(QStringLiteral("annotations"),
                    QJsonObject {{QStringLiteral("workers/message"), QString::fromUtf8(message)}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

class tst_Versions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void everyUploadIsAVersion();
    void deploymentValidation_data();
    void deploymentValidation();
    void gradualDeploymentServesBoth();
    void rollback();
    void deleteDeployment();
    void persistsAcrossRestart();
    void hugeAnnotationsAndBadIds();
    void tenThousandVersionsBounded();
    void whoami();

private:
    void restartStack();
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                    QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        return m_admin.request(method, "/client/v4/accounts/acct" + path, body, headers);
    }
    QByteArray dispatch() { return m_admin.dispatch("any.localhost").body; }
    // Uploads a version of the dispatcher without deploying it; returns its id.
    QString uploadVersion(const QByteArray &label, const QJsonObject &annotations = {})
    {
        const RawResponse r = api("POST", "/workers/scripts/dispatcher/versions",
                                  upload(label, annotations), kForm);
        if (r.status != 200)
            qWarning() << r.body;
        return result(r).toObject().value(u"id").toString();
    }
    QJsonArray deployments()
    {
        return result(api("GET", "/workers/scripts/dispatcher/deployments"))
                .toObject()
                .value(u"deployments")
                .toArray();
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::AdminStack m_admin {kToken};
    platform::PlatformService *m_service = nullptr;
};

void tst_Versions::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_Versions::cleanupTestCase()
{
    m_v8.reset();
}

void tst_Versions::restartStack()
{
    m_service = nullptr;
    const QString error = m_admin.restart(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_service = &m_admin.service();
}

void tst_Versions::init()
{
    const QString error = m_admin.start(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_service = &m_admin.service();
}

void tst_Versions::cleanup()
{
    m_service = nullptr;
    m_admin.stop();
}

void tst_Versions::everyUploadIsAVersion()
{
    // The seeded dispatcher was one upload: one version, deployed at 100 %.
    RawResponse r = api("GET", "/workers/scripts/dispatcher/versions");
    QCOMPARE(r.status, 200);
    QJsonArray items = result(r).toObject().value(u"items").toArray();
    QCOMPARE(items.size(), 1);
    const QString seeded = items.at(0).toObject().value(u"id").toString();

    // A script upload (`wrangler deploy`'s first call) is a version and a deployment.
    r = api("PUT", "/workers/scripts/dispatcher",
            upload("one",
                   {{QStringLiteral("workers/message"), QStringLiteral("first")},
                    {QStringLiteral("workers/tag"), QStringLiteral("v1")}}),
            kForm);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch(), QByteArray("one"));
    const QString two
            = uploadVersion("two", {{QStringLiteral("workers/message"), QStringLiteral("second")}});
    QVERIFY(!QUuid::fromString(two).isNull());
    QCOMPARE(dispatch(), QByteArray("one")); // uploaded, not deployed

    r = api("GET", "/workers/scripts/dispatcher/versions");
    items = result(r).toObject().value(u"items").toArray();
    QCOMPARE(items.size(), 3);
    QCOMPARE(envelope(r).value(u"result_info").toObject().value(u"total_count").toInt(), 3);
    const QJsonObject newest = items.at(0).toObject();
    QCOMPARE(newest.value(u"id").toString(), two);
    QCOMPARE(newest.value(u"number").toInt(), 3);
    QCOMPARE(items.at(1).toObject().value(u"number").toInt(), 2);
    QCOMPARE(items.at(2).toObject().value(u"id").toString(), seeded);
    QCOMPARE(newest.value(u"annotations").toObject().value(u"workers/message").toString(),
             QStringLiteral("second"));
    QCOMPARE(newest.value(u"annotations").toObject().value(u"workers/triggered_by").toString(),
             QStringLiteral("upload"));
    const QJsonObject first = items.at(1).toObject();
    QCOMPARE(first.value(u"annotations").toObject().value(u"workers/tag").toString(),
             QStringLiteral("v1"));
    const QJsonObject metadata = newest.value(u"metadata").toObject();
    QVERIFY(QDateTime::fromString(metadata.value(u"created_on").toString(), Qt::ISODateWithMs)
                    .isValid());
    QCOMPARE(metadata.value(u"source").toString(), QStringLiteral("api"));
    QCOMPARE(metadata.value(u"author_email").toString(),
             QStringLiteral("admin@switchyard.localhost"));

    // One version by id; per_page pages.
    r = api("GET", "/workers/scripts/dispatcher/versions/" + two.toLatin1());
    QCOMPARE(result(r).toObject().value(u"id").toString(), two);
    r = api("GET", "/workers/scripts/dispatcher/versions?per_page=1&page=2");
    QCOMPARE(result(r)
                     .toObject()
                     .value(u"items")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"number")
                     .toInt(),
             2);

    // The newest deployment serves the script upload's version at 100 %.
    const QJsonObject serving = deployments().at(0).toObject();
    const QJsonArray shares = serving.value(u"versions").toArray();
    QCOMPARE(shares.size(), 1);
    QCOMPARE(shares.at(0).toObject().value(u"version_id").toString(),
             first.value(u"id").toString());
    QCOMPARE(shares.at(0).toObject().value(u"percentage").toDouble(), 100.0);
    QCOMPARE(serving.value(u"strategy").toString(), QStringLiteral("percentage"));
    r = api("GET",
            "/workers/scripts/dispatcher/deployments/"
                    + serving.value(u"id").toString().toLatin1());
    QCOMPARE(result(r).toObject().value(u"id"), serving.value(u"id"));

    // Deploying the uploaded version serves it on the next request.
    r = api("POST", "/workers/scripts/dispatcher/deployments", deployment({{two, 100}}, "go"),
            kJson);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch(), QByteArray("two"));
    QCOMPARE(m_service->activeDispatcher(), QStringLiteral("dispatcher"));
}

void tst_Versions::deploymentValidation_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    const QString a = QStringLiteral("A"), b = QStringLiteral("B");
    const QString unknown = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QTest::newRow("sum 90") << deployment({{a, 60}, {b, 30}}) << 400 << 10001;
    QTest::newRow("sum 110") << deployment({{a, 60}, {b, 50}}) << 400 << 10001;
    QTest::newRow("one at 50") << deployment({{a, 50}}) << 400 << 10001;
    QTest::newRow("negative") << deployment({{a, 110}, {b, -10}}) << 400 << 10001;
    QTest::newRow("three versions") << deployment({{a, 50}, {b, 25}, {a, 25}}) << 400 << 10001;
    QTest::newRow("same version twice") << deployment({{a, 50}, {a, 50}}) << 400 << 10001;
    QTest::newRow("no versions") << deployment({}) << 400 << 10001;
    QTest::newRow("unknown version") << deployment({{unknown, 100}}) << 404 << 10007;
    QTest::newRow("half unknown") << deployment({{a, 50}, {unknown, 50}}) << 404 << 10007;
    QTest::newRow("not a uuid") << deployment({{QStringLiteral("../../x"), 100}}) << 404 << 10007;
    QTest::newRow("not json") << QByteArray("{nope") << 400 << 10026;
    QTest::newRow("versions not an array")
            << QByteArray(R"({"strategy":"percentage","versions":{}})") << 400 << 10026;
    QTest::newRow("other strategy")
            << QByteArray(R"({"strategy":"blue-green","versions":[]})") << 400 << 10001;
    QTest::newRow("percentage a string")
            << QByteArray(R"({"versions":[{"version_id":"A","percentage":"100"}]})") << 400
            << 10001;
}

void tst_Versions::deploymentValidation()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, code);
    const QString a = uploadVersion("a");
    const QString b = uploadVersion("b");
    body.replace("\"A\"", "\"" + a.toLatin1() + "\"");
    body.replace("\"B\"", "\"" + b.toLatin1() + "\"");
    const QJsonArray before = deployments();
    const QByteArray served = dispatch();
    const RawResponse r = api("POST", "/workers/scripts/dispatcher/deployments", body, kJson);
    QVERIFY2(isCloudflareError(r, status, code), r.body.constData());
    if (status == 404)
        QCOMPARE(envelope(r)
                         .value(u"errors")
                         .toArray()
                         .at(0)
                         .toObject()
                         .value(u"message")
                         .toString(),
                 QStringLiteral("workers.api.error.version_not_found"));
    QCOMPARE(deployments(), before);
    QCOMPARE(dispatch(), served);
    // A version of one Worker is not a version of another.
    QVERIFY(isCloudflareError(
            api("POST", "/workers/scripts/nobody/deployments", deployment({{a, 100}}), kJson), 404,
            10007));
}

void tst_Versions::gradualDeploymentServesBoth()
{
    const QString a = uploadVersion("alpha");
    const QString b = uploadVersion("beta");
    RawResponse r = api("POST", "/workers/scripts/dispatcher/deployments",
                        deployment({{a, 70}, {b, 30}}, "canary"), kJson);
    QVERIFY2(r.status == 200, r.body.constData());
    const QJsonArray shares = result(r).toObject().value(u"versions").toArray();
    QCOMPARE(shares.size(), 2);
    QCOMPARE(shares.at(0).toObject().value(u"percentage").toDouble(), 70.0);
    // 400 requests; beta's count is Binomial(400, 0.3): mean 120, sd ~9.2. 60..180 is 6.5 sd
    // either side: a correct split fails it with probability below 1e-10.
    int alpha = 0, beta = 0;
    for (int i = 0; i < 400; ++i) {
        const QByteArray body = dispatch();
        if (body == "alpha")
            ++alpha;
        else if (body == "beta")
            ++beta;
        else
            QFAIL(body.constData());
    }
    qInfo() << "alpha" << alpha << "beta" << beta;
    QVERIFY(alpha > 0 && beta > 0);
    QVERIFY2(beta >= 60 && beta <= 180, qPrintable(QString::number(beta)));

    // Promoting one of the two to 100 % ends the split at once.
    r = api("POST", "/workers/scripts/dispatcher/deployments", deployment({{b, 100}}), kJson);
    QCOMPARE(r.status, 200);
    QCOMPARE(result(r).toObject().value(u"annotations").toObject().value(u"workers/triggered_by"),
             QJsonValue(QStringLiteral("promotion")));
    for (int i = 0; i < 50; ++i)
        QCOMPARE(dispatch(), QByteArray("beta"));
}

void tst_Versions::rollback()
{
    const QString one = uploadVersion("one");
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments", deployment({{one, 100}}), kJson)
                     .status,
             200);
    const QString two = uploadVersion("two");
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments", deployment({{two, 100}}), kJson)
                     .status,
             200);
    QCOMPARE(dispatch(), QByteArray("two"));
    // What `wrangler rollback ONE` sends.
    const RawResponse r = api("POST", "/workers/scripts/dispatcher/deployments",
                              deployment({{one, 100}}, "Rollback"), kJson);
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(dispatch(), QByteArray("one"));
    const QJsonObject latest = deployments().at(0).toObject();
    QCOMPARE(latest.value(u"annotations").toObject().value(u"workers/triggered_by").toString(),
             QStringLiteral("rollback"));
    QCOMPARE(latest.value(u"annotations").toObject().value(u"workers/message").toString(),
             QStringLiteral("Rollback"));
    // Rolling back to a version whose binding target is gone is refused, as on Cloudflare.
    QVERIFY(m_service->createNamespace(QStringLiteral("gone")));
    const QByteArray meta = R"({"main_module":"index.js","bindings":[{"type":"dispatch_namespace",)"
                            R"("name":"NS","namespace":"gone"}]})";
    const QByteArray form = "--" + kBoundary
            + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + meta + "\r\n--"
            + kBoundary
            + "\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
              "Content-Type: application/javascript+module\r\n\r\n"
            + code("bound") + "\r\n--" + kBoundary + "--\r\n";
    const RawResponse bound = api("POST", "/workers/scripts/dispatcher/versions", form, kForm);
    QVERIFY2(bound.status == 200, bound.body.constData());
    QVERIFY(m_service->deleteNamespace(QStringLiteral("gone")));
    const QString boundId = result(bound).toObject().value(u"id").toString();
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments", deployment({{boundId, 100}}),
                 kJson)
                     .status,
             400);
    QCOMPARE(dispatch(), QByteArray("one"));
}

void tst_Versions::deleteDeployment()
{
    const QString one = uploadVersion("one");
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments", deployment({{one, 100}}), kJson)
                     .status,
             200);
    const QJsonArray list = deployments();
    QCOMPARE(list.size(), 2);
    const QByteArray latest = list.at(0).toObject().value(u"id").toString().toLatin1();
    const QByteArray older = list.at(1).toObject().value(u"id").toString().toLatin1();
    // The deployment that serves cannot be deleted; an older one can.
    QVERIFY(isCloudflareError(api("DELETE", "/workers/scripts/dispatcher/deployments/" + latest),
                              400, 10001));
    QCOMPARE(api("DELETE", "/workers/scripts/dispatcher/deployments/" + older).status, 200);
    QCOMPARE(deployments().size(), 1);
    QVERIFY(isCloudflareError(api("DELETE", "/workers/scripts/dispatcher/deployments/" + older),
                              404, 10007));
    QCOMPARE(dispatch(), QByteArray("one"));
}

void tst_Versions::persistsAcrossRestart()
{
    const QString a = uploadVersion("left", {{QStringLiteral("workers/tag"), QStringLiteral("L")}});
    const QString b = uploadVersion("right");
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments",
                 deployment({{a, 50}, {b, 50}}, "half"), kJson)
                     .status,
             200);
    const QJsonArray versionsBefore = result(api("GET", "/workers/scripts/dispatcher/versions"))
                                              .toObject()
                                              .value(u"items")
                                              .toArray();
    const QJsonArray deploymentsBefore = deployments();

    restartStack();
    QVERIFY(m_service);
    QCOMPARE(result(api("GET", "/workers/scripts/dispatcher/versions"))
                     .toObject()
                     .value(u"items")
                     .toArray(),
             versionsBefore);
    QCOMPARE(deployments(), deploymentsBefore);
    QSet<QByteArray> seen;
    for (int i = 0; i < 100 && seen.size() < 2; ++i)
        seen.insert(dispatch());
    // Each of 100 requests misses a 50 % version with probability 2^-100.
    QCOMPARE(seen, (QSet<QByteArray> {"left", "right"}));
    // The restarted stack rolls back like the first one.
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments", deployment({{a, 100}}), kJson)
                     .status,
             200);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(dispatch(), QByteArray("left"));
}

void tst_Versions::hugeAnnotationsAndBadIds()
{
    const QJsonArray before = result(api("GET", "/workers/scripts/dispatcher/versions"))
                                      .toObject()
                                      .value(u"items")
                                      .toArray();
    const QString huge(1 << 20, u'x');
    RawResponse r = api("POST", "/workers/scripts/dispatcher/versions",
                        upload("x", {{QStringLiteral("workers/message"), huge}}), kForm);
    QVERIFY2(isCloudflareError(r, 400, 10021), r.body.left(300).constData());
    r = api("POST", "/workers/scripts/dispatcher/versions",
            upload("x", {{QStringLiteral("workers/tag"), QString(1001, u't')}}), kForm);
    QVERIFY(isCloudflareError(r, 400, 10021));
    r = api("POST", "/workers/scripts/dispatcher/versions",
            upload("x", {{QStringLiteral("other/key"), QStringLiteral("v")}}), kForm);
    QVERIFY(isCloudflareError(r, 400, 10021));
    r = api("POST", "/workers/scripts/dispatcher/versions",
            upload("x", {{QStringLiteral("workers/message"), 42}}), kForm);
    QVERIFY(isCloudflareError(r, 400, 10021));
    // A huge message on a deployment: refused, nothing deployed.
    const QString one = uploadVersion("one");
    const QJsonArray deploymentsBefore = deployments();
    r = api("POST", "/workers/scripts/dispatcher/deployments",
            deployment({{one, 100}}, huge.toLatin1()), kJson);
    QVERIFY(isCloudflareError(r, 400, 10001));
    QCOMPARE(deployments(), deploymentsBefore);
    QCOMPARE(result(api("GET", "/workers/scripts/dispatcher/versions"))
                     .toObject()
                     .value(u"items")
                     .toArray()
                     .size(),
             before.size() + 1);

    // Bad ids: not found, never a crash or another Worker's version.
    for (const QByteArray &id :
         {QByteArray("x"), QByteArray("..%2F..%2Fsettings"), QByteArray(10000, 'a'),
          QByteArray("%00"), QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()}) {
        r = api("GET", "/workers/scripts/dispatcher/versions/" + id);
        QVERIFY2(isCloudflareError(r, 404, 10007), id.left(40).constData());
        r = api("GET", "/workers/scripts/dispatcher/deployments/" + id);
        QVERIFY2(isCloudflareError(r, 404, 10007), id.left(40).constData());
    }
    r = api("GET", "/workers/scripts/nobody/versions/" + one.toLatin1());
    QVERIFY(isCloudflareError(r, 404, 10007));
    // User Workers in dispatch namespaces have no versions resource, as on Cloudflare.
    r = api("GET", "/workers/dispatch/namespaces/production/scripts/site/versions");
    QCOMPARE(r.status, 404);
}

void tst_Versions::tenThousandVersionsBounded()
{
    // Straight through the service, which the admin API calls for each upload: 10,000 HTTP
    // uploads would spend the time in the listener, not in what is bounded.
    store::WorkerCode worker;
    worker.mainModule = QStringLiteral("index.js");
    const QString deployed = uploadVersion("kept");
    QCOMPARE(api("POST", "/workers/scripts/dispatcher/deployments", deployment({{deployed, 100}}),
                 kJson)
                     .status,
             200);
    for (int i = 0; i < 10000; ++i) {
        worker.modules
                = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"),
                    code("n" + QByteArray::number(i))}};
        const auto added
                = m_service->addPlatformWorkerVersion(QStringLiteral("dispatcher"), worker);
        QVERIFY2(added, qPrintable(added.errorMessage()));
    }
    const auto versions = m_service->platformWorkerVersions(QStringLiteral("dispatcher"));
    // The newest 100, and the one deployed that is older than all of them.
    QCOMPARE(versions.size(), platform::PlatformService::kVersionsKept + 1);
    QCOMPARE(versions.first()->number, versions.at(1)->number + 1);
    QVERIFY(std::any_of(versions.cbegin(), versions.cend(),
                        [&](const auto &v) { return v->id == deployed; }));
    QCOMPARE(dispatch(), QByteArray("kept"));
    // The store holds what memory holds.
    restartStack();
    QCOMPARE(m_service->platformWorkerVersions(QStringLiteral("dispatcher")).size(),
             platform::PlatformService::kVersionsKept + 1);
    QCOMPARE(dispatch(), QByteArray("kept"));
    const RawResponse r = api("GET", "/workers/scripts/dispatcher/versions?per_page=1000");
    QCOMPARE(result(r).toObject().value(u"items").toArray().size(),
             platform::PlatformService::kVersionsKept);
}

void tst_Versions::whoami()
{
    RawResponse r = m_admin.request("GET", "/client/v4/user");
    QCOMPARE(r.status, 200);
    QCOMPARE(result(r).toObject().value(u"email").toString(),
             QStringLiteral("admin@switchyard.localhost"));
    r = m_admin.request("GET", "/client/v4/memberships");
    QCOMPARE(result(r).toArray().at(0).toObject().value(u"roles").toArray().at(0).toString(),
             QStringLiteral("Administrator"));
    r = m_admin.request("GET", "/client/v4/user/tokens/verify");
    QCOMPARE(result(r).toObject().value(u"status").toString(), QStringLiteral("active"));
    // Without the token: refused like every other path.
    r = m_admin.request("GET", "/client/v4/user", {}, {}, QByteArray());
    QCOMPARE(r.status, 401);
}

QTEST_GUILESS_MAIN(tst_Versions)
#include "tst_versions.moc"
