// Violations from the trace stream, with the plan and limit the dispatcher would have applied.
#include "platformfixture.h"
#include "violationmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::ViolationModel;

class tst_ViolationModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void collectsViolations()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        fixture.seedSmallPlatform();
        models::PlatformController platform(*fixture.service);
        models::TraceFeed feed(*fixture.service);
        ViolationModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy feedChanged(&model, &ViolationModel::feedChanged);
        model.setFeed(&feed);
        model.setFeed(&feed);
        QCOMPARE(feedChanged.count(), 1);
        model.setPlatform(&platform);
        QSignalSpy stats(&model, &ViolationModel::statsChanged);

        auto subrequests = trace(QStringLiteral("fanout"), QStringLiteral("production"),
                                 QStringLiteral("exception"), 0);
        subrequests.exceptions = QJsonArray {
                QJsonObject {{QStringLiteral("name"), QStringLiteral("Error")},
                             {QStringLiteral("message"), QStringLiteral("Too many subrequests.")}}};
        fixture.service->appendTrace(
                trace(QStringLiteral("site"), QStringLiteral("production"), QStringLiteral("ok")));
        fixture.service->appendTrace(trace(QStringLiteral("cpu-burner"),
                                           QStringLiteral("production"),
                                           QStringLiteral("exceededCpu"), 0, 12));
        fixture.service->appendTrace(subrequests);
        QTRY_COMPARE(model.rowCount(), 2);
        QVERIFY(stats.count() >= 1);
        QCOMPARE(model.total(), 2);
        QCOMPARE(model.lastMinute(), 2);
        const QModelIndex cpu = model.index(1);
        QCOMPARE(cpu.data(ViolationModel::WorkerRole).toString(), QStringLiteral("cpu-burner"));
        QCOMPARE(cpu.data(ViolationModel::KindRole).toString(),
                 QStringLiteral("cpu_limit_exceeded"));
        QCOMPARE(cpu.data(ViolationModel::PlanRole).toString(), QStringLiteral("free"));
        QCOMPARE(cpu.data(ViolationModel::LimitRole).toString(), QStringLiteral("10 ms CPU"));
        QCOMPARE(cpu.data(ViolationModel::CpuUsedRole).toLongLong(), 12);
        QCOMPARE(model.index(0).data(ViolationModel::KindRole).toString(),
                 QStringLiteral("subrequest_limit_exceeded"));
        QCOMPARE(model.index(0).data(ViolationModel::PlanRole).toString(), QString());

        const QVariantList byKind = model.countsByKind();
        QCOMPARE(byKind.size(), 2);
        int timelineTotal = 0;
        for (const QVariant &v : model.timeline())
            timelineTotal += v.toInt();
        QCOMPARE(timelineTotal, 2);
        QCOMPARE(model.timeline().size(), ViolationModel::kBuckets);

        model.setFilter(QStringLiteral("burner"));
        QCOMPARE(model.rowCount(), 1);
        model.setFilter({});
        QCOMPARE(model.rowCount(), 2);
        model.setMaxRows(1);
        QCOMPARE(model.rowCount(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.total(), 0);
    }

    // A header click orders the rows by that column, numbers as numbers; rows that arrive later
    // take their place in that order; an unknown role goes back to newest first.
    void sortsByAColumn()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        fixture.seedSmallPlatform();
        models::PlatformController platform(*fixture.service);
        models::TraceFeed feed(*fixture.service);
        ViolationModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFeed(&feed);
        model.setPlatform(&platform);
        QSignalSpy sortChanged(&model, &ViolationModel::sortChanged);
        const auto cpuUsed = [&model] {
            QList<qint64> values;
            for (int row = 0; row < model.rowCount(); ++row)
                values << model.index(row).data(ViolationModel::CpuUsedRole).toLongLong();
            return values;
        };
        for (int cpu : {12, 9, 100})
            fixture.service->appendTrace(trace(QStringLiteral("cpu-burner"),
                                               QStringLiteral("production"),
                                               QStringLiteral("exceededCpu"), 0, cpu));
        QTRY_COMPARE(model.rowCount(), 3);
        QCOMPARE(cpuUsed(), (QList<qint64> {100, 9, 12})); // newest first

        model.sortBy(QStringLiteral("cpuUsed"));
        QCOMPARE(sortChanged.count(), 1);
        QCOMPARE(model.sortRoleName(), QStringLiteral("cpuUsed"));
        QVERIFY(!model.descending());
        QCOMPARE(cpuUsed(), (QList<qint64> {9, 12, 100}));
        model.sortBy(QStringLiteral("cpuUsed"));
        QVERIFY(model.descending());
        QCOMPARE(cpuUsed(), (QList<qint64> {100, 12, 9}));

        fixture.service->appendTrace(trace(QStringLiteral("cpu-burner"),
                                           QStringLiteral("production"),
                                           QStringLiteral("exceededCpu"), 0, 50));
        QTRY_COMPARE(model.rowCount(), 4);
        QCOMPARE(cpuUsed(), (QList<qint64> {100, 50, 12, 9}));

        model.setFilter(QStringLiteral("burner"));
        QCOMPARE(cpuUsed(), (QList<qint64> {100, 50, 12, 9}));
        model.setFilter({});

        // The Tail view's picker names the order outright.
        model.setSort(QStringLiteral("cpuUsed"), false);
        QCOMPARE(cpuUsed(), (QList<qint64> {9, 12, 50, 100}));
        const int before = sortChanged.count();
        model.setSort(QStringLiteral("cpuUsed"), false);
        QCOMPARE(sortChanged.count(), before);

        model.sortBy(QStringLiteral("no such role"));
        QCOMPARE(model.sortRoleName(), QString());
        QCOMPARE(cpuUsed(), (QList<qint64> {50, 100, 9, 12}));
        const int changes = sortChanged.count();
        model.sortBy({});
        QCOMPARE(sortChanged.count(), changes);
    }
};

QTEST_MAIN(tst_ViolationModel)
#include "tst_violationmodel.moc"
