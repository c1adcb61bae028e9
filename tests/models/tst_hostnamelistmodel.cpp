// Custom hostnames and their metadata follow the platform service.
#include "hostnamelistmodel.h"
#include "platformfixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::HostnameListModel;

class tst_HostnameListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsChanges()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        models::PlatformController platform(*fixture.service);
        HostnameListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy platformChanged(&model, &HostnameListModel::platformChanged);
        model.setPlatform(&platform);
        model.setPlatform(&platform);
        QCOMPARE(platformChanged.count(), 1);
        QSignalSpy count(&model, &HostnameListModel::countChanged);
        QCOMPARE(platform.putHostname(QStringLiteral("shop.example.com"),
                                      QStringLiteral(R"({"customer": "acme"})")),
                 QString());
        QCOMPARE(count.count(), 1);
        QCOMPARE(model.index(0).data(HostnameListModel::HostnameRole).toString(),
                 QStringLiteral("shop.example.com"));
        QCOMPARE(model.index(0).data(HostnameListModel::MetadataRole).toString(),
                 QStringLiteral(R"({"customer":"acme"})"));
        QVERIFY(model.index(0).data(HostnameListModel::ModifiedRole).toDateTime().isValid());
        QCOMPARE(platform.deleteHostname(QStringLiteral("shop.example.com")), QString());
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(tst_HostnameListModel)
#include "tst_hostnamelistmodel.moc"
