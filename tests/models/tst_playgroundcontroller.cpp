// The Playground over the real runtime: a request through the dispatcher, its response, and
// the traces tagged as caused by it.
#include "playgroundcontroller.h"
#include "stackfixture.h"
#include "tracefeed.h"
#include "tracelistmodel.h"

#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::PlaygroundController;

class tst_PlaygroundController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_v8 = std::make_unique<engine::V8Platform>(); }
    void cleanupTestCase() { m_v8.reset(); }

    void sendsThroughTheDispatcher()
    {
        DemoStack demo(*m_v8);
        QVERIFY(demo.start());
        models::TraceFeed feed(demo.stack->service());
        PlaygroundController playground(demo.stack->dispatcher());
        models::TraceListModel caused;
        caused.setFeed(&feed);
        connect(&playground, &PlaygroundController::requestTagChanged, &caused,
                [&] { caused.setRequestTag(playground.requestTag()); });

        QVERIFY(!playground.send(QStringLiteral("GET"), QStringLiteral("not a url"), {}, {})
                         .isEmpty());
        QVERIFY(!playground
                         .send(QStringLiteral("GET"), QStringLiteral("http://x.localhost/"),
                               QStringLiteral("no colon"), {})
                         .isEmpty());

        QSignalSpy response(&playground, &PlaygroundController::responseChanged);
        QCOMPARE(playground.send(QStringLiteral("GET"), QStringLiteral("http://localhost/hello"),
                                 QStringLiteral("accept: text/plain"), {}),
                 QString());
        QVERIFY(playground.busy());
        QTRY_COMPARE(response.count(), 1);
        QVERIFY(!playground.busy());
        QCOMPARE(playground.status(), 200);
        QVERIFY(playground.responseBody().contains(QStringLiteral("Acme")));
        // The dispatcher's trace and the user Worker's.
        QTRY_COMPARE(caused.rowCount(), 2);

        QCOMPARE(playground.send(QStringLiteral("GET"),
                                 QStringLiteral("http://cpu-burner.localhost/"), {}, {}),
                 QString());
        QTRY_COMPARE(response.count(), 2);
        QCOMPARE(playground.status(), 429);
        QTRY_COMPARE(caused.rowCount(), 2);
        bool sawCpu = false;
        for (int i = 0; i < caused.rowCount(); ++i)
            sawCpu = sawCpu
                    || caused.index(i).data(models::TraceListModel::OutcomeRole).toString()
                            == QLatin1String("exceededCpu");
        QVERIFY(sawCpu);
    }

private:
    std::unique_ptr<engine::V8Platform> m_v8;
};

QTEST_MAIN(tst_PlaygroundController)
#include "tst_playgroundcontroller.moc"
