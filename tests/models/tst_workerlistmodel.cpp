// The Workers of one namespace, filtered by tag, follow script changes.
#include "platformfixture.h"
#include "workerlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::WorkerListModel;

class tst_WorkerListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsFiltersAndFollows()
    {
        PlatformFixture fixture;
        QVERIFY(fixture.start());
        fixture.seedSmallPlatform();
        models::PlatformController platform(*fixture.service);
        WorkerListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPlatform(&platform);
        QCOMPARE(model.rowCount(), 0); // no namespace chosen yet
        QSignalSpy nsChanged(&model, &WorkerListModel::namespaceNameChanged);
        model.setNamespaceName(QStringLiteral("production"));
        model.setNamespaceName(QStringLiteral("production"));
        QCOMPARE(nsChanged.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(WorkerListModel::NameRole).toString(),
                 QStringLiteral("cpu-burner"));
        QCOMPARE(model.index(0).data(WorkerListModel::TagsRole).toStringList(),
                 QStringList {QStringLiteral("plan:free")});
        QVERIFY(model.index(0).data(WorkerListModel::ModifiedRole).toDateTime().isValid());

        platform::PlatformService::ScriptUpload upload {PlatformFixture::code(),
                                                        QStringList {QStringLiteral("plan:pro")}};
        auto code = PlatformFixture::code();
        code.bindings
                = QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("plain_text")},
                                           {QStringLiteral("name"), QStringLiteral("GREETING")},
                                           {QStringLiteral("text"), QStringLiteral("hi")}}};
        upload.code = code;
        QSignalSpy count(&model, &WorkerListModel::countChanged);
        QVERIFY(fixture.service->putScript(QStringLiteral("production"), QStringLiteral("json-api"),
                                           upload));
        QCOMPARE(count.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        const int row = model.indexOf(QStringLiteral("json-api"));
        QCOMPARE(model.index(row).data(WorkerListModel::BindingsRole).toStringList(),
                 QStringList {QStringLiteral("GREETING (plain_text)")});

        QSignalSpy filterChanged(&model, &WorkerListModel::tagFilterChanged);
        model.setTagFilter(QStringLiteral("plan:pro"));
        QCOMPARE(filterChanged.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setTagFilter(QString());
        QCOMPARE(model.rowCount(), 3);

        // Tags only: same rows, changed contents.
        QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(fixture.service->setScriptTags(QStringLiteral("production"), QStringLiteral("site"),
                                               {QStringLiteral("vip")}));
        QCOMPARE(dataChanged.count(), 1);
        QVERIFY(fixture.service->deleteScript(QStringLiteral("production"),
                                              QStringLiteral("site")));
        QCOMPARE(model.rowCount(), 2);
    }
};

QTEST_MAIN(tst_WorkerListModel)
#include "tst_workerlistmodel.moc"
