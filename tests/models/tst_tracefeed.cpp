// Traces pushed from many threads reach the GUI thread in batches, in order, bounded.
#include "platformfixture.h"
#include "tracefeed.h"

#include <QSignalSpy>

#include <thread>

using namespace switchyard;
using namespace switchyard::testing;
using models::TraceFeed;

class tst_TraceFeed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchesFromOtherThreads()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        TraceFeed feed(*fixture.service);
        QSignalSpy interval(&feed, &TraceFeed::intervalMsChanged);
        feed.setIntervalMs(50);
        feed.setIntervalMs(50);
        QCOMPARE(interval.count(), 1);
        QList<store::TraceRecord> got;
        int batches = 0;
        connect(&feed, &TraceFeed::tracesArrived, this, [&](const QList<store::TraceRecord> &b) {
            QCOMPARE(QThread::currentThread(), thread());
            got += b;
            ++batches;
        });
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 500; ++i)
                    fixture.service->appendTrace(trace(QStringLiteral("w%1").arg(t),
                                                       QStringLiteral("ns"), QStringLiteral("ok"),
                                                       200, i));
            });
        for (auto &t : threads)
            t.join();
        QTRY_COMPARE(got.size(), 2000);
        QVERIFY(batches < 100); // batched, not one signal per trace
        QCOMPARE(feed.received(), quint64(2000));
        QCOMPARE(feed.dropped(), quint64(0));
        // Per thread, order is kept.
        qint64 last = -1;
        for (const auto &t : std::as_const(got))
            if (t.scriptName == QLatin1String("w0")) {
                QVERIFY(t.cpuTime > last);
                last = t.cpuTime;
            }
    }

    void boundedWhenNobodyFlushes()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        TraceFeed feed(*fixture.service);
        QSignalSpy arrived(&feed, &TraceFeed::tracesArrived);
        for (int i = 0; i < TraceFeed::kMaxPending + 10; ++i)
            feed.push(trace(QStringLiteral("w"), {}, QStringLiteral("ok"), 200, i));
        feed.flush();
        QCOMPARE(arrived.count(), 1);
        const auto batch = arrived.at(0).at(0).value<QList<store::TraceRecord>>();
        QCOMPARE(batch.size(), TraceFeed::kMaxPending);
        QCOMPARE(batch.first().cpuTime, 10); // the oldest were dropped
        QCOMPARE(feed.dropped(), quint64(10));
        feed.flush(); // nothing pending: no signal
        QCOMPARE(arrived.count(), 1);
    }
};

QTEST_MAIN(tst_TraceFeed)
#include "tst_tracefeed.moc"
