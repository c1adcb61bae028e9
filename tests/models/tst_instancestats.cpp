// The Overview's Instance numbers: live Instances, memory against the budget and evictions in the
// last minute, from samples of the engine's counters.
#include "instancestats.h"

#include <QSignalSpy>
#include <QTest>

using switchyard::models::InstanceStats;

class tst_InstanceStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsTheSource()
    {
        InstanceStats::Sample now {12, 96ll << 20, 128ll << 20, 5};
        InstanceStats stats([&] { return now; });
        // The first sample is taken at once, so the view never shows a blank.
        QCOMPARE(stats.liveInstances(), 12);
        QCOMPARE(stats.memoryUsedMiB(), 96.0);
        QCOMPARE(stats.memoryBudgetMiB(), 128.0);
        QCOMPARE(stats.memoryFraction(), 0.75);
        QCOMPARE(stats.evictionsLastMinute(), 0);

        QSignalSpy changed(&stats, &InstanceStats::changed);
        now = {3, 32ll << 20, 128ll << 20, 9};
        stats.sample(QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(stats.liveInstances(), 3);
        QCOMPARE(stats.memoryUsedMiB(), 32.0);
        QCOMPARE(stats.evictionsLastMinute(), 4);
        QCOMPARE(stats.memorySeries(), QVariantList({96.0, 32.0}));
    }

    void evictionsRollOutOfTheMinute()
    {
        InstanceStats::Sample now {1, 1 << 20, 8 << 20, 100};
        InstanceStats stats([&] { return now; });
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() + 1000;
        for (int second = 0; second < 90; ++second) {
            now.evictions += 2; // two a second, steadily
            stats.sample(t0 + second * 1000);
        }
        // The last minute, not everything since the engine started.
        QCOMPARE(stats.evictionsLastMinute(), 120);
        QVERIFY(stats.memorySeries().size() <= InstanceStats::kSeconds + 1);
        // Eviction stops: a minute later the count is back to zero.
        for (int second = 90; second < 151; ++second)
            stats.sample(t0 + second * 1000);
        QCOMPARE(stats.evictionsLastMinute(), 0);
    }

    void noBudgetIsNoFraction()
    {
        InstanceStats stats([] { return InstanceStats::Sample {}; });
        QCOMPARE(stats.memoryFraction(), 0.0);
        QCOMPARE(stats.liveInstances(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_InstanceStats)
#include "tst_instancestats.moc"
