// Analytics Engine SQL: the translation of Cloudflare's dialect into SQLite, the refusals
// (above all of anything that writes), and answers over a real store file in Cloudflare's shape.
#include "store/analyticssql.h"
#include "store/database.h"
#include "store/queries.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard::store;

class tst_AnalyticsSql : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void translate_data();
    void translate();
    void answers_data();
    void answers();
    void writesChangeNothing();

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Database> m_db;
};

void tst_AnalyticsSql::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("switchyard.db"));
    QString error;
    m_db = Database::open(m_path, &error);
    QVERIFY2(m_db, qPrintable(error));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<AnalyticsPoint> points;
    // Two recent CPU violations by acme, one subrequest violation by globex, one two days old.
    points << AnalyticsPoint {QStringLiteral("violations"), now - 1000, "acme",
                              {"cpu", "enterprise"},        {50, 1},    1}
           << AnalyticsPoint {QStringLiteral("violations"), now - 2000, "acme",
                              {"cpu", "enterprise"},        {50, 1},    1}
           << AnalyticsPoint {QStringLiteral("violations"), now - 3000, "globex",
                              {"subrequests", "pro"},       {20, 2},    1}
           << AnalyticsPoint {QStringLiteral("violations"),
                              now - 2 * 86400 * 1000,
                              "old",
                              {"cpu", "free"},
                              {10, 3},
                              1}
           << AnalyticsPoint {QStringLiteral("other_set"), now, "x", {"y"}, {1}, 1};
    Queries queries(*m_db);
    QVERIFY(!m_db->transaction([&] { queries.insertDataPoints(points, now); }));
}

void tst_AnalyticsSql::translate_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("expected"); // a fragment of the SQLite text, or of the error
    QTest::addColumn<bool>("ok");

    QTest::newRow("count") << QStringLiteral("SELECT count() FROM violations")
                           << QStringLiteral("SELECT count(*) AS \"count()\" FROM") << true;
    QTest::newRow("interval") << QStringLiteral("SELECT blob1 FROM violations WHERE timestamp > "
                                                "NOW() - INTERVAL '1' DAY")
                              << QStringLiteral("> CAST(strftime('%s', 'now') AS INTEGER) - 86400")
                              << true;
    QTest::newRow("interval unquoted") << QStringLiteral("SELECT blob1 FROM violations WHERE "
                                                         "timestamp > now() - INTERVAL 2 HOUR")
                                       << QStringLiteral("- 7200") << true;
    QTest::newRow("group order limit")
            << QStringLiteral("SELECT blob1 AS kind, SUM(_sample_interval) AS n FROM violations "
                              "GROUP BY kind ORDER BY n DESC LIMIT 10 FORMAT JSON")
            << QStringLiteral("GROUP BY \"kind\" ORDER BY \"n\" DESC LIMIT 10 OFFSET 0") << true;
    QTest::newRow("quoted dataset") << QStringLiteral("SELECT * FROM `violations`")
                                    << QStringLiteral("\"double20\"") << true;
    QTest::newRow("trailing semicolon")
            << QStringLiteral("SHOW TABLES;") << QStringLiteral("FROM analytics_datasets") << true;
    QTest::newRow("bucket") << QStringLiteral("SELECT toStartOfInterval(timestamp, INTERVAL '1' "
                                              "HOUR) AS t, count() FROM violations GROUP BY t")
                            << QStringLiteral("% 3600") << true;
    QTest::newRow("string literal escaped")
            << QStringLiteral("SELECT count() FROM violations WHERE blob1 = 'it''s'")
            << QStringLiteral("'it''s'") << true;

    QTest::newRow("insert") << QStringLiteral("INSERT INTO violations VALUES (1)")
                            << QStringLiteral("read-only: INSERT") << false;
    QTest::newRow("drop") << QStringLiteral("DROP TABLE analytics_rows")
                          << QStringLiteral("read-only: DROP") << false;
    QTest::newRow("second statement")
            << QStringLiteral("SELECT count() FROM violations; DELETE FROM analytics_rows")
            << QStringLiteral("read-only: DELETE") << false;
    QTest::newRow("stacked select") << QStringLiteral("SELECT 1 FROM a; SELECT 2 FROM b")
                                    << QStringLiteral("one statement at a time") << false;
    QTest::newRow("pragma") << QStringLiteral("PRAGMA writable_schema = 1")
                            << QStringLiteral("read-only: PRAGMA") << false;
    QTest::newRow("attach in expression")
            << QStringLiteral("SELECT count() FROM violations WHERE ATTACH")
            << QStringLiteral("read-only: ATTACH") << false;
    QTest::newRow("subquery") << QStringLiteral("SELECT count() FROM (SELECT 1)")
                              << QStringLiteral("FROM must name one dataset") << false;
    QTest::newRow("unknown column") << QStringLiteral("SELECT password FROM violations")
                                    << QStringLiteral("unknown column \"password\"") << false;
    QTest::newRow("table via column") << QStringLiteral("SELECT sqlite_master FROM violations")
                                      << QStringLiteral("unknown column") << false;
    QTest::newRow("unknown function")
            << QStringLiteral("SELECT load_extension('x') FROM v")
            << QStringLiteral("unsupported function load_extension") << false;
    QTest::newRow("bad interval") << QStringLiteral("SELECT count() FROM v WHERE timestamp > "
                                                    "now() - INTERVAL '1' FORTNIGHT")
                                  << QStringLiteral("INTERVAL '1' FORTNIGHT") << false;
    QTest::newRow("bad format") << QStringLiteral("SELECT count() FROM v FORMAT Parquet")
                                << QStringLiteral("unsupported FORMAT Parquet") << false;
    QTest::newRow("unterminated string") << QStringLiteral("SELECT count() FROM v WHERE blob1 = 'x")
                                         << QStringLiteral("unterminated") << false;
    QTest::newRow("clause order") << QStringLiteral("SELECT count() FROM v LIMIT 1 WHERE 1 = 1")
                                  << QStringLiteral("WHERE must come before LIMIT") << false;
}

void tst_AnalyticsSql::translate()
{
    QFETCH(QString, query);
    QFETCH(QString, expected);
    QFETCH(bool, ok);
    const AnalyticsTranslation t = translateAnalyticsSql(query);
    QCOMPARE(t.query.has_value(), ok);
    if (ok)
        QVERIFY2(t.query->sql.contains(expected), qPrintable(t.query->sql));
    else
        QVERIFY2(t.error.contains(expected), qPrintable(t.error));
}

void tst_AnalyticsSql::answers_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("expectedData"); // compact JSON of "data"
    QTest::addColumn<QByteArray>("expectedMeta"); // compact JSON of "meta"
    QTest::addColumn<int>("rowsBeforeLimit");

    QTest::newRow("show tables") << QStringLiteral("SHOW TABLES FORMAT JSON")
                                 << QByteArray(
                                            R"([{"dataset":"other_set"},{"dataset":"violations"}])")
                                 << QByteArray(R"([{"name":"dataset","type":"String"}])") << 2;
    QTest::newRow("last day by kind")
            << QStringLiteral("SELECT blob1 AS kind, SUM(_sample_interval) AS violations, "
                              "avg(double1) AS cpu FROM violations WHERE timestamp > NOW() - "
                              "INTERVAL '1' DAY GROUP BY kind ORDER BY violations DESC, kind "
                              "LIMIT 1 FORMAT JSON")
            << QByteArray(R"([{"cpu":50,"kind":"cpu","violations":"2"}])")
            << QByteArray(
                       R"([{"name":"kind","type":"String"},{"name":"violations","type":"UInt64"},)"
                       R"({"name":"cpu","type":"Float64"}])")
            << 2;
    QTest::newRow("count without alias")
            << QStringLiteral("SELECT count() FROM violations WHERE index1 = 'acme'")
            << QByteArray(R"x([{"count()":"2"}])x")
            << QByteArray(R"x([{"name":"count()","type":"UInt64"}])x") << 1;
    QTest::newRow("unset blob reads empty")
            << QStringLiteral("SELECT blob3, double5 FROM violations WHERE index1 = 'globex'")
            << QByteArray(R"([{"blob3":"","double5":0}])")
            << QByteArray(
                       R"([{"name":"blob3","type":"String"},{"name":"double5","type":"Float64"}])")
            << 1;
}

void tst_AnalyticsSql::answers()
{
    QFETCH(QString, query);
    QFETCH(QByteArray, expectedData);
    QFETCH(QByteArray, expectedMeta);
    QFETCH(int, rowsBeforeLimit);
    const AnalyticsAnswer answer = runAnalyticsSql(m_path, query);
    QVERIFY2(answer.error.isEmpty(), qPrintable(answer.error));
    QCOMPARE(answer.contentType, QByteArray("application/json"));
    const QJsonObject o = QJsonDocument::fromJson(answer.body).object();
    QCOMPARE(QJsonDocument(o.value(u"data").toArray()).toJson(QJsonDocument::Compact),
             expectedData);
    QCOMPARE(QJsonDocument(o.value(u"meta").toArray()).toJson(QJsonDocument::Compact),
             expectedMeta);
    QCOMPARE(o.value(u"rows").toInt(), o.value(u"data").toArray().size());
    QCOMPARE(o.value(u"rows_before_limit_at_least").toInt(), rowsBeforeLimit);
}

void tst_AnalyticsSql::writesChangeNothing()
{
    const QString before
            = runAnalyticsSql(m_path, QStringLiteral("SELECT count() FROM violations")).body;
    for (const QString &q : {QStringLiteral("DELETE FROM analytics_rows"),
                             QStringLiteral("SELECT count() FROM violations; DROP TABLE x"),
                             QStringLiteral("UPDATE analytics_rows SET blob1 = 'x'")}) {
        const AnalyticsAnswer answer = runAnalyticsSql(m_path, q);
        QVERIFY2(answer.error.contains(QStringLiteral("read-only")), qPrintable(answer.error));
    }
    QCOMPARE(
            QString(runAnalyticsSql(m_path, QStringLiteral("SELECT count() FROM violations")).body),
            before);
    const AnalyticsAnswer unknown
            = runAnalyticsSql(m_path, QStringLiteral("SELECT count() FROM nosuchset"));
    QVERIFY2(unknown.error.contains(QStringLiteral("unknown table \"nosuchset\"")),
             qPrintable(unknown.error));
}

QTEST_GUILESS_MAIN(tst_AnalyticsSql)
#include "tst_analyticssql.moc"
