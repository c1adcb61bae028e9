// The Undo of deleting a dispatch namespace, over the whole runtime: once the namespace is put
// back, every Worker that was in it answers through the dispatcher as it did before the delete
// (its code, bindings and secrets back in the store and the engine serving them).
#include "../common/workercode.h"
#include "platformcontroller.h"
#include "stackfixture.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace switchyard;
using namespace switchyard::testing;

class tst_NamespaceRestore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_v8 = std::make_unique<engine::V8Platform>(); }
    void cleanupTestCase() { m_v8.reset(); }

    void everyWorkerAnswersAsBefore()
    {
        DemoStack demo(*m_v8);
        QVERIFY(demo.start());
        auto &service = demo.stack->service();
        models::PlatformController platform(service);
        const QString ns = QStringLiteral("production");
        platform::PlatformService::ScriptUpload secretive;
        secretive.code = moduleCode("export default { fetch(r, env) { return new "
                                    "Response('token ' + env.TOKEN) } }");
        secretive.code.bindings
                = QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("secret_text")},
                                           {QStringLiteral("name"), QStringLiteral("TOKEN")},
                                           {QStringLiteral("text"), QStringLiteral("s3cret")}}};
        QVERIFY(service.putScript(ns, QStringLiteral("secretive"), secretive));
        QCOMPARE(platform.setNamespaceTrusted(ns, true), QString());

        // Routed hosts and Workers reached by their subdomain; every one a different Worker.
        const QList<QByteArray> hosts {"localhost", "api.localhost", "thrower.localhost",
                                       "secretive.localhost"};
        QHash<QByteArray, RawResponse> before;
        for (const QByteArray &host : hosts) {
            before.insert(host, demo.get(host));
            QVERIFY2(before.value(host).status != 0, host.constData());
        }
        QCOMPARE(before.value("secretive.localhost").body, QByteArray("token s3cret"));
        QCOMPARE(before.value("localhost").status, 200);

        QCOMPARE(platform.deleteNamespace(ns), QString());
        for (const QByteArray &host : hosts) {
            const RawResponse gone = demo.get(host);
            QVERIFY2(gone.status != before.value(host).status
                             || gone.body != before.value(host).body,
                     host.constData());
        }

        QCOMPARE(platform.restoreNamespace(ns), QString());
        for (const QByteArray &host : hosts) {
            const RawResponse after = demo.get(host);
            QCOMPARE(after.status, before.value(host).status);
            QCOMPARE(after.body, before.value(host).body);
            QCOMPARE(after.header("content-type"), before.value(host).header("content-type"));
        }
        bool trusted = false;
        for (const auto &record : service.namespaces())
            if (record.name == ns)
                trusted = record.trustedWorkers;
        QVERIFY(trusted);
        QCOMPARE(service.listScripts(ns).value().size(), 6);
    }

private:
    std::unique_ptr<engine::V8Platform> m_v8;
};

QTEST_MAIN(tst_NamespaceRestore)
#include "tst_namespacerestore.moc"
