// Requests, errors, violations and top Workers over the last minute, from traces.
#include "overviewstats.h"
#include "platformfixture.h"

#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::OverviewStats;

class tst_OverviewStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void countsTheLastMinute()
    {
        OverviewStats stats;
        QSignalSpy changed(&stats, &OverviewStats::changed);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 earlier = now - 2000;
        QList<store::TraceRecord> traces;
        for (int i = 0; i < 8; ++i)
            traces << trace(QStringLiteral("dispatcher"), {}, QStringLiteral("ok"), 200, 1,
                            earlier);
        traces << trace(QStringLiteral("dispatcher"), {}, QStringLiteral("ok"), 500, 1, earlier);
        traces << trace(QStringLiteral("dispatcher"), {}, QStringLiteral("exception"), 0, 1,
                        earlier);
        for (int i = 0; i < 6; ++i)
            traces << trace(QStringLiteral("site"), QStringLiteral("p"), QStringLiteral("ok"), 200,
                            2, earlier);
        traces << trace(QStringLiteral("burner"), QStringLiteral("p"),
                        QStringLiteral("exceededCpu"), 0, 50, earlier);
        stats.append(traces);
        QVERIFY(changed.count() >= 1);
        QCOMPARE(stats.requestsLastMinute(), 10);
        QCOMPARE(stats.requestsPerSecond(), 2.0); // 10 in the last 5 complete seconds
        QCOMPARE(stats.errorRate(), 0.2);
        QCOMPARE(stats.violationsLastMinute(), 1);
        QCOMPARE(stats.requestSeries().size(), OverviewStats::kSeconds);
        QCOMPARE(stats.topByRequests().first().toMap().value(QStringLiteral("name")).toString(),
                 QStringLiteral("site"));
        QCOMPARE(stats.topByCpu().first().toMap().value(QStringLiteral("name")).toString(),
                 QStringLiteral("burner"));

        // A minute later it has all rolled out of the window.
        stats.advance(now + 61000);
        QCOMPARE(stats.requestsLastMinute(), 0);
        QCOMPARE(stats.violationsLastMinute(), 0);
        QVERIFY(stats.topByRequests().isEmpty());
    }

    void followsTheFeed()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        models::TraceFeed feed(*fixture.service);
        models::PlatformController platform(*fixture.service);
        OverviewStats stats;
        QSignalSpy feedChanged(&stats, &OverviewStats::feedChanged);
        stats.setFeed(&feed);
        stats.setFeed(&feed);
        QCOMPARE(feedChanged.count(), 1);
        stats.setPlatform(&platform);
        fixture.service->appendTrace(trace(QStringLiteral("d"), {}, QStringLiteral("ok")));
        QTRY_COMPARE(stats.requestsLastMinute(), 1);
    }
};

QTEST_MAIN(tst_OverviewStats)
#include "tst_overviewstats.moc"
