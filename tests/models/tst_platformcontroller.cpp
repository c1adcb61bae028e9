// The GUI's write path: every edit reaches the platform service and the next read sees it;
// refused edits come back with the reason and change nothing.
#include "platformcontroller.h"
#include "platformfixture.h"

#include <QSignalSpy>

using namespace switchyard;
using namespace switchyard::testing;

class tst_PlatformController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_fixture = std::make_unique<PlatformFixture>();
        QVERIFY(m_fixture->start());
        m_fixture->seedSmallPlatform();
        m_controller = std::make_unique<models::PlatformController>(*m_fixture->service);
    }
    void cleanup()
    {
        m_controller.reset();
        m_fixture.reset();
    }

    void namespaces()
    {
        QSignalSpy changed(m_controller.get(), &models::PlatformController::namespacesChanged);
        QCOMPARE(m_controller->createNamespace(QStringLiteral("staging"), true), QString());
        QCOMPARE(changed.count(), 1);
        QVERIFY(m_controller->namespaceNames().contains(QStringLiteral("staging")));
        QVERIFY(!m_controller->createNamespace(QStringLiteral("Bad Name"), false).isEmpty());
        QVERIFY(!m_controller->createNamespace(QStringLiteral("staging"), false).isEmpty());
        QCOMPARE(m_controller->setNamespaceTrusted(QStringLiteral("staging"), false), QString());
        QCOMPARE(m_controller->deleteNamespace(QStringLiteral("staging")), QString());
        QVERIFY(!m_controller->namespaceNames().contains(QStringLiteral("staging")));
    }

    void scripts()
    {
        const QString ns = QStringLiteral("production");
        QCOMPARE(m_controller->saveScript(ns, QStringLiteral("fresh"),
                                          QStringLiteral("export default {}"),
                                          QStringLiteral("a, b:c ,")),
                 QString());
        const auto script = m_fixture->service->script(ns, QStringLiteral("fresh"));
        QVERIFY(script);
        QCOMPARE(script->tags, (QStringList {QStringLiteral("a"), QStringLiteral("b:c")}));
        QCOMPARE(m_controller->scriptCode(ns, QStringLiteral("fresh")),
                 QStringLiteral("export default {}"));
        // Saving again replaces the code, keeps the module name.
        const QString v2 = QStringLiteral("export default {} // v2");
        QCOMPARE(m_controller->saveScript(ns, QStringLiteral("fresh"), v2, QString()), QString());
        QCOMPARE(m_controller->scriptCode(ns, QStringLiteral("fresh")), v2);
        // Code that registers no handler is refused as Cloudflare refuses it, and changes nothing.
        QCOMPARE(m_controller->saveScript(ns, QStringLiteral("fresh"), QStringLiteral("// v3"),
                                          QString()),
                 QStringLiteral("The uploaded script has no registered event handlers. [code: "
                                "10068]"));
        QCOMPARE(m_controller->scriptCode(ns, QStringLiteral("fresh")), v2);
        QVERIFY(m_controller->workerExists(ns, QStringLiteral("fresh")));
        QCOMPARE(m_controller->deleteScript(ns, QStringLiteral("fresh")), QString());
        QVERIFY(!m_controller->workerExists(ns, QStringLiteral("fresh")));
        QVERIFY(!m_controller
                         ->saveScript(QStringLiteral("nowhere"), QStringLiteral("x"),
                                      QStringLiteral("export default {}"), QString())
                         .isEmpty());
    }

    // The Undo of a Worker's delete puts back everything it had: every module, its bindings and
    // tags; refused once a new Worker took the name, or for one never deleted here.
    void deletedWorkerIsRestored()
    {
        const QString ns = QStringLiteral("production");
        auto &service = *m_fixture->service;
        QVERIFY(service.createKvNamespace(QStringLiteral("STORE")));
        platform::PlatformService::ScriptUpload upload {
                PlatformFixture::code("import {x} from './lib.js';\nexport default { fetch() { "
                                      "return new Response(x) } }"),
                QStringList {QStringLiteral("plan:pro"), QStringLiteral("team:a")}};
        upload.code.modules.append({QStringLiteral("lib.js"),
                                    QStringLiteral("application/javascript+module"),
                                    "export const x = 'lib';\n"});
        upload.code.bindings = QJsonArray {
                QJsonObject {{QStringLiteral("type"), QStringLiteral("kv_namespace")},
                             {QStringLiteral("name"), QStringLiteral("STORE")},
                             {QStringLiteral("namespace_id"), m_fixture->kv("STORE")}}};
        QVERIFY(service.putScript(ns, QStringLiteral("rich"), upload));
        const auto before = service.script(ns, QStringLiteral("rich"));

        QVERIFY(!m_controller->restoreScript(ns, QStringLiteral("rich")).isEmpty()); // not deleted
        QCOMPARE(m_controller->deleteScript(ns, QStringLiteral("rich")), QString());
        QVERIFY(!service.script(ns, QStringLiteral("rich")));
        QCOMPARE(m_controller->restoreScript(ns, QStringLiteral("rich")), QString());
        const auto after = service.script(ns, QStringLiteral("rich"));
        QVERIFY(after);
        QCOMPARE(after->code.modules, before->code.modules);
        QCOMPARE(after->code.mainModule, before->code.mainModule);
        QCOMPARE(after->code.bindings, before->code.bindings);
        QCOMPARE(after->tags, before->tags);
        // Once: a second Undo has nothing left to restore.
        QVERIFY(!m_controller->restoreScript(ns, QStringLiteral("rich")).isEmpty());

        // A Worker saved under the name since is never replaced by the Undo.
        QCOMPARE(m_controller->deleteScript(ns, QStringLiteral("rich")), QString());
        QCOMPARE(m_controller->saveScript(ns, QStringLiteral("rich"),
                                          QStringLiteral("export default { fetch() {} }"),
                                          QString()),
                 QString());
        QVERIFY(m_controller->restoreScript(ns, QStringLiteral("rich"))
                        .contains(QStringLiteral("exists again")));
        QCOMPARE(service.script(ns, QStringLiteral("rich"))->code.modules.size(), 1);
    }

    // The Undo of a namespace's delete puts back the namespace, its trusted flag and every
    // Worker in it as it was (modules, bindings with their secrets, tags); once only, and never
    // over a namespace made under the name since.
    void deletedNamespaceIsRestored()
    {
        auto &service = *m_fixture->service;
        const QString ns = QStringLiteral("staging");
        QCOMPARE(m_controller->createNamespace(ns, true), QString());
        platform::PlatformService::ScriptUpload secretive {
                PlatformFixture::code("export default { fetch(r, env) { return new "
                                      "Response(env.TOKEN) } }"),
                QStringList {QStringLiteral("plan:pro")}};
        secretive.code.bindings
                = QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("secret_text")},
                                           {QStringLiteral("name"), QStringLiteral("TOKEN")},
                                           {QStringLiteral("text"), QStringLiteral("s3cret")}}};
        QVERIFY(service.putScript(ns, QStringLiteral("secretive"), secretive));
        platform::PlatformService::ScriptUpload plain {PlatformFixture::code(), QStringList {}};
        plain.code.modules.append({QStringLiteral("lib.js"),
                                   QStringLiteral("application/javascript+module"),
                                   "export const x = 1;\n"});
        QVERIFY(service.putScript(ns, QStringLiteral("plain"), plain));
        QHash<QString, store::ScriptRecord> before;
        for (const auto &script : service.listScripts(ns).value())
            before.insert(script->name, *script);
        QCOMPARE(before.size(), 2);

        QVERIFY(!m_controller->restoreNamespace(ns).isEmpty()); // not deleted
        QSignalSpy changed(m_controller.get(), &models::PlatformController::namespacesChanged);
        QCOMPARE(m_controller->deleteNamespace(ns), QString());
        QCOMPARE(changed.count(), 1);
        QVERIFY(!m_controller->namespaceNames().contains(ns));
        QVERIFY(!service.script(ns, QStringLiteral("secretive")));

        QCOMPARE(m_controller->restoreNamespace(ns), QString());
        QCOMPARE(changed.count(), 2);
        QVERIFY(m_controller->namespaceNames().contains(ns));
        bool trusted = false;
        for (const auto &record : service.namespaces())
            if (record.name == ns)
                trusted = record.trustedWorkers;
        QVERIFY(trusted);
        const auto after = service.listScripts(ns).value();
        QCOMPARE(after.size(), before.size());
        for (const auto &script : after) {
            const store::ScriptRecord &was = before.value(script->name);
            QCOMPARE(script->code.modules, was.code.modules);
            QCOMPARE(script->code.mainModule, was.code.mainModule);
            QCOMPARE(script->code.bindings, was.code.bindings);
            QCOMPARE(script->code.compatibilityDate, was.code.compatibilityDate);
            QCOMPARE(script->tags, was.tags);
            QCOMPARE(script->contentHash, was.contentHash);
        }
        // Once: a second Undo has nothing left to restore.
        QVERIFY(!m_controller->restoreNamespace(ns).isEmpty());

        // A namespace created under the name since is never replaced by the Undo.
        QCOMPARE(m_controller->deleteNamespace(ns), QString());
        QCOMPARE(m_controller->createNamespace(ns, false), QString());
        QVERIFY(m_controller->restoreNamespace(ns).contains(QStringLiteral("exists again")));
        QVERIFY(service.listScripts(ns).value().isEmpty());
    }

    // A custom hostname comes back with its custom_metadata.
    void deletedHostnameIsRestored()
    {
        auto &service = *m_fixture->service;
        const QString host = QStringLiteral("shop.example.com");
        QCOMPARE(m_controller->putHostname(host, QStringLiteral(R"({"customer":"acme","n":2})")),
                 QString());
        const QJsonObject metadata = service.customHostname(host)->metadata;
        QVERIFY(!m_controller->restoreHostname(host).isEmpty()); // not deleted
        QCOMPARE(m_controller->deleteHostname(QStringLiteral("Shop.Example.com")), QString());
        QVERIFY(!service.customHostname(host));
        QCOMPARE(m_controller->restoreHostname(host), QString());
        QVERIFY(service.customHostname(host));
        QCOMPARE(service.customHostname(host)->metadata, metadata);
        QVERIFY(!m_controller->restoreHostname(host).isEmpty()); // once

        QCOMPARE(m_controller->deleteHostname(host), QString());
        QCOMPARE(m_controller->putHostname(host, QStringLiteral(R"({"customer":"new"})")),
                 QString());
        QVERIFY(m_controller->restoreHostname(host).contains(QStringLiteral("exists again")));
        QCOMPARE(service.customHostname(host)->metadata.value(u"customer").toString(),
                 QStringLiteral("new"));
    }

    // Routes, plans and customers: a KV entry comes back with its value and metadata.
    void deletedKvEntryIsRestored()
    {
        auto &service = *m_fixture->service;
        const QString routes = QStringLiteral("USER_ROUTING");
        platform::PlatformService::KvPutOptions options;
        options.metadata = R"({"by":"test"})";
        QVERIFY(service.kvPut(m_fixture->kv("USER_ROUTING"), QStringLiteral("api.localhost"),
                              "site", options));
        QVERIFY(!m_controller->restoreKv(routes, QStringLiteral("api.localhost")).isEmpty());
        QCOMPARE(m_controller->kvDelete(routes, QStringLiteral("api.localhost")), QString());
        QCOMPARE(m_controller->kvValue(routes, QStringLiteral("api.localhost")), QString());
        QCOMPARE(m_controller->restoreKv(routes, QStringLiteral("api.localhost")), QString());
        const auto back
                = service.kvGet(m_fixture->kv("USER_ROUTING"), QStringLiteral("api.localhost"));
        QVERIFY(back);
        QCOMPARE(back->value, QByteArray("site"));
        QCOMPARE(back->metadata, QByteArray(R"({"by":"test"})"));
        QVERIFY(!m_controller->restoreKv(routes, QStringLiteral("api.localhost")).isEmpty());

        // A value written since wins over the Undo.
        QCOMPARE(m_controller->kvDelete(QStringLiteral("PLANS"), QStringLiteral("free")),
                 QString());
        QCOMPARE(m_controller->setPlan(QStringLiteral("free"), QStringLiteral("99"),
                                       QStringLiteral("9")),
                 QString());
        QVERIFY(m_controller->restoreKv(QStringLiteral("PLANS"), QStringLiteral("free"))
                        .contains(QStringLiteral("again")));
        QVERIFY(m_controller->kvValue(QStringLiteral("PLANS"), QStringLiteral("free"))
                        .contains(QStringLiteral("99")));
    }

    void routes()
    {
        QCOMPARE(m_controller->routingNamespace(), QStringLiteral("production"));
        QCOMPARE(m_controller->setRoute(QStringLiteral("api.localhost"),
                                        QStringLiteral("cpu-burner")),
                 QString());
        QCOMPARE(m_controller->kvValue(QStringLiteral("USER_ROUTING"),
                                       QStringLiteral("api.localhost")),
                 QStringLiteral("cpu-burner"));
        const QString refused
                = m_controller->setRoute(QStringLiteral("x.localhost"), QStringLiteral("ghost"));
        QVERIFY(refused.contains(QStringLiteral("no Worker ghost")));
        QCOMPARE(m_controller->kvValue(QStringLiteral("USER_ROUTING"),
                                       QStringLiteral("x.localhost")),
                 QString());
        QVERIFY(!m_controller->setRoute(QStringLiteral("http://a b"), QStringLiteral("site"))
                         .isEmpty());
        QCOMPARE(m_controller->kvDelete(QStringLiteral("USER_ROUTING"),
                                        QStringLiteral("api.localhost")),
                 QString());
        QVERIFY(m_controller
                        ->kvPut(QStringLiteral("NOPE"), QStringLiteral("k"), QStringLiteral("v"))
                        .contains(QStringLiteral("no KV namespace")));
    }

    void plansAndCustomers()
    {
        QCOMPARE(m_controller->setPlan(QStringLiteral("pro"), QStringLiteral("20"),
                                       QStringLiteral("20")),
                 QString());
        QCOMPARE(m_controller->kvValue(QStringLiteral("PLANS"), QStringLiteral("pro")),
                 QStringLiteral(R"({"cpuMs":20,"subRequests":20})"));
        QVERIFY(!m_controller
                         ->setPlan(QStringLiteral("pro"), QStringLiteral("0"), QStringLiteral("20"))
                         .isEmpty());
        QVERIFY(!m_controller
                         ->setPlan(QStringLiteral("pro"), QStringLiteral("x"), QStringLiteral("20"))
                         .isEmpty());
        QCOMPARE(m_controller->planNames(),
                 (QStringList {QStringLiteral("free"), QStringLiteral("pro")}));
        QCOMPARE(m_controller->setCustomer(QStringLiteral("site"), QStringLiteral("pro")),
                 QString());
        QVERIFY(m_controller->setCustomer(QStringLiteral("site"), QStringLiteral("gold"))
                        .contains(QStringLiteral("no plan gold")));
        QCOMPARE(m_controller->kvValue(QStringLiteral("CUSTOMERS"), QStringLiteral("site")),
                 QStringLiteral("pro"));
    }

    void hostnames()
    {
        QCOMPARE(m_controller->checkHostnameMetadata(QStringLiteral(R"({"a": 1})")), QString());
        QVERIFY(m_controller->checkHostnameMetadata(QStringLiteral("{\n  \"a\": }"))
                        .startsWith(QStringLiteral("line 2, column")));
        QVERIFY(!m_controller->checkHostnameMetadata(QStringLiteral("[1]")).isEmpty());
        QCOMPARE(m_controller->putHostname(QStringLiteral("shop.example.com"),
                                           QStringLiteral(R"({"customer":"acme"})")),
                 QString());
        QVERIFY(m_fixture->service->customHostname(QStringLiteral("shop.example.com")));
        QVERIFY(!m_controller
                         ->putHostname(QStringLiteral("shop.example.com"), QStringLiteral("{oops"))
                         .isEmpty());
        QCOMPARE(m_controller->deleteHostname(QStringLiteral("shop.example.com")), QString());
    }

    void routeHostsAreLowercased()
    {
        QCOMPARE(models::PlatformController::normalizeRoute(QStringLiteral(" Shop.Localhost ")),
                 QStringLiteral("shop.localhost"));
        // Only the host: a path segment is matched as sent.
        QCOMPARE(models::PlatformController::normalizeRoute(QStringLiteral("LocalHost/Blog")),
                 QStringLiteral("localhost/Blog"));
        QCOMPARE(m_controller->setRoute(QStringLiteral("Shop.Localhost/Blog"),
                                        QStringLiteral("site")),
                 QString());
        QCOMPARE(m_controller->kvValue(QStringLiteral("USER_ROUTING"),
                                       QStringLiteral("shop.localhost/Blog")),
                 QStringLiteral("site"));
        QCOMPARE(m_controller->kvValue(QStringLiteral("USER_ROUTING"),
                                       QStringLiteral("Shop.Localhost/Blog")),
                 QString());
        QCOMPARE(m_controller->routedWorker(QStringLiteral("SHOP.localhost/Blog")),
                 QStringLiteral("site"));
        // A key stored with capitals by another client is named as one that cannot match.
        QVERIFY(m_controller
                        ->checkStoredRoute(QStringLiteral("Shop.Localhost"), QStringLiteral("site"))
                        .contains(QStringLiteral("shop.localhost")));
        QCOMPARE(m_controller->checkStoredRoute(QStringLiteral("shop.localhost"),
                                                QStringLiteral("site")),
                 QString());
    }

    void customHostnamesAreLowercasedAndTheirRouteSaid()
    {
        QCOMPARE(m_controller->putHostname(QStringLiteral("Shop.Example.COM"), QString()),
                 QString());
        QVERIFY(m_fixture->service->customHostname(QStringLiteral("shop.example.com")));
        const QString unrouted
                = m_controller->hostnameRouteNote(QStringLiteral("Shop.Example.com"));
        QVERIFY2(unrouted.contains(QStringLiteral("no route")), qPrintable(unrouted));
        QCOMPARE(m_controller->setRoute(QStringLiteral("shop.example.com"), QStringLiteral("site")),
                 QString());
        QVERIFY(m_controller->hostnameRouteNote(QStringLiteral("shop.example.com"))
                        .contains(QStringLiteral("the Worker site")));
        QCOMPARE(m_controller->deleteHostname(QStringLiteral("SHOP.example.com")), QString());
        QVERIFY(!m_fixture->service->customHostname(QStringLiteral("shop.example.com")));
    }

    void handlerWarning()
    {
        QCOMPARE(m_controller->handlerWarning(QStringLiteral("export default { fetch() {} }")),
                 QString());
        QVERIFY(m_controller->handlerWarning(QStringLiteral("export default { scheduled() {} }"))
                        .contains(QStringLiteral("Handler does not export a fetch() function.")));
    }

    void errorLine_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("plain") << "index.js:3:14: SyntaxError: Unexpected token '}'" << 3 << 14;
        QTest::newRow("prefixed") << "Script x: lib/util.mjs:12:1: SyntaxError" << 12 << 1;
        QTest::newRow("none") << "KV key too long" << 0 << 0;
    }
    void errorLine()
    {
        QFETCH(QString, message);
        QFETCH(int, line);
        QFETCH(int, column);
        QCOMPARE(models::PlatformController::errorLine(message), line);
        QCOMPARE(models::PlatformController::errorColumn(message), column);
    }

private:
    std::unique_ptr<PlatformFixture> m_fixture;
    std::unique_ptr<models::PlatformController> m_controller;
};

QTEST_MAIN(tst_PlatformController)
#include "tst_platformcontroller.moc"
