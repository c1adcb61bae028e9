// Invocations: what a Worker receives and returns, what it may touch (natives, timers, bindings,
// outbound fetch over a real loopback socket), what it logs, and that Workers share nothing.
#include "enginetest.h"
#include "loopbackserver.h"

#include "engine/v8platform.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <thread>

using namespace switchyard::engine;
using namespace enginetest;

namespace {
class TestHost : public BindingHost
{
public:
    bool isAsync(const BindingCall &call) const override
    {
        return call.method.startsWith(QLatin1String("later"));
    }
    BindingResult call(const BindingCall &call) override
    {
        lastBinding = call.binding;
        if (call.method == QLatin1String("echo"))
            return BindingResult::success(call.args);
        if (call.method == QLatin1String("whoami"))
            return BindingResult::success(double(call.invocation.id()));
        return BindingResult::failure(QStringLiteral("%1 exploded").arg(call.method));
    }
    void callAsync(const BindingCall &call, BindingCompletion done) override
    {
        // Completed from a thread the engine does not own, as a store or another Worker would.
        std::thread([call, done] {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (call.method == QLatin1String("later"))
                done(BindingResult::success(call.args.value(0).toString() + QLatin1Char('!')));
            else
                done(BindingResult::failure(QStringLiteral("later failed")));
        }).detach();
    }
    QString lastBinding;
};
} // namespace

class tst_EngineInvocation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void requestAndResponse();
    void isolationBetweenWorkers();
    void consoleIsCapturedPerInvocation();
    void timers();
    void uncaughtException();
    void hungWorkerEndsAtOnce();
    void natives();
    void bindings();
    void outboundFetch();
    void outboundFetchNetworkError();
    void tailHandler();
    void instanceIsReused();
    void waitUntilOutlivesTheResponse();
    void waitUntilAfterAnException();
    void waitUntilThatNeverSettles();
    void waitUntilWithoutFinishedCallback();
    void realPreludeLoadsFromResources();
    void preparedContextsStartFresh_data();
    void preparedContextsStartFresh();
    void engineHooksPrecedeWorkerCode_data();
    void engineHooksPrecedeWorkerCode();

private:
    ScriptPtr compile(const char *name, const QStringList &files)
    {
        return compileFixture(*m_engine, name, files);
    }
    // An Engine preparing its contexts as the current row of preparedContextsStartFresh_data()
    // says, given the time to fill its warm pool.
    std::unique_ptr<Engine> preparedEngine()
    {
        QFETCH(int, warmContexts);
        QFETCH(bool, startupSnapshot);
        EngineConfig config;
        config.executorThreads = 2;
        config.warmContexts = warmContexts;
        config.startupSnapshot = startupSnapshot;
        auto engine = std::make_unique<Engine>(*m_platform, config);
        QTest::qWait(300);
        return engine;
    }
    std::unique_ptr<V8Platform> m_platform;
    std::unique_ptr<Engine> m_engine;
};

void tst_EngineInvocation::initTestCase()
{
    m_platform = std::make_unique<V8Platform>();
    m_engine = std::make_unique<Engine>(*m_platform, standInConfig());
}

void tst_EngineInvocation::cleanupTestCase()
{
    m_engine.reset();
    m_platform.reset();
}

void tst_EngineInvocation::requestAndResponse()
{
    ScriptPtr script = compile("hello", {"hello.js"});
    RequestData request;
    request.method = QStringLiteral("POST");
    request.url = QStringLiteral("https://a.example/p?q=1");
    request.headers = {{QStringLiteral("X-Who"), QStringLiteral("tester")}};
    request.body = QByteArray("payload");
    request.cf = QJsonObject {{QStringLiteral("colo"), QStringLiteral("LCL")}};
    const QVariantList env = {QVariantMap {{QStringLiteral("name"), QStringLiteral("GREETING")},
                                           {QStringLiteral("type"), QStringLiteral("plain_text")},
                                           {QStringLiteral("text"), QStringLiteral("hi")}}};
    const InvocationResult result = invoke(*m_engine, script, request, {}, nullptr, env);
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QVERIFY(result.error.isNull());
    QCOMPARE(result.response->status, 201);
    QCOMPARE(bodyOf(result),
             QStringLiteral("hello POST https://a.example/p?q=1 tester payload LCL hi"));
    const HeaderList expected = {{QStringLiteral("content-type"), QStringLiteral("text/plain")},
                                 {QStringLiteral("set-cookie"), QStringLiteral("a=1")},
                                 {QStringLiteral("set-cookie"), QStringLiteral("b=2")}};
    QCOMPARE(result.response->headers, expected);
    QVERIFY(result.wallTimeMs >= result.cpuTimeMs * 0.5);

    // Untrusted: no cf at all, no body.
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://b/"))),
             QStringLiteral("hello GET http://b/ null  no-cf "));
}

void tst_EngineInvocation::isolationBetweenWorkers()
{
    ScriptPtr a = compile("a", {"isolation_a.js"});
    ScriptPtr b = compile("b", {"isolation_b.js"});
    QCOMPARE(bodyOf(invoke(*m_engine, a, get("http://a/"))), QStringLiteral("A set its globals"));
    const auto seen
            = QJsonDocument::fromJson(bodyOf(invoke(*m_engine, b, get("http://b/"))).toUtf8())
                      .object();
    QCOMPARE(seen.value(QStringLiteral("secret")).toString(), QStringLiteral("undefined"));
    QCOMPARE(seen.value(QStringLiteral("polluted")).toString(), QStringLiteral("undefined"));
    QCOMPARE(seen.value(QStringLiteral("map")).toString(), QStringLiteral("2,4"));
}

void tst_EngineInvocation::consoleIsCapturedPerInvocation()
{
    ScriptPtr script = compile("console", {"console.js"});
    const InvocationResult first = invoke(*m_engine, script, get("http://c/"));
    QCOMPARE(first.outcome, QStringLiteral("ok"));
    QStringList lines;
    for (const LogEntry &entry : first.logs) {
        lines << entry.level + QLatin1Char(':') + entry.message;
        QVERIFY(entry.timestamp > 0);
    }
    QCOMPARE(lines,
             QStringList({"log:plain 42 {\"a\":1}", "warn:careful", "error:bad news",
                          "debug:details", "info:fyi"}));
    // The next Invocation of the same Instance starts with an empty log.
    QCOMPARE(invoke(*m_engine, script, get("http://c/")).logs.size(), 5);
}

void tst_EngineInvocation::timers()
{
    ScriptPtr script = compile("timers", {"timers.js"});
    const InvocationResult result = invoke(*m_engine, script, get("http://t/"));
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(result), QStringLiteral("timeout,tick1,tick2,tick3"));
    // Waiting for timers is not CPU time.
    QVERIFY2(result.wallTimeMs >= 30, qPrintable(QString::number(result.wallTimeMs)));
    QVERIFY2(result.cpuTimeMs < result.wallTimeMs, qPrintable(QString::number(result.cpuTimeMs)));
}

void tst_EngineInvocation::uncaughtException()
{
    ScriptPtr script = compile("throws", {"throws.js"});
    InvocationResult result = invoke(*m_engine, script, get("http://e/range"));
    QCOMPARE(result.outcome, QStringLiteral("exception"));
    QCOMPARE(result.errorName, QStringLiteral("RangeError"));
    QCOMPARE(result.error, QStringLiteral("out of range: http://e/range"));
    QCOMPARE(result.exceptions.size(), 1);
    QCOMPARE(result.exceptions.first().name, QStringLiteral("RangeError"));
    QVERIFY(!result.response);

    result = invoke(*m_engine, script, get("http://e/type"));
    QCOMPARE(result.errorName, QStringLiteral("TypeError"));
    QVERIFY(result.error.contains(QStringLiteral("null")));
}

void tst_EngineInvocation::hungWorkerEndsAtOnce()
{
    ScriptPtr script = compile("hung", {"hung.js"});
    const InvocationResult result = invoke(*m_engine, script, get("http://h/"));
    QCOMPARE(result.error, QStringLiteral("The script will never generate a response."));
    QCOMPARE(result.outcome, QStringLiteral("exception"));
    QVERIFY2(result.wallTimeMs < 5000, qPrintable(QString::number(result.wallTimeMs)));
}

void tst_EngineInvocation::natives()
{
    ScriptPtr script = compile("natives", {"natives.js"});
    const auto out
            = QJsonDocument::fromJson(bodyOf(invoke(*m_engine, script, get("http://n/"))).toUtf8())
                      .object();
    QCOMPARE(out.value(QStringLiteral("sha256")).toString(),
             QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(out.value(QStringLiteral("sha1")).toString(),
             QStringLiteral("a9993e364706816aba3e25717850c26c9cd0d89d"));
    QCOMPARE(out.value(QStringLiteral("md5")).toString(),
             QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
    QCOMPARE(out.value(QStringLiteral("utf8")).toString(), QStringLiteral("héllo €"));
}

void tst_EngineInvocation::bindings()
{
    ScriptPtr script = compile("binding", {"binding.js"});
    TestHost host;
    const QVariantList env
            = {QVariantMap {{QStringLiteral("name"), QStringLiteral("STORE")},
                            {QStringLiteral("type"), QStringLiteral("kv_namespace")}},
               QVariantMap {{QStringLiteral("name"), QStringLiteral("PLAIN")},
                            {QStringLiteral("type"), QStringLiteral("plain_text")},
                            {QStringLiteral("text"), QStringLiteral("plain value")}}};
    const InvocationResult result = invoke(*m_engine, script, get("http://b/"), {}, &host, env);
    QVERIFY2(result.outcome == QLatin1String("ok"), qPrintable(result.error));
    const auto out = QJsonDocument::fromJson(bodyOf(result).toUtf8()).object();
    const QJsonArray echoed = out.value(QStringLiteral("sync")).toArray();
    QCOMPARE(echoed.at(0).toString(), QStringLiteral("text"));
    QCOMPARE(echoed.at(1).toDouble(), 1.5);
    QCOMPARE(echoed.at(2).toBool(), true);
    QVERIFY(echoed.at(3).isNull());
    QCOMPARE(echoed.at(4).toArray().at(1).toString(), QStringLiteral("two"));
    QCOMPARE(echoed.at(5).toObject().value(QStringLiteral("k")).toString(), QStringLiteral("v"));
    QCOMPARE(out.value(QStringLiteral("bytes")).toArray(), QJsonArray({1, 2, 3}));
    QCOMPARE(out.value(QStringLiteral("syncError")).toString(),
             QStringLiteral("Error: explode exploded"));
    QCOMPARE(out.value(QStringLiteral("async")).toString(), QStringLiteral("value!"));
    QCOMPARE(out.value(QStringLiteral("asyncError")).toString(),
             QStringLiteral("Error: later failed"));
    QCOMPARE(quint64(out.value(QStringLiteral("invocation")).toDouble()), result.invocationId);
    QCOMPARE(out.value(QStringLiteral("var")).toString(), QStringLiteral("plain value"));
    QCOMPARE(host.lastBinding, QStringLiteral("STORE"));
}

void tst_EngineInvocation::outboundFetch()
{
    LoopbackServer server;
    ScriptPtr script = compile("fetcher", {"fetcher.js"});
    RequestData request = get(QStringLiteral("http://w/hello"));
    request.headers = {{QStringLiteral("x-target"), server.base()}};
    InvocationResult result = invoke(*m_engine, script, request);
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(result), QStringLiteral("POST /hello from=worker body=ping"));
    int cookies = 0;
    for (const auto &[name, value] : result.response->headers)
        cookies += name.compare(QLatin1String("set-cookie"), Qt::CaseInsensitive) == 0;
    QCOMPARE(cookies, 2);

    request.url = QStringLiteral("http://w/redirect");
    result = invoke(*m_engine, script, request);
    QCOMPARE(result.response->status, 302);
}

void tst_EngineInvocation::outboundFetchNetworkError()
{
    QTcpServer closed;
    closed.listen(QHostAddress::LocalHost);
    const quint16 port = closed.serverPort();
    closed.close(); // nothing listens there now
    ScriptPtr script = compile("fetcher", {"fetcher.js"});
    RequestData request = get(QStringLiteral("http://w/x"));
    request.headers
            = {{QStringLiteral("x-target"), QStringLiteral("http://127.0.0.1:%1").arg(port)}};
    const InvocationResult result = invoke(*m_engine, script, request);
    QCOMPARE(result.response->status, 599);
    QVERIFY2(bodyOf(result).startsWith(QStringLiteral("TypeError: ")), qPrintable(bodyOf(result)));
}

void tst_EngineInvocation::tailHandler()
{
    ScriptPtr script = compile("tail", {"tail.js"});
    Waiter waiter;
    QJsonArray events = {QJsonObject {{QStringLiteral("scriptName"), QStringLiteral("user-1")},
                                      {QStringLiteral("outcome"), QStringLiteral("exceededCpu")}}};
    m_engine->invokeTail(script, events, {}, {}, nullptr, waiter.callback());
    QVERIFY(waiter.waitFor(1));
    const InvocationResult result = waiter.results().first();
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QVERIFY(!result.response);
    QCOMPARE(result.logs.size(), 1);
    QCOMPARE(result.logs.first().message, QStringLiteral("tail got 1 user-1 exceededCpu"));

    // A Worker without tail().
    m_engine->invokeTail(compile("hello", {"hello.js"}), events, {}, {}, nullptr,
                         waiter.callback());
    QVERIFY(waiter.waitFor(2));
    QCOMPARE(waiter.results().at(1).error,
             QStringLiteral("Handler does not export a tail() function."));
}

void tst_EngineInvocation::instanceIsReused()
{
    ScriptPtr script = compile("spin", {"spin.js"});
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://s/"))),
             QStringLiteral("alive after 1 calls"));
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://s/"))),
             QStringLiteral("alive after 2 calls"));
    m_engine->dropInstance(script);
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://s/"))),
             QStringLiteral("alive after 1 calls"));
}

namespace {
QStringList logLines(const InvocationResult &result)
{
    QStringList lines;
    for (const LogEntry &entry : result.logs)
        lines << entry.level + QLatin1Char(':') + entry.message;
    return lines;
}
} // namespace

void tst_EngineInvocation::waitUntilOutlivesTheResponse()
{
    ScriptPtr script = compile("waituntil", {"waituntil.js"});
    TestHost host;
    const QVariantList env
            = {QVariantMap {{QStringLiteral("name"), QStringLiteral("STORE")},
                            {QStringLiteral("type"), QStringLiteral("kv_namespace")}}};
    Waiter responded;
    Waiter finished;
    m_engine->invokeFetch(script, get("http://w/"), env, {}, &host, responded.callback(),
                          finished.callback());
    QVERIFY(responded.waitFor(1));
    const InvocationResult first = responded.results().first();
    QCOMPARE(first.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(first), QStringLiteral("fast"));
    // The response did not wait for the 50 ms of background work.
    QCOMPARE(logLines(first), QStringList {QStringLiteral("log:handler")});
    QVERIFY(finished.results().isEmpty());

    QVERIFY(finished.waitFor(1));
    const InvocationResult last = finished.results().first();
    QCOMPARE(last.invocationId, first.invocationId);
    QCOMPARE(last.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(last), QStringLiteral("fast"));
    const QStringList lines = logLines(last);
    QCOMPARE(lines.first(), QStringLiteral("log:handler"));
    QVERIFY2(lines.contains(QStringLiteral("log:background done"))
                     && lines.contains(QStringLiteral("log:nested done"))
                     && lines.contains(QStringLiteral("log:binding bg!"))
                     && lines.contains(
                             QStringLiteral("error:Uncaught (in promise) TypeError: background "
                                            "failed")),
             qPrintable(lines.join(QLatin1Char('|'))));
    QCOMPARE(last.exceptions.size(), 1);
    QCOMPARE(last.exceptions.first().name, QStringLiteral("TypeError"));
    QVERIFY2(last.wallTimeMs >= 65, qPrintable(QString::number(last.wallTimeMs)));
    QVERIFY(last.wallTimeMs >= first.wallTimeMs);
    QVERIFY(finished.results().size() == 1 && responded.results().size() == 1);

    // Without waitUntil() both notifications come together.
    Waiter plainResponded;
    Waiter plainFinished;
    m_engine->invokeFetch(script, get("http://w/none"), env, {}, &host, plainResponded.callback(),
                          plainFinished.callback());
    QVERIFY(plainFinished.waitFor(1));
    QVERIFY(plainResponded.waitFor(1));
    QCOMPARE(bodyOf(plainFinished.results().first()), QStringLiteral("none"));
}

void tst_EngineInvocation::waitUntilAfterAnException()
{
    // The handler's exception is the response; the background work still runs and is logged.
    ScriptPtr script = compile("waituntil", {"waituntil.js"});
    Waiter responded;
    Waiter finished;
    m_engine->invokeFetch(script, get("http://w/throws"), {}, {}, nullptr, responded.callback(),
                          finished.callback());
    QVERIFY(responded.waitFor(1));
    QCOMPARE(responded.results().first().outcome, QStringLiteral("exception"));
    QCOMPARE(responded.results().first().error, QStringLiteral("handler failed"));
    QVERIFY(finished.waitFor(1));
    const InvocationResult last = finished.results().first();
    QCOMPARE(last.outcome, QStringLiteral("exception"));
    QCOMPARE(last.errorName, QStringLiteral("RangeError"));
    QCOMPARE(last.exceptions.size(), 1);
    QVERIFY2(logLines(last).contains(QStringLiteral("log:after throw")),
             qPrintable(logLines(last).join(QLatin1Char('|'))));
}

void tst_EngineInvocation::waitUntilThatNeverSettles()
{
    // Nothing left that could settle it: the Invocation ends at once, not at the wall limit.
    ScriptPtr script = compile("waituntil", {"waituntil.js"});
    Waiter responded;
    Waiter finished;
    m_engine->invokeFetch(script, get("http://w/hang"), {}, {}, nullptr, responded.callback(),
                          finished.callback());
    QVERIFY(finished.waitFor(1, 5000));
    const InvocationResult last = finished.results().first();
    QCOMPARE(last.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(last), QStringLiteral("hang"));
    QVERIFY2(logLines(last).last().startsWith(QStringLiteral("warn:A waitUntil() promise")),
             qPrintable(logLines(last).join(QLatin1Char('|'))));
    QCOMPARE(responded.results().size(), 1);
}

void tst_EngineInvocation::waitUntilWithoutFinishedCallback()
{
    // The one-callback form: `done` as soon as the response is ready; the host is not used
    // after it (the background binding call fails instead of reaching a host that may be gone).
    ScriptPtr script = compile("waituntil", {"waituntil.js"});
    auto host = std::make_unique<TestHost>();
    const QVariantList env
            = {QVariantMap {{QStringLiteral("name"), QStringLiteral("STORE")},
                            {QStringLiteral("type"), QStringLiteral("kv_namespace")}}};
    const InvocationResult result
            = invoke(*m_engine, script, get("http://w/"), {}, host.get(), env);
    host.reset();
    QCOMPARE(bodyOf(result), QStringLiteral("fast"));
    QTest::qWait(150); // the background work runs on and must not crash
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://w/none"))), QStringLiteral("none"));
}

void tst_EngineInvocation::realPreludeLoadsFromResources()
{
    // The product's prelude, embedded as Qt resources: a hello Worker must run on it.
    EngineConfig config;
    config.executorThreads = 2;
    Engine engine(*m_platform, config);
    QVERIFY2(engine.preludeError().isNull(), qPrintable(engine.preludeError()));
    ScriptPtr script = engine.compile(ScriptSource::esModules(
            QStringLiteral("real"),
            {{QStringLiteral("i.js"),
              QStringLiteral("export default { async fetch(r) { return new Response('real ' + "
                             "new URL(r.url).pathname, {headers: {'x-a': '1'}}); } };")}},
            QStringLiteral("i.js")));
    const InvocationResult result = invoke(engine, script, get("http://r/path"));
    QCOMPARE(result.error, QString());
    QCOMPARE(bodyOf(result), QStringLiteral("real /path"));
}

void tst_EngineInvocation::preparedContextsStartFresh_data()
{
    QTest::addColumn<int>("warmContexts");
    QTest::addColumn<bool>("startupSnapshot");
    QTest::newRow("warm pool, snapshot") << 2 << true;
    QTest::newRow("no pool, snapshot") << 0 << true;
    QTest::newRow("warm pool, prelude evaluated") << 2 << false;
}

void tst_EngineInvocation::preparedContextsStartFresh()
{
    // Contexts the engine prepares ahead of time (deserialized from its startup snapshot, or with
    // the prelude evaluated): each Script gets its own, performance.timeOrigin is when its
    // Instance started, one Worker's globals never reach the next one's, and no two Workers draw
    // the same Math.random() sequence (a snapshot also holds the state V8 seeded it with).
    const std::unique_ptr<Engine> prepared = preparedEngine();
    Engine &engine = *prepared;
    QVERIFY2(engine.preludeError().isNull(), qPrintable(engine.preludeError()));
    const QString code = QStringLiteral(
            "const seen = globalThis.marker; globalThis.marker = 'set';\n"
            "const origin = performance.timeOrigin;\n"
            "export default { fetch() { return new Response(JSON.stringify({seen: seen ?? null, "
            "origin, now: performance.now(), random: [Math.random(), Math.random()], "
            "apis: [typeof URL, typeof Request, typeof crypto.subtle.digest, "
            "typeof Array.prototype.toSorted]})); } };\n// %1");
    QSet<QString> randoms;
    for (int i = 0; i < 4; ++i) {
        const double before = double(QDateTime::currentMSecsSinceEpoch());
        ScriptPtr script = engine.compile(ScriptSource::esModules(
                QStringLiteral("fresh-%1").arg(i), {{QStringLiteral("i.js"), code.arg(i)}},
                QStringLiteral("i.js")));
        const InvocationResult result = invoke(engine, script, get("http://r/"));
        QCOMPARE(result.error, QString());
        const QJsonObject body = QJsonDocument::fromJson(bodyOf(result).toUtf8()).object();
        QVERIFY2(body.value(QStringLiteral("seen")).isNull(), qPrintable(bodyOf(result)));
        QVERIFY2(body.value(QStringLiteral("origin")).toDouble() >= before - 1,
                 qPrintable(bodyOf(result)));
        QVERIFY2(body.value(QStringLiteral("now")).toDouble() < 250, qPrintable(bodyOf(result)));
        QCOMPARE(body.value(QStringLiteral("apis")).toArray(),
                 QJsonArray({"function", "function", "function", "function"}));
        randoms.insert(QString::fromUtf8(
                QJsonDocument(body.value(QStringLiteral("random")).toArray()).toJson()));
    }
    QCOMPARE(randoms.size(), 4);
}

void tst_EngineInvocation::engineHooksPrecedeWorkerCode_data()
{
    preparedContextsStartFresh_data();
}

void tst_EngineInvocation::engineHooksPrecedeWorkerCode()
{
    // The engine follows each Invocation's result through functions it made in the context before
    // any Worker code ran there (in the warm pool for a pooled context), holding the Reflect.apply
    // they call. A Worker that breaks Reflect.apply while it loads still has its responses read
    // and its streamed body pumped, and the prelude's lazy globals are there for it. (Not
    // Promise.prototype.then: the prelude's own body readers still call it, unlike workerd's.)
    const std::unique_ptr<Engine> prepared = preparedEngine();
    Engine &engine = *prepared;
    QVERIFY2(engine.preludeError().isNull(), qPrintable(engine.preludeError()));
    const QString code = QStringLiteral(
            "const Stream = ReadableStream;\n"
            "Reflect.apply = function () { throw new Error('apply is broken'); };\n"
            "export default { fetch(request) {\n"
            "  if (new URL(request.url).pathname === '/stream')\n"
            "    return new Response(new Stream({ start(c) {\n"
            "      c.enqueue(new TextEncoder().encode('streamed')); c.close(); } }));\n"
            "  return new Response('plain ' + typeof Stream);\n"
            "} };\n// %1");
    for (int i = 0; i < 2; ++i) {
        ScriptPtr script = engine.compile(ScriptSource::esModules(
                QStringLiteral("tamper-%1").arg(i), {{QStringLiteral("i.js"), code.arg(i)}},
                QStringLiteral("i.js")));
        const InvocationResult plain = invoke(engine, script, get("http://r/"));
        QCOMPARE(plain.error, QString());
        QCOMPARE(bodyOf(plain), QStringLiteral("plain function"));
        const InvocationResult streamed = invoke(engine, script, get("http://r/stream"));
        QCOMPARE(streamed.error, QString());
        QCOMPARE(bodyOf(streamed), QStringLiteral("streamed"));
    }
}

QTEST_GUILESS_MAIN(tst_EngineInvocation)
#include "tst_engineinvocation.moc"
