// The Tail's model: newest first, bounded, filterable, pausable.
#include "platformfixture.h"
#include "tracelistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::TraceListModel;

class tst_TraceListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void windowFilterPause()
    {
        TraceListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy maxRows(&model, &TraceListModel::maxRowsChanged);
        model.setMaxRows(5);
        model.setMaxRows(5);
        QCOMPARE(maxRows.count(), 1);
        QSignalSpy count(&model, &TraceListModel::countChanged);
        model.append({trace(QStringLiteral("a"), QStringLiteral("ns"), QStringLiteral("ok")),
                      trace(QStringLiteral("b"), QStringLiteral("ns"),
                            QStringLiteral("exceededCpu"), 0, 11)});
        QCOMPARE(count.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(TraceListModel::ScriptRole).toString(), QStringLiteral("b"));
        QCOMPARE(model.index(0).data(TraceListModel::IsErrorRole).toBool(), true);
        QCOMPARE(model.index(0).data(TraceListModel::StatusRole).toInt(), 0);
        QCOMPARE(model.index(1).data(TraceListModel::StatusRole).toInt(), 200);
        QCOMPARE(model.index(1).data(TraceListModel::UrlRole).toString(),
                 QStringLiteral("http://a.localhost/"));

        // The window keeps the newest maxRows.
        QList<store::TraceRecord> many;
        for (int i = 0; i < 7; ++i)
            many << trace(QStringLiteral("m%1").arg(i), {}, QStringLiteral("ok"));
        model.append(many);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0).data(TraceListModel::ScriptRole).toString(), QStringLiteral("m6"));

        QSignalSpy filter(&model, &TraceListModel::filterChanged);
        model.setFilter(QStringLiteral("M3"));
        QCOMPARE(filter.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setFilter({});
        model.setOutcomeFilter(QStringLiteral("errors"));
        QCOMPARE(model.rowCount(), 0);
        model.setOutcomeFilter({});

        QSignalSpy paused(&model, &TraceListModel::pausedChanged);
        model.setPaused(true);
        QCOMPARE(paused.count(), 1);
        model.append({trace(QStringLiteral("late"), {}, QStringLiteral("ok"))});
        QCOMPARE(model.index(0).data(TraceListModel::ScriptRole).toString(), QStringLiteral("m6"));
        QCOMPARE(model.pendingWhilePaused(), 1);
        model.setPaused(false);
        QCOMPARE(model.index(0).data(TraceListModel::ScriptRole).toString(),
                 QStringLiteral("late"));
        QCOMPARE(model.pendingWhilePaused(), 0);

        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // The filter is a proxy over the window: changing it moves only the rows it affects (a
    // view keeps its other delegates), and it applies to what a paused list shows.
    void filterMovesRowsWithoutReset()
    {
        TraceListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append({trace(QStringLiteral("a"), {}, QStringLiteral("ok")),
                      trace(QStringLiteral("b"), {}, QStringLiteral("ok")),
                      trace(QStringLiteral("c"), {}, QStringLiteral("ok"))});
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy count(&model, &TraceListModel::countChanged);
        model.setFilter(QStringLiteral("b"));
        QCOMPARE(model.count(), 1);
        QCOMPARE(reset.count(), 0);
        QVERIFY(removed.count() >= 1);
        QCOMPARE(count.count(), 1);

        model.setPaused(true);
        model.append({trace(QStringLiteral("bb"), {}, QStringLiteral("ok"))});
        QCOMPARE(model.count(), 1);
        model.setFilter({});
        QCOMPARE(model.count(), 3);
        model.setPaused(false);
        QCOMPARE(model.count(), 4);
        QCOMPARE(model.index(0).data(TraceListModel::ScriptRole).toString(), QStringLiteral("bb"));
    }

    void requestTagAndFeed()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        models::TraceFeed feed(*fixture.service);
        TraceListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFeed(&feed);
        model.setRequestTag(QStringLiteral("t1"));
        auto tagged = trace(QStringLiteral("mine"), {}, QStringLiteral("ok"));
        auto request = tagged.event.value(QLatin1String("request")).toObject();
        request.insert(
                QStringLiteral("headers"),
                QJsonObject {{QLatin1String(models::kPlaygroundHeader), QStringLiteral("t1")}});
        tagged.event.insert(QStringLiteral("request"), request);
        fixture.service->appendTrace(trace(QStringLiteral("other"), {}, QStringLiteral("ok")));
        fixture.service->appendTrace(tagged);
        QTRY_COMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data(TraceListModel::ScriptRole).toString(),
                 QStringLiteral("mine"));
    }
};

QTEST_MAIN(tst_TraceListModel)
#include "tst_tracelistmodel.moc"
