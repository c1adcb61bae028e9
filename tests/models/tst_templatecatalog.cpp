// The shipped templates are there, byte for byte, and files read with errors named.
#include "platformfixture.h"
#include "templatecatalog.h"

#include <QFile>

using switchyard::models::TemplateCatalog;

class tst_TemplateCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void templates()
    {
        TemplateCatalog catalog;
        QCOMPARE(catalog.dispatcherTemplates().size(), 5);
        for (const QVariant &t : catalog.dispatcherTemplates())
            QVERIFY2(!catalog.code(t.toMap().value(QStringLiteral("name")).toString()).isEmpty(),
                     qPrintable(t.toMap().value(QStringLiteral("name")).toString()));
        QFile kv(QStringLiteral(SWITCHYARD_SOURCE_DIR "/resources/templates/kv-routing.js"));
        QVERIFY(kv.open(QIODevice::ReadOnly));
        QCOMPARE(catalog.code(QStringLiteral("kv")), QString::fromUtf8(kv.readAll()));
        QVERIFY(catalog.code(QStringLiteral("worker")).contains(QStringLiteral("export default")));
        QCOMPARE(catalog.code(QStringLiteral("nope")), QString());
    }
    void files()
    {
        TemplateCatalog catalog;
        QVERIFY(!catalog.readFile(QUrl::fromLocalFile(QStringLiteral(
                                          SWITCHYARD_SOURCE_DIR "/resources/demo/dispatcher.js")))
                         .isEmpty());
        QCOMPARE(catalog.readError(), QString());
        QCOMPARE(catalog.readFile(QUrl::fromLocalFile(QStringLiteral("/no/such/file.js"))),
                 QString());
        QVERIFY(catalog.readError().contains(QStringLiteral("/no/such/file.js")));
    }
};

QTEST_MAIN(tst_TemplateCatalog)
#include "tst_templatecatalog.moc"
