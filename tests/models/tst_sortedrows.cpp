// The tables' order: a plans table sorted by a header's role (numbers as numbers), the other way
// round on a second click, rows that arrive or change later taking their place, and the order
// kept when the table underneath is another.
#include "kventrymodel.h"
#include "platformfixture.h"
#include "sortedrows.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::KvEntryModel;
using models::SortedRows;

class tst_SortedRows : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sortsByHeaderAndFollows()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        fixture.seedSmallPlatform();
        auto &service = *fixture.service;
        QVERIFY(service.kvPut(fixture.kv("PLANS"), QStringLiteral("pro"),
                              R"({"cpuMs":50,"subRequests":100})"));
        QVERIFY(service.kvPut(fixture.kv("PLANS"), QStringLiteral("enterprise"),
                              R"({"cpuMs":9,"subRequests":1000})"));
        models::PlatformController platform(service);
        KvEntryModel plans;
        plans.setPlatform(&platform);
        plans.setKind(KvEntryModel::Plans);
        plans.setTitle(QStringLiteral("PLANS"));
        QCOMPARE(plans.rowCount(), 3);

        SortedRows sorted;
        QAbstractItemModelTester tester(&sorted,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy rowsChanged(&sorted, &SortedRows::rowsChanged);
        sorted.setRows(&plans);
        sorted.setRows(&plans);
        QCOMPARE(rowsChanged.count(), 1);
        const auto keys = [&] {
            QStringList list;
            for (int row = 0; row < sorted.rowCount(); ++row)
                list << sorted.value(row, QStringLiteral("key")).toString();
            return list;
        };
        // Until a header is clicked: the table's own order.
        QCOMPARE(keys(),
                 (QStringList {QStringLiteral("enterprise"), QStringLiteral("free"),
                               QStringLiteral("pro")}));

        QSignalSpy sortChanged(&sorted, &SortedRows::sortChanged);
        sorted.sortBy(QStringLiteral("cpuMs"));
        QCOMPARE(sorted.sortRoleName(), QStringLiteral("cpuMs"));
        QVERIFY(!sorted.descending());
        // 9 < 10 < 50 as numbers ("50" < "9" as text).
        QCOMPARE(keys(),
                 (QStringList {QStringLiteral("enterprise"), QStringLiteral("free"),
                               QStringLiteral("pro")}));
        sorted.sortBy(QStringLiteral("cpuMs"));
        QVERIFY(sorted.descending());
        QCOMPARE(keys(),
                 (QStringList {QStringLiteral("pro"), QStringLiteral("free"),
                               QStringLiteral("enterprise")}));
        QCOMPARE(sortChanged.count(), 2);

        // A plan that arrives, and one that changes, take their place in the order.
        QVERIFY(service.kvPut(fixture.kv("PLANS"), QStringLiteral("max"),
                              R"({"cpuMs":30000,"subRequests":1000})"));
        QCOMPARE(keys().first(), QStringLiteral("max"));
        QVERIFY(service.kvPut(fixture.kv("PLANS"), QStringLiteral("enterprise"),
                              R"({"cpuMs":60000,"subRequests":1000})"));
        QCOMPARE(keys(),
                 (QStringList {QStringLiteral("enterprise"), QStringLiteral("max"),
                               QStringLiteral("pro"), QStringLiteral("free")}));
        QCOMPARE(sorted.count(), 4);

        // By name; an unknown role goes back to the table's order.
        sorted.sortBy(QStringLiteral("key"));
        QCOMPARE(keys(),
                 (QStringList {QStringLiteral("enterprise"), QStringLiteral("free"),
                               QStringLiteral("max"), QStringLiteral("pro")}));
        QCOMPARE(sorted.value(99, QStringLiteral("key")), QVariant());
        QCOMPARE(sorted.value(0, QStringLiteral("nope")), QVariant());

        // Another table underneath keeps the order asked for.
        KvEntryModel customers;
        customers.setPlatform(&platform);
        customers.setKind(KvEntryModel::Customers);
        customers.setTitle(QStringLiteral("CUSTOMERS"));
        QVERIFY(service.kvPut(fixture.kv("CUSTOMERS"), QStringLiteral("acme"), "pro"));
        sorted.sortBy(QStringLiteral("key")); // descending
        sorted.setRows(&customers);
        QCOMPARE(sorted.sortRoleName(), QStringLiteral("key"));
        QVERIFY(sorted.descending());
        QCOMPARE(keys(), (QStringList {QStringLiteral("cpu-burner"), QStringLiteral("acme")}));
    }
};

QTEST_MAIN(tst_SortedRows)
#include "tst_sortedrows.moc"
