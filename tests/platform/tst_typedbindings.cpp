// Worker bindings are read once, when the platform service stores or loads the code: what the
// request path, the admin API and the GUI read afterwards is the typed form.
#include "../common/workercode.h"

#include "platform/clock.h"
#include "platform/platformservice.h"
#include "store/database.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using namespace switchyard::platform;
using store::Binding;

class tst_TypedBindings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void everyTypeIsReadWhenStored();
    void loadReadsThemAgain();
    void refusedBindingsLeaveTheVersionAsItWas();

private:
    void open();
    QJsonArray allTypes() const;
    static void verifyAllTypes(const store::Bindings &bindings, const QString &kvId);

    QTemporaryDir m_dir;
    ManualClock m_clock {1'700'000'000'000};
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<PlatformService> m_service;
    QString m_kvId;
};

void tst_TypedBindings::open()
{
    m_service.reset();
    m_db.reset();
    QString error;
    m_db = store::Database::open(m_dir.filePath(QStringLiteral("switchyard.db")), &error);
    QVERIFY2(m_db, qPrintable(error));
    m_service = std::make_unique<PlatformService>(*m_db, m_clock);
    const auto loaded = m_service->load();
    QVERIFY2(loaded, qPrintable(loaded.errorMessage()));
}

void tst_TypedBindings::init()
{
    QVERIFY(m_dir.isValid());
    QFile::remove(m_dir.filePath(QStringLiteral("switchyard.db")));
    open();
    QVERIFY(m_service->createNamespace(QStringLiteral("prod")));
    const auto kv = m_service->createKvNamespace(QStringLiteral("ROUTES"));
    QVERIFY(kv);
    m_kvId = kv->id;
}

void tst_TypedBindings::cleanup()
{
    m_service.reset();
    m_db.reset();
}

QJsonArray tst_TypedBindings::allTypes() const
{
    return QJsonDocument::fromJson(QStringLiteral(R"([
        {"type": "plain_text", "name": "GREETING", "text": "hi"},
        {"type": "secret_text", "name": "TOKEN", "text": "s3cret"},
        {"type": "json", "name": "CONFIG", "json": {"a": [1, 2]}},
        {"type": "kv_namespace", "name": "ROUTES", "namespace_id": "%1"},
        {"type": "analytics_engine", "name": "EVENTS", "dataset": "events"},
        {"type": "dispatch_namespace", "name": "DISPATCHER", "namespace": "prod",
         "outbound": {"worker": {"service": "egress"}, "params": [{"name": "customer"}]}},
        {"type": "dispatch_namespace", "name": "PLAIN", "namespace": "prod"},
        {"type": "service", "name": "AUTH", "service": "auth"}
    ])")
                                           .arg(m_kvId)
                                           .toUtf8())
            .array();
}

void tst_TypedBindings::verifyAllTypes(const store::Bindings &bindings, const QString &kvId)
{
    QCOMPARE(bindings.size(), 8);
    QStringList names, types;
    for (const Binding &b : bindings) {
        names << b.name;
        types << b.typeName();
    }
    QCOMPARE(names,
             QStringList({"GREETING", "TOKEN", "CONFIG", "ROUTES", "EVENTS", "DISPATCHER", "PLAIN",
                          "AUTH"}));
    QCOMPARE(types,
             QStringList({"plain_text", "secret_text", "json", "kv_namespace", "analytics_engine",
                          "dispatch_namespace", "dispatch_namespace", "service"}));
    QCOMPARE(bindings.at(0).as<Binding::PlainText>()->text, QStringLiteral("hi"));
    QCOMPARE(bindings.at(1).as<Binding::SecretText>()->text, QStringLiteral("s3cret"));
    QCOMPARE(bindings.at(2).as<Binding::Json>()->value.toObject().value(u"a").toArray().size(), 2);
    QCOMPARE(bindings.at(3).as<Binding::KvNamespace>()->namespaceId, kvId);
    QCOMPARE(bindings.at(4).as<Binding::AnalyticsEngine>()->dataset, QStringLiteral("events"));
    const auto *dispatch = bindings.at(5).as<Binding::DispatchNamespace>();
    QVERIFY(dispatch);
    QCOMPARE(dispatch->nameSpace, QStringLiteral("prod"));
    QVERIFY(dispatch->outbound);
    QCOMPARE(dispatch->outbound->service, QStringLiteral("egress"));
    QCOMPARE(dispatch->outbound->params, QStringList {QStringLiteral("customer")});
    QVERIFY(!bindings.at(6).as<Binding::DispatchNamespace>()->outbound);
    QCOMPARE(bindings.at(7).as<Binding::Service>()->service, QStringLiteral("auth"));
}

void tst_TypedBindings::everyTypeIsReadWhenStored()
{
    const QByteArray code = "export default { fetch() { return new Response('hi') } }";
    const auto script = m_service->putScript(QStringLiteral("prod"), QStringLiteral("customer-1"),
                                             {testing::moduleCode(code, allTypes()), {}});
    QVERIFY2(script, qPrintable(script.errorMessage()));
    verifyAllTypes(script.value()->code.typedBindings, m_kvId);
    const auto worker = m_service->putPlatformWorker(QStringLiteral("dispatcher"),
                                                     store::WorkerKind::Dispatcher,
                                                     testing::moduleCode(code, allTypes()));
    QVERIFY2(worker, qPrintable(worker.errorMessage()));
    verifyAllTypes(worker.value()->code.typedBindings, m_kvId);
    // The JSON stays as given: it is what is stored and what the admin API shows.
    QCOMPARE(script.value()->code.bindings, allTypes());
}

void tst_TypedBindings::loadReadsThemAgain()
{
    const QByteArray code = "export default { fetch() { return new Response('hi') } }";
    QVERIFY(m_service->putScript(QStringLiteral("prod"), QStringLiteral("customer-1"),
                                 {testing::moduleCode(code, allTypes()), {}}));
    QVERIFY(m_service->putPlatformWorker(QStringLiteral("dispatcher"),
                                         store::WorkerKind::Dispatcher,
                                         testing::moduleCode(code, allTypes())));
    open();
    const auto snapshot = m_service->snapshot();
    verifyAllTypes(snapshot->script(QStringLiteral("prod"), QStringLiteral("customer-1"))
                           ->code.typedBindings,
                   m_kvId);
    verifyAllTypes(snapshot->platformWorker(QStringLiteral("dispatcher"))->code.typedBindings,
                   m_kvId);
}

void tst_TypedBindings::refusedBindingsLeaveTheVersionAsItWas()
{
    const QByteArray code = "export default { fetch() { return new Response('hi') } }";
    QVERIFY(m_service->putScript(QStringLiteral("prod"), QStringLiteral("customer-1"),
                                 {testing::moduleCode(code, allTypes()), {}}));
    const QJsonArray bad
            = QJsonDocument::fromJson(R"([{"type": "service", "name": "AUTH"}])").array();
    const auto refused = m_service->putScript(QStringLiteral("prod"), QStringLiteral("customer-1"),
                                              {testing::moduleCode(code, bad), {}});
    QVERIFY(!refused);
    QCOMPARE(refused.errorMessage(),
             QStringLiteral("Binding \"AUTH\" of Script \"customer-1\" in namespace \"prod\": a "
                            "service binding needs a non-empty \"service\""));
    verifyAllTypes(m_service->script(QStringLiteral("prod"), QStringLiteral("customer-1"))
                           ->code.typedBindings,
                   m_kvId);
}

QTEST_GUILESS_MAIN(tst_TypedBindings)
#include "tst_typedbindings.moc"
