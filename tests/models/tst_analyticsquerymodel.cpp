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
};

QTEST_MAIN(tst_AnalyticsQueryModel)
#include "tst_analyticsquerymodel.moc"
