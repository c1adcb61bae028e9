// `switchyard export` and `switchyard import`: the demo platform (with a secret, a module in a
// subfolder and a text module, JSON vars, binary and expiring KV entries, a tail Worker and a
// custom hostname added) exported, imported into a fresh data dir and served again, every host
// answering through the real dispatch listener as the original does; and the attacks on import
// (malformed TOML and JSON, a KV file of 1e6 entries, a 100 MB value, `../x` names and module
// paths, a symbolic link, reserved names, a missing secret, a Worker that does not compile, a data
// dir that has a store), each refused with a message naming the file and line or field, and no
// store written.
#include "../common/rawhttp.h"
#include "datatransfer.h"
#include "runtimestack.h"

#include "engine/v8platform.h"
#include "platform/exportlayout.h"
#include "platform/platformexport.h"
#include "platform/platformservice.h"
#include "platform/platformsetup.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace switchyard;
using testing::rawRequest;
using testing::RawResponse;

namespace {

const QByteArray kSecret = "s3cret-value-never-exported";

const QByteArray kExtras = R"js(
import { greeting } from "./lib/greeting.js";
export default {
  fetch(request, env) {
    return Response.json({ greeting, key: env.API_KEY, limits: env.LIMITS, site: env.SITE });
  },
};
)js";

const QByteArray kTail = "export default { tail(events) {} };\n";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

QByteArray fileHash(const QString &path)
{
    return QCryptographicHash::hash(readAll(path), QCryptographicHash::Sha256).toHex();
}

bool copyTree(const QString &from, const QString &to)
{
    return QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), from, to}) == 0;
}

QJsonObject readJson(const QString &path)
{
    return QJsonDocument::fromJson(readAll(path)).object();
}

} // namespace

class tst_Export : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void exportWritesWranglerProjects();
    void roundTripServesTheSame();
    void importTwiceRefuses();
    void malformedToml();
    void malformedManifest();
    void millionKvEntries();
    void hundredMegabyteValue();
    void valueOverCloudflareLimit();
    void traversalInNames();
    void traversalInModulePaths();
    void symlinkInside();
    void reservedNames();
    void missingSecret();
    void workerThatDoesNotCompile();
    void badHostnameLast();
    void exportRefusesNonEmptyFolder();

private:
    std::unique_ptr<app::RuntimeStack> startStack(const QString &dataDir);
    // Copies the good export, lets `mutate` break the copy, imports it into a fresh data dir:
    // refused with a message containing every one of `expected`, and no store written.
    void expectRefused(const std::function<void(const QString &)> &mutate,
                       const QStringList &expected);
    QString scriptFolder(const QString &name) const
    {
        return m_export + QStringLiteral("/namespaces/production/") + name;
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    QTemporaryDir m_work;
    QString m_original; // the data dir of the seeded platform
    QString m_export; // its export, with the secret written into .dev.vars
    std::unique_ptr<app::RuntimeStack> m_stack; // serves m_original
    QString m_kvId; // the BLOBS namespace
};

std::unique_ptr<app::RuntimeStack> tst_Export::startStack(const QString &dataDir)
{
    auto stack = std::make_unique<app::RuntimeStack>(*m_v8);
    app::RuntimeStack::Config config;
    config.dataDir = dataDir;
    config.executorThreads = 2;
    QString error;
    if (!stack->start(config, &error)) {
        qWarning() << error;
        return nullptr;
    }
    return stack;
}

void tst_Export::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    QVERIFY(m_work.isValid());
    m_original = m_work.filePath(QStringLiteral("original"));
    m_stack = startStack(m_original);
    QVERIFY(m_stack);
    platform::PlatformService &service = m_stack->service();
    const auto seeded = platform::seedDemoPlatform(service);
    QVERIFY2(seeded && seeded.value(), qPrintable(seeded.errorMessage()));

    // What the demo lacks and a platform has: a secret, a second module, JSON vars, binary,
    // expiring and described KV entries, a tail Worker, a custom hostname.
    auto blobs = service.createKvNamespace(QStringLiteral("BLOBS"));
    QVERIFY(blobs);
    m_kvId = blobs->id;
    platform::PlatformService::KvPutOptions described;
    described.metadata = R"({"owner":"acme","n":1})";
    QVERIFY(service.kvPut(m_kvId, QStringLiteral("text"), "plain text", described));
    QVERIFY(service.kvPut(m_kvId, QStringLiteral("binary"), QByteArray("\x00\xff\xfe\x80", 4)));
    platform::PlatformService::KvPutOptions expiring;
    expiring.expirationTtl = 3600;
    QVERIFY(service.kvPut(m_kvId, QStringLiteral("expiring"), "soon", expiring));

    store::WorkerCode code;
    code.modules = {
            {QStringLiteral("index.js"), QStringLiteral("application/javascript+module"), kExtras},
            {QStringLiteral("lib/greeting.js"), QStringLiteral("application/javascript+module"),
             "export const greeting = 'hello';\n"},
            // Kept and moved with its type; nothing imports it.
            {QStringLiteral("notes.txt"), QStringLiteral("text/plain"), "notes"}};
    code.mainModule = QStringLiteral("index.js");
    code.compatibilityDate = QStringLiteral("2025-01-01");
    code.compatibilityFlags = {QStringLiteral("nodejs_compat")};
    code.bindings = QJsonArray {
            QJsonObject {{"type", "secret_text"},
                         {"name", "API_KEY"},
                         {"text", QString::fromLatin1(kSecret)}},
            QJsonObject {{"type", "json"},
                         {"name", "LIMITS"},
                         {"json", QJsonObject {{"cpuMs", 7}, {"tiers", QJsonArray {1, 2.5, "x"}}}}},
            QJsonObject {{"type", "plain_text"}, {"name", "SITE"}, {"text", "extras"}},
            QJsonObject {{"type", "kv_namespace"}, {"name", "BLOBS"}, {"namespace_id", m_kvId}}};
    auto put = service.putScript(QStringLiteral("production"), QStringLiteral("extras"),
                                 {code, QStringList {QStringLiteral("customer:extra")}});
    QVERIFY2(put, qPrintable(put.errorMessage()));

    store::WorkerCode tail;
    tail.modules
            = {{QStringLiteral("tail.js"), QStringLiteral("application/javascript+module"), kTail}};
    tail.mainModule = QStringLiteral("tail.js");
    tail.compatibilityDate = QStringLiteral("2025-01-01");
    QVERIFY(service.putPlatformWorker(QStringLiteral("tailer"), store::WorkerKind::Tail, tail));
    QVERIFY(service.putCustomHostname(QStringLiteral("shop.localhost"),
                                      R"({"customer_id":"12345","plan":"pro"})"));

    m_export = m_work.filePath(QStringLiteral("export"));
    const auto exported = platform::exportPlatform(service, m_export);
    QVERIFY2(exported, qPrintable(exported.errorMessage()));
    QCOMPARE(exported->scripts, 6);
    QCOMPARE(exported->platformWorkers, 2);
    QCOMPARE(exported->kvNamespaces, 4);
    QCOMPARE(exported->secretsLeftOut, 1);
}

void tst_Export::cleanupTestCase()
{
    m_stack.reset();
    m_v8.reset();
}

void tst_Export::exportWritesWranglerProjects()
{
    // The secret's value is nowhere in the export; its name is.
    QDirIterator it(m_export, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        const QString path = it.next();
        ++files;
        QVERIFY2(!readAll(path).contains(kSecret), qPrintable(path));
    }
    QVERIFY(files > 10);
    const QJsonObject manifest = readJson(m_export + u'/' + platform::exportlayout::kManifestFile);
    QCOMPARE(manifest.value(u"active_dispatcher").toString(), QStringLiteral("dispatcher"));
    const QByteArray toml = readAll(scriptFolder(QStringLiteral("extras")) + "/wrangler.toml");
    QVERIFY2(toml.contains("#   API_KEY"), toml.constData());
    QVERIFY2(toml.contains("name = 'extras'") || toml.contains("name = \"extras\""),
             toml.constData());
    QVERIFY2(toml.contains("nodejs_compat"), toml.constData());
    QVERIFY2(toml.contains("[[kv_namespaces]]"), toml.constData());
    QVERIFY2(toml.contains("[[rules]]"), toml.constData());
    QCOMPARE(readAll(scriptFolder(QStringLiteral("extras")) + "/notes.txt"), QByteArray("notes"));
    QVERIFY(readAll(scriptFolder(QStringLiteral("extras")) + "/lib/greeting.js").contains("hello"));
    QVERIFY2(toml.contains("lib/greeting.js") && toml.contains("Text"), toml.constData());
    const QByteArray dispatcher = readAll(m_export + "/workers/dispatcher/wrangler.toml");
    QVERIFY2(dispatcher.contains("[[dispatch_namespaces]]"), dispatcher.constData());
    QVERIFY2(dispatcher.contains("[[analytics_engine_datasets]]"), dispatcher.constData());

    // The KV file is wrangler's bulk format: text as is, bytes in base64, expiration, metadata.
    const QJsonArray entries
            = QJsonDocument::fromJson(readAll(m_export + "/kv/" + m_kvId + ".json")).array();
    QCOMPARE(entries.size(), 3);
    QHash<QString, QJsonObject> byKey;
    for (const QJsonValue e : entries)
        byKey.insert(e.toObject().value(u"key").toString(), e.toObject());
    QCOMPARE(byKey.value("binary").value(u"base64"), QJsonValue(true));
    QCOMPARE(byKey.value("binary").value(u"value").toString(), QStringLiteral("AP/+gA=="));
    QCOMPARE(byKey.value("text").value(u"value").toString(), QStringLiteral("plain text"));
    QCOMPARE(byKey.value("text").value(u"metadata").toObject().value(u"owner").toString(),
             QStringLiteral("acme"));
    QVERIFY(byKey.value("expiring").value(u"expiration").toDouble() > 0);

    // For the imports below: the secret, as whoever imports supplies it.
    QVERIFY(writeAll(scriptFolder(QStringLiteral("extras")) + "/.dev.vars",
                     "# local secrets\nAPI_KEY=\"" + kSecret + "\"\n"));
}

void tst_Export::roundTripServesTheSame()
{
    const QString copy = m_work.filePath(QStringLiteral("copy"));
    const auto imported = app::importDirectory(m_export, copy, m_v8.get());
    QVERIFY2(imported, qPrintable(imported.errorMessage()));
    QCOMPARE(imported->scripts, 6);
    // USER_ROUTING 4, PLANS 3, CUSTOMERS 5, BLOBS 3.
    QCOMPARE(imported->kvEntries, qint64(15));
    auto copyStack = startStack(copy);
    QVERIFY(copyStack);

    const QList<QPair<QByteArray, QByteArray>> requests {
            {"localhost", "/"},
            {"127.0.0.1", "/about"},
            {"site.localhost", "/hello"},
            {"www.localhost", "/"},
            {"api.localhost", "/"},
            {"api.localhost", "/echo?a=1"},
            {"json-api.localhost", "/"},
            {"cpu-burner.localhost", "/"},
            {"fanout.localhost", "/?n=2"},
            {"fanout.localhost", "/?n=6"},
            {"thrower.localhost", "/"},
            {"nobody.localhost", "/"},
            {"extras.localhost", "/"},
            {"shop.localhost", "/"},
    };
    for (const auto &[host, path] : requests) {
        const RawResponse a = rawRequest(m_stack->port(), "GET", host, path);
        const RawResponse b = rawRequest(copyStack->port(), "GET", host, path);
        QVERIFY2(a.status != 0 && b.status == a.status,
                 qPrintable(QStringLiteral("%1%2: %3 then %4")
                                    .arg(QString::fromLatin1(host), QString::fromLatin1(path))
                                    .arg(a.status)
                                    .arg(b.status)));
        QVERIFY2(a.body == b.body,
                 qPrintable(QStringLiteral("%1%2: %3 / %4")
                                    .arg(QString::fromLatin1(host), QString::fromLatin1(path),
                                         QString::fromUtf8(a.body), QString::fromUtf8(b.body))));
    }
    // Each is what the demo documents, so the comparison above compared something.
    QCOMPARE(rawRequest(copyStack->port(), "GET", "cpu-burner.localhost", "/").status, 429);
    QCOMPARE(rawRequest(copyStack->port(), "GET", "thrower.localhost", "/").status, 500);
    QCOMPARE(rawRequest(copyStack->port(), "GET", "nobody.localhost", "/").status, 404);
    const QJsonObject extras
            = QJsonDocument::fromJson(
                      rawRequest(copyStack->port(), "GET", "extras.localhost", "/").body)
                      .object();
    QCOMPARE(extras.value(u"greeting").toString(), QStringLiteral("hello"));
    QCOMPARE(extras.value(u"key").toString(), QString::fromLatin1(kSecret));
    QCOMPARE(extras.value(u"limits").toObject().value(u"tiers").toArray().at(1).toDouble(), 2.5);

    // What is not a request: tags, trust, kinds, KV values, metadata and expiry, hostnames.
    platform::PlatformService &a = m_stack->service();
    platform::PlatformService &b = copyStack->service();
    QCOMPARE(b.activeDispatcher(), QStringLiteral("dispatcher"));
    QCOMPARE(b.platformWorker(QStringLiteral("tailer"))->kind, store::WorkerKind::Tail);
    QCOMPARE(b.namespaces().size(), a.namespaces().size());
    const auto scripts = a.listScripts(QStringLiteral("production"));
    QVERIFY(scripts);
    QCOMPARE(b.listScripts(QStringLiteral("production")).value().size(), scripts->size());
    for (const auto &script : scripts.value()) {
        const auto other = b.script(QStringLiteral("production"), script->name);
        QVERIFY(other);
        QCOMPARE(other->tags, script->tags);
        QCOMPARE(other->code.modules, script->code.modules);
        QCOMPARE(other->code.compatibilityFlags, script->code.compatibilityFlags);
    }
    QCOMPARE(b.kvNamespaces().size(), a.kvNamespaces().size());
    for (const auto &ns : a.kvNamespaces()) {
        QVERIFY(b.kvNamespace(ns.id));
        QCOMPARE(b.kvNamespace(ns.id)->title, ns.title);
        const auto keys = a.kvList(ns.id).value().keys;
        QCOMPARE(b.kvList(ns.id).value().keys.size(), keys.size());
        for (const auto &key : keys) {
            const auto va = a.kvGet(ns.id, key.name), vb = b.kvGet(ns.id, key.name);
            QVERIFY(vb);
            QCOMPARE(vb->value, va->value);
            QCOMPARE(vb->metadata, va->metadata);
            QCOMPARE(vb->expiration, va->expiration);
        }
    }
    const auto host = b.customHostname(QStringLiteral("shop.localhost"));
    QVERIFY(host);
    QCOMPARE(host->metadata.value(u"customer_id").toString(), QStringLiteral("12345"));
    copyStack.reset();
}

void tst_Export::importTwiceRefuses()
{
    // Into the data dir of the running original: refused, and the store not touched.
    const QString db = m_original + QStringLiteral("/switchyard.db");
    const QByteArray before = fileHash(db);
    const auto again = app::importDirectory(m_export, m_original, m_v8.get());
    QVERIFY(!again);
    QVERIFY2(again.errorMessage().contains(QStringLiteral("already holds a store")),
             qPrintable(again.errorMessage()));
    QCOMPARE(fileHash(db), before);

    const QString twice = m_work.filePath(QStringLiteral("twice"));
    QVERIFY(app::importDirectory(m_export, twice, m_v8.get()));
    const QByteArray imported = fileHash(twice + QStringLiteral("/switchyard.db"));
    QVERIFY(!app::importDirectory(m_export, twice, m_v8.get()));
    QCOMPARE(fileHash(twice + QStringLiteral("/switchyard.db")), imported);
}

void tst_Export::expectRefused(const std::function<void(const QString &)> &mutate,
                               const QStringList &expected)
{
    static int n = 0;
    const QString broken = m_work.filePath(QStringLiteral("broken-%1").arg(++n));
    QVERIFY(copyTree(m_export, broken));
    mutate(broken);
    const QString dataDir = m_work.filePath(QStringLiteral("refused-%1").arg(n));
    const auto result = app::importDirectory(broken, dataDir, m_v8.get());
    QVERIFY2(!result, "the broken export was imported");
    qInfo().noquote() << "refused:" << result.errorMessage().left(400);
    for (const QString &text : expected)
        QVERIFY2(result.errorMessage().contains(text),
                 qPrintable(QStringLiteral("\"%1\" does not say \"%2\"")
                                    .arg(result.errorMessage(), text)));
    QVERIFY(!QFile::exists(dataDir + QStringLiteral("/switchyard.db")));
    // Nothing staged is left behind either.
    QVERIFY(QDir(dataDir)
                    .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
                    .isEmpty());
    QProcess::execute(QStringLiteral("rm"), {QStringLiteral("-rf"), broken});
}

void tst_Export::malformedToml()
{
    expectRefused(
            [](const QString &dir) {
                writeAll(dir + "/namespaces/production/site/wrangler.toml",
                         "name = \"site\"\nmain = [\"index.js\"\ncompatibility_date = 1\n");
            },
            {QStringLiteral("namespaces/production/site/wrangler.toml:"), QStringLiteral(":3:")});
    expectRefused(
            [](const QString &dir) {
                writeAll(dir + "/namespaces/production/site/wrangler.toml",
                         "name = \"site\"\nmain = \"site.js\"\nrouted = true\n");
            },
            {QStringLiteral("wrangler.toml: routed: is not supported")});
    expectRefused(
            [](const QString &dir) {
                writeAll(dir + "/namespaces/production/site/wrangler.toml",
                         "name = \"json-api\"\nmain = \"site.js\"\n");
            },
            {QStringLiteral("site/wrangler.toml: name: \"json-api\" is not the Worker's name")});
}

void tst_Export::malformedManifest()
{
    expectRefused(
            [](const QString &dir) {
                QByteArray text = readAll(dir + "/switchyard-export.json");
                text.replace("\"scripts\": [", "\"scripts\": [,");
                writeAll(dir + "/switchyard-export.json", text);
            },
            {QStringLiteral("switchyard-export.json:")});
    expectRefused(
            [](const QString &dir) {
                QJsonObject m = readJson(dir + "/switchyard-export.json");
                QJsonArray scripts = m.value(u"scripts").toArray();
                QJsonObject first = scripts.at(0).toObject();
                first.insert(QStringLiteral("tags"), 7);
                scripts[0] = first;
                m.insert(QStringLiteral("scripts"), scripts);
                writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
            },
            {QStringLiteral("switchyard-export.json: scripts[0].tags: must be an array")});
}

void tst_Export::millionKvEntries()
{
    expectRefused(
            [this](const QString &dir) {
                QByteArray text = "[";
                text.reserve(40 * 1000000);
                for (int i = 0; i < 1000000; ++i) {
                    text += i ? ",\n" : "\n";
                    text += "{\"key\":\"k" + QByteArray::number(i) + "\",\"value\":\"v\"}";
                }
                text += "]\n";
                writeAll(dir + "/kv/" + m_kvId + ".json", text);
            },
            {QStringLiteral("kv/%1.json: 1000000 entries").arg(m_kvId)});
}

void tst_Export::hundredMegabyteValue()
{
    expectRefused(
            [this](const QString &dir) {
                QFile f(dir + "/kv/" + m_kvId + ".json");
                QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
                f.write("[{\"key\":\"big\",\"value\":\"");
                const QByteArray chunk(1 << 20, 'a');
                for (int i = 0; i < 100; ++i)
                    f.write(chunk);
                f.write("\"}]\n");
            },
            {QStringLiteral("kv/%1.json: ").arg(m_kvId), QStringLiteral("bytes; at most")});
}

void tst_Export::valueOverCloudflareLimit()
{
    // Inside the file limit, over Cloudflare's 25 MiB per value: the entry is named.
    expectRefused(
            [this](const QString &dir) {
                QByteArray text = "[{\"key\":\"ok\",\"value\":\"x\"},{\"key\":\"big\",\"value\":\"";
                text += QByteArray(25 * 1024 * 1024 + 1, 'b');
                text += "\"}]";
                writeAll(dir + "/kv/" + m_kvId + ".json", text);
            },
            {QStringLiteral("kv/%1.json: [1].value").arg(m_kvId)});
}

void tst_Export::traversalInNames()
{
    for (const char *field : {"name", "namespace"}) {
        expectRefused(
                [field](const QString &dir) {
                    QJsonObject m = readJson(dir + "/switchyard-export.json");
                    QJsonArray scripts = m.value(u"scripts").toArray();
                    QJsonObject first = scripts.at(0).toObject();
                    first.insert(QLatin1String(field), QStringLiteral("../x"));
                    first.remove(QStringLiteral("folder"));
                    scripts[0] = first;
                    m.insert(QStringLiteral("scripts"), scripts);
                    writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
                },
                {QStringLiteral("scripts[0].%1: \"../x\": must be 1 to 63 characters")
                         .arg(QLatin1String(field))});
    }
    expectRefused(
            [](const QString &dir) {
                QJsonObject m = readJson(dir + "/switchyard-export.json");
                QJsonArray kv = m.value(u"kv_namespaces").toArray();
                QJsonObject first = kv.at(0).toObject();
                first.insert(QStringLiteral("id"), QStringLiteral("../../etc/passwd"));
                kv[0] = first;
                m.insert(QStringLiteral("kv_namespaces"), kv);
                writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
            },
            {QStringLiteral("kv_namespaces[0].id")});
}

void tst_Export::traversalInModulePaths()
{
    expectRefused(
            [](const QString &dir) {
                QJsonObject m = readJson(dir + "/switchyard-export.json");
                QJsonArray scripts = m.value(u"scripts").toArray();
                QJsonObject first = scripts.at(0).toObject();
                first.insert(QStringLiteral("modules"),
                             QJsonArray {QJsonObject {{"name", "../../../switchyard-export.json"},
                                                      {"type", "text/plain"}}});
                scripts[0] = first;
                m.insert(QStringLiteral("scripts"), scripts);
                writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
            },
            {QStringLiteral("scripts[0].modules[0].name"), QStringLiteral("\"..\" part")});
    expectRefused(
            [](const QString &dir) {
                writeAll(dir + "/namespaces/production/site/wrangler.toml",
                         "name = \"site\"\nmain = \"../../../../../../etc/passwd\"\n");
            },
            {QStringLiteral("site/wrangler.toml: main:")});
}

void tst_Export::symlinkInside()
{
    expectRefused(
            [](const QString &dir) {
                const QString module = dir + "/namespaces/production/site/site.js";
                QFile::remove(module);
                QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), module));
            },
            {QStringLiteral("site/site.js: is a symbolic link")});
    expectRefused(
            [](const QString &dir) {
                QVERIFY(QFile::link(QStringLiteral("/etc"), dir + "/namespaces/elsewhere"));
            },
            {QStringLiteral("namespaces/elsewhere: is a symbolic link")});
}

void tst_Export::reservedNames()
{
    for (const char *reserved : {"wrangler.toml", ".dev.vars", "lib/.hidden.js"}) {
        expectRefused(
                [reserved](const QString &dir) {
                    QJsonObject m = readJson(dir + "/switchyard-export.json");
                    QJsonArray scripts = m.value(u"scripts").toArray();
                    QJsonObject first = scripts.at(0).toObject();
                    QJsonArray modules = first.value(u"modules").toArray();
                    modules.append(QJsonObject {{"name", QLatin1String(reserved)},
                                                {"type", "text/plain"}});
                    first.insert(QStringLiteral("modules"), modules);
                    scripts[0] = first;
                    m.insert(QStringLiteral("scripts"), scripts);
                    writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
                },
                {QStringLiteral("scripts[0].modules[1].name"), QStringLiteral("reserved")});
    }
    // A Worker named like the active dispatcher, but of another kind, cannot be made active.
    expectRefused(
            [](const QString &dir) {
                QJsonObject m = readJson(dir + "/switchyard-export.json");
                m.insert(QStringLiteral("active_dispatcher"), QStringLiteral("tailer"));
                writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
            },
            {QStringLiteral("active_dispatcher: \"tailer\" is not one of platform_workers of "
                            "kind dispatcher")});
}

void tst_Export::missingSecret()
{
    expectRefused(
            [](const QString &dir) {
                QFile::remove(dir + "/namespaces/production/extras/.dev.vars");
            },
            {QStringLiteral("secret API_KEY has no value"), QStringLiteral("extras/.dev.vars")});
    expectRefused(
            [](const QString &dir) {
                writeAll(dir + "/namespaces/production/extras/.dev.vars",
                         "API_KEY=1\nthis line has no equals sign\n");
            },
            {QStringLiteral("extras/.dev.vars:2: not a NAME=value line")});
}

void tst_Export::workerThatDoesNotCompile()
{
    // Found only while writing (by the engine's compile check), after the namespaces, KV and
    // other Workers went into the staged store: that store is thrown away whole.
    expectRefused(
            [](const QString &dir) {
                writeAll(dir + "/namespaces/production/thrower/thrower.js",
                         "export default { fetch( { }\n");
            },
            {QStringLiteral("namespaces/production/thrower: "), QStringLiteral("SyntaxError")});
}

void tst_Export::badHostnameLast()
{
    // The last thing written: everything before it went into the staged store, thrown away.
    expectRefused(
            [](const QString &dir) {
                QJsonObject m = readJson(dir + "/switchyard-export.json");
                m.insert(QStringLiteral("custom_hostnames"),
                         QJsonArray {QJsonObject {{"hostname", "not a host name"}}});
                writeAll(dir + "/switchyard-export.json", QJsonDocument(m).toJson());
            },
            {QStringLiteral("switchyard-export.json: custom_hostnames[0]: ")});
}

void tst_Export::exportRefusesNonEmptyFolder()
{
    const auto again = platform::exportPlatform(m_stack->service(), m_export);
    QVERIFY(!again);
    QVERIFY2(again.errorMessage().contains(QStringLiteral("is not an empty folder")),
             qPrintable(again.errorMessage()));
}

QTEST_GUILESS_MAIN(tst_Export)
#include "tst_export.moc"
