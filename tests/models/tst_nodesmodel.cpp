// The nodes table as a list model: the rows heartbeats leave, changed in place, stale ones
// marked. On SQLite, where the heartbeats are written the same way as on PostgreSQL.
#include "nodesmodel.h"
#include "platformfixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::NodesModel;

class tst_NodesModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsHeartbeats()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        models::PlatformController platform(*fixture.service);
        NodesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy platformChanged(&model, &NodesModel::platformChanged);
        model.setPlatform(&platform);
        QCOMPARE(platformChanged.count(), 1);
        QCOMPARE(model.rowCount(), 0);

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        store::NodeRecord b {QStringLiteral("node-b"),
                             QStringLiteral("http://10.0.0.2:8787/"),
                             QStringLiteral("0.1.0"),
                             now - 60000,
                             12.5,
                             3,
                             now};
        store::NodeRecord a {QStringLiteral("node-a"),
                             QStringLiteral("http://10.0.0.1:8787/"),
                             QStringLiteral("0.1.0"),
                             now - 120000,
                             0,
                             1,
                             now - 60000};
        QVERIFY(fixture.service->writeHeartbeat(b));
        QVERIFY(fixture.service->writeHeartbeat(a));
        QSignalSpy count(&model, &NodesModel::countChanged);
        model.refresh();
        QCOMPARE(count.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex first = model.index(0);
        QCOMPARE(first.data(NodesModel::NameRole).toString(), QStringLiteral("node-a"));
        QCOMPARE(first.data(NodesModel::StaleRole).toBool(), true); // a minute without heartbeat
        QCOMPARE(first.data(NodesModel::UptimeRole).toLongLong(), 60);
        const QModelIndex second = model.index(1);
        QCOMPARE(second.data(NodesModel::AddressRole).toString(),
                 QStringLiteral("http://10.0.0.2:8787/"));
        QCOMPARE(second.data(NodesModel::RequestsPerSecondRole).toDouble(), 12.5);
        QCOMPARE(second.data(NodesModel::LiveInstancesRole).toLongLong(), 3);
        QCOMPARE(second.data(NodesModel::StaleRole).toBool(), false);
        QCOMPARE(second.data(NodesModel::LastHeartbeatRole).toDateTime(),
                 QDateTime::fromMSecsSinceEpoch(now));

        // A new heartbeat changes its row in place.
        QSignalSpy dataChanged(&model, &NodesModel::dataChanged);
        b.requestsPerSecond = 99;
        b.lastHeartbeat = now + 1000;
        QVERIFY(fixture.service->writeHeartbeat(b));
        model.refresh();
        QCOMPARE(count.count(), 1);
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(model.index(1).data(NodesModel::RequestsPerSecondRole).toDouble(), 99.0);

        // A node that left is gone at the next refresh.
        QVERIFY(fixture.service->removeNode(QStringLiteral("node-a")));
        model.refresh();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.roleNames().value(NodesModel::LiveInstancesRole),
                 QByteArray("liveInstances"));
    }
};

QTEST_MAIN(tst_NodesModel)
#include "tst_nodesmodel.moc"
