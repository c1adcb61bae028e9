// Namespaces and their Worker counts follow the platform service's changes.
#include "namespacelistmodel.h"
#include "platformfixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::NamespaceListModel;

class tst_NamespaceListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsChanges()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        models::PlatformController platform(*fixture.service);
        NamespaceListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy platformChanged(&model, &NamespaceListModel::platformChanged);
        model.setPlatform(&platform);
        model.setPlatform(&platform); // unchanged: no signal
        QCOMPARE(platformChanged.count(), 1);
        QCOMPARE(model.rowCount(), 0);

        QSignalSpy count(&model, &NamespaceListModel::countChanged);
        QVERIFY(fixture.service->createNamespace(QStringLiteral("b-ns")));
        QVERIFY(fixture.service->createNamespace(QStringLiteral("a-ns"), true));
        QCOMPARE(count.count(), 2);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex first = model.index(0);
        QCOMPARE(first.data(NamespaceListModel::NameRole).toString(), QStringLiteral("a-ns"));
        QCOMPARE(first.data(NamespaceListModel::TrustedRole).toBool(), true);
        QCOMPARE(first.data(NamespaceListModel::WorkerCountRole).toInt(), 0);
        QVERIFY(!first.data(Qt::DecorationRole).isValid());

        QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(fixture.service->putScript(QStringLiteral("a-ns"), QStringLiteral("w"),
                                           {PlatformFixture::code(), {}}));
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(model.index(0).data(NamespaceListModel::WorkerCountRole).toInt(), 1);
        QVERIFY(fixture.service->setNamespaceTrusted(QStringLiteral("a-ns"), false));
        QCOMPARE(model.index(0).data(NamespaceListModel::TrustedRole).toBool(), false);

        QVERIFY(fixture.service->deleteNamespace(QStringLiteral("a-ns")));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.indexOf(QStringLiteral("b-ns")), 0);
        QCOMPARE(model.indexOf(QStringLiteral("a-ns")), -1);
        QCOMPARE(model.roleNames().value(NamespaceListModel::NameRole), QByteArray("name"));
    }
};

QTEST_MAIN(tst_NamespaceListModel)
#include "tst_namespacelistmodel.moc"
