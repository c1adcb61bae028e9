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
};

QTEST_MAIN(tst_ViolationModel)
#include "tst_violationmodel.moc"
