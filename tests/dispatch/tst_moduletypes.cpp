// Modules that are not JavaScript, as Cloudflare's upload names them by content type (wrangler's
// Text, Data and CompiledWasm rules): `text/plain` imports as a string, `application/octet-stream`
// as an ArrayBuffer, `application/json` as the parsed value and `application/wasm` as a
// WebAssembly.Module, each its module's `default` export. Through the real dispatch listener; bad
// content is refused at upload with the module's name, and code generation stays refused after
// the script loaded.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "ns";

const QByteArray kDispatcher = R"js(
export default {
  fetch(request, env) {
    return env.DISPATCHER.get(new URL(request.url).hostname.split(".")[0]).fetch(request);
  },
};
)js";

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const QByteArray kAddWasm = QByteArray::fromHex("0061736d0100000001070160027f7f017f030201000707"
                                                "01036164640000"
                                                "0a09010700200020016a0b");

const QByteArray kMain = R"js(
import greeting from "./greeting.txt";
import bytes from "./data/bytes.bin";
import config from "./config.json";
import add from "./add.wasm";

export default {
  async fetch(request) {
    const view = new Uint8Array(bytes);
    const instance = await WebAssembly.instantiate(add);
    let compileError = null;
    try {
      await WebAssembly.compile(new Uint8Array(0));
    } catch (e) {
      compileError = e.message;
    }
    return Response.json({
      greeting,
      greetingType: typeof greeting,
      bytesIsArrayBuffer: bytes instanceof ArrayBuffer,
      bytesLength: bytes.byteLength,
      firstByte: view[0],
      lastByte: view[view.length - 1],
      config,
      addIsModule: add instanceof WebAssembly.Module,
      sum: instance.exports.add(2, 3),
      compileError,
    });
  },
};
)js";

store::ScriptModule module(const char *name, const char *type, const QByteArray &content)
{
    return {QString::fromLatin1(name), QString::fromLatin1(type), content};
}

store::WorkerCode worker(QList<store::ScriptModule> extra)
{
    store::WorkerCode code;
    code.modules = {module("index.js", "application/javascript+module", kMain)};
    code.modules += extra;
    code.mainModule = QStringLiteral("index.js");
    code.compatibilityDate = QStringLiteral("2025-01-01");
    return code;
}

QByteArray allBytes()
{
    QByteArray out;
    for (int i = 0; i < 256; ++i)
        out.append(char(i));
    return out;
}

QList<store::ScriptModule> goodModules()
{
    return {module("greeting.txt", "text/plain", "héllo ✓"),
            module("data/bytes.bin", "application/octet-stream", allBytes()),
            module("config.json", "application/json", R"({"plan":"pro","limits":[10,50]})"),
            module("add.wasm", "application/wasm", kAddWasm)};
}
} // namespace

class tst_ModuleTypes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void eachKindImportsAsItsDefault();
    void badContentIsRefusedWithItsName_data();
    void badContentIsRefusedWithItsName();

private:
    QString put(const QString &name, const store::WorkerCode &code)
    {
        auto put = m_stack.service().putScript(QString::fromLatin1(kNamespace), name, {code, {}});
        return put ? QString() : put.errorMessage();
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_ModuleTypes::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), kDispatcher, 2);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_ModuleTypes::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_ModuleTypes::eachKindImportsAsItsDefault()
{
    const QString error = put(QStringLiteral("kinds"), worker(goodModules()));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int round = 0; round < 2; ++round) { // the second request: the same evaluated modules
        const RawResponse r = rawRequest(m_stack.port(), "GET", "kinds.example.com", "/");
        QVERIFY2(r.status == 200, r.body.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(o.value(u"greeting").toString(), QStringLiteral("héllo ✓"));
        QCOMPARE(o.value(u"greetingType").toString(), QStringLiteral("string"));
        QCOMPARE(o.value(u"bytesIsArrayBuffer").toBool(), true);
        QCOMPARE(o.value(u"bytesLength").toInt(), 256);
        QCOMPARE(o.value(u"firstByte").toInt(), 0);
        QCOMPARE(o.value(u"lastByte").toInt(), 255);
        QCOMPARE(o.value(u"config").toObject().value(u"plan").toString(), QStringLiteral("pro"));
        QCOMPARE(o.value(u"config").toObject().value(u"limits").toArray().at(1).toInt(), 50);
        QCOMPARE(o.value(u"addIsModule").toBool(), true);
        QCOMPARE(o.value(u"sum").toInt(), 5);
        // Uploaded Wasm is compiled at load; compiling bytes from a request is still refused.
        QVERIFY2(o.value(u"compileError").toString().contains(QLatin1String("disallowed")),
                 r.body.constData());
    }
}

void tst_ModuleTypes::badContentIsRefusedWithItsName_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("JSON that does not parse")
            << QByteArray("config.json") << QByteArray("application/json") << QByteArray("{plan:");
    QTest::newRow("Wasm that is not Wasm")
            << QByteArray("add.wasm") << QByteArray("application/wasm")
            << QByteArray("export default 1;");
    QTest::newRow("truncated Wasm") << QByteArray("add.wasm") << QByteArray("application/wasm")
                                    << kAddWasm.left(kAddWasm.size() - 3);
}

void tst_ModuleTypes::badContentIsRefusedWithItsName()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, content);
    QList<store::ScriptModule> modules = goodModules();
    for (store::ScriptModule &m : modules)
        if (m.name == QLatin1String(name))
            m = module(name.constData(), type.constData(), content);
    const QString error = put(QStringLiteral("broken"), worker(modules));
    QVERIFY2(error.contains(QLatin1String(name)), qPrintable(error));
    qInfo().noquote() << error;
    // Nothing was stored, and the platform still serves the good Worker.
    QVERIFY(rawRequest(m_stack.port(), "GET", "broken.example.com", "/").status != 200);
    QCOMPARE(rawRequest(m_stack.port(), "GET", "kinds.example.com", "/").status, 200);
}

QTEST_GUILESS_MAIN(tst_ModuleTypes)
#include "tst_moduletypes.moc"
