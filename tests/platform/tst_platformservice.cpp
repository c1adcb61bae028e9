// The platform service: every rule refuses with its exact message and stores nothing, every
// change is visible in the views and signalled before the call returns, KV expires on time and
// lists in pages, and a restart loads back exactly what was written.
#include "platform/clock.h"
#include "platform/platformservice.h"
#include "platform/scriptchecker.h"
#include "store/batchwriter.h"
#include "store/database.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace switchyard;
using namespace switchyard::platform;
using store::WorkerCode;

namespace {

constexpr qint64 kNowMs = 1'700'000'000'000;
constexpr qint64 kNow = kNowMs / 1000;

WorkerCode moduleWorker(const QByteArray &code = "export default { fetch() { return new "
                                                 "Response('hi') } }")
{
    WorkerCode worker;
    worker.modules
            = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"), code}};
    worker.mainModule = QStringLiteral("index.js");
    worker.compatibilityDate = QStringLiteral("2024-01-01");
    return worker;
}

class FakeChecker : public ScriptChecker
{
public:
    std::optional<QString> check(const store::ScriptModules &modules, const QString &) override
    {
        for (const auto &module : modules) {
            const qsizetype at = module.code.indexOf("SYNTAX");
            if (at >= 0)
                return QStringLiteral("%1:1:%2: SyntaxError: Unexpected identifier")
                        .arg(module.name)
                        .arg(at + 1);
        }
        return std::nullopt;
    }
};

} // namespace

class tst_PlatformService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void namespaceRules_data();
    void namespaceRules();
    void scriptRules_data();
    void scriptRules();
    void kvRules_data();
    void kvRules();
    void kvNamespaceRules_data();
    void kvNamespaceRules();
    void hostnameRules_data();
    void hostnameRules();
    void dataPointRules_data();
    void dataPointRules();
    void notFoundAndConflicts();
    void scriptCheckerRefusesAndKeepsPrevious();

    void changesAreVisibleWhenSignalled();
    void scriptsAndTags();
    void platformWorkersAndDispatcher();
    void kvExpiresOnTime();
    void kvListPages();
    void kvBulk();
    void restartLoadsEverything();
    void appendsReachSqlite();
    void refusesOtherThreads();

private:
    void open();
    QString kvId() const { return m_kvNamespace.id; }

    std::unique_ptr<QTemporaryDir> m_dir;
    ManualClock m_clock {kNowMs};
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::BatchWriter> m_writer;
    std::unique_ptr<PlatformService> m_service;
    store::KvNamespaceRecord m_kvNamespace;
};

void tst_PlatformService::open()
{
    m_service.reset();
    m_writer.reset();
    m_db.reset();
    QString error;
    const QString path = m_dir->filePath(QStringLiteral("switchyard.db"));
    m_db = store::Database::open(path, &error);
    QVERIFY2(m_db, qPrintable(error));
    m_writer = store::BatchWriter::start(path, &error);
    QVERIFY2(m_writer, qPrintable(error));
    m_service = std::make_unique<PlatformService>(*m_db, m_clock, m_writer.get());
    const auto loaded = m_service->load();
    QVERIFY2(loaded, qPrintable(loaded.errorMessage()));
}

void tst_PlatformService::init()
{
    m_clock.setNowMs(kNowMs);
    m_dir = std::make_unique<QTemporaryDir>();
    open();
    QVERIFY(m_service->createNamespace(QStringLiteral("prod")));
    const auto kv = m_service->createKvNamespace(QStringLiteral("USER_ROUTING"));
    QVERIFY(kv);
    m_kvNamespace = kv.value();
}

void tst_PlatformService::cleanup()
{
    m_service.reset();
    m_writer.reset();
    m_db.reset();
    m_dir.reset();
}

void tst_PlatformService::namespaceRules_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("message");
    const QString rule
            = QStringLiteral(": must be 1 to 63 characters of a-z, 0-9, \"-\" and \"_\", "
                             "starting with a letter or digit");
    for (const QString &bad :
         {QString(), QStringLiteral("Prod"), QStringLiteral("-prod"), QStringLiteral("pro d"),
          QStringLiteral("a.b"), QString(64, QLatin1Char('a'))}) {
        QTest::addRow("%s", qPrintable(bad.isEmpty() ? QStringLiteral("empty") : bad.left(8)))
                << bad << QStringLiteral("Dispatch namespace name \"%1\"").arg(bad) + rule;
    }
    QTest::newRow("ok") << QStringLiteral("staging_2-b") << QString();
    QTest::newRow("63") << QString(63, QLatin1Char('z')) << QString();
}

void tst_PlatformService::namespaceRules()
{
    QFETCH(QString, name);
    QFETCH(QString, message);
    QSignalSpy changed(m_service.get(), &PlatformService::namespacesChanged);
    const auto result = m_service->createNamespace(name);
    if (message.isEmpty()) {
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(changed.size(), 1);
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ErrorKind::Invalid);
    QCOMPARE(result.errorMessage(), message);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_service->namespaces().size(), 1);
}

void tst_PlatformService::scriptRules_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("modules"); // "name|content type|code"
    QTest::addColumn<QString>("mainModule");
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<QString>("compatibilityDate");
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QByteArray>("bindings");
    QTest::addColumn<QString>("message");

    const QString esm = QStringLiteral("index.js|application/javascript+module|export default {}");
    const QString s = QStringLiteral("Script \"w\" in namespace \"prod\"");
    auto row = [&](const char *tag, QString name, QStringList modules, QString main,
                   QStringList tags, QString date, QStringList flags, QByteArray bindings,
                   QString message) {
        QTest::newRow(tag) << name << modules << main << tags << date << flags << bindings
                           << message;
    };
    const QStringList none;
    const QString idx = QStringLiteral("index.js");
    const QString date = QStringLiteral("2024-01-01");
    row("ok", QStringLiteral("w"), {esm}, idx, {QStringLiteral("free")}, date,
        {QStringLiteral("nodejs_compat")},
        R"([{"type":"plain_text","name":"GREETING","text":"hi"}])", QString());
    row("no date", QStringLiteral("w"), {esm}, idx, none, QString(), none, "[]", QString());
    row("bad name", QStringLiteral("W!"), {esm}, idx, none, date, none, "[]",
        QStringLiteral("Script name \"W!\" in namespace \"prod\": must be 1 to 63 characters of "
                       "a-z, 0-9, \"-\" and \"_\", starting with a letter or digit"));
    row("nine tags", QStringLiteral("w"), {esm}, idx,
        QStringList {"a", "b", "c", "d", "e", "f", "g", "h", "i"}, date, none, "[]",
        s + QStringLiteral(": has 9 tags; at most 8 are allowed"));
    row("comma tag", QStringLiteral("w"), {esm}, idx, {QStringLiteral("a,b")}, date, none, "[]",
        QStringLiteral("Tag \"a,b\" of ") + s
                + QStringLiteral(": must not contain \",\" or \"&\""));
    row("ampersand tag", QStringLiteral("w"), {esm}, idx, {QStringLiteral("a&b")}, date, none, "[]",
        QStringLiteral("Tag \"a&b\" of ") + s
                + QStringLiteral(": must not contain \",\" or \"&\""));
    row("empty tag", QStringLiteral("w"), {esm}, idx, {QString()}, date, none, "[]",
        QStringLiteral("Tag \"\" of ") + s + QStringLiteral(": must not be empty"));
    row("duplicate tag", QStringLiteral("w"), {esm}, idx, {"x", "x"}, date, none, "[]",
        QStringLiteral("Tag \"x\" of ") + s + QStringLiteral(": appears twice"));
    row("no modules", QStringLiteral("w"), {}, idx, none, date, none, "[]",
        s + QStringLiteral(": has no modules"));
    row("duplicate module", QStringLiteral("w"), {esm, esm}, idx, none, date, none, "[]",
        QStringLiteral("Module \"index.js\" of ") + s + QStringLiteral(": appears twice"));
    row("bad content type", QStringLiteral("w"), {QStringLiteral("index.js|text/html|<p>")}, idx,
        none, date, none, "[]",
        QStringLiteral("Module \"index.js\" of ") + s
                + QStringLiteral(": unsupported content type \"text/html\" (use one of "
                                 "application/javascript+module, application/javascript, "
                                 "text/javascript, application/json, text/plain, "
                                 "application/octet-stream, application/wasm)"));
    row("no main", QStringLiteral("w"), {esm}, QString(), none, date, none, "[]",
        s + QStringLiteral(": has no main module"));
    row("main missing", QStringLiteral("w"), {esm}, QStringLiteral("main.js"), none, date, none,
        "[]", s + QStringLiteral(": main module \"main.js\" is not one of its modules"));
    row("main not js", QStringLiteral("w"), {esm, QStringLiteral("d.json|application/json|{}")},
        QStringLiteral("d.json"), none, date, none, "[]",
        s + QStringLiteral(": main module \"d.json\" is application/json, not JavaScript"));
    row("bad date", QStringLiteral("w"), {esm}, idx, none, QStringLiteral("2024-13-01"), none, "[]",
        s
                + QStringLiteral(": compatibility date \"2024-13-01\" is not a date in the form "
                                 "YYYY-MM-DD"));
    row("bad flag", QStringLiteral("w"), {esm}, idx, none, date, {QStringLiteral("Node Compat")},
        "[]",
        s
                + QStringLiteral(
                        ": compatibility flag \"Node Compat\" must be made of a-z, 0-9 and "
                        "\"_\""));
    row("binding not object", QStringLiteral("w"), {esm}, idx, none, date, none, "[1]",
        QStringLiteral("Binding #1 of ") + s + QStringLiteral(": must be a JSON object"));
    row("binding bad name", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"plain_text","name":"a-b","text":""}])",
        QStringLiteral("Binding #1 of ") + s
                + QStringLiteral(": name \"a-b\" is not a JavaScript identifier"));
    row("binding unknown type", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"d1","name":"DB"}])",
        QStringLiteral("Binding \"DB\" of ") + s
                + QStringLiteral(": unknown binding type \"d1\" (known: plain_text, secret_text, "
                                 "json, kv_namespace, dispatch_namespace, analytics_engine, "
                                 "service)"));
    row("binding duplicate", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"plain_text","name":"A","text":""},{"type":"plain_text","name":"A","text":""}])",
        QStringLiteral("Binding \"A\" of ") + s
                + QStringLiteral(": the name is used by another binding"));
    row("kv binding no id", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"kv_namespace","name":"KV"}])",
        QStringLiteral("Binding \"KV\" of ") + s
                + QStringLiteral(": a kv_namespace binding needs a non-empty \"namespace_id\""));
    row("kv binding unknown id", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"kv_namespace","name":"KV","namespace_id":"nope"}])",
        QStringLiteral("Binding \"KV\" of ") + s
                + QStringLiteral(": KV namespace \"nope\" does not exist"));
    row("dispatch binding unknown", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"dispatch_namespace","name":"D","namespace":"staging"}])",
        QStringLiteral("Binding \"D\" of ") + s
                + QStringLiteral(": dispatch namespace \"staging\" does not exist"));
    row("secret without text", QStringLiteral("w"), {esm}, idx, none, date, none,
        R"([{"type":"secret_text","name":"S"}])",
        QStringLiteral("Binding \"S\" of ") + s
                + QStringLiteral(": a secret_text binding needs a string \"text\""));
}

void tst_PlatformService::scriptRules()
{
    QFETCH(QString, name);
    QFETCH(QStringList, modules);
    QFETCH(QString, mainModule);
    QFETCH(QStringList, tags);
    QFETCH(QString, compatibilityDate);
    QFETCH(QStringList, flags);
    QFETCH(QByteArray, bindings);
    QFETCH(QString, message);

    PlatformService::ScriptUpload upload;
    for (const QString &spec : modules) {
        const QStringList parts = spec.split(QLatin1Char('|'));
        upload.code.modules.append({parts.at(0), parts.at(1), parts.at(2).toUtf8()});
    }
    upload.code.mainModule = mainModule;
    upload.code.compatibilityDate = compatibilityDate;
    upload.code.compatibilityFlags = flags;
    upload.code.bindings = QJsonDocument::fromJson(bindings).array();
    upload.tags = tags;
    QSignalSpy changed(m_service.get(), &PlatformService::scriptChanged);
    const auto result = m_service->putScript(QStringLiteral("prod"), name, upload);
    if (message.isEmpty()) {
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(changed.size(), 1);
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ErrorKind::Invalid);
    QCOMPARE(result.errorMessage(), message);
    QCOMPARE(changed.size(), 0);
    QVERIFY(!m_service->script(QStringLiteral("prod"), name));
}

void tst_PlatformService::kvRules_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("valueSize");
    QTest::addColumn<QByteArray>("metadata"); // null: none
    QTest::addColumn<qint64>("expiration"); // 0: none
    QTest::addColumn<qint64>("ttl"); // 0: none
    QTest::addColumn<QString>("message");

    const QString k = QStringLiteral("KV key \"k\" in namespace USER_ROUTING");
    QTest::newRow("ok") << QStringLiteral("a/../") << 10 << QByteArray(R"({"plan":"free"})")
                        << qint64(0) << qint64(0) << QString();
    QTest::newRow("ok scalar metadata")
            << QStringLiteral("k") << 1 << QByteArray("42") << qint64(0) << qint64(0) << QString();
    QTest::newRow("empty key") << QString() << 1 << QByteArray() << qint64(0) << qint64(0)
                               << QStringLiteral("KV key \"\" in namespace USER_ROUTING: must not "
                                                 "be empty");
    QTest::newRow("dot") << QStringLiteral(".") << 1 << QByteArray() << qint64(0) << qint64(0)
                         << QStringLiteral("KV key \".\" in namespace USER_ROUTING: must not be "
                                           "\".\" or \"..\"");
    QTest::newRow("dotdot") << QStringLiteral("..") << 1 << QByteArray() << qint64(0) << qint64(0)
                            << QStringLiteral("KV key \"..\" in namespace USER_ROUTING: must not "
                                              "be \".\" or \"..\"");
    QTest::newRow("512 bytes") << QString(512, QLatin1Char('x')) << 1 << QByteArray() << qint64(0)
                               << qint64(0) << QString();
    // 171 three-byte characters: 513 bytes of UTF-8 in 171 characters.
    const QString wide(171, QChar(0x20AC));
    QTest::newRow("513 bytes") << wide << 1 << QByteArray() << qint64(0) << qint64(0)
                               << QStringLiteral("KV key \"%1\"... in namespace USER_ROUTING: is "
                                                 "513 bytes long; at most 512 are allowed")
                                          .arg(wide.left(64));
    QTest::newRow("25 MiB") << QStringLiteral("k") << 25 * 1024 * 1024 << QByteArray() << qint64(0)
                            << qint64(0) << QString();
    QTest::newRow("over 25 MiB") << QStringLiteral("k") << 25 * 1024 * 1024 + 1 << QByteArray()
                                 << qint64(0) << qint64(0)
                                 << QStringLiteral("KV value for key \"k\" in namespace "
                                                   "USER_ROUTING: is 26214401 bytes; at most "
                                                   "26214400 (25 MiB) are allowed");
    QTest::newRow("metadata not json")
            << QStringLiteral("k") << 1 << QByteArray("{plan:1}") << qint64(0) << qint64(0)
            << QStringLiteral("KV metadata for key \"k\" in namespace USER_ROUTING: is not valid "
                              "JSON (unterminated object at offset 2)");
    QTest::newRow("metadata two values")
            << QStringLiteral("k") << 1 << QByteArray("1,2") << qint64(0) << qint64(0)
            << QStringLiteral("KV metadata for key \"k\" in namespace USER_ROUTING: is not valid "
                              "JSON (more than one value)");
    const QByteArray big = "\"" + QByteArray(1022, 'm') + "\""; // 1024 bytes
    QTest::newRow("metadata 1024")
            << QStringLiteral("k") << 1 << big << qint64(0) << qint64(0) << QString();
    QTest::newRow("metadata 1025")
            << QStringLiteral("k") << 1 << QByteArray("\"" + QByteArray(1023, 'm') + "\"")
            << qint64(0) << qint64(0)
            << QStringLiteral("KV metadata for key \"k\" in namespace USER_ROUTING: is 1025 bytes "
                              "serialized; at most 1024 are allowed");
    QTest::newRow("expiration now+60")
            << QStringLiteral("k") << 1 << QByteArray() << kNow + 60 << qint64(0) << QString();
    QTest::newRow("expiration now+59")
            << QStringLiteral("k") << 1 << QByteArray() << kNow + 59 << qint64(0)
            << k
                    + QStringLiteral(
                              ": expiration %1 is less than 60 seconds from now; give seconds "
                              "since the epoch of at least %2")
                              .arg(kNow + 59)
                              .arg(kNow + 60);
    QTest::newRow("ttl 60") << QStringLiteral("k") << 1 << QByteArray() << qint64(0) << qint64(60)
                            << QString();
    QTest::newRow("ttl 59") << QStringLiteral("k") << 1 << QByteArray() << qint64(0) << qint64(59)
                            << k
                    + QStringLiteral(": expirationTtl 59 is less than the minimum of "
                                     "60 seconds");
}

void tst_PlatformService::kvRules()
{
    QFETCH(QString, key);
    QFETCH(int, valueSize);
    QFETCH(QByteArray, metadata);
    QFETCH(qint64, expiration);
    QFETCH(qint64, ttl);
    QFETCH(QString, message);

    PlatformService::KvPutOptions options;
    options.metadata = metadata;
    if (expiration)
        options.expiration = expiration;
    if (ttl)
        options.expirationTtl = ttl;
    QSignalSpy changed(m_service.get(), &PlatformService::kvChanged);
    const auto result = m_service->kvPut(kvId(), key, QByteArray(valueSize, 'v'), options);
    if (message.isEmpty()) {
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(changed.size(), 1);
        const auto stored = m_service->kvGet(kvId(), key);
        QVERIFY(stored);
        QCOMPARE(stored->value.size(), valueSize);
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ErrorKind::Invalid);
    QCOMPARE(result.errorMessage(), message);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_service->kvView().size(kvId()), 0);
}

void tst_PlatformService::kvNamespaceRules_data()
{
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QString()
                           << QStringLiteral("KV namespace title \"\": must not be empty");
    QTest::newRow("blank") << QStringLiteral("  ")
                           << QStringLiteral("KV namespace title \"  \": must not be empty");
    QTest::newRow("long") << QString(513, QLatin1Char('t'))
                          << QStringLiteral("KV namespace title \"%1\"...: is longer than 512 "
                                            "bytes")
                                     .arg(QString(64, QLatin1Char('t')));
    QTest::newRow("ok") << QStringLiteral("PLANS") << QString();
}

void tst_PlatformService::kvNamespaceRules()
{
    QFETCH(QString, title);
    QFETCH(QString, message);
    const auto result = m_service->createKvNamespace(title);
    if (message.isEmpty()) {
        QVERIFY(result);
        QCOMPARE(result->id.size(), 32);
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.errorMessage(), message);
    QCOMPARE(m_service->kvNamespaces().size(), 1);
}

void tst_PlatformService::hostnameRules_data()
{
    QTest::addColumn<QString>("hostname");
    QTest::addColumn<QByteArray>("metadata");
    QTest::addColumn<QString>("message");
    const QString rule = QStringLiteral(": must be a lowercase DNS name with at least two labels "
                                        "of a-z, 0-9 and \"-\" (optionally starting with \"*.\"), "
                                        "at most 253 characters");
    QTest::newRow("ok") << QStringLiteral("customer-1.example.com")
                        << QByteArray(R"({"customer_id":"1"})") << QString();
    QTest::newRow("wildcard") << QStringLiteral("*.example.com") << QByteArray() << QString();
    QTest::newRow("upper") << QStringLiteral("Shop.example.com") << QByteArray()
                           << QStringLiteral("Custom hostname \"Shop.example.com\"") + rule;
    QTest::newRow("one label") << QStringLiteral("localhost") << QByteArray()
                               << QStringLiteral("Custom hostname \"localhost\"") + rule;
    QTest::newRow("dash edge") << QStringLiteral("-a.example.com") << QByteArray()
                               << QStringLiteral("Custom hostname \"-a.example.com\"") + rule;
    QTest::newRow("metadata array") << QStringLiteral("a.example.com") << QByteArray("[1]")
                                    << QStringLiteral("Metadata of custom hostname "
                                                      "\"a.example.com\": must be a JSON object");
    QTest::newRow("metadata broken") << QStringLiteral("a.example.com") << QByteArray("{")
                                     << QStringLiteral("Metadata of custom hostname "
                                                       "\"a.example.com\": is not valid JSON "
                                                       "(unterminated object at offset 1)");
    const QByteArray big = R"({"x":")" + QByteArray(4090, 'm') + R"("})"; // 4098 bytes
    QTest::newRow("metadata 4 KB") << QStringLiteral("a.example.com") << big
                                   << QStringLiteral("Metadata of custom hostname "
                                                     "\"a.example.com\": is 4098 bytes "
                                                     "serialized; at most 4096 are allowed");
}

void tst_PlatformService::hostnameRules()
{
    QFETCH(QString, hostname);
    QFETCH(QByteArray, metadata);
    QFETCH(QString, message);
    QSignalSpy changed(m_service.get(), &PlatformService::customHostnameChanged);
    const auto result = m_service->putCustomHostname(hostname, metadata);
    if (message.isEmpty()) {
        QVERIFY2(result, qPrintable(result.errorMessage()));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(m_service->customHostname(hostname)->metadata,
                 QJsonDocument::fromJson(metadata).object());
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.errorMessage(), message);
    QCOMPARE(changed.size(), 0);
    QVERIFY(!m_service->customHostname(hostname));
}

void tst_PlatformService::dataPointRules_data()
{
    QTest::addColumn<int>("blobs");
    QTest::addColumn<int>("blobSize");
    QTest::addColumn<int>("doubles");
    QTest::addColumn<int>("indexSize");
    QTest::addColumn<QString>("message");
    const QString p = QStringLiteral("Data point #1 for dataset \"limits\"");
    QTest::newRow("ok") << 20 << 800 << 20 << 96 << QString();
    QTest::newRow("21 blobs") << 21 << 1 << 0 << 0
                              << p + QStringLiteral(": has 21 blobs; at most 20 are allowed");
    QTest::newRow("21 doubles") << 0 << 0 << 21 << 0
                                << p + QStringLiteral(": has 21 doubles; at most 20 are allowed");
    QTest::newRow("index 97") << 0 << 0 << 0 << 97
                              << p
                    + QStringLiteral(": its index is 97 bytes; at most 96 are allowed");
    QTest::newRow("blobs 16 KB") << 2 << 8193 << 0 << 0
                                 << p
                    + QStringLiteral(": its blobs total 16386 bytes; at most 16384 are allowed");
}

void tst_PlatformService::dataPointRules()
{
    QFETCH(int, blobs);
    QFETCH(int, blobSize);
    QFETCH(int, doubles);
    QFETCH(int, indexSize);
    QFETCH(QString, message);
    store::AnalyticsPoint point;
    point.dataset = QStringLiteral("limits");
    point.timestamp = kNowMs;
    for (int i = 0; i < blobs; ++i)
        point.blobs.append(QByteArray(blobSize, 'b'));
    for (int i = 0; i < doubles; ++i)
        point.doubles.append(i);
    if (indexSize)
        point.index1 = QByteArray(indexSize, 'i');
    const auto result = m_service->appendDataPoints({point});
    if (message.isEmpty()) {
        QVERIFY2(result, qPrintable(result.errorMessage()));
        return;
    }
    QVERIFY(!result);
    QCOMPARE(result.errorMessage(), message);
}

void tst_PlatformService::notFoundAndConflicts()
{
    auto dup = m_service->createNamespace(QStringLiteral("prod"));
    QCOMPARE(dup.error().kind, ErrorKind::Conflict);
    QCOMPARE(dup.errorMessage(), QStringLiteral("Dispatch namespace \"prod\" already exists"));

    auto noNs = m_service->putScript(QStringLiteral("nope"), QStringLiteral("w"),
                                     {moduleWorker(), {}});
    QCOMPARE(noNs.error().kind, ErrorKind::NotFound);
    QCOMPARE(noNs.errorMessage(), QStringLiteral("Dispatch namespace \"nope\" does not exist"));

    auto noScript = m_service->deleteScript(QStringLiteral("prod"), QStringLiteral("w"));
    QCOMPARE(noScript.error().kind, ErrorKind::NotFound);
    QCOMPARE(noScript.errorMessage(),
             QStringLiteral("Script \"w\" in namespace \"prod\" does not exist"));

    auto noKv = m_service->kvPut(QStringLiteral("0000"), QStringLiteral("k"), "v");
    QCOMPARE(noKv.error().kind, ErrorKind::NotFound);
    QCOMPARE(noKv.errorMessage(), QStringLiteral("KV namespace \"0000\" does not exist"));

    auto title = m_service->createKvNamespace(QStringLiteral("USER_ROUTING"));
    QCOMPARE(title.error().kind, ErrorKind::Conflict);
    QCOMPARE(title.errorMessage(),
             QStringLiteral("KV namespace title \"USER_ROUTING\" is already used by namespace %1")
                     .arg(kvId()));

    auto limit = m_service->kvList(kvId(), {}, 1001);
    QCOMPARE(limit.errorMessage(),
             QStringLiteral("KV list in namespace USER_ROUTING: limit 1001 is outside 1 to 1000"));

    auto noHost = m_service->deleteCustomHostname(QStringLiteral("a.example.com"));
    QCOMPARE(noHost.errorMessage(),
             QStringLiteral("Custom hostname \"a.example.com\" does not exist"));
}

void tst_PlatformService::scriptCheckerRefusesAndKeepsPrevious()
{
    FakeChecker checker;
    m_service->setScriptChecker(&checker);
    QVERIFY(m_service->putScript(QStringLiteral("prod"), QStringLiteral("w"),
                                 {moduleWorker(), {}}));
    const QByteArray before
            = m_service->script(QStringLiteral("prod"), QStringLiteral("w"))->contentHash;
    const auto bad = m_service->putScript(QStringLiteral("prod"), QStringLiteral("w"),
                                          {moduleWorker("let x = SYNTAX"), {}});
    QVERIFY(!bad);
    QCOMPARE(bad.errorMessage(),
             QStringLiteral("Script \"w\" in namespace \"prod\": index.js:1:9: SyntaxError: "
                            "Unexpected identifier"));
    QCOMPARE(m_service->script(QStringLiteral("prod"), QStringLiteral("w"))->contentHash, before);
}

void tst_PlatformService::changesAreVisibleWhenSignalled()
{
    // A slot connected to the signal already sees the change: the view is updated first.
    std::optional<store::KvValue> seenInSlot;
    connect(m_service.get(), &PlatformService::kvChanged, this,
            [&](const QString &ns, const QString &key) { seenInSlot = m_service->kvGet(ns, key); });
    QSignalSpy kvChanged(m_service.get(), &PlatformService::kvChanged);
    QVERIFY(m_service->kvPut(kvId(), QStringLiteral("customer-1"), "prod/customer-1"));
    QCOMPARE(kvChanged.size(), 1);
    QCOMPARE(kvChanged.at(0).at(0).toString(), kvId());
    QCOMPARE(kvChanged.at(0).at(1).toString(), QStringLiteral("customer-1"));
    QVERIFY(seenInSlot);
    QCOMPARE(seenInSlot->value, QByteArray("prod/customer-1"));

    QVERIFY(m_service->kvDelete(kvId(), QStringLiteral("customer-1")));
    QCOMPARE(kvChanged.size(), 2);
    QVERIFY(!m_service->kvGet(kvId(), QStringLiteral("customer-1")));

    QSignalSpy scriptChanged(m_service.get(), &PlatformService::scriptChanged);
    std::shared_ptr<const store::ScriptRecord> scriptInSlot;
    connect(m_service.get(), &PlatformService::scriptChanged, this,
            [&](const QString &ns, const QString &name) {
                scriptInSlot = m_service->script(ns, name);
            });
    const quint64 generation = m_service->snapshot()->generation;
    QVERIFY(m_service->putScript(QStringLiteral("prod"), QStringLiteral("customer-1"),
                                 {moduleWorker(), {}}));
    QCOMPARE(scriptChanged.size(), 1);
    QCOMPARE(scriptChanged.at(0).at(0).toString(), QStringLiteral("prod"));
    QCOMPARE(scriptChanged.at(0).at(1).toString(), QStringLiteral("customer-1"));
    QVERIFY(scriptInSlot);
    QVERIFY(m_service->snapshot()->generation > generation);

    QSignalSpy namespacesChanged(m_service.get(), &PlatformService::namespacesChanged);
    QVERIFY(m_service->setNamespaceTrusted(QStringLiteral("prod"), true));
    QCOMPARE(namespacesChanged.size(), 1);
    QVERIFY(m_service->snapshot()->dispatchNamespace(QStringLiteral("prod"))->trustedWorkers);

    // Deleting a namespace takes its scripts with it, in SQLite and in memory.
    QVERIFY(m_service->deleteNamespace(QStringLiteral("prod")));
    QCOMPARE(namespacesChanged.size(), 2);
    QCOMPARE(scriptChanged.size(), 2);
    QVERIFY(!m_service->script(QStringLiteral("prod"), QStringLiteral("customer-1")));
    QSqlQuery count = m_db->exec(QStringLiteral("SELECT count(*) FROM script_modules"));
    QVERIFY(count.next());
    QCOMPARE(count.value(0).toInt(), 0);

    QSignalSpy kvNamespacesChanged(m_service.get(), &PlatformService::kvNamespacesChanged);
    QVERIFY(m_service->renameKvNamespace(kvId(), QStringLiteral("ROUTES")));
    QCOMPARE(kvNamespacesChanged.size(), 1);
    QCOMPARE(m_service->kvNamespaceByTitle(QStringLiteral("ROUTES"))->id, kvId());
}

void tst_PlatformService::scriptsAndTags()
{
    const QString prod = QStringLiteral("prod");
    QVERIFY(m_service->putScript(prod, QStringLiteral("a"),
                                 {moduleWorker(), QStringList {"free"}}));
    QVERIFY(m_service->putScript(prod, QStringLiteral("b"),
                                 {moduleWorker(), QStringList {"pro", "eu"}}));
    QVERIFY(m_service->putScript(prod, QStringLiteral("c"),
                                 {moduleWorker(), QStringList {"free", "eu"}}));
    auto names = [&](const QList<PlatformService::TagFilter> &filters) {
        QStringList list;
        const auto listed = m_service->listScripts(prod, filters);
        for (const auto &script : listed.value())
            list << script->name;
        return list;
    };
    QCOMPARE(names({}), (QStringList {"a", "b", "c"}));
    QCOMPARE(names({{QStringLiteral("free"), true}}), (QStringList {"a", "c"}));
    QCOMPARE(names({{QStringLiteral("free"), true}, {QStringLiteral("eu"), false}}),
             QStringList {"a"});

    // A re-upload without tags keeps them, keeps created time, changes modified time and hash.
    const auto first = m_service->script(prod, QStringLiteral("a"));
    m_clock.advanceSeconds(5);
    const auto second = m_service->putScript(prod, QStringLiteral("a"),
                                             {moduleWorker("export default {}"), std::nullopt});
    QVERIFY(second);
    QCOMPARE(second.value()->tags, QStringList {"free"});
    QCOMPARE(second.value()->createdAt, first->createdAt);
    QCOMPARE(second.value()->modifiedAt, first->modifiedAt + 5000);
    QVERIFY(second.value()->contentHash != first->contentHash);
    QCOMPARE(second.value()->contentHash.size(), 64);
    // The old snapshot a request may still hold is untouched.
    QCOMPARE(first->code.modules.first().code.left(6), QByteArray("export"));
    QVERIFY(first->code.modules.first().code != second.value()->code.modules.first().code);

    QVERIFY(m_service->setScriptTags(prod, QStringLiteral("b"), {QStringLiteral("free")}));
    QCOMPARE(names({{QStringLiteral("free"), true}}), (QStringList {"a", "b", "c"}));
    const auto deleted = m_service->deleteScriptsByTags(prod, {{QStringLiteral("eu"), true}});
    QCOMPARE(deleted.value(), 1);
    QCOMPARE(names({}), (QStringList {"a", "b"}));
}

void tst_PlatformService::platformWorkersAndDispatcher()
{
    QSignalSpy workerChanged(m_service.get(), &PlatformService::platformWorkerChanged);
    QSignalSpy dispatcherChanged(m_service.get(), &PlatformService::activeDispatcherChanged);
    QVERIFY(m_service->putPlatformWorker(QStringLiteral("dispatcher"),
                                         store::WorkerKind::Dispatcher, moduleWorker()));
    QVERIFY(m_service->putPlatformWorker(QStringLiteral("tail"), store::WorkerKind::Tail,
                                         moduleWorker()));
    QCOMPARE(workerChanged.size(), 2);

    const auto wrongKind = m_service->setActiveDispatcher(QStringLiteral("tail"));
    QCOMPARE(wrongKind.errorMessage(),
             QStringLiteral("Platform Worker \"tail\" is of kind tail, not dispatcher"));
    const auto missing = m_service->setActiveDispatcher(QStringLiteral("nope"));
    QCOMPARE(missing.errorMessage(), QStringLiteral("Platform Worker \"nope\" does not exist"));

    QVERIFY(m_service->setActiveDispatcher(QStringLiteral("dispatcher")));
    QCOMPARE(dispatcherChanged.size(), 1);
    QCOMPARE(m_service->snapshot()->dispatcher()->name, QStringLiteral("dispatcher"));

    const auto demote = m_service->putPlatformWorker(QStringLiteral("dispatcher"),
                                                     store::WorkerKind::Other, moduleWorker());
    QCOMPARE(demote.errorMessage(),
             QStringLiteral("Platform Worker \"dispatcher\": is the active dispatcher, so it must "
                            "stay of kind dispatcher"));

    QVERIFY(m_service->deletePlatformWorker(QStringLiteral("dispatcher")));
    QCOMPARE(dispatcherChanged.size(), 2);
    QVERIFY(m_service->activeDispatcher().isEmpty());
    QVERIFY(!m_service->snapshot()->dispatcher());
}

void tst_PlatformService::kvExpiresOnTime()
{
    PlatformService::KvPutOptions ttl;
    ttl.expirationTtl = 60;
    QVERIFY(m_service->kvPut(kvId(), QStringLiteral("session"), "s", ttl));
    PlatformService::KvPutOptions at;
    at.expiration = kNow + 120;
    QVERIFY(m_service->kvPut(kvId(), QStringLiteral("later"), "l", at));
    QVERIFY(m_service->kvPut(kvId(), QStringLiteral("forever"), "f"));
    QCOMPARE(m_service->kvGet(kvId(), QStringLiteral("session"))->expiration, kNow + 60);

    m_clock.advanceSeconds(59);
    QVERIFY(m_service->kvGet(kvId(), QStringLiteral("session")));
    m_clock.advanceSeconds(1);
    QVERIFY(!m_service->kvGet(kvId(), QStringLiteral("session")));
    QCOMPARE(m_service->kvList(kvId()).value().keys.size(), 2);
    QVERIFY(m_service->kvGet(kvId(), QStringLiteral("later")));

    // The sweep removes it from SQLite and memory and says so.
    QSignalSpy changed(m_service.get(), &PlatformService::kvChanged);
    QCOMPARE(m_service->purgeExpiredKv(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(1).toString(), QStringLiteral("session"));
    QCOMPARE(m_service->kvView().size(kvId()), 2);
    QSqlQuery rows = m_db->exec(QStringLiteral("SELECT count(*) FROM kv_entries"));
    QVERIFY(rows.next());
    QCOMPARE(rows.value(0).toInt(), 2);

    m_clock.advanceSeconds(60);
    QVERIFY(!m_service->kvGet(kvId(), QStringLiteral("later")));
    QVERIFY(m_service->kvGet(kvId(), QStringLiteral("forever")));
}

void tst_PlatformService::kvListPages()
{
    QStringList expected;
    QList<PlatformService::KvBulkItem> items;
    for (int i = 0; i < 25; ++i) {
        const QString key = QStringLiteral("customer/%1").arg(i, 2, 10, QLatin1Char('0'));
        items.append({key, QByteArray::number(i), {}});
        expected << key;
    }
    items.append({QStringLiteral("plan/free"), "f", {}});
    items.append({QStringLiteral("a"), "a", {}});
    // Cloudflare orders by UTF-8 bytes: U+FF5E sorts before U+1F600 there, after it in UTF-16.
    items.append({QStringLiteral("z\U0001F600"), "emoji", {}});
    items.append({QStringLiteral("z\uFF5E"), "tilde", {}});
    items.last().options.metadata = R"({"m": 1})";
    QVERIFY(m_service->kvBulkPut(kvId(), items));

    QStringList seen;
    QString cursor;
    int pages = 0;
    for (;;) {
        const auto page = m_service->kvList(kvId(), QStringLiteral("customer/"), 10, cursor);
        QVERIFY(page);
        ++pages;
        for (const auto &key : page.value().keys)
            seen << key.name;
        if (page.value().listComplete) {
            QVERIFY(page.value().cursor.isEmpty());
            break;
        }
        QCOMPARE(page.value().keys.size(), 10);
        cursor = page.value().cursor;
        QVERIFY(pages < 10);
    }
    QCOMPARE(pages, 3);
    QCOMPARE(seen, expected);

    // An exactly full last page is complete: no empty page after it.
    const auto exact = m_service->kvList(kvId(), QStringLiteral("customer/"), 25);
    QVERIFY(exact.value().listComplete);

    const auto all = m_service->kvList(kvId(), {}, 1000);
    QCOMPARE(all.value().keys.size(), 29);
    QCOMPARE(all.value().keys.first().name, QStringLiteral("a"));
    QCOMPARE(all.value().keys.at(27).name, QStringLiteral("z\uFF5E"));
    QCOMPARE(all.value().keys.at(27).metadata, QByteArray(R"({"m":1})"));
    QCOMPARE(all.value().keys.at(28).name, QStringLiteral("z\U0001F600"));
}

void tst_PlatformService::kvBulk()
{
    QSignalSpy bulk(m_service.get(), &PlatformService::kvBulkChanged);
    // One bad pair refuses the whole batch.
    const auto bad = m_service->kvBulkPut(
            kvId(), {{QStringLiteral("ok"), "1", {}}, {QStringLiteral(".."), "2", {}}});
    QCOMPARE(
            bad.errorMessage(),
            QStringLiteral("KV key \"..\" in namespace USER_ROUTING: must not be \".\" or \"..\""));
    QVERIFY(!m_service->kvGet(kvId(), QStringLiteral("ok")));
    QCOMPARE(bulk.size(), 0);

    QVERIFY(m_service->kvBulkPut(kvId(),
                                 {{QStringLiteral("a"), "1", {}},
                                  {QStringLiteral("b"), "2", {}},
                                  {QStringLiteral("c"), "3", {}}}));
    QCOMPARE(bulk.size(), 1);
    QCOMPARE(bulk.at(0).at(1).toStringList(), (QStringList {"a", "b", "c"}));
    QVERIFY(m_service->kvBulkDelete(
            kvId(), {QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("missing")}));
    QCOMPARE(bulk.size(), 2);
    QCOMPARE(m_service->kvList(kvId()).value().keys.size(), 1);
}

void tst_PlatformService::restartLoadsEverything()
{
    const QString prod = QStringLiteral("prod");
    store::WorkerCode code = moduleWorker();
    code.modules.append({QStringLiteral("lib/util.js"),
                         QStringLiteral("application/javascript+module"), "export const x = 1"});
    code.compatibilityFlags = {QStringLiteral("nodejs_compat")};
    code.bindings
            = QJsonDocument::fromJson(
                      QStringLiteral(
                              R"([{"type":"kv_namespace","name":"ROUTES","namespace_id":"%1"}])")
                              .arg(kvId())
                              .toUtf8())
                      .array();
    const auto script = m_service->putScript(prod, QStringLiteral("customer-1"),
                                             {code, QStringList {"free"}});
    QVERIFY2(script, qPrintable(script.errorMessage()));
    QVERIFY(m_service->putPlatformWorker(QStringLiteral("dispatcher"),
                                         store::WorkerKind::Dispatcher, code));
    QVERIFY(m_service->setActiveDispatcher(QStringLiteral("dispatcher")));
    QVERIFY(m_service->putCustomHostname(QStringLiteral("shop.example.com"),
                                         R"({"customer":"1"})"));
    PlatformService::KvPutOptions options;
    options.metadata = R"({"plan":"pro"})";
    options.expirationTtl = 3600;
    QVERIFY(m_service->kvPut(kvId(), QStringLiteral("customer-1"), QByteArray("\0bin", 4),
                             options));
    QVERIFY(m_service->createNamespace(QStringLiteral("staging"), true));

    open();
    const auto snapshot = m_service->snapshot();
    QCOMPARE(snapshot->namespaces.size(), 2);
    QVERIFY(snapshot->dispatchNamespace(QStringLiteral("staging"))->trustedWorkers);
    const auto loaded = snapshot->script(prod, QStringLiteral("customer-1"));
    QVERIFY(loaded);
    QCOMPARE(loaded->code.modules, code.modules);
    QCOMPARE(loaded->code.mainModule, code.mainModule);
    QCOMPARE(loaded->code.compatibilityDate, code.compatibilityDate);
    QCOMPARE(loaded->code.compatibilityFlags, code.compatibilityFlags);
    QCOMPARE(loaded->code.bindings, code.bindings);
    QCOMPARE(loaded->tags, QStringList {"free"});
    QCOMPARE(loaded->contentHash, script.value()->contentHash);
    QCOMPARE(loaded->createdAt, script.value()->createdAt);
    QCOMPARE(snapshot->dispatcher()->code.modules, code.modules);
    QCOMPARE(snapshot->dispatcher()->kind, store::WorkerKind::Dispatcher);
    QCOMPARE(snapshot->customHostname(QStringLiteral("shop.example.com"))
                     ->metadata.value(QStringLiteral("customer"))
                     .toString(),
             QStringLiteral("1"));
    QCOMPARE(m_service->kvNamespaceByTitle(QStringLiteral("USER_ROUTING"))->id, kvId());
    const auto value = m_service->kvGet(kvId(), QStringLiteral("customer-1"));
    QVERIFY(value);
    QCOMPARE(value->value, QByteArray("\0bin", 4));
    QCOMPARE(value->metadata, QByteArray(R"({"plan":"pro"})"));
    QCOMPARE(value->expiration, kNow + 3600);
}

void tst_PlatformService::appendsReachSqlite()
{
    store::TraceRecord trace;
    trace.scriptName = QStringLiteral("customer-1");
    trace.outcome = QStringLiteral("exceededCpu");
    QSignalSpy appended(m_service.get(), &PlatformService::traceAppended);
    std::thread other([&] {
        for (int i = 0; i < 50; ++i)
            m_service->appendTrace(trace);
    });
    other.join();
    store::AnalyticsPoint point;
    point.dataset = QStringLiteral("limits");
    QVERIFY(m_service->appendDataPoints({point, point}));
    m_service->flushAppends();
    QTRY_COMPARE(appended.size(), 50);
    QSqlQuery traces = m_db->exec(
            QStringLiteral("SELECT count(*) FROM traces WHERE outcome = 'exceededCpu'"));
    QVERIFY(traces.next());
    QCOMPARE(traces.value(0).toInt(), 50);
    QSqlQuery rows = m_db->exec(QStringLiteral("SELECT count(*) FROM analytics_rows"));
    QVERIFY(rows.next());
    QCOMPARE(rows.value(0).toInt(), 2);
}

void tst_PlatformService::refusesOtherThreads()
{
    std::optional<Result<void>> result;
    std::thread other([&] { result = m_service->kvPut(kvId(), QStringLiteral("k"), "v"); });
    other.join();
    QVERIFY(result && !result->ok());
    QCOMPARE(result->error().kind, ErrorKind::Storage);
    // Reads are fine anywhere.
    QVERIFY(m_service->kvPut(kvId(), QStringLiteral("k"), "v"));
    std::optional<store::KvValue> read;
    std::thread reader([&] { read = m_service->kvView().get(kvId(), QStringLiteral("k")); });
    reader.join();
    QVERIFY(read);
}

QTEST_GUILESS_MAIN(tst_PlatformService)
#include "tst_platformservice.moc"
