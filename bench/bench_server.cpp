// The Switchyard side of bench/run.sh: builds the same RuntimeStack the application runs, installs
// one named configuration through the platform service, and either serves it over HTTP until
// stopped or measures something in-process and prints the result as JSON.
//
//   bench_server --scenario direct|websocket|limits|demo|noisy|many [--workers N] --port P
//   --data-dir DIR bench_server --measure cold-start|overshoot|edit [--count N] [--http-count N]
//   --data-dir DIR
//
// Scenarios (every user Worker lives in the dispatch namespace "bench", "production" for demo):
//   bare    the user Worker "hello" itself as the dispatch Worker: no dispatcher hop
//   direct  a dispatcher that only forwards to the user Worker "hello" (bench/workers/forward.js)
//   websocket  direct, with "hello" a WebSocket echo (bench/workers/wsecho.js)
//   limits  the seed's custom-limits dispatcher (subdomain routing, plan limits from CUSTOMERS)
//   demo    the demo platform's dispatcher (KV routing, then subdomain, plans from PLANS)
//   noisy   limits, plus "spinner", a free-plan (10 ms) tenant that spins until it is killed
//   many    limits, plus N (default 1000) distinct hello Workers w0 .. w(N-1)
#include "runtimestack.h"

#include "engine/engine.h"
#include "engine/v8platform.h"
#include "platform/platformservice.h"
#include "platform/platformsetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>

using namespace switchyard;

namespace {

std::atomic<bool> g_stop {false};
std::atomic<bool> g_report {false};

void onSignal(int signal)
{
    if (signal == SIGUSR1)
        g_report = true;
    else
        g_stop = true;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("bench_server: cannot read %s", qPrintable(path));
    return f.readAll();
}

QByteArray benchWorker(const QString &name)
{
    return readFile(QStringLiteral(BENCH_SOURCE_DIR "/bench/workers/") + name);
}

store::WorkerCode moduleCode(const QByteArray &code, const QJsonArray &bindings = {})
{
    store::WorkerCode c;
    c.modules
            = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"), code}};
    c.mainModule = QStringLiteral("index.js");
    c.compatibilityDate = QStringLiteral("2025-01-01");
    c.bindings = bindings;
    return c;
}

QJsonObject binding(const QString &type, const QString &name, const QString &key,
                    const QString &value)
{
    return {{QStringLiteral("type"), type}, {QStringLiteral("name"), name}, {key, value}};
}

template<typename R> void check(const R &result, const char *what)
{
    if (!result)
        qFatal("bench_server: %s: %s", what, qPrintable(result.errorMessage()));
}

// A blocking HTTP/1.1 GET on a fresh connection; returns the status (0: no answer) and the body.
struct Reply
{
    int status = 0;
    QByteArray body;
};

Reply httpGet(quint16 port, const QByteArray &host, int timeoutMs = 10000)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    QByteArray in;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end >= 0) {
            const QByteArray head = in.left(end).toLower();
            const qsizetype at = head.indexOf("content-length:");
            const qsizetype length
                    = at < 0 ? 0 : head.mid(at + 15).split('\r').first().toLongLong();
            if (in.size() >= end + 4 + length)
                return {in.split(' ').value(1).toInt(), in.mid(end + 4, length)};
        }
        if (!socket.waitForReadyRead(timeoutMs - timer.elapsed()))
            break;
        in += socket.readAll();
    }
    return {};
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype i = std::clamp<qsizetype>(qsizetype(p / 100.0 * values.size() + 0.5) - 1, 0,
                                              values.size() - 1);
    return values.at(i);
}

QJsonObject distribution(const QList<double> &values)
{
    double sum = 0;
    for (double v : values)
        sum += v;
    return {{QStringLiteral("n"), values.size()},
            {QStringLiteral("min"), percentile(values, 0)},
            {QStringLiteral("p50"), percentile(values, 50)},
            {QStringLiteral("p90"), percentile(values, 90)},
            {QStringLiteral("p99"), percentile(values, 99)},
            {QStringLiteral("max"), percentile(values, 100)},
            {QStringLiteral("mean"), values.isEmpty() ? 0 : sum / values.size()}};
}

class Bench
{
public:
    Bench(engine::V8Platform &v8, const QString &dataDir, quint16 port) : m_stack(v8)
    {
        QString error;
        app::RuntimeStack::Config config;
        config.dataDir = dataDir;
        config.listen = {QHostAddress::LocalHost, port};
        if (!m_stack.start(config, &error))
            qFatal("bench_server: %s", qPrintable(error));
    }

    app::RuntimeStack &stack() { return m_stack; }
    platform::PlatformService &service() { return m_stack.service(); }
    quint16 port() const { return m_stack.port(); }

    QString kvNamespace(const QString &title)
    {
        if (const auto ns = service().kvNamespaceByTitle(title))
            return ns->id;
        auto created = service().createKvNamespace(title);
        check(created, "create KV namespace");
        return created->id;
    }

    void putUser(const QString &ns, const QString &name, const QByteArray &code)
    {
        platform::PlatformService::ScriptUpload upload {moduleCode(code), QStringList {}};
        check(service().putScript(ns, name, upload), "upload a user Worker");
    }

    void installDispatcher(const QByteArray &code, const QString &ns)
    {
        const QJsonArray bindings {
                binding(QStringLiteral("dispatch_namespace"), QStringLiteral("DISPATCHER"),
                        QStringLiteral("namespace"), ns),
                binding(QStringLiteral("kv_namespace"), QStringLiteral("CUSTOMERS"),
                        QStringLiteral("namespace_id"), kvNamespace(QStringLiteral("CUSTOMERS"))),
                binding(QStringLiteral("analytics_engine"), QStringLiteral("ANALYTICS"),
                        QStringLiteral("dataset"), QStringLiteral("limit_violations"))};
        check(service().putPlatformWorker(QStringLiteral("dispatcher"),
                                          store::WorkerKind::Dispatcher,
                                          moduleCode(code, bindings)),
              "install the dispatcher");
        check(service().setActiveDispatcher(QStringLiteral("dispatcher")), "activate it");
    }

    // Sets up a named scenario; returns the Host header that reaches the user Worker "hello".
    QByteArray setUp(const QString &scenario, int workers)
    {
        const QString ns = QStringLiteral("bench");
        if (scenario == u"demo") {
            check(platform::seedDemoPlatform(service()), "seed the demo platform");
            putUser(QStringLiteral("production"), QStringLiteral("hello"),
                    benchWorker(QStringLiteral("hello.js")));
            check(service().kvPut(kvNamespace(QStringLiteral("CUSTOMERS")), QStringLiteral("hello"),
                                  "pro"),
                  "set the plan");
            return "hello.localhost";
        }
        if (scenario == u"bare") {
            check(service().putPlatformWorker(QStringLiteral("hello"),
                                              store::WorkerKind::Dispatcher,
                                              moduleCode(benchWorker(QStringLiteral("hello.js")))),
                  "install hello as the dispatcher");
            check(service().setActiveDispatcher(QStringLiteral("hello")), "activate it");
            return "hello.localhost";
        }
        check(service().createNamespace(ns), "create the dispatch namespace");
        if (scenario == u"websocket") {
            putUser(ns, QStringLiteral("hello"), benchWorker(QStringLiteral("wsecho.js")));
            installDispatcher(benchWorker(QStringLiteral("forward.js")), ns);
            return "hello.localhost";
        }
        putUser(ns, QStringLiteral("hello"), benchWorker(QStringLiteral("hello.js")));
        if (scenario == u"direct") {
            installDispatcher(benchWorker(QStringLiteral("forward.js")), ns);
            return "hello.localhost";
        }
        if (scenario != u"limits" && scenario != u"noisy" && scenario != u"many")
            qFatal("bench_server: unknown scenario %s", qPrintable(scenario));
        installDispatcher(readFile(QStringLiteral(":/switchyard/templates/custom-limits.js")), ns);
        const QString customers = kvNamespace(QStringLiteral("CUSTOMERS"));
        check(service().kvPut(customers, QStringLiteral("hello"), "pro"), "set the plan");
        if (scenario == u"noisy") {
            putUser(ns, QStringLiteral("spinner"), benchWorker(QStringLiteral("spinner.js")));
            check(service().kvPut(customers, QStringLiteral("spinner"), "free"), "set the plan");
        }
        if (scenario == u"many") {
            const QByteArray hello = benchWorker(QStringLiteral("hello.js"));
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < workers; ++i)
                putUser(ns, QStringLiteral("w%1").arg(i), hello + "// " + QByteArray::number(i));
            std::fprintf(stderr, "bench_server: uploaded %d Workers in %.1f s\n", workers,
                         timer.elapsed() / 1000.0);
        }
        return "hello.localhost";
    }

private:
    app::RuntimeStack m_stack;
};

// Upload -> first 200, each time a new user Worker behind the custom-limits dispatcher.
QJsonObject measureColdStart(Bench &bench, int count)
{
    bench.setUp(QStringLiteral("limits"), 0);
    httpGet(bench.port(), "hello.localhost"); // the dispatcher itself is warm
    const QByteArray hello = benchWorker(QStringLiteral("hello.js"));
    QList<double> total, upload, first;
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("cold%1").arg(i);
        QElapsedTimer timer;
        timer.start();
        bench.putUser(QStringLiteral("bench"), name, hello + "// " + QByteArray::number(i));
        const qint64 uploaded = timer.nsecsElapsed();
        const Reply r = httpGet(bench.port(), name.toLatin1() + ".localhost");
        const qint64 done = timer.nsecsElapsed();
        if (r.status != 200) {
            ++failed;
            continue;
        }
        upload << uploaded / 1e6;
        first << (done - uploaded) / 1e6;
        total << done / 1e6;
    }
    return {{QStringLiteral("total_ms"), distribution(total)},
            {QStringLiteral("upload_ms"), distribution(upload)},
            {QStringLiteral("first_request_ms"), distribution(first)},
            {QStringLiteral("failed"), failed}};
}

// CPU-limit kills: the engine's own CPU measure of a spinning Worker under a 10 ms limit (straight
// through the engine, so the full-precision InvocationResult::cpuTimeMs), and the same tenant
// through HTTP and the custom-limits dispatcher (client-side time to its 429, `httpCount` times).
// Each engine kill is of a new Script, as a Worker's first spin is: a Worker killed once runs on
// the long lane, at SCHED_IDLE, which a machine saturated by other processes starves (then it
// waits seconds for a core, which is the design, and says nothing of the timer's precision).
QJsonObject measureOvershoot(Bench &bench, int count, int httpCount)
{
    bench.setUp(QStringLiteral("noisy"), 0);
    engine::Engine &engine = bench.stack().engine();
    const quint64 timerKillsBefore = engine.cpuTimerKills();
    constexpr int limitMs = 10;
    QList<double> cpuOver, wallOver;
    int kills = 0, other = 0;
    for (int i = 0; i < count; ++i) {
        engine::ScriptError error;
        const auto script = engine.compile(
                engine::ScriptSource::esModules(
                        QStringLiteral("spinner-%1").arg(i),
                        {{QStringLiteral("index.js"),
                          QString::fromUtf8(benchWorker(QStringLiteral("spinner.js")))}},
                        QStringLiteral("index.js")),
                &error);
        if (!script)
            qFatal("bench_server: %s", qPrintable(error.message));
        std::mutex mutex;
        std::condition_variable cv;
        std::optional<engine::InvocationResult> result;
        engine::RequestData request;
        request.url = QStringLiteral("http://spinner.localhost/");
        engine.invokeFetch(script, request, {}, {limitMs, 0, 0}, nullptr,
                           [&](const engine::InvocationResult &r) {
                               std::lock_guard lock(mutex);
                               result = r;
                               cv.notify_all();
                           });
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return result.has_value(); });
        if (result->outcome == engine::Outcome::ExceededCpu) {
            ++kills;
            cpuOver << result->cpuTimeMs - limitMs;
            wallOver << result->wallTimeMs - limitMs;
        } else {
            ++other;
        }
    }
    const quint64 timerKills = engine.cpuTimerKills() - timerKillsBefore;
    QList<double> httpMs;
    int http429 = 0;
    for (int i = 0; i < httpCount; ++i) {
        QElapsedTimer timer;
        timer.start();
        const Reply r = httpGet(bench.port(), "spinner.localhost");
        if (r.status == 429) {
            ++http429;
            httpMs << timer.nsecsElapsed() / 1e6;
        }
    }
    QJsonArray cpuValues;
    for (double v : cpuOver)
        cpuValues.append(v);
    return {{QStringLiteral("limit_ms"), limitMs},
            {QStringLiteral("cpu_overshoot_values"), cpuValues},
            {QStringLiteral("kills"), kills},
            {QStringLiteral("not_killed"), other},
            {QStringLiteral("timer_kills"), qint64(timerKills)},
            {QStringLiteral("cpu_overshoot_ms"), distribution(cpuOver)},
            {QStringLiteral("wall_overshoot_ms"), distribution(wallOver)},
            {QStringLiteral("http_429"), http429},
            {QStringLiteral("http_time_to_429_ms"), distribution(httpMs)}};
}

// A routing edit in USER_ROUTING (through the platform service, as the GUI and the admin API
// make it) -> the first request that sees it, under the demo dispatcher.
QJsonObject measureEdit(Bench &bench, int count)
{
    bench.setUp(QStringLiteral("demo"), 0);
    const QString routing = bench.kvNamespace(QStringLiteral("USER_ROUTING"));
    const QString colours[] = {QStringLiteral("blue"), QStringLiteral("green")};
    for (const QString &c : colours)
        bench.putUser(QStringLiteral("production"), c,
                      "export default { fetch() { return new Response('" + c.toLatin1()
                              + "'); } };");
    for (const QString &c : colours) // both warm
        httpGet(bench.port(), c.toLatin1() + ".localhost");
    QList<double> effect, write;
    int extraRequests = 0, failed = 0;
    for (int i = 0; i < count; ++i) {
        const QString target = colours[i % 2];
        QElapsedTimer timer;
        timer.start();
        check(bench.service().kvPut(routing, QStringLiteral("edit.localhost"), target.toUtf8()),
              "routing edit");
        const qint64 written = timer.nsecsElapsed();
        bool seen = false;
        for (int attempt = 0; attempt < 50 && !seen; ++attempt) {
            const Reply r = httpGet(bench.port(), "edit.localhost");
            seen = r.status == 200 && r.body == target.toUtf8();
            if (!seen)
                ++extraRequests;
        }
        if (!seen) {
            ++failed;
            continue;
        }
        write << written / 1e6;
        effect << timer.nsecsElapsed() / 1e6;
    }
    return {{QStringLiteral("edit_to_effect_ms"), distribution(effect)},
            {QStringLiteral("kv_write_ms"), distribution(write)},
            {QStringLiteral("stale_responses"), extraRequests},
            {QStringLiteral("failed"), failed}};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qputenv("QT_NO_GLIB", "1"); // as app/main.cpp does, for the threads started after this
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\nswitchyard.*.info=false"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(
            {{QStringLiteral("scenario"), QStringLiteral("Serve this."), "name"},
             {QStringLiteral("measure"), QStringLiteral("Measure this."), "name"},
             {QStringLiteral("port"), QStringLiteral("Listen here."), "port", "0"},
             {QStringLiteral("data-dir"), QStringLiteral("Store here."), "dir"},
             {QStringLiteral("workers"), QStringLiteral("For many."), "n", "1000"},
             {QStringLiteral("count"), QStringLiteral("Repetitions."), "n", "100"},
             {QStringLiteral("http-count"),
              QStringLiteral("Overshoot: requests through HTTP (default: count)."), "n"}});
    parser.addOption({QStringLiteral("versions"), QStringLiteral("Print versions and exit.")});
    parser.process(app);
    if (parser.isSet(QStringLiteral("versions"))) {
        std::printf("Switchyard %s (V8 %s, Qt %s)\n", SWITCHYARD_VERSION,
                    engine::V8Platform::version(), qVersion());
        return 0;
    }
    QTemporaryDir temporary;
    const QString dataDir = parser.isSet(QStringLiteral("data-dir"))
            ? parser.value(QStringLiteral("data-dir"))
            : temporary.path();

    engine::V8Platform v8;
    Bench bench(v8, dataDir, quint16(parser.value(QStringLiteral("port")).toUInt()));
    const int count = parser.value(QStringLiteral("count")).toInt();
    if (parser.isSet(QStringLiteral("measure"))) {
        const QString what = parser.value(QStringLiteral("measure"));
        QJsonObject result;
        if (what == u"cold-start")
            result = measureColdStart(bench, count);
        else if (what == u"overshoot")
            result = measureOvershoot(bench, count,
                                      parser.isSet(QStringLiteral("http-count"))
                                              ? parser.value(QStringLiteral("http-count")).toInt()
                                              : count);
        else if (what == u"edit")
            result = measureEdit(bench, count);
        else
            qFatal("bench_server: unknown measure %s", qPrintable(what));
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    bench.setUp(parser.value(QStringLiteral("scenario")),
                parser.value(QStringLiteral("workers")).toInt());
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::signal(SIGUSR1, onSignal);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &app, [&bench] {
        if (g_report.exchange(false)) {
            std::printf("instances %d\n", bench.stack().engine().instanceCount());
            std::fflush(stdout);
        }
        if (g_stop)
            QCoreApplication::quit();
    });
    poll.start(100);
    std::printf("ready %u\n", bench.port());
    std::fflush(stdout);
    return app.exec();
}
