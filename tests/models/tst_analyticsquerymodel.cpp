// The SQL box: Analytics Engine SQL over the stored rows, read-only, errors in place.
#include "analyticsquerymodel.h"
#include "platformfixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::AnalyticsQueryModel;

class tst_AnalyticsQueryModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsReadOnlyQueries()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        QList<store::AnalyticsPoint> points;
        for (int i = 0; i < 3; ++i) {
            store::AnalyticsPoint p;
            p.dataset = QStringLiteral("limit_violations");
            p.timestamp = QDateTime::currentMSecsSinceEpoch();
            p.index1 = i < 2 ? "cpu-burner" : "fanout";
            p.blobs = {i < 2 ? "cpu_limit_exceeded" : "subrequest_limit_exceeded", "free"};
            p.doubles = {10, 5};
            points << p;
        }
        QVERIFY(fixture.service->appendDataPoints(points));
        fixture.service->flushAppends();

        AnalyticsQueryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        models::PlatformController platform(*fixture.service);
        QSignalSpy platformChanged(&model, &AnalyticsQueryModel::platformChanged);
        model.setPlatform(&platform);
        model.setPlatform(&platform);
        QCOMPARE(platformChanged.count(), 1);
        QSignalSpy result(&model, &AnalyticsQueryModel::resultChanged);
        QVERIFY2(model.run(QStringLiteral(
                         "SELECT index1 AS worker, count() AS n FROM limit_violations "
                         "GROUP BY worker ORDER BY n DESC")),
                 qPrintable(model.error()));
        QCOMPARE(result.count(), 1);
        QCOMPARE(model.columns(), (QStringList {QStringLiteral("worker"), QStringLiteral("n")}));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(AnalyticsQueryModel::CellsRole).toStringList(),
                 (QStringList {QStringLiteral("cpu-burner"), QStringLiteral("2")}));

        // Writes are refused before they reach SQLite, and nothing changes.
        QVERIFY(!model.run(QStringLiteral("DELETE FROM limit_violations")));
        QVERIFY(!model.error().isEmpty());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.run(QStringLiteral("SELECT count() AS n FROM limit_violations")));
        QCOMPARE(model.index(0).data(AnalyticsQueryModel::CellsRole).toStringList(),
                 QStringList {QStringLiteral("3")});
        QVERIFY(!model.run(QStringLiteral("SELEKT nonsense")));
    }

    // A header click sorts the result by that column: numbers as numbers (2 before 10), text
    // without case, ties in the query's order; again the other way; -1 back to the query's order.
    void sortsByAColumn()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        QList<store::AnalyticsPoint> points;
        const QList<QPair<QByteArray, int>> rows {
                {"b-worker", 10}, {"A-worker", 2}, {"c-worker", 10}, {"d-worker", 7}};
        for (const auto &[worker, cpu] : rows) {
            store::AnalyticsPoint p;
            p.dataset = QStringLiteral("limit_violations");
            p.timestamp = QDateTime::currentMSecsSinceEpoch();
            p.index1 = worker;
            p.doubles = {double(cpu)};
            points << p;
        }
        QVERIFY(fixture.service->appendDataPoints(points));
        fixture.service->flushAppends();

        AnalyticsQueryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        models::PlatformController platform(*fixture.service);
        model.setPlatform(&platform);
        QVERIFY2(model.run(QStringLiteral("SELECT index1 AS worker, double1 AS cpu FROM "
                                          "limit_violations ORDER BY worker DESC")),
                 qPrintable(model.error()));
        const auto column = [&model](int c) {
            QStringList values;
            for (int row = 0; row < model.rowCount(); ++row)
                values << model.index(row)
                                  .data(AnalyticsQueryModel::CellsRole)
                                  .toStringList()
                                  .at(c);
            return values;
        };
        const QStringList queryOrder = column(0);
        QCOMPARE(queryOrder, (QStringList {"d-worker", "c-worker", "b-worker", "A-worker"}));
        QSignalSpy sortChanged(&model, &AnalyticsQueryModel::sortChanged);

        model.sortBy(1);
        QCOMPARE(model.sortColumn(), 1);
        QVERIFY(!model.descending());
        QCOMPARE(column(1), (QStringList {"2", "7", "10", "10"}));
        QCOMPARE(column(0), (QStringList {"A-worker", "d-worker", "c-worker", "b-worker"}));
        model.sortBy(1);
        QVERIFY(model.descending());
        QCOMPARE(column(1), (QStringList {"10", "10", "7", "2"}));
        model.sortBy(0);
        QVERIFY(!model.descending());
        QCOMPARE(column(0), (QStringList {"A-worker", "b-worker", "c-worker", "d-worker"}));
        model.sortBy(-1);
        QCOMPARE(model.sortColumn(), -1);
        QCOMPARE(column(0), queryOrder);
        QCOMPARE(sortChanged.count(), 4);

        model.sortBy(1);
        QVERIFY(model.run(QStringLiteral("SELECT count() AS n FROM limit_violations")));
        QCOMPARE(model.sortColumn(), -1);
        model.sortBy(5);
        QCOMPARE(model.sortColumn(), -1);
    }
};

QTEST_MAIN(tst_AnalyticsQueryModel)
#include "tst_analyticsquerymodel.moc"
