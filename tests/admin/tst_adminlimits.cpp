// Hostile input to the admin API, sent as a client sends it: real HTTP into the admin listener of
// a full RuntimeStack. An Analytics Engine query nested or sized to exhaust the translator, and
// Worker metadata or settings whose fields have the wrong JSON type, are refused with a message
// naming where, and the process and the store stay as they were.
#include "../common/adminstack.h"
#include "../common/cloudflareapi.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchyard;
using namespace switchyard::testing;

namespace {

const QByteArray kToken = "limits-admin-token";
const QByteArray kBoundary = "----formdata-limits-0123456789";

QByteArray form(const QByteArray &metadata, const QByteArray &code)
{
    return multipartForm(kBoundary,
                         {{"metadata", {}, {}, metadata},
                          {"index.js", "index.js", "application/javascript+module", code}});
}

const QByteArray kWorker
        = "export default { fetch(r, env) { return new Response(env.GREETING); } };";

QByteArray nested(int depth)
{
    return "SELECT count() FROM limit_violations WHERE " + QByteArray(depth, '(') + "1"
            + QByteArray(depth, ')');
}

} // namespace

class tst_AdminLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void deepNestingIsRefused_data();
    void deepNestingIsRefused();
    void nestingWithinTheLimitRuns();
    void oversizedQueryIsRefused();
    void longFlatQueryRuns();
    void uploadMetadataOfWrongType_data();
    void uploadMetadataOfWrongType();
    void settingsOfWrongType_data();
    void settingsOfWrongType();

private:
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                    QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        return m_admin.request(method, "/client/v4/accounts/acct" + path, body, headers,
                               std::nullopt, 60000);
    }
    RawResponse sql(const QByteArray &query) { return api("POST", "/analytics_engine/sql", query); }
    RawResponse upload(const QByteArray &name, const QByteArray &metadata)
    {
        return api("PUT", "/workers/dispatch/namespaces/production/scripts/" + name,
                   form(metadata, kWorker), formContent(kBoundary));
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    AdminStack m_admin {kToken};
};

void tst_AdminLimits::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_AdminLimits::cleanupTestCase()
{
    m_v8.reset();
}

void tst_AdminLimits::init()
{
    m_admin.executorThreads = 1;
    const QString error = m_admin.start(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_admin.service().appendDataPoints({{QStringLiteral("limit_violations"),
                                                 QDateTime::currentMSecsSinceEpoch(),
                                                 "cpu-burner",
                                                 {"cpu_limit_exceeded", "free"},
                                                 {10, 5},
                                                 1}}));
}

void tst_AdminLimits::cleanup()
{
    m_admin.stop();
}

void tst_AdminLimits::deepNestingIsRefused_data()
{
    QTest::addColumn<QByteArray>("query");
    // The report's query, which overflowed the stack and killed the process.
    QTest::newRow("10000 parentheses") << nested(10000);
    QTest::newRow("5000 parentheses") << nested(5000);
    QTest::newRow("65 parentheses") << nested(65);
    QByteArray calls = "SELECT count() FROM limit_violations WHERE ";
    for (int i = 0; i < 3000; ++i)
        calls += "abs(";
    calls += "1" + QByteArray(3000, ')') + " > 0";
    QTest::newRow("3000 nested calls") << calls;
    QTest::newRow("unclosed") << QByteArray("SELECT count() FROM limit_violations WHERE ")
                    + QByteArray(20000, '(');
}

void tst_AdminLimits::deepNestingIsRefused()
{
    QFETCH(QByteArray, query);
    const RawResponse r = sql(query);
    QCOMPARE(r.status, 422);
    const QString message = firstError(r).value(u"message").toString();
    QVERIFY2(message.startsWith(QStringLiteral("SQL error: Maximum parse depth (64) exceeded at "
                                               "offset ")),
             qPrintable(message));
    // Where: the offset of the 65th opening parenthesis.
    const qsizetype at = query.indexOf('(', query.indexOf("WHERE"));
    qsizetype offset = at;
    for (int opened = 0; offset < query.size(); ++offset) {
        if (query.at(offset) == '(' && ++opened == 65)
            break;
    }
    QVERIFY2(message.contains(QStringLiteral("offset %1:").arg(offset)), qPrintable(message));
    // Still alive, still answering.
    const RawResponse after = sql("SELECT count() AS n FROM limit_violations");
    QCOMPARE(after.status, 200);
    QCOMPARE(QJsonDocument::fromJson(after.body)
                     .object()
                     .value(u"data")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"n")
                     .toString(),
             QStringLiteral("1"));
}

void tst_AdminLimits::nestingWithinTheLimitRuns()
{
    const RawResponse r = sql(nested(64) + " FORMAT JSONEachRow");
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(r.body.trimmed(), QByteArray("{\"count()\":\"1\"}"));
}

void tst_AdminLimits::oversizedQueryIsRefused()
{
    QByteArray query = "SELECT count() FROM limit_violations WHERE blob1 != '";
    query += QByteArray(300 * 1024, 'x') + "'";
    const RawResponse r = sql(query);
    QCOMPARE(r.status, 422);
    const QString message = firstError(r).value(u"message").toString();
    QVERIFY2(
            message.startsWith(QStringLiteral("SQL error: Max query size exceeded: the query is %1 "
                                              "bytes, at most 262144 are accepted")
                                       .arg(query.size())),
            qPrintable(message));
}

void tst_AdminLimits::longFlatQueryRuns()
{
    // Just under the size limit: tens of thousands of sibling groups and commas.
    QByteArray query = "SELECT count() AS n FROM limit_violations WHERE (blob1 NOT IN (('')";
    for (int i = 0; query.size() < 250 * 1024; ++i)
        query += ", ('x" + QByteArray::number(i) + "')";
    query += ")) AND (2 > 1)";
    const RawResponse r = sql(query);
    QVERIFY2(r.status == 200, r.body.left(300).constData());
    QVERIFY2(r.body.contains("\"n\": \"1\""), r.body.left(300).constData());
}

void tst_AdminLimits::uploadMetadataOfWrongType_data()
{
    QTest::addColumn<QByteArray>("metadata");
    QTest::addColumn<QString>("message");
    QTest::newRow("bindings object") << QByteArray(
            R"({"main_module":"index.js","bindings":{"GREETING":{"type":"plain_text","text":"hi"}}})")
                                     << "metadata.bindings must be an array of objects, got an "
                                        "object";
    QTest::newRow("bindings string")
            << QByteArray(R"({"main_module":"index.js","bindings":"GREETING"})")
            << "metadata.bindings must be an array of objects, got a string";
    QTest::newRow("binding not object")
            << QByteArray(R"({"main_module":"index.js","bindings":["GREETING"]})")
            << "metadata.bindings[0] must be an object, got a string";
    QTest::newRow("tags string") << QByteArray(R"({"main_module":"index.js","tags":"plan:pro"})")
                                 << "metadata.tags must be an array of strings, got a string";
    QTest::newRow("flags object")
            << QByteArray(
                       R"({"main_module":"index.js","compatibility_flags":{"nodejs_compat":true}})")
            << "metadata.compatibility_flags must be an array of strings, got an object";
    QTest::newRow("date number") << QByteArray(
            R"({"main_module":"index.js","compatibility_date":20250101})")
                                 << "metadata.compatibility_date must be a string, got a number";
}

void tst_AdminLimits::uploadMetadataOfWrongType()
{
    QFETCH(QByteArray, metadata);
    QFETCH(QString, message);
    const RawResponse r = upload("typed", metadata);
    QCOMPARE(r.status, 400);
    QCOMPARE(firstError(r).value(u"code").toInt(), 10026);
    QCOMPARE(firstError(r).value(u"message").toString(),
             QStringLiteral("Could not parse request body: %1; nothing was stored").arg(message));
    QVERIFY(!m_admin.service().snapshot()->script(QStringLiteral("production"),
                                                  QStringLiteral("typed")));
}

void tst_AdminLimits::settingsOfWrongType_data()
{
    QTest::addColumn<QByteArray>("settings");
    QTest::addColumn<QString>("message");
    QTest::newRow("bindings string")
            << QByteArray(R"({"bindings":"x"})")
            << "settings.bindings must be an array of objects, got a string";
    QTest::newRow("bindings object")
            << QByteArray(R"({"bindings":{"GREETING":{"type":"plain_text","text":"bye"}}})")
            << "settings.bindings must be an array of objects, got an object";
    QTest::newRow("bindings null") << QByteArray(R"({"bindings":null})")
                                   << "settings.bindings must be an array of objects, got null";
    QTest::newRow("tags number") << QByteArray(R"({"tags":7})")
                                 << "settings.tags must be an array of strings, got a number";
}

void tst_AdminLimits::settingsOfWrongType()
{
    QFETCH(QByteArray, settings);
    QFETCH(QString, message);
    const QByteArray good
            = R"({"main_module":"index.js","bindings":[{"type":"plain_text","name":"GREETING","text":"hello"}],"tags":["plan:pro"]})";
    QCOMPARE(upload("typed", good).status, 200);
    const QByteArray path = "/workers/dispatch/namespaces/production/scripts/typed/settings";
    const RawResponse r = api("PATCH", path, settings, {{"Content-Type", "application/json"}});
    QCOMPARE(r.status, 400);
    QCOMPARE(firstError(r).value(u"code").toInt(), 10026);
    QCOMPARE(firstError(r).value(u"message").toString(),
             QStringLiteral("Could not parse request body: %1; nothing was changed").arg(message));
    // The Worker keeps its binding and tags, and still serves with them.
    const RawResponse now = api("GET", path);
    const QJsonObject result = envelope(now).value(u"result").toObject();
    QCOMPARE(result.value(u"bindings").toArray().size(), 1);
    QCOMPARE(result.value(u"bindings").toArray().at(0).toObject().value(u"text").toString(),
             QStringLiteral("hello"));
    QCOMPARE(result.value(u"tags").toArray(), QJsonArray {QStringLiteral("plan:pro")});
}

QTEST_GUILESS_MAIN(tst_AdminLimits)
#include "tst_adminlimits.moc"
