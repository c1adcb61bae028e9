// KV tables read as the dispatcher uses them, with each entry's problem, kept current.
#include "kventrymodel.h"
#include "platformfixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::KvEntryModel;

class tst_KvEntryModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_fixture = std::make_unique<PlatformFixture>();
        QVERIFY(m_fixture->start());
        m_fixture->seedSmallPlatform();
        m_platform = std::make_unique<models::PlatformController>(*m_fixture->service);
    }
    void cleanup()
    {
        m_platform.reset();
        m_fixture.reset();
    }

    void routingTable()
    {
        KvEntryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPlatform(m_platform.get());
        model.setKind(KvEntryModel::Routing);
        QSignalSpy exists(&model, &KvEntryModel::existsChanged);
        model.setTitle(QStringLiteral("USER_ROUTING"));
        QCOMPARE(exists.count(), 1);
        QVERIFY(model.exists());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data(KvEntryModel::KeyRole).toString(),
                 QStringLiteral("localhost"));
        QCOMPARE(model.index(0).data(KvEntryModel::ValueRole).toString(), QStringLiteral("site"));
        QCOMPARE(model.index(0).data(KvEntryModel::ProblemRole).toString(), QString());

        QSignalSpy count(&model, &KvEntryModel::countChanged);
        QCOMPARE(m_platform->setRoute(QStringLiteral("burn.localhost"),
                                      QStringLiteral("cpu-burner")),
                 QString());
        QCOMPARE(count.count(), 1);
        QCOMPARE(model.rowCount(), 2);

        // Deleting the Worker a route points at makes that route a problem.
        QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(m_fixture->service->deleteScript(QStringLiteral("production"),
                                                 QStringLiteral("cpu-burner")));
        QCOMPARE(dataChanged.count(), 1);
        const int row = model.indexOf(QStringLiteral("burn.localhost"));
        QVERIFY(model.index(row)
                        .data(KvEntryModel::ProblemRole)
                        .toString()
                        .contains(QStringLiteral("no Worker cpu-burner")));

        // Raw writes (e.g. from the admin API) show up too.
        QVERIFY(m_fixture->service->kvDelete(m_fixture->kv("USER_ROUTING"),
                                             QStringLiteral("burn.localhost")));
        QCOMPARE(model.rowCount(), 1);
    }

    void plansAndCustomers()
    {
        KvEntryModel plans;
        QAbstractItemModelTester tester(&plans,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        plans.setPlatform(m_platform.get());
        plans.setTitle(QStringLiteral("PLANS"));
        QSignalSpy kind(&plans, &KvEntryModel::kindChanged);
        plans.setKind(KvEntryModel::Plans);
        plans.setKind(KvEntryModel::Plans);
        QCOMPARE(kind.count(), 1);
        QCOMPARE(plans.index(0).data(KvEntryModel::CpuMsRole).toInt(), 10);
        QCOMPARE(plans.index(0).data(KvEntryModel::SubRequestsRole).toInt(), 5);
        QVERIFY(m_fixture->service->kvPut(m_fixture->kv("PLANS"), QStringLiteral("broken"), "7"));
        QVERIFY(!plans.index(plans.indexOf(QStringLiteral("broken")))
                         .data(KvEntryModel::ProblemRole)
                         .toString()
                         .isEmpty());

        KvEntryModel customers;
        QAbstractItemModelTester tester2(&customers,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        customers.setPlatform(m_platform.get());
        customers.setKind(KvEntryModel::Customers);
        customers.setTitle(QStringLiteral("CUSTOMERS"));
        QCOMPARE(customers.rowCount(), 1);
        QCOMPARE(customers.index(0).data(KvEntryModel::ProblemRole).toString(), QString());
        // The customer's plan disappears: its row says so.
        QVERIFY(m_fixture->service->kvDelete(m_fixture->kv("PLANS"), QStringLiteral("free")));
        QVERIFY(customers.index(0)
                        .data(KvEntryModel::ProblemRole)
                        .toString()
                        .contains(QStringLiteral("no plan free")));
    }

    void missingTable()
    {
        KvEntryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPlatform(m_platform.get());
        model.setTitle(QStringLiteral("NOT_THERE"));
        QVERIFY(!model.exists());
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy exists(&model, &KvEntryModel::existsChanged);
        QVERIFY(m_fixture->service->createKvNamespace(QStringLiteral("NOT_THERE")));
        QCOMPARE(exists.count(), 1);
    }

private:
    std::unique_ptr<PlatformFixture> m_fixture;
    std::unique_ptr<models::PlatformController> m_platform;
};

QTEST_MAIN(tst_KvEntryModel)
#include "tst_kventrymodel.moc"
