// One Worker's requests, errors, CPU time and violations per time bucket: only the chosen
// Worker's traces count, each in the bucket of its time; the window rolls over whole buckets;
// choosing a Worker fills it from the stored traces and the live feed adds to it.
#include "platformfixture.h"
#include "workeractivitymodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>

#include <numeric>

using namespace switchyard;
using namespace switchyard::testing;
using models::WorkerActivityModel;

namespace {

// A bucket boundary well after the wall clock, so advance() (which never goes back) can be
// driven from here.
qint64 futureBoundary()
{
    return (QDateTime::currentMSecsSinceEpoch() / 10000 + 100000) * 10000;
}

QList<qint64> numbers(const QVariantList &list)
{
    QList<qint64> out;
    for (const QVariant &v : list)
        out << v.toLongLong();
    return out;
}

} // namespace

class tst_WorkerActivityModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void countsOnlyTheChosenWorkerInItsBucket()
    {
        WorkerActivityModel model;
        model.setRunning(false);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 base = futureBoundary();
        model.advance(base + 5000);
        model.select(QStringLiteral("production"), QStringLiteral("site"));
        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(model.index(59).data(WorkerActivityModel::StartRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(base));
        QCOMPARE(model.index(0).data(WorkerActivityModel::StartRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(base - 59 * 10000));

        QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy seriesChanged(&model, &WorkerActivityModel::seriesChanged);
        const QString ns = QStringLiteral("production"), site = QStringLiteral("site");
        model.append({
                trace(site, ns, QStringLiteral("ok"), 200, 3, base + 1000),
                trace(site, ns, QStringLiteral("ok"), 500, 2, base + 9999),
                trace(site, ns, QStringLiteral("exceededCpu"), 0, 50, base - 1),
                // Not this Worker: another name, the same name in another namespace or as a
                // platform Worker, and one older than the window.
                trace(QStringLiteral("blog"), ns, QStringLiteral("ok"), 200, 7, base + 1000),
                trace(site, QStringLiteral("staging"), QStringLiteral("ok"), 200, 7, base),
                trace(site, {}, QStringLiteral("ok"), 200, 7, base),
                trace(site, ns, QStringLiteral("ok"), 200, 7, base - 60 * 10000),
        });
        QCOMPARE(seriesChanged.count(), 1);
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(dataChanged.first().at(0).toModelIndex().row(), 58);
        QCOMPARE(dataChanged.first().at(1).toModelIndex().row(), 59);

        const QList<qint64> requests = numbers(model.requestSeries());
        QCOMPARE(requests.size(), 60);
        QCOMPARE(requests.at(59), 2);
        QCOMPARE(requests.at(58), 1);
        QCOMPARE(std::accumulate(requests.begin(), requests.end(), qint64(0)), 3);
        QCOMPARE(numbers(model.errorSeries()).at(59), 1); // the 500
        QCOMPARE(numbers(model.errorSeries()).at(58), 1); // stopped for CPU
        QCOMPARE(numbers(model.cpuSeries()).at(59), 5);
        QCOMPARE(numbers(model.cpuSeries()).at(58), 50);
        QCOMPARE(numbers(model.violationSeries()).at(58), 1);
        QCOMPARE(numbers(model.violationSeries()).at(59), 0);
        QCOMPARE(model.requests(), 3);
        QCOMPARE(model.errors(), 2);
        QCOMPARE(model.cpuMs(), 55);
        QCOMPARE(model.violations(), 1);
        QCOMPARE(model.index(59).data(WorkerActivityModel::RequestsRole).toInt(), 2);
        QCOMPARE(model.index(58).data(WorkerActivityModel::CpuMsRole).toInt(), 50);

        // Only other Workers' traces: nothing changes, nothing is announced.
        model.append({trace(QStringLiteral("blog"), ns, QStringLiteral("ok"), 200, 1, base)});
        QCOMPARE(seriesChanged.count(), 1);
        QCOMPARE(model.requests(), 3);

        // Another Worker chosen: its own (empty) window.
        model.select(ns, QStringLiteral("blog"));
        QCOMPARE(model.requests(), 0);
        QCOMPARE(model.rowCount(), 60);
    }

    void rollsOverWholeBuckets()
    {
        WorkerActivityModel model;
        model.setRunning(false);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 base = futureBoundary();
        model.advance(base);
        model.select(QStringLiteral("production"), QStringLiteral("site"));
        const QString ns = QStringLiteral("production"), site = QStringLiteral("site");
        model.append({trace(site, ns, QStringLiteral("ok"), 200, 1, base - 10000),
                      trace(site, ns, QStringLiteral("ok"), 200, 1, base),
                      trace(site, ns, QStringLiteral("ok"), 200, 1, base + 1)});
        QCOMPARE(numbers(model.requestSeries()).mid(57), (QList<qint64> {0, 1, 2}));

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy seriesChanged(&model, &WorkerActivityModel::seriesChanged);
        // Within the bucket: nothing moves.
        model.advance(base + 9999);
        QCOMPARE(removed.count() + inserted.count() + seriesChanged.count(), 0);
        // One bucket on: the oldest row goes, an empty one comes at the end.
        model.advance(base + 10000);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 0);
        QCOMPARE(removed.first().at(2).toInt(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 59);
        QCOMPARE(inserted.first().at(2).toInt(), 59);
        QCOMPARE(seriesChanged.count(), 1);
        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(numbers(model.requestSeries()).mid(56), (QList<qint64> {0, 1, 2, 0}));
        QCOMPARE(model.index(59).data(WorkerActivityModel::StartRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(base + 10000));
        // Four more: the counts move four rows towards the front.
        model.advance(base + 50000 + 3);
        QCOMPARE(removed.last().at(2).toInt(), 3);
        QCOMPARE(numbers(model.requestSeries()).mid(52, 4), (QList<qint64> {0, 1, 2, 0}));
        QCOMPARE(model.requests(), 3);
        // The wall clock never goes back.
        model.advance(base);
        QCOMPARE(model.index(59).data(WorkerActivityModel::StartRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(base + 50000));
        // Past the window's length: all of it rolls out at once.
        model.advance(base + 50000 + 600000);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.requests(), 0);
        QCOMPARE(model.rowCount(), 60);
    }

    void bucketShapeIsAProperty()
    {
        WorkerActivityModel model;
        model.setRunning(false);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy shape(&model, &WorkerActivityModel::shapeChanged);
        model.setBucketSeconds(60);
        model.setBucketCount(5);
        model.setBucketCount(5);
        QCOMPARE(shape.count(), 2);
        QCOMPARE(model.rowCount(), 5);
        const qint64 base = futureBoundary() / 60000 * 60000;
        model.advance(base);
        model.select({}, QStringLiteral("dispatcher"));
        // A platform Worker has no namespace: the dispatcher's own traces, not a user Worker's
        // of the same name.
        model.append({trace(QStringLiteral("dispatcher"), {}, QStringLiteral("ok"), 200, 1,
                            base - 4 * 60000),
                      trace(QStringLiteral("dispatcher"), QStringLiteral("production"),
                            QStringLiteral("ok"), 200, 1, base)});
        QCOMPARE(numbers(model.requestSeries()), (QList<qint64> {1, 0, 0, 0, 0}));
    }

    // Choosing a Worker fills its window from the store at once; the feed adds what comes
    // after, without counting a stored trace twice.
    void backfillsFromTheStoreThenFollowsTheFeed()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        models::PlatformController platform(*fixture.service);
        models::TraceFeed feed(*fixture.service);
        const QString ns = QStringLiteral("production"), site = QStringLiteral("site");
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        // Well inside the model's feed-lag window (30 s): one at its edge would fall out of it
        // when the clock moves a millisecond before the backfill, and be counted twice.
        for (int i = 0; i < 3; ++i)
            fixture.service->appendTrace(
                    trace(site, ns, QStringLiteral("ok"), 200, 4, now - 10000 + i));
        fixture.service->appendTrace(
                trace(QStringLiteral("blog"), ns, QStringLiteral("ok"), 200, 4, now - 10000));
        // Older than ten minutes: not in the window.
        fixture.service->appendTrace(
                trace(site, ns, QStringLiteral("ok"), 200, 4, now - 11 * 60 * 1000));

        WorkerActivityModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy platformChanged(&model, &WorkerActivityModel::platformChanged);
        model.setPlatform(&platform);
        model.setPlatform(&platform);
        QCOMPARE(platformChanged.count(), 1);
        model.setFeed(&feed);
        QSignalSpy workerChanged(&model, &WorkerActivityModel::workerChanged);
        model.select(ns, site);
        QCOMPARE(workerChanged.count(), 1);
        QCOMPARE(model.backfillError(), QString());
        QCOMPARE(model.requests(), 3);
        QCOMPARE(model.cpuMs(), 12);
        // The feed still had them queued: they are not counted again.
        feed.flush();
        QCOMPARE(model.requests(), 3);

        fixture.service->appendTrace(trace(site, ns, QStringLiteral("ok"), 500, 6,
                                           QDateTime::currentMSecsSinceEpoch() + 1000));
        fixture.service->appendTrace(trace(QStringLiteral("blog"), ns, QStringLiteral("ok"), 200, 6,
                                           QDateTime::currentMSecsSinceEpoch() + 1000));
        QTRY_COMPARE_WITH_TIMEOUT(model.requests(), 4, 10000);
        QCOMPARE(model.errors(), 1);
        QCOMPARE(model.cpuMs(), 18);

        model.select(ns, QStringLiteral("blog"));
        QCOMPARE(model.requests(), 2);

        // A platform Worker's stored traces: no namespace.
        fixture.service->appendTrace(
                trace(QStringLiteral("dispatcher"), {}, QStringLiteral("ok"), 200, 1, now - 1000));
        model.select(QString(), QStringLiteral("dispatcher"));
        QCOMPARE(model.requests(), 1);
    }
};

QTEST_MAIN(tst_WorkerActivityModel)
#include "tst_workeractivitymodel.moc"
