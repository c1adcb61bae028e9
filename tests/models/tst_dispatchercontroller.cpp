// The Dispatcher view's controller over the real runtime: a save applies to the next request,
// a syntax error is refused with its line and the running dispatcher stays.
#include "dispatchercontroller.h"
#include "stackfixture.h"
#include "templatecatalog.h"

#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;
using models::DispatcherController;

class tst_DispatcherController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_v8 = std::make_unique<engine::V8Platform>(); }
    void cleanupTestCase() { m_v8.reset(); }

    void savesLive()
    {
        DemoStack demo(*m_v8);
        QVERIFY(demo.start());
        models::PlatformController platform(demo.stack->service());
        DispatcherController dispatcher;
        QSignalSpy platformChanged(&dispatcher, &DispatcherController::platformChanged);
        dispatcher.setPlatform(&platform);
        dispatcher.setPlatform(&platform);
        QCOMPARE(platformChanged.count(), 1);
        QCOMPARE(dispatcher.name(), QStringLiteral("dispatcher"));
        QVERIFY(dispatcher.code().contains(QStringLiteral("USER_ROUTING")));
        QVERIFY(dispatcher.bindings().contains(QStringLiteral("PLANS: kv_namespace → PLANS")));
        QCOMPARE(demo.get("localhost").status, 200);

        QSignalSpy changed(&dispatcher, &DispatcherController::dispatcherChanged);
        const QString broken = QStringLiteral(
                "export default {\n  fetch() {\n    return new Response(;\n  }\n};\n");
        const QString refused = dispatcher.save(broken);
        QVERIFY(!refused.isEmpty());
        QCOMPARE(models::PlatformController::errorLine(refused), 3);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(demo.get("localhost").status, 200);

        QCOMPARE(dispatcher.save(QStringLiteral("export default { fetch() { return new "
                                                "Response('replaced', {status: 203}) } }")),
                 QString());
        QCOMPARE(changed.count(), 1);
        const RawResponse next = demo.get("localhost");
        QCOMPARE(next.status, 203);
        QCOMPARE(next.body, QByteArray("replaced"));

        // A shipped template uses the demo's binding names and runs as is.
        models::TemplateCatalog templates;
        QCOMPARE(dispatcher.save(templates.code(QStringLiteral("subdomain"))), QString());
        QCOMPARE(demo.get("json-api.localhost").status, 200);
    }

private:
    std::unique_ptr<engine::V8Platform> m_v8;
};

QTEST_MAIN(tst_DispatcherController)
#include "tst_dispatchercontroller.moc"
