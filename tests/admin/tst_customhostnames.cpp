// Cloudflare for SaaS custom hostnames through the admin API over loopback: the envelope, the
// codes and texts Cloudflare documents, custom_metadata reaching the dispatcher as
// request.cf.hostMetadata on the next request, and the GUI's hostname list following every change.
#include "../common/adminstack.h"
#include "../common/cloudflareapi.h"
#include "../common/workercode.h"
#include "runtimestack.h"

#include "engine/v8platform.h"
#include "hostnamelistmodel.h"
#include "platform/platformservice.h"
#include "platformcontroller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>

using namespace switchyard;
using namespace switchyard::testing;

namespace {

const QByteArray kToken = "hostnames-test-token";

const QByteArray kDispatcher = R"js(
export default {
  fetch(request) {
    return Response.json({ hostMetadata: request.cf?.hostMetadata ?? null });
  },
};
)js";

} // namespace

class tst_CustomHostnames : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_v8 = std::make_unique<engine::V8Platform>(); }
    void cleanupTestCase() { m_v8.reset(); }
    void init();
    void cleanup();

    void createReadUpdateDelete();
    void listFiltersAndPages();
    void refusals_data();
    void refusals();
    void unknownIdsAndHostnameChanges();
    void guiFollowsTheApi();

private:
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body = {})
    {
        return m_admin.request(method, "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353" + path,
                               body, {{"Content-Type", "application/json"}});
    }
    QJsonValue hostMetadata(const QByteArray &host)
    {
        const RawResponse r = m_admin.dispatch(host);
        return QJsonDocument::fromJson(r.body).object().value(u"hostMetadata");
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::AdminStack m_admin {kToken};
};

void tst_CustomHostnames::init()
{
    const QString error = m_admin.start(*m_v8, false);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto &service = m_admin.service();
    QVERIFY(service.putPlatformWorker(QStringLiteral("dispatcher"), store::WorkerKind::Dispatcher,
                                      testing::moduleCode(kDispatcher)));
    QVERIFY(service.setActiveDispatcher(QStringLiteral("dispatcher")));
}

void tst_CustomHostnames::cleanup()
{
    m_admin.stop();
}

void tst_CustomHostnames::createReadUpdateDelete()
{
    const RawResponse created = api(
            "POST", "/custom_hostnames",
            "{\"hostname\": \"shop.customer.com\", \"ssl\": {\"method\": \"http\", \"type\": "
            "\"dv\"},"
            " \"custom_metadata\": {\"customer_id\": \"12345\", \"redirect_to_https\": true}}");
    QCOMPARE(created.status, 201);
    const QJsonObject body = envelope(created);
    QCOMPARE(body.value(u"success").toBool(), true);
    QCOMPARE(body.value(u"errors").toArray(), QJsonArray());
    QCOMPARE(body.value(u"messages").toArray(), QJsonArray());
    const QJsonObject host = body.value(u"result").toObject();
    const QString id = host.value(u"id").toString();
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(host.value(u"hostname").toString(), QStringLiteral("shop.customer.com"));
    QCOMPARE(host.value(u"status").toString(), QStringLiteral("active"));
    const QJsonObject metadata {{QStringLiteral("customer_id"), "12345"},
                                {QStringLiteral("redirect_to_https"), true}};
    QCOMPARE(host.value(u"custom_metadata").toObject(), metadata);
    // The next request to that host carries it.
    QCOMPARE(hostMetadata("shop.customer.com").toObject(), metadata);

    const RawResponse read = api("GET", "/custom_hostnames/" + id.toLatin1());
    QCOMPARE(read.status, 200);
    QCOMPARE(envelope(read).value(u"result").toObject(), host);

    // PATCH answers 202; custom_metadata is replaced whole, and what is left out stays.
    const RawResponse patched = api("PATCH", "/custom_hostnames/" + id.toLatin1(),
                                    "{\"custom_metadata\": {\"customer_id\": \"67890\"}}");
    QCOMPARE(patched.status, 202);
    const QJsonObject replaced {{QStringLiteral("customer_id"), "67890"}};
    QCOMPARE(envelope(patched).value(u"result").toObject().value(u"custom_metadata").toObject(),
             replaced);
    QCOMPARE(hostMetadata("shop.customer.com").toObject(), replaced);
    QCOMPARE(api("PATCH", "/custom_hostnames/" + id.toLatin1(), "{\"ssl\": {\"method\": \"txt\"}}")
                     .status,
             202);
    QCOMPARE(hostMetadata("shop.customer.com").toObject(), replaced);

    const RawResponse deleted = api("DELETE", "/custom_hostnames/" + id.toLatin1());
    QCOMPARE(deleted.status, 200);
    QCOMPARE(envelope(deleted).value(u"result").toObject().value(u"id").toString(), id);
    QVERIFY(hostMetadata("shop.customer.com").isNull());
    QCOMPARE(api("GET", "/custom_hostnames/" + id.toLatin1()).status, 404);

    // The id is derived from the hostname: the same when it comes back.
    const RawResponse again
            = api("POST", "/custom_hostnames", "{\"hostname\": \"shop.customer.com\"}");
    QCOMPARE(envelope(again).value(u"result").toObject().value(u"id").toString(), id);
}

void tst_CustomHostnames::listFiltersAndPages()
{
    for (const char *name : {"c.saas.dev", "a.saas.dev", "b.other.dev"})
        QCOMPARE(api("POST", "/custom_hostnames", QByteArray("{\"hostname\": \"") + name + "\"}")
                         .status,
                 201);
    const RawResponse all = api("GET", "/custom_hostnames");
    QCOMPARE(all.status, 200);
    QJsonArray hosts = envelope(all).value(u"result").toArray();
    QCOMPARE(hosts.size(), 3);
    QCOMPARE(hosts.at(0).toObject().value(u"hostname").toString(), QStringLiteral("a.saas.dev"));
    const QJsonObject info = envelope(all).value(u"result_info").toObject();
    QCOMPARE(info.value(u"page").toInt(), 1);
    QCOMPARE(info.value(u"per_page").toInt(), 20);
    QCOMPARE(info.value(u"count").toInt(), 3);
    QCOMPARE(info.value(u"total_count").toInt(), 3);
    QCOMPARE(info.value(u"total_pages").toInt(), 1);

    const RawResponse page2 = api("GET", "/custom_hostnames?per_page=2&page=2");
    QCOMPARE(envelope(page2).value(u"result").toArray().size(), 1);
    QCOMPARE(envelope(page2).value(u"result_info").toObject().value(u"total_pages").toInt(), 2);

    const RawResponse exact = api("GET", "/custom_hostnames?hostname=b.other.dev");
    hosts = envelope(exact).value(u"result").toArray();
    QCOMPARE(hosts.size(), 1);
    const QByteArray id = hosts.at(0).toObject().value(u"id").toString().toLatin1();
    QCOMPARE(envelope(api("GET", "/custom_hostnames?hostname.contain=saas"))
                     .value(u"result")
                     .toArray()
                     .size(),
             2);
    QCOMPARE(envelope(api("GET", "/custom_hostnames?id=" + id)).value(u"result").toArray().size(),
             1);
    const RawResponse both = api("GET", "/custom_hostnames?id=" + id + "&hostname=b.other.dev");
    QCOMPARE(both.status, 400);
    QCOMPARE(errorCode(both), 1438);
}

void tst_CustomHostnames::refusals_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("{nope") << 1400
                              << QStringLiteral("Unable to decode the JSON request body. Check "
                                                "your input and try again.");
    QTest::newRow("IP address") << QByteArray("{\"hostname\": \"192.0.2.1\"}") << 1407 << QString();
    QTest::newRow("special characters")
            << QByteArray("{\"hostname\": \"sh$p.customer.com\"}") << 1407 << QString();
    QTest::newRow("non-ASCII") << QByteArray("{\"hostname\": \"bücher.customer.com\"}") << 1408
                               << QStringLiteral("Custom hostnames with non-ASCII characters are "
                                                 "not supported. Check your input and try again.");
    QTest::newRow("reserved top domain")
            << QByteArray("{\"hostname\": \"shop.test\"}") << 1409 << QString();
    QTest::newRow("example.com") << QByteArray("{\"hostname\": \"shop.example.com\"}") << 1411
                                 << QString();
    QTest::newRow("metadata not an object")
            << QByteArray("{\"hostname\": \"shop.customer.com\", \"custom_metadata\": \"x\"}")
            << 1401 << QString();
    QTest::newRow("metadata over 4 KB")
            << QByteArray("{\"hostname\": \"shop.customer.com\", \"custom_metadata\": {\"k\": \"")
                    + QByteArray(4100, 'x') + "\"}}"
            << 1401 << QString();
    QTest::newRow("metadata on a wildcard")
            << QByteArray("{\"hostname\": \"*.customer.com\", \"custom_metadata\": {\"a\": 1}}")
            << 1412
            << QStringLiteral("Custom metadata for wildcard custom hostnames is not supported. "
                              "Check your input and try again.");
    QTest::newRow("validation method")
            << QByteArray("{\"hostname\": \"shop.customer.com\", \"ssl\": {\"method\": \"dns\"}}")
            << 1432 << QString();
}

void tst_CustomHostnames::refusals()
{
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    QFETCH(QString, message);
    const RawResponse r = api("POST", "/custom_hostnames", body);
    QCOMPARE(r.status, 400);
    QCOMPARE(envelope(r).value(u"success").toBool(true), false);
    QCOMPARE(envelope(r).value(u"result"), QJsonValue(QJsonValue::Null));
    QCOMPARE(errorCode(r), code);
    if (!message.isEmpty())
        QCOMPARE(errorMessage(r), message);
    QVERIFY(m_admin.stack().service().snapshot()->customHostnames.isEmpty());
}

void tst_CustomHostnames::unknownIdsAndHostnameChanges()
{
    const RawResponse created = api("POST", "/custom_hostnames", "{\"hostname\": \"a.saas.dev\"}");
    const QByteArray id
            = envelope(created).value(u"result").toObject().value(u"id").toString().toLatin1();
    const RawResponse duplicate
            = api("POST", "/custom_hostnames", "{\"hostname\": \"a.saas.dev\"}");
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(errorCode(duplicate), 1406);
    QCOMPARE(errorMessage(duplicate), QStringLiteral("Duplicate custom hostname found."));

    const RawResponse badId = api("GET", "/custom_hostnames/not-an-id");
    QCOMPARE(badId.status, 400);
    QCOMPARE(errorCode(badId), 1435);
    const RawResponse missing
            = api("DELETE", "/custom_hostnames/0d89c70d-ad9f-4843-b99f-6cc0252067e9");
    QCOMPARE(missing.status, 404);
    QCOMPARE(errorCode(missing), 1436);
    QCOMPARE(errorMessage(missing), QStringLiteral("The custom hostname was not found."));

    const RawResponse renamed
            = api("PATCH", "/custom_hostnames/" + id, "{\"hostname\": \"b.saas.dev\"}");
    QCOMPARE(renamed.status, 409);
    QCOMPARE(errorCode(renamed), 1439);
    const RawResponse tooBig
            = api("PATCH", "/custom_hostnames/" + id,
                  "{\"custom_metadata\": {\"k\": \"" + QByteArray(4100, 'x') + "\"}}");
    QCOMPARE(tooBig.status, 400);
    QCOMPARE(errorCode(tooBig), 1401);
    QVERIFY(m_admin.stack()
                    .service()
                    .customHostname(QStringLiteral("a.saas.dev"))
                    ->metadata.isEmpty());
    // A wildcard hostname without metadata is fine.
    QCOMPARE(api("POST", "/custom_hostnames", "{\"hostname\": \"*.saas.dev\"}").status, 201);
}

void tst_CustomHostnames::guiFollowsTheApi()
{
    models::PlatformController platform(m_admin.stack().service());
    models::HostnameListModel model;
    model.setPlatform(&platform);
    QCOMPARE(model.rowCount(), 0);
    const RawResponse created = api("POST", "/custom_hostnames",
                                    "{\"hostname\": \"shop.customer.com\","
                                    " \"custom_metadata\": {\"plan\": \"pro\"}}");
    const QByteArray id
            = envelope(created).value(u"result").toObject().value(u"id").toString().toLatin1();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0).data(models::HostnameListModel::HostnameRole).toString(),
             QStringLiteral("shop.customer.com"));
    QCOMPARE(model.index(0).data(models::HostnameListModel::MetadataRole).toString(),
             QStringLiteral("{\"plan\":\"pro\"}"));
    QCOMPARE(api("PATCH", "/custom_hostnames/" + id, "{\"custom_metadata\": {\"plan\": \"free\"}}")
                     .status,
             202);
    QCOMPARE(model.index(0).data(models::HostnameListModel::MetadataRole).toString(),
             QStringLiteral("{\"plan\":\"free\"}"));
    QCOMPARE(api("DELETE", "/custom_hostnames/" + id).status, 200);
    QCOMPARE(model.rowCount(), 0);
    // And what the GUI adds, the API lists.
    QCOMPARE(platform.putHostname(QStringLiteral("gui.customer.com"), QStringLiteral("{}")),
             QString());
    QCOMPARE(envelope(api("GET", "/custom_hostnames"))
                     .value(u"result")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"hostname")
                     .toString(),
             QStringLiteral("gui.customer.com"));
}

QTEST_MAIN(tst_CustomHostnames)
#include "tst_customhostnames.moc"
