// Scripts: module and service-worker syntax, imports between modules, and load errors that say
// where (module:line:column) — found without running any Worker code.
#include "enginetest.h"

#include "engine/checkedsources.h"
#include "engine/v8platform.h"

#include <QTest>

using namespace switchyard::engine;
using namespace enginetest;

class tst_EngineScripts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void moduleWorker();
    void serviceWorker();
    void serviceWorkerBindingsAreGlobals();
    void multiModuleImports();
    void syntaxErrorNamesModuleLineColumn();
    void syntaxErrorInImportedModule();
    void unknownImportNamesImporterAndSpecifier();
    void missingMainModule();
    void checkRunsNoCode();
    void checkRemembersOnlyWhatPassed_data();
    void checkRemembersOnlyWhatPassed();
    void checkedSourcesForgetTheOldest();
    void topLevelThrowFailsInvocations();

private:
    std::unique_ptr<V8Platform> m_platform;
    std::unique_ptr<Engine> m_engine;
};

void tst_EngineScripts::initTestCase()
{
    m_platform = std::make_unique<V8Platform>();
    m_engine = std::make_unique<Engine>(*m_platform, standInConfig());
    QVERIFY2(m_engine->preludeError().isNull(), qPrintable(m_engine->preludeError()));
}

void tst_EngineScripts::cleanupTestCase()
{
    m_engine.reset();
    m_platform.reset();
}

void tst_EngineScripts::moduleWorker()
{
    ScriptError error;
    ScriptPtr script = m_engine->compile(modules("hello", {"hello.js"}), &error);
    QVERIFY2(script, qPrintable(error.message));
    const InvocationResult result = invoke(*m_engine, script, get("http://example.com/x"));
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QVERIFY(bodyOf(result).startsWith(QStringLiteral("hello GET http://example.com/x")));
}

void tst_EngineScripts::serviceWorker()
{
    ScriptPtr script = m_engine->compile(ScriptSource::serviceWorkerScript(
            QStringLiteral("sw"), readFixture(QStringLiteral("serviceworker.js"))));
    QVERIFY(script);
    const InvocationResult result = invoke(*m_engine, script, get("http://sw.test/"));
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(result), QStringLiteral("service worker says hi to http://sw.test/"));
}

void tst_EngineScripts::serviceWorkerBindingsAreGlobals()
{
    ScriptPtr script = m_engine->compile(ScriptSource::serviceWorkerScript(
            QStringLiteral("swg"), readFixture(QStringLiteral("sw_globals.js"))));
    QVERIFY(script);
    auto env = [](const QString &greeting) {
        return QVariantList {
                QVariantMap {{QStringLiteral("name"), QStringLiteral("GREETING")},
                             {QStringLiteral("type"), QStringLiteral("plain_text")},
                             {QStringLiteral("text"), greeting}},
                QVariantMap {{QStringLiteral("name"), QStringLiteral("STORE")},
                             {QStringLiteral("type"), QStringLiteral("kv_namespace")}}};
    };
    // At load time the script sees the first Invocation's env; each event sees its own.
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://sw/"), {}, nullptr,
                           env(QStringLiteral("hi")))),
             QStringLiteral("hi hi object mine"));
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://sw/"), {}, nullptr,
                           env(QStringLiteral("bye")))),
             QStringLiteral("hi bye object mine"));
}

void tst_EngineScripts::multiModuleImports()
{
    ScriptError error;
    ScriptPtr script = m_engine->compile(
            modules("multi", {"index.js", "lib/util.js", "lib/helper.js", "common.js"}, "multi"),
            &error);
    QVERIFY2(script, qPrintable(error.message));
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://m/"))), QStringLiteral("MULTI! helped"));
}

void tst_EngineScripts::syntaxErrorNamesModuleLineColumn()
{
    ScriptError error;
    QVERIFY(!m_engine->compile(modules("bad", {"syntax_error.js"}), &error));
    QCOMPARE(error.message,
             QStringLiteral("syntax_error.js:3:29: SyntaxError: Unexpected token '}'"));
    QCOMPARE(error.module, QStringLiteral("syntax_error.js"));
    QCOMPARE(error.line, 3);
    QCOMPARE(error.column, 29);

    const ScriptError sw = m_engine->check(ScriptSource::serviceWorkerScript(
            QStringLiteral("sw"),
            QStringLiteral("addEventListener('fetch', e => {\n  let = ;\n});")));
    QCOMPARE(sw.message, QStringLiteral("worker.js:2:9: SyntaxError: Unexpected token ';'"));
}

void tst_EngineScripts::syntaxErrorInImportedModule()
{
    ScriptSource source = ScriptSource::esModules(
            QStringLiteral("w"),
            {{QStringLiteral("index.js"),
              QStringLiteral("import './lib/b.js';\nexport default {};")},
             {QStringLiteral("lib/b.js"), QStringLiteral("const a = 1;\nconst a = 2;")}},
            QStringLiteral("index.js"));
    QCOMPARE(m_engine->check(source).message,
             QStringLiteral("lib/b.js:2:7: SyntaxError: Identifier 'a' has already been declared"));
}

void tst_EngineScripts::unknownImportNamesImporterAndSpecifier()
{
    ScriptError error;
    QVERIFY(!m_engine->compile(modules("imports", {"import_error.js"}), &error));
    QCOMPARE(error.message,
             QStringLiteral("import_error.js:1:25: Error: No such module "
                            "\"./missing.js\" imported from \"import_error.js\"."));
}

void tst_EngineScripts::missingMainModule()
{
    ScriptSource source = modules("nomain", {"hello.js"});
    source.mainModule = QStringLiteral("index.js");
    const ScriptError error = m_engine->check(source);
    QVERIFY(error.message.contains(QStringLiteral("No such module \"index.js\"")));
}

void tst_EngineScripts::checkRunsNoCode()
{
    // Top-level code that would spin forever or throw is not run by check().
    ScriptSource spin = ScriptSource::esModules(
            QStringLiteral("spin"),
            {{QStringLiteral("i.js"), QStringLiteral("while (true) {}\nexport default {};")}},
            QStringLiteral("i.js"));
    QVERIFY(m_engine->check(spin).isNull());
    QVERIFY(m_engine->check(modules("t", {"top_throw.js"})).isNull());
}

// Three modules of three kinds, which check() passes.
static ScriptSource memoSource()
{
    return ScriptSource::esModules(
            QStringLiteral("memo"),
            {{QStringLiteral("index.js"),
              QStringLiteral("import data from './data.json';\nimport { f } from './lib.js';\n"
                             "export default { fetch() { return new Response(f(data)); } };")},
             {QStringLiteral("lib.js"), QStringLiteral("export const f = (d) => d.x;")},
             {QStringLiteral("data.json"), {}, ModuleKind::Json, "{\"x\": \"ok\"}"}},
            QStringLiteral("index.js"));
}

// A source that passed check() is not parsed again (CheckedSources); one that differs from it in
// any part of its modules must be, and what fails must fail every time.
void tst_EngineScripts::checkRemembersOnlyWhatPassed_data()
{
    QTest::addColumn<ScriptSource>("variant");
    QTest::addColumn<QString>("error"); // empty: passes

    ScriptSource s = memoSource();
    s.name = QStringLiteral("renamed");
    QTest::newRow("the same, under another Worker name") << s << QString();
    s = memoSource();
    s.mainModule = QStringLiteral("main.js");
    QTest::newRow("main module") << s << QStringLiteral("No such module \"main.js\"");
    s = memoSource();
    s.modules[1].name = QStringLiteral("lib2.js");
    QTest::newRow("a module's name")
            << s << QStringLiteral("No such module \"./lib.js\" imported from \"index.js\"");
    s = memoSource();
    s.modules[1].code = QStringLiteral("export const f = (d) => d.x;\nconst f = 1;");
    QTest::newRow("a module's code")
            << s
            << QStringLiteral("lib.js:2:7: SyntaxError: Identifier 'f' has already been declared");
    s = memoSource();
    s.modules[2].bytes = "{\"x\": ";
    QTest::newRow("a module's bytes") << s << QStringLiteral("data.json");
    s = memoSource();
    s.modules[1].kind = ModuleKind::Json;
    s.modules[1].bytes = s.modules[1].code.toUtf8();
    QTest::newRow("a module's kind") << s << QStringLiteral("lib.js");
}

void tst_EngineScripts::checkRemembersOnlyWhatPassed()
{
    QFETCH(ScriptSource, variant);
    QFETCH(QString, error);
    const ScriptError first = m_engine->check(memoSource());
    QVERIFY2(first.isNull(), qPrintable(first.message));
    for (int i = 0; i < 2; ++i) {
        const ScriptError result = m_engine->check(variant);
        if (error.isEmpty())
            QVERIFY2(result.isNull(), qPrintable(result.message));
        else
            QVERIFY2(result.message.contains(error), qPrintable(result.message));
    }
    // And the remembered source still compiles into a Script that runs.
    ScriptError compileError;
    const ScriptPtr script = m_engine->compile(memoSource(), &compileError);
    QVERIFY2(script, qPrintable(compileError.message));
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://memo/"))), QStringLiteral("ok"));
}

void tst_EngineScripts::checkedSourcesForgetTheOldest()
{
    CheckedSources checked(2);
    auto source = [](const char *code) {
        return ScriptSource::esModules(QStringLiteral("w"),
                                       {{QStringLiteral("i.js"), QString::fromLatin1(code)}},
                                       QStringLiteral("i.js"));
    };
    const QByteArray a = CheckedSources::digest(source("export default 1;"));
    const QByteArray b = CheckedSources::digest(source("export default 2;"));
    const QByteArray c = CheckedSources::digest(source("export default 3;"));
    QCOMPARE(CheckedSources::digest(source("export default 1;")), a);
    QVERIFY(a != b && b != c && a != c);
    checked.insert(a);
    checked.insert(b);
    checked.insert(b);
    QCOMPARE(checked.size(), 2);
    checked.insert(c);
    QCOMPARE(checked.size(), 2);
    QVERIFY(!checked.contains(a));
    QVERIFY(checked.contains(b));
    QVERIFY(checked.contains(c));
}

void tst_EngineScripts::topLevelThrowFailsInvocations()
{
    ScriptPtr script = m_engine->compile(modules("top", {"top_throw.js"}));
    QVERIFY(script);
    for (int i = 0; i < 2; ++i) {
        const InvocationResult result = invoke(*m_engine, script, get("http://t/"));
        QCOMPARE(result.outcome, QStringLiteral("exception"));
        QCOMPARE(result.error, QStringLiteral("failed while loading"));
    }
}

QTEST_GUILESS_MAIN(tst_EngineScripts)
#include "tst_enginescripts.moc"
