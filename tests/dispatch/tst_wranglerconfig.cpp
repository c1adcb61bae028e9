#include "platform/wranglerconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard::platform;

class tst_WranglerConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seedBindingsInEachSyntax_data();
    void seedBindingsInEachSyntax();
    void toml_data();
    void toml();
    void errors_data();
    void errors();
    void readsFileAndResolvesMain();
    void hostileToml_data();
    void hostileToml();
    void nestingLimitsSkipStringsAndComments();
};

void tst_WranglerConfig::seedBindingsInEachSyntax_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("text");
    // The seed page's binding, plus the custom-limits example's KV and dataset.
    QTest::newRow("jsonc") << "wrangler.jsonc" << QByteArray(R"({
        // the dispatcher
        "name": "dispatcher", "main": "src/index.js", /* entry */
        "compatibility_date": "2025-01-01",
        "dispatch_namespaces": [ { "binding": "DISPATCHER", "namespace": "my-dispatch-namespace" } ],
        "kv_namespaces": [ { "binding": "CUSTOMERS", "id": "customers" }, ],
        "analytics_engine_datasets": [ { "binding": "ANALYTICS", "dataset": "violations" } ],
        "vars": { "GREETING": "hi", "RETRIES": 3 },
    })");
    QTest::newRow("json") << "wrangler.json" << QByteArray(R"({
        "name": "dispatcher", "main": "src/index.js", "compatibility_date": "2025-01-01",
        "dispatch_namespaces": [ { "binding": "DISPATCHER", "namespace": "my-dispatch-namespace" } ],
        "kv_namespaces": [ { "binding": "CUSTOMERS", "id": "customers" } ],
        "analytics_engine_datasets": [ { "binding": "ANALYTICS", "dataset": "violations" } ],
        "vars": { "GREETING": "hi", "RETRIES": 3 }
    })");
    QTest::newRow("toml") << "wrangler.toml" << QByteArray(R"(# the dispatcher
name = "dispatcher"
main = "src/index.js"
compatibility_date = "2025-01-01"

[vars]
GREETING = "hi"
RETRIES = 3

[[dispatch_namespaces]]
binding = "DISPATCHER"
namespace = "my-dispatch-namespace"

[[kv_namespaces]]
binding = "CUSTOMERS"   # routing by plan
id = "customers"

[[analytics_engine_datasets]]
binding = "ANALYTICS"
dataset = "violations"
)");
}

void tst_WranglerConfig::seedBindingsInEachSyntax()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, text);
    const auto r = parseWranglerConfig(text, QStringLiteral("/p/") + fileName);
    QVERIFY2(r.config, qPrintable(r.error));
    const WranglerConfig &c = *r.config;
    QCOMPARE(c.name, QStringLiteral("dispatcher"));
    QCOMPARE(c.main, QStringLiteral("/p/src/index.js"));
    QCOMPARE(c.compatibilityDate, QStringLiteral("2025-01-01"));
    QCOMPARE(c.dispatchNamespaces.size(), 1);
    QCOMPARE(c.dispatchNamespaces[0].binding, QStringLiteral("DISPATCHER"));
    QCOMPARE(c.dispatchNamespaces[0].nameSpace, QStringLiteral("my-dispatch-namespace"));
    QCOMPARE(c.kvNamespaces.size(), 1);
    QCOMPARE(c.kvNamespaces[0].binding, QStringLiteral("CUSTOMERS"));
    QCOMPARE(c.kvNamespaces[0].id, QStringLiteral("customers"));
    QCOMPARE(c.analyticsEngineDatasets.size(), 1);
    QCOMPARE(c.analyticsEngineDatasets[0].dataset, QStringLiteral("violations"));
    QCOMPARE(c.vars.value(QStringLiteral("GREETING")).toString(), QStringLiteral("hi"));
    QCOMPARE(c.vars.value(QStringLiteral("RETRIES")).toInt(), 3);
}

void tst_WranglerConfig::toml_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("json"); // compact JSON of the result, or "error: <text>"

    QTest::newRow("scalars") << QByteArray("a = 1\nb = -2.5\nc = true\nd = 'lit\\eral'\ne = 1_000")
                             << QByteArray(R"({"a":1,"b":-2.5,"c":true,"d":"lit\\eral","e":1000})");
    QTest::newRow("escapes") << QByteArray(R"(s = "a\tb\u00e9\"")")
                             << QByteArray("{\"s\":\"a\\tb\xc3\xa9\\\"\"}");
    QTest::newRow("dotted keys") << QByteArray("a.b.c = 1\na.d = 2")
                                 << QByteArray(R"({"a":{"b":{"c":1},"d":2}})");
    QTest::newRow("inline table") << QByteArray("o = { x = 1, y = \"z\" }")
                                  << QByteArray(R"({"o":{"x":1,"y":"z"}})");
    QTest::newRow("multiline array")
            << QByteArray("a = [\n 1, # one\n 2,\n]") << QByteArray(R"({"a":[1,2]})");
    QTest::newRow("array of tables") << QByteArray("[[t]]\nx = 1\n[[t]]\nx = 2\n[t.sub]\ny = 3")
                                     << QByteArray(R"({"t":[{"x":1},{"sub":{"y":3},"x":2}]})");
    QTest::newRow("table then keys")
            << QByteArray("top = 0\n[s]\nk = \"v\"") << QByteArray(R"({"s":{"k":"v"},"top":0})");
    QTest::newRow("multiline string") << QByteArray("m = \"\"\"\nline1\nline2\"\"\"")
                                      << QByteArray(R"({"m":"line1\nline2"})");
    QTest::newRow("date stays text")
            << QByteArray("d = 2025-01-01") << QByteArray(R"({"d":"2025-01-01"})");
    QTest::newRow("duplicate key")
            << QByteArray("a = 1\na = 2")
            << QByteArray(
                       "error: 2:5: Error while parsing key-value pair: cannot redefine existing "
                       "integer 'a'");
    QTest::newRow("unterminated string")
            << QByteArray("a = \"x\nb = 1")
            << QByteArray("error: 1:7: Error while parsing string: unescaped control characters "
                          "other than TAB (U+0009) are explicitly prohibited");
    QTest::newRow("missing equals")
            << QByteArray("a 1")
            << QByteArray("error: 1:3: Error while parsing key-value pair: expected '=', saw '1'");
    QTest::newRow("junk after value")
            << QByteArray("a = 1 2")
            << QByteArray("error: 1:7: Error while parsing key-value pair: expected a comment or "
                          "whitespace, saw '2'");
    QTest::newRow("bad value")
            << QByteArray("a = @")
            << QByteArray("error: 1:5: Error while parsing value: could not determine value type");
}

void tst_WranglerConfig::toml()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, json);
    QString error;
    const auto o = parseToml(text, &error);
    if (json.startsWith("error: ")) {
        QVERIFY(!o);
        QCOMPARE(error, QString::fromUtf8(json.mid(7)));
        return;
    }
    QVERIFY2(o, qPrintable(error));
    QCOMPARE(QJsonDocument(*o).toJson(QJsonDocument::Compact), json);
}

void tst_WranglerConfig::errors_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");

    QTest::newRow("jsonc syntax") << "w.jsonc"
                                  << QByteArray("{\n  \"main\": \"a.js\"\n  \"x\": 1\n}")
                                  << "w.jsonc:3:4: unterminated object";
    QTest::newRow("unknown key") << "w.jsonc" << QByteArray(R"({"main": "a.js", "routes": []})")
                                 << "w.jsonc: routes: is not supported by Switchyard";
    QTest::newRow("no main") << "w.json" << QByteArray(R"({"name": "x"})")
                             << "w.json: main: is required (the entry module)";
    QTest::newRow("binding not table")
            << "w.json" << QByteArray(R"({"main": "a.js", "kv_namespaces": ["X"]})")
            << "w.json: kv_namespaces[0]: must be a table";
    QTest::newRow("missing namespace")
            << "w.toml" << QByteArray("main = \"a.js\"\n[[dispatch_namespaces]]\nbinding = \"D\"\n")
            << "w.toml: dispatch_namespaces[0].namespace: is required and must be a string";
    QTest::newRow("unknown nested key")
            << "w.toml"
            << QByteArray(
                       "main = \"a.js\"\n[[services]]\nbinding = \"S\"\nservice = \"s\"\nfoo = 1\n")
            << "w.toml: services[0].foo: is not supported by Switchyard";
    QTest::newRow("main not string")
            << "w.json" << QByteArray(R"({"main": 3})") << "w.json: main: must be a string";
    QTest::newRow("toml syntax")
            << "w.toml" << QByteArray("main = \"a.js\"\n[oops\n")
            << "w.toml:2:6: Error while parsing table header: expected ']', saw '\\n'";
    QTest::newRow("vars not table") << "w.json" << QByteArray(R"({"main": "a.js", "vars": 1})")
                                    << "w.json: vars: must be a table of names to values";
}

void tst_WranglerConfig::errors()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const auto r = parseWranglerConfig(text, fileName);
    QVERIFY(!r.config);
    QCOMPARE(r.error, error);
}

void tst_WranglerConfig::readsFileAndResolvesMain()
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("main = \"./src/worker.js\"\n[[dispatch_namespaces]]\nbinding = \"D\"\nnamespace = "
            "\"prod\"\noutbound = { service = \"out\", parameters = [\"customer\"] }\n"
            "[[tail_consumers]]\nservice = \"tail\"\n");
    f.close();
    const auto r = readWranglerConfig(f.fileName());
    QVERIFY2(r.config, qPrintable(r.error));
    QCOMPARE(r.config->main, dir.filePath(QStringLiteral("src/worker.js")));
    QCOMPARE(r.config->dispatchNamespaces[0].outboundService, QStringLiteral("out"));
    QCOMPARE(r.config->dispatchNamespaces[0].outboundParameters, QStringList {"customer"});
    QCOMPARE(r.config->tailConsumers, QStringList {"tail"});

    const auto missing = readWranglerConfig(dir.filePath(QStringLiteral("nope.toml")));
    QVERIFY(missing.error.contains(QStringLiteral("nope.toml: ")));
    const auto wrongKind = readWranglerConfig(dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY(wrongKind.error.endsWith(
            QStringLiteral("not a wrangler.jsonc, wrangler.json or wrangler.toml")));
}

// Files the fuzzer (fuzz/fuzz_wranglerconfig.cpp) produced that crashed the reader, overflowed its
// stack or exhausted memory: each must be an error naming the place.
void tst_WranglerConfig::hostileToml_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("key under an empty array")
            << QByteArray("main = \"a.js\"\na = []\na.b = 1\n")
            << "w.toml:3:1: Error while parsing key-value pair: cannot redefine existing array "
               "as dotted key-value pair";
    QTest::newRow("table under an empty array")
            << QByteArray("main = \"a.js\"\na = []\n[a.b]\nx = 1\n")
            << "w.toml:4:1: Error while parsing table header: cannot redefine existing array 'a.b' "
               "as table";
    QTest::newRow("table under an array of values")
            << QByteArray("main = \"a.js\"\na = [1]\n[a.b]\n")
            << "w.toml:3:7: Error while parsing table header: cannot redefine existing array 'a.b' "
               "as table";
    QTest::newRow("key under a string")
            << QByteArray("main = \"a.js\"\nname = \"x\"\nname.first = \"y\"\n")
            << "w.toml:3:1: Error while parsing key-value pair: cannot redefine existing string as "
               "dotted key-value pair";
    QTest::newRow("deep arrays") << QByteArray("a = " + QByteArray(100000, '[')
                                               + QByteArray(100000, ']'))
                                 << "w.toml:1:69: arrays and tables nest more than 64 deep";
    QByteArray tables = "a = ";
    for (int i = 0; i < 100000; ++i)
        tables += "{ b = ";
    QTest::newRow("deep inline tables")
            << tables << "w.toml:1:389: arrays and tables nest more than 64 deep";
    QByteArray key = "a";
    for (int i = 0; i < 100000; ++i)
        key += ".a";
    QTest::newRow("long dotted key") << key + " = 1"
                                     << "w.toml:1:129: a key has more than 64 parts";
    QTest::newRow("long table name") << "[" + key + "]"
                                     << "w.toml:1:130: a key has more than 64 parts";
}

void tst_WranglerConfig::hostileToml()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const auto r = parseWranglerConfig(text, QStringLiteral("w.toml"));
    QVERIFY(!r.config);
    QCOMPARE(r.error, error);
}

// The depth limits count structure only: brackets and dots inside strings, comments and values
// are the file's data.
void tst_WranglerConfig::nestingLimitsSkipStringsAndComments()
{
    const QByteArray many = QByteArray(70, '[') + QByteArray(70, '.') + QByteArray(70, '{');
    const QByteArray text = "a = \"" + many + "\"\nb = '" + many + "'\nc = \"\"\"\n" + many
            + "\"\"\"\nd = '''" + many + "'''\n# " + many + "\n\"" + many
            + "\" = 1\nt = 1979-05-27T07:32:00.999Z\nf = [1.5, 2.5]\n";
    QString error;
    const auto o = parseToml(text, &error);
    QVERIFY2(o, qPrintable(error));
    QCOMPARE(o->value(u"a").toString(), QString::fromLatin1(many));
    QCOMPARE(o->value(u"d").toString(), QString::fromLatin1(many));
    QCOMPARE(o->value(QString::fromLatin1(many)).toDouble(), 1.0);
    QCOMPARE(o->value(u"t").toString(), QStringLiteral("1979-05-27T07:32:00.999Z"));
}

QTEST_GUILESS_MAIN(tst_WranglerConfig)
#include "tst_wranglerconfig.moc"
