// Engine benchmark: a hello Worker straight through the engine (no HTTP), idle memory per
// Instance, and cold start. Prints a markdown table (bench/engine.sh puts it in
// docs/benchmarks.md).
#include "engine/bodystream.h"
#include "engine/engine.h"
#include "engine/v8platform.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>

using namespace switchyard::engine;

namespace {
const QString helloCode = QStringLiteral(
        "export default { fetch(request) { return new Response('hello ' + request.url); } };");

ScriptSource hello(int n)
{
    // A distinct name and source per Script: every one gets its own Instance.
    return ScriptSource::esModules(
            QStringLiteral("hello-%1").arg(n),
            {{QStringLiteral("index.js"), helloCode + QStringLiteral("\n// %1").arg(n)}},
            QStringLiteral("index.js"));
}

RequestData request()
{
    RequestData data;
    data.url = QStringLiteral("http://bench.localhost/");
    return data;
}

double rssMiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toDouble() * 4096 / (1024.0 * 1024.0);
}

// Blocks until `count` callbacks arrived.
class Counter
{
public:
    InvocationCallback callback()
    {
        return [this](const InvocationResult &result) {
            std::lock_guard lock(m_mutex);
            ++m_done;
            m_cpuMs += result.cpuTimeMs;
            if (!result.ok())
                ++m_failed;
            m_changed.notify_all();
        };
    }
    void waitFor(int count)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_done >= count; });
    }
    int done()
    {
        std::lock_guard lock(m_mutex);
        return m_done;
    }
    double meanCpuMs()
    {
        std::lock_guard lock(m_mutex);
        return m_done ? m_cpuMs / m_done : 0;
    }
    int failed()
    {
        std::lock_guard lock(m_mutex);
        return m_failed;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_done = 0;
    int m_failed = 0;
    double m_cpuMs = 0;
};

// The peak resident set of the process so far (VmHWM), in MiB.
double peakRssMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return 0;
}

// `workers` Workers, each answering its own name, requested once each (64 in flight) through an
// engine with a memory budget of `budgetMiB`: every answer checked, the peak RSS, requests/s.
int cycled(V8Platform &platform, EngineConfig config, int workers, qint64 budgetMiB)
{
    config.memoryBudgetBytes = budgetMiB << 20;
    config.idleTimeoutMs = 0;
    Engine engine(platform, config);
    std::vector<ScriptPtr> scripts; // the platform's ScriptCache keeps every version likewise
    scripts.reserve(size_t(workers));
    for (int i = 0; i < workers; ++i) {
        const QString code = QStringLiteral("export default { fetch() { return new "
                                            "Response('worker %1'); } };")
                                     .arg(i);
        scripts.push_back(engine.compile(ScriptSource::esModules(
                QStringLiteral("cycled-%1").arg(i), {{QStringLiteral("index.js"), code}},
                QStringLiteral("index.js"))));
    }
    std::atomic_int wrong = 0;
    Counter counter;
    int mostLive = 0;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < workers; ++i) {
        while (i - counter.done() >= 64)
            QThread::usleep(100);
        const QByteArray expected = "worker " + QByteArray::number(i);
        auto count = counter.callback();
        engine.invokeFetch(scripts[size_t(i)], request(), {}, {}, nullptr,
                           [count, expected, &wrong](const InvocationResult &result) {
                               if (!result.response || result.response->status != 200
                                   || result.response->body != expected)
                                   ++wrong;
                               count(result);
                           });
        mostLive = std::max(mostLive, engine.liveInstances());
    }
    counter.waitFor(workers);
    const double seconds = clock.nsecsElapsed() / 1e9;
    std::printf("| %d Workers cycled at a %lld MiB memory budget, 64 in flight | %.0f req/s; %d "
                "wrong or failed; peak RSS %.0f MiB (now %.0f); %llu evictions, at most %d "
                "Instances alive, %.0f MiB counted at the end |\n",
                workers, budgetMiB, workers / seconds, wrong.load() + counter.failed(),
                peakRssMiB(), rssMiB(), static_cast<unsigned long long>(engine.evictions()),
                mostLive, engine.memoryUsedBytes() / (1024.0 * 1024.0));
    return wrong.load() + counter.failed() == 0 ? 0 : 1;
}

// A Worker's streamed response body read to its end through its BodyStream, as the dispatch
// listener reads it: `chunks` chunks of 64 KiB from a ReadableStream's pull(). Answers MiB/s and
// sets the Invocation's CPU time (the stream's reading included).
double streamedMiBs(Engine &engine, int chunks, double *cpuMs)
{
    const QString code = QStringLiteral("const chunk = new Uint8Array(65536).fill(120);\n"
                                        "export default { fetch() { let n = %1; return new "
                                        "Response(new ReadableStream({\n"
                                        "  pull(c) { if (n-- > 0) c.enqueue(chunk.slice()); else "
                                        "c.close(); } })); } };")
                                 .arg(chunks);
    ScriptPtr script = engine.compile(ScriptSource::esModules(
            QStringLiteral("streamed-%1").arg(chunks), {{QStringLiteral("index.js"), code}},
            QStringLiteral("index.js")));
    std::mutex mutex;
    std::condition_variable changed;
    BodyStreamPtr stream;
    bool responded = false;
    bool ended = false;
    bool finished = false;
    *cpuMs = 0;
    QElapsedTimer clock;
    clock.start();
    engine.invokeFetch(
            script, request(), {}, {}, nullptr,
            [&](const InvocationResult &result) {
                std::lock_guard lock(mutex);
                if (result.response && result.response->stream)
                    stream = result.response->stream;
                responded = true;
                ended = !stream;
                changed.notify_all();
            },
            [&](const InvocationResult &result) {
                std::lock_guard lock(mutex);
                *cpuMs = result.cpuTimeMs;
                finished = true;
                changed.notify_all();
            });
    qint64 bytes = 0;
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return responded; });
    }
    while (!ended) {
        bool got = false;
        stream->read([&](BodyStream::Chunk chunk) {
            std::lock_guard lock(mutex);
            bytes += chunk.bytes.size();
            if (chunk.end || !chunk.error.isNull())
                ended = true;
            got = true;
            changed.notify_all();
        });
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return got; });
    }
    const double seconds = clock.nsecsElapsed() / 1e9;
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return finished; });
    return bytes / (1024.0 * 1024.0) / seconds;
}

// CPU time of the whole process, in ms: unlike wall time it barely moves with the machine's load.
double processCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("switchyard.*.debug=false"));
    V8Platform platform;
    // SWITCHYARD_PRELUDE_DIR: another prelude (a folder with prelude.txt), to compare two
    // preludes with one binary.
    EngineConfig config;
    if (qEnvironmentVariableIsSet("SWITCHYARD_PRELUDE_DIR"))
        config.preludeDir = qEnvironmentVariable("SWITCHYARD_PRELUDE_DIR");
    // SWITCHYARD_NO_SNAPSHOT=1: isolates evaluate the prelude instead of deserializing it.
    config.startupSnapshot = qEnvironmentVariableIntValue("SWITCHYARD_NO_SNAPSHOT") != 1;
    // SWITCHYARD_NO_INSTANCE_WARMUP=1: new Instances skip js/warmup.js.
    config.warmUpInstances = qEnvironmentVariableIntValue("SWITCHYARD_NO_INSTANCE_WARMUP") != 1;
    // Idle Instances are trimmed after 1 s instead of 10 s, and all in a pass or two, so the idle
    // rows can be read within the run; the trim itself is the one the engine ships.
    config.trimAfterIdleMs = 1000;
    config.trimsPerPass = 256;
    Engine engine(platform, config);
    if (!engine.preludeError().isNull()) {
        std::fprintf(stderr, "prelude: %s\n", qPrintable(engine.preludeError()));
        return 1;
    }
    const int threads = engine.config().executorThreads;
    // SWITCHYARD_BENCH_MEMORY_ONLY=1: only the idle-memory row (quick A/B of prelude changes).
    const bool memoryOnly = qEnvironmentVariableIntValue("SWITCHYARD_BENCH_MEMORY_ONLY") == 1;

    // `count` new Scripts, each having served one request; `kept` holds them so that their
    // Instances stay alive to be measured. Returns how many invocations failed.
    auto startInstances = [&engine](int count, std::vector<ScriptPtr> *kept) {
        Counter counter;
        for (int i = 0; i < count; ++i) {
            kept->push_back(engine.compile(hello(300000 + i)));
            engine.invokeFetch(kept->back(), request(), {}, {}, nullptr, counter.callback());
            if (i % 64 == 63)
                counter.waitFor(i + 1);
        }
        counter.waitFor(count);
        QThread::msleep(500);
        return counter.failed();
    };

    // RSS once `count` more Instances than `trimsBefore` have been trimmed (at most 60 s).
    auto rssWhenTrimmed = [&engine](quint64 trimsBefore, int count) {
        QElapsedTimer waited;
        waited.start();
        while (engine.trims() < trimsBefore + quint64(count) && waited.elapsed() < 60000)
            QThread::msleep(50);
        QThread::msleep(1000); // the last trims end, and V8 unmaps what they freed
        return rssMiB();
    };

    // SWITCHYARD_BENCH_CYCLED=1: only the eviction row, in a process of its own (its peak RSS is
    // the row's); SWITCHYARD_BENCH_CYCLED_WORKERS and _BUDGET_MIB change its 10,000 and 512 (a
    // budget no run reaches measures cold starts without eviction).
    if (qEnvironmentVariableIntValue("SWITCHYARD_BENCH_CYCLED") == 1) {
        bool set = false;
        const int workers = qEnvironmentVariableIntValue("SWITCHYARD_BENCH_CYCLED_WORKERS", &set);
        const int budget = qEnvironmentVariableIntValue("SWITCHYARD_BENCH_CYCLED_BUDGET_MIB");
        return cycled(platform, config, set && workers > 0 ? workers : 10000,
                      budget > 0 ? budget : 512);
    }

    // SWITCHYARD_BENCH_STREAM=1: only the streamed-body row (quick A/B of the streams).
    auto streamedRow = [&engine] {
        double cpuMs = 0;
        streamedMiBs(engine, 64, &cpuMs); // compiles the streams' code caches
        std::vector<double> rates, cpu;
        for (int i = 0; i < 7; ++i) {
            rates.push_back(streamedMiBs(engine, 1024, &cpuMs));
            cpu.push_back(cpuMs / 64);
        }
        std::sort(rates.begin(), rates.end());
        std::sort(cpu.begin(), cpu.end());
        std::printf("| streamed body, 64 MiB in 64 KiB chunks from pull() | median %.0f MiB/s (min "
                    "%.0f, max %.0f); Invocation CPU median %.2f ms per MiB (min %.2f) |\n",
                    rates[rates.size() / 2], rates.front(), rates.back(), cpu[cpu.size() / 2],
                    cpu.front());
    };
    if (qEnvironmentVariableIntValue("SWITCHYARD_BENCH_STREAM") == 1) {
        streamedRow();
        return 0;
    }

    if (memoryOnly) {
        constexpr int instances = 500;
        const double before = rssMiB();
        const double cpuBefore = processCpuMs();
        std::vector<ScriptPtr> many;
        const quint64 trimsBefore = engine.trims();
        const int failed = startInstances(instances, &many);
        const double cpuPerInstance = (processCpuMs() - cpuBefore) / instances;
        std::printf(
                "| idle RSS per Instance (%d Instances) | %.2f MiB (%d failed); process CPU %.2f "
                "ms per Instance (prelude in the warm pool, Script, first request) |\n",
                instances, (rssMiB() - before) / instances, failed, cpuPerInstance);
        const double trimmed = rssWhenTrimmed(trimsBefore, instances);
        std::printf("| … the same once idle and trimmed | %.2f MiB (%llu trims) |\n",
                    (trimmed - before) / instances,
                    static_cast<unsigned long long>(engine.trims() - trimsBefore));
        // What a trimmed Instance's next request is billed, against the one after it.
        for (int round = 0; round < 2; ++round) {
            Counter again;
            for (int i = 0; i < instances; ++i) {
                engine.invokeFetch(many[size_t(i)], request(), {}, {}, nullptr, again.callback());
                if (i % 64 == 63)
                    again.waitFor(i + 1);
            }
            again.waitFor(instances);
            std::printf("| CPU billed per request, %s | %.3f ms |\n",
                        round == 0 ? "first after the trim" : "second", again.meanCpuMs());
        }
        return 0;
    }

    // Throughput: one Script, 64 requests in flight for three seconds.
    ScriptPtr script = engine.compile(hello(0));
    {
        Counter warm;
        engine.invokeFetch(script, request(), {}, {}, nullptr, warm.callback());
        warm.waitFor(1);
    }
    Counter counter;
    QElapsedTimer clock;
    clock.start();
    int sent = 0;
    while (clock.elapsed() < 3000) {
        while (sent - counter.done() < 64) {
            engine.invokeFetch(script, request(), {}, {}, nullptr, counter.callback());
            ++sent;
        }
        QThread::usleep(200);
    }
    counter.waitFor(sent);
    const double seconds = clock.nsecsElapsed() / 1e9;
    const double perSecond = sent / seconds;

    // Several Scripts spread over the executors.
    constexpr int spread = 8;
    std::vector<ScriptPtr> scripts;
    for (int i = 0; i < spread; ++i)
        scripts.push_back(engine.compile(hello(100000 + i)));
    Counter spreadCounter;
    clock.restart();
    int spreadSent = 0;
    while (clock.elapsed() < 3000) {
        while (spreadSent - spreadCounter.done() < 64) {
            engine.invokeFetch(scripts[size_t(spreadSent % spread)], request(), {}, {}, nullptr,
                               spreadCounter.callback());
            ++spreadSent;
        }
        QThread::usleep(200);
    }
    spreadCounter.waitFor(spreadSent);
    const double spreadPerSecond = spreadSent / (clock.nsecsElapsed() / 1e9);

    // Cold start: new Script (check + compile) to first response, 20 times.
    std::vector<double> cold;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer start;
        start.start();
        ScriptPtr fresh = engine.compile(hello(200000 + i));
        Counter one;
        engine.invokeFetch(fresh, request(), {}, {}, nullptr, one.callback());
        one.waitFor(1);
        cold.push_back(start.nsecsElapsed() / 1e6);
    }
    std::sort(cold.begin(), cold.end());

    // Cold start where every Instance evaluates the prelude itself (no warm pool): the prelude's
    // own cost, which the warm pool otherwise moves off the request's path.
    std::vector<double> coldUnpooled;
    double coldUnpooledCpuMs = 0;
    {
        EngineConfig unpooledConfig = config;
        unpooledConfig.warmContexts = 0;
        Engine unpooled(platform, unpooledConfig);
        QThread::msleep(200); // the other Engine's warm pool has refilled
        double cpuStart = 0;
        for (int i = 0; i < 41; ++i) {
            if (i == 1)
                cpuStart = processCpuMs();
            QElapsedTimer start;
            start.start();
            ScriptPtr fresh = unpooled.compile(hello(400000 + i));
            Counter one;
            unpooled.invokeFetch(fresh, request(), {}, {}, nullptr, one.callback());
            one.waitFor(1);
            if (i > 0) // the first one also makes the prelude's code cache
                coldUnpooled.push_back(start.nsecsElapsed() / 1e6);
        }
        coldUnpooledCpuMs = (processCpuMs() - cpuStart) / 40;
    }
    std::sort(coldUnpooled.begin(), coldUnpooled.end());

    // Idle memory: 1,000 Instances, each having served one request.
    constexpr int instances = 1000;
    const double before = rssMiB();
    std::vector<ScriptPtr> many;
    const quint64 trimsBefore = engine.trims();
    const int manyFailed = startInstances(instances, &many);
    const double after = rssMiB();
    const double trimmed = rssWhenTrimmed(trimsBefore, instances);

    std::printf("| measure | result |\n| --- | --- |\n");
    std::printf("| executor threads | %d (on %d cores) |\n", threads, QThread::idealThreadCount());
    std::printf("| hello Worker, one Script, 64 in flight | %.0f invocations/s (%d in %.1f s, "
                "%d failed) |\n",
                perSecond, sent, seconds, counter.failed());
    std::printf("| hello Worker, %d Scripts, 64 in flight | %.0f invocations/s |\n", spread,
                spreadPerSecond);
    std::printf("| cold start (new Script -> first response) | median %.1f ms, min %.1f ms, max "
                "%.1f ms |\n",
                cold[cold.size() / 2], cold.front(), cold.back());
    std::printf("| cold start without the warm pool (prelude evaluated per Instance) | median "
                "%.1f ms, min %.1f ms, max %.1f ms; process CPU %.2f ms per cold start |\n",
                coldUnpooled[coldUnpooled.size() / 2], coldUnpooled.front(), coldUnpooled.back(),
                coldUnpooledCpuMs);
    std::printf("| CPU per hello request (the Invocation's own clock) | %.3f ms |\n",
                counter.meanCpuMs());
    std::printf(
            "| idle RSS per Instance (%d Instances) | %.2f MiB (%.0f -> %.0f MiB, %d failed) |\n",
            instances, (after - before) / instances, before, after, manyFailed);
    std::printf("| … the same once idle and trimmed | %.2f MiB (%.0f MiB) |\n",
                (trimmed - before) / instances, trimmed);
    streamedRow();
    return 0;
}
