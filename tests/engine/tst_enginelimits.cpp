// Limits, with the exact messages and outcomes Workers see: CPU (and how precisely it is cut),
// memory, subrequests, wall clock, startup; a killed Worker's next request works, and a Worker
// spinning at its limit does not hold up another Worker: it moves to the long lane and there gives
// way to short work.
#include "enginetest.h"
#include "loopbackserver.h"

#include "engine/cputime.h"
#include "engine/v8platform.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

#include <sched.h>

using namespace switchyard::engine;
using namespace enginetest;

class tst_EngineLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cpuLimitThenNextInvocationWorks();
    void cpuPrecision();
    void threadCpuClockStaysWithinItsBound();
    void waitingIsNotCpuTime();
    void memoryBomb();
    void subrequests();
    void wallClockLimit();
    void startupCpuLimit();
    void noisyNeighbour();
    void noThreadRunsAtRealTimePriority();
    void longLaneRunsAtIdlePolicy();
    void spinningWorkerMovesToTheLongLane();
    void longLaneYieldsToShortWork();
    void limitsInTheWaitUntilPhase();

private:
    ScriptPtr compile(const char *name, const QStringList &files)
    {
        return compileFixture(*m_engine, name, files);
    }
    std::unique_ptr<V8Platform> m_platform;
    std::unique_ptr<Engine> m_engine;
};

void tst_EngineLimits::initTestCase()
{
    m_platform = std::make_unique<V8Platform>();
    EngineConfig config = standInConfig();
    config.heapLimitBytes = 64ll * 1024 * 1024; // a bomb fills it sooner; same code path
    // A spinner starved on the long lane (the stress run's CPU hogs) ends at its wall limit: a
    // shorter one than the default 30 s keeps that run short. No test here waits longer.
    config.defaultWallMs = 8000;
    m_engine = std::make_unique<Engine>(*m_platform, config);
}

void tst_EngineLimits::cleanupTestCase()
{
    m_engine.reset();
    m_platform.reset();
}

void tst_EngineLimits::cpuLimitThenNextInvocationWorks()
{
    ScriptPtr script = compile("spin", {"spin.js"});
    const InvocationResult killed = invoke(*m_engine, script, get("http://s/spin"), {50, 0, 0});
    QCOMPARE(killed.outcome, QStringLiteral("exceededCpu"));
    QCOMPARE(killed.error, QStringLiteral("Worker exceeded CPU time limit."));
    QVERIFY(!killed.response);
    // Never before the limit, and not much after it (CpuTimer; generous for loaded machines).
    QVERIFY2(killed.cpuTimeMs >= 50 && killed.cpuTimeMs <= 60,
             qPrintable(QString::number(killed.cpuTimeMs)));
    // The same Instance goes on: its state survived the kill.
    const InvocationResult next = invoke(*m_engine, script, get("http://s/"), {50, 0, 0});
    QCOMPARE(next.outcome, QStringLiteral("ok"));
    QCOMPARE(bodyOf(next), QStringLiteral("alive after 2 calls"));
}

void tst_EngineLimits::cpuPrecision()
{
    // 100 kills at a 10 ms limit: never before the limit, and typically within 2 ms of it. Each
    // executor's own timers end the slice (CpuTimer), and the Worker waits blocked while its
    // killer waits for a core; bench/run.sh --busy measures the distribution beside CPU hogs.
    // A Worker killed once runs on the long lane, which a machine saturated by other processes
    // starves (SCHED_IDLE): each kill is of a new Script, on the short lane, as a first spin is.
    QList<double> cpu;
    for (int i = 0; i < 100; ++i) {
        ScriptPtr script = compile(qPrintable(QStringLiteral("spin-%1").arg(i)), {"spin.js"});
        const InvocationResult result = invoke(*m_engine, script, get("http://s/spin"), {10, 0, 0});
        QCOMPARE(result.outcome, QStringLiteral("exceededCpu"));
        cpu.append(result.cpuTimeMs);
    }
    std::sort(cpu.begin(), cpu.end());
    const auto at = [&](double q) {
        return cpu.at(std::min(int(q * cpu.size()), int(cpu.size()) - 1));
    };
    qInfo("CPU at kill, 10 ms limit, 100 kills: min %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f "
          "ms",
          cpu.first(), at(0.5), at(0.9), at(0.99), cpu.last());
    QVERIFY2(cpu.first() >= 10.0, qPrintable(QString::number(cpu.first())));
    QVERIFY2(at(0.5) <= 12.0, qPrintable(QString::number(at(0.5))));
    // Generous: precision under load is bench/run.sh's to measure (and tst_enginecputimer's to
    // bound). A kill that never comes ends in the wall limit, not here.
    QVERIFY2(cpu.last() <= 100.0, qPrintable(QString::number(cpu.last())));
}

void tst_EngineLimits::threadCpuClockStaysWithinItsBound()
{
    // Slices are billed from ThreadCpuClock, which reads the kernel at most once per reuse period
    // of wall time. Every reading must lie between the thread's true CPU time before the call and
    // one reuse period after it, and never go backwards.
    {
        ThreadCpuClock clock;
        constexpr qint64 reuse = ThreadCpuClock::defaultReuseNs;
        qint64 previous = 0;
        for (int i = 0; i < 200000; ++i) {
            const qint64 before = ownCpuNowNs();
            const qint64 reading = clock.now();
            const qint64 after = ownCpuNowNs();
            QVERIFY2(reading >= before && reading <= after + reuse,
                     qPrintable(QStringLiteral("reading %1 outside [%2, %3 + %4]")
                                        .arg(reading)
                                        .arg(before)
                                        .arg(after)
                                        .arg(reuse)));
            QVERIFY(reading >= previous);
            previous = reading;
        }
    }
    // Blocking on purpose (an executor waiting for work) is not extrapolated over once forgotten.
    // A long reuse period makes the difference visible: 2 ms asleep inside it.
    const auto billedAcrossSleep = [](bool forget) {
        ThreadCpuClock clock(std::chrono::nanoseconds(std::chrono::seconds(1)).count());
        const qint64 before = clock.now();
        if (forget)
            clock.forget();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return clock.now() - before;
    };
    QVERIFY(billedAcrossSleep(false) >= 2000000);
    const qint64 billed = billedAcrossSleep(true);
    QVERIFY2(billed < 500000,
             qPrintable(QStringLiteral("%1 ns billed across a sleep").arg(billed)));
}

void tst_EngineLimits::waitingIsNotCpuTime()
{
    // 35+ ms of timers under a 10 ms CPU limit. The first Invocation runs V8's cold paths, whose
    // CPU grows on a busy machine, so a warm one is measured.
    ScriptPtr script = compile("timers", {"timers.js"});
    QCOMPARE(invoke(*m_engine, script, get("http://t/")).outcome, QStringLiteral("ok"));
    const InvocationResult result = invoke(*m_engine, script, get("http://t/"), {10, 0, 0});
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QVERIFY(result.wallTimeMs > 30);
}

void tst_EngineLimits::memoryBomb()
{
    ScriptPtr bomb = compile("bomb", {"memory_bomb.js"});
    ScriptPtr other = compile("spin", {"spin.js"});
    QCOMPARE(invoke(*m_engine, other, get("http://o/")).outcome, QStringLiteral("ok"));

    Waiter waiter;
    m_engine->invokeFetch(bomb, get(QStringLiteral("http://b/bomb")), {}, {}, nullptr,
                          waiter.callback());
    // The other Worker keeps serving while the bomb goes off.
    QCOMPARE(invoke(*m_engine, other, get("http://o/")).outcome, QStringLiteral("ok"));
    QVERIFY(waiter.waitFor(1, 60000));
    const InvocationResult result = waiter.results().first();
    QCOMPARE(result.outcome, QStringLiteral("exceededMemory"));
    QCOMPARE(result.error, QStringLiteral("Worker exceeded memory limit."));

    // A fresh Instance serves the next request; the neighbour's state is untouched.
    QCOMPARE(bodyOf(invoke(*m_engine, bomb, get("http://b/"))), QStringLiteral("still here"));
    QVERIFY(bodyOf(invoke(*m_engine, other, get("http://o/")))
                    .startsWith(QStringLiteral("alive after")));
}

void tst_EngineLimits::subrequests()
{
    LoopbackServer server;
    ScriptPtr script = compile("subrequests", {"subrequests.js"});
    RequestData request = get(QStringLiteral("http://w/"));
    request.headers = {{QStringLiteral("x-target"), server.base()},
                       {QStringLiteral("x-count"), QStringLiteral("4")}};
    const InvocationResult result = invoke(*m_engine, script, request, {0, 2, 0});
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QCOMPARE(
            QJsonDocument::fromJson(bodyOf(result).toUtf8()).array(),
            QJsonArray({200, 200, "Error: Too many subrequests.", "Error: Too many subrequests."}));
    QCOMPARE(server.requests, 2);
}

void tst_EngineLimits::wallClockLimit()
{
    ScriptSource source = ScriptSource::esModules(
            QStringLiteral("slow"),
            {{QStringLiteral("i.js"),
              QStringLiteral("export default { fetch() { return new Promise(r => setTimeout(() => "
                             "r(new Response('late')), 10000)); } };")}},
            QStringLiteral("i.js"));
    ScriptPtr script = m_engine->compile(source);
    const InvocationResult result = invoke(*m_engine, script, get("http://w/"), {0, 0, 100});
    QCOMPARE(result.outcome, QStringLiteral("canceled"));
    QCOMPARE(result.error, QStringLiteral("Worker exceeded wall-clock time limit."));
    QVERIFY2(result.wallTimeMs < 2000, qPrintable(QString::number(result.wallTimeMs)));

    // A wall limit also stops a running loop (with a CPU budget far above it).
    ScriptPtr spin = compile("spin", {"spin.js"});
    const InvocationResult looping = invoke(*m_engine, spin, get("http://s/spin"), {5000, 0, 100});
    QCOMPARE(looping.outcome, QStringLiteral("canceled"));
}

void tst_EngineLimits::startupCpuLimit()
{
    ScriptSource source = ScriptSource::esModules(
            QStringLiteral("loops"),
            {{QStringLiteral("i.js"), QStringLiteral("while (true) {}\nexport default {};")}},
            QStringLiteral("i.js"));
    ScriptPtr script = m_engine->compile(source);
    QVERIFY(script);
    const InvocationResult result = invoke(*m_engine, script, get("http://l/"));
    QCOMPARE(result.outcome, QStringLiteral("exceededCpu"));
    QCOMPARE(result.error, QStringLiteral("Worker exceeded CPU time limit."));
}

void tst_EngineLimits::noThreadRunsAtRealTimePriority()
{
    // The watchdog once asked for SCHED_FIFO. Where it got it (running as root), waking every
    // millisecond to interrupt long-lane slices made it take whole cores for tens of
    // milliseconds, and a quiet tenant's p99 went ten times up while another one spun.
    ScriptPtr spin = compile("spin", {"spin.js"});
    QCOMPARE(invoke(*m_engine, spin, get("http://s/spin"), {20, 0, 0}).outcome,
             QStringLiteral("exceededCpu"));
    const QDir tasks(QStringLiteral("/proc/self/task"));
    const QStringList ids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QVERIFY(ids.size() > 3);
    for (const QString &id : ids) {
        QFile stat(tasks.filePath(id + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue; // the thread ended meanwhile
        const QByteArray text = stat.readAll();
        // Fields after the command name, which may hold spaces: state is field 3, policy 41.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        QVERIFY(fields.size() > 38);
        const int policy = fields.at(38).toInt();
        QVERIFY2(policy != SCHED_FIFO && policy != SCHED_RR,
                 qPrintable(QStringLiteral("thread %1 (%2) runs at real-time policy %3")
                                    .arg(id,
                                         QString::fromUtf8(text.mid(
                                                 text.indexOf('(') + 1,
                                                 text.lastIndexOf(')') - text.indexOf('(') - 1)))
                                    .arg(policy)));
    }
}

void tst_EngineLimits::longLaneRunsAtIdlePolicy()
{
    // At nice 10 a spinner on the long lane kept its core for a while after another tenant's
    // thread woke, and doubled that tenant's p99 (bench/run.sh); at SCHED_IDLE it yields at once.
    const int perLane = m_engine->config().executorThreads;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    int seen = 0;
    for (const QString &id : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(tasks.filePath(id + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QByteArray name
                = text.mid(text.indexOf('(') + 1, text.lastIndexOf(')') - text.indexOf('(') - 1);
        if (!name.startsWith("executor-"))
            continue;
        const int index = name.mid(int(qstrlen("executor-"))).toInt();
        const int policy = text.mid(text.lastIndexOf(')') + 2).split(' ').at(38).toInt();
        QCOMPARE(policy, index < perLane ? SCHED_OTHER : SCHED_IDLE);
        ++seen;
    }
    QCOMPARE(seen, 2 * perLane);
}

void tst_EngineLimits::noisyNeighbour()
{
    ScriptPtr noisy = compile("spin", {"spin.js"});
    ScriptPtr quiet = compile("hello", {"hello.js"});
    QCOMPARE(invoke(*m_engine, quiet, get("http://q/")).outcome, QStringLiteral("ok")); // warm
    constexpr int limitMs = 300;
    for (int round = 0; round < 3; ++round) {
        Waiter spinner;
        m_engine->invokeFetch(noisy, get(QStringLiteral("http://n/spin")), {}, {limitMs, 0, 0},
                              nullptr, spinner.callback());
        QThread::msleep(20); // the spinner is on an executor now
        const InvocationResult result = invoke(*m_engine, quiet, get("http://q/"));
        QCOMPARE(result.outcome, QStringLiteral("ok"));
        QVERIFY2(result.wallTimeMs < limitMs / 2,
                 qPrintable(QStringLiteral("waited %1 ms behind a spinning Worker")
                                    .arg(result.wallTimeMs)));
        // Starved beside other processes (the stress run), the wall limit may end it instead.
        QVERIFY(spinner.waitFor(1, 60000));
        const QString outcome = outcomeName(spinner.results().first().outcome);
        QVERIFY2(outcome == QLatin1String("exceededCpu") || outcome == QLatin1String("canceled"),
                 qPrintable(outcome));
    }
}

void tst_EngineLimits::spinningWorkerMovesToTheLongLane()
{
    // One executor per lane: without lanes the quiet Worker waited out the spinner's limit.
    EngineConfig config = standInConfig();
    config.executorThreads = 1;
    config.defaultWallMs = 10000;
    Engine engine(*m_platform, config);
    ScriptPtr noisy = compileFixture(engine, "spin", {"spin.js"});
    ScriptPtr quiet = compileFixture(engine, "hello", {"hello.js"});
    QVERIFY(noisy && quiet);
    // Past its cold first slices, the first spin runs on the short lane: nothing said yet that
    // this Worker spins.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(invoke(engine, noisy, get("http://n/")).outcome, QStringLiteral("ok"));
    QCOMPARE(invoke(engine, noisy, get("http://n/spin"), {20, 0, 0}).outcome,
             QStringLiteral("exceededCpu"));
    Waiter spinner;
    engine.invokeFetch(noisy, get(QStringLiteral("http://n/spin")), {}, {2000, 0, 0}, nullptr,
                       spinner.callback());
    const InvocationResult result = invoke(engine, quiet, get("http://q/"));
    QCOMPARE(result.outcome, QStringLiteral("ok"));
    QVERIFY2(spinner.count() == 0,
             qPrintable(QStringLiteral("the quiet Worker waited for the spinner's limit (%1, "
                                       "%2 ms CPU; the quiet one took %3 ms)")
                                .arg(outcomeName(spinner.results().value(0).outcome))
                                .arg(spinner.results().value(0).cpuTimeMs)
                                .arg(result.wallTimeMs)));
    QVERIFY(spinner.waitFor(1, 60000));
    const InvocationResult spun = spinner.results().first();
    // The long lane runs at SCHED_IDLE: while other processes saturate every core (the stress
    // run's CPU hogs) it gets almost no CPU, and the wall limit may end the spin before 2 s of CPU
    // are spent. Either way it is billed CPU time only, as on the short lane.
    if (spun.outcome == QLatin1String("canceled")) {
        QCOMPARE(spun.error, QStringLiteral("Worker exceeded wall-clock time limit."));
        QVERIFY2(spun.cpuTimeMs < 2000, qPrintable(QString::number(spun.cpuTimeMs)));
    } else {
        QCOMPARE(spun.outcome, QStringLiteral("exceededCpu"));
        QVERIFY2(spun.cpuTimeMs >= 2000, qPrintable(QString::number(spun.cpuTimeMs)));
    }
}

void tst_EngineLimits::longLaneYieldsToShortWork()
{
    // While short work runs, a spinner on the long lane sleeps two milliseconds for every one it
    // runs: its wall time grows to about three times its CPU time (its limit stays CPU time).
    ScriptPtr noisy = compile("spin", {"spin.js"});
    ScriptPtr quiet = compile("hello", {"hello.js"});
    for (int i = 0; i < 4; ++i) // past its cold first slices
        QCOMPARE(invoke(*m_engine, noisy, get("http://n/")).outcome, QStringLiteral("ok"));
    QCOMPARE(invoke(*m_engine, noisy, get("http://n/spin"), {20, 0, 0}).outcome,
             QStringLiteral("exceededCpu"));
    Waiter spinner;
    m_engine->invokeFetch(noisy, get(QStringLiteral("http://n/spin")), {}, {200, 0, 0}, nullptr,
                          spinner.callback());
    Waiter flood; // keeps a short-lane executor busy until the spinner is stopped
    int sent = 0;
    // At SCHED_IDLE beside other processes that saturate every core (the stress run's CPU hogs)
    // the spinner gets almost no CPU, and while the flood lasts it keeps giving way: the flood
    // stops after 8 s, and then the spinner's CPU or wall limit ends it.
    QElapsedTimer flooding;
    flooding.start();
    while (spinner.count() == 0 && flooding.elapsed() < 8000) {
        for (; sent - flood.count() < 256; ++sent)
            m_engine->invokeFetch(quiet, get(QStringLiteral("http://q/")), {}, {}, nullptr,
                                  flood.callback());
        QThread::usleep(200);
    }
    QVERIFY(flood.waitFor(sent, 60000));
    QVERIFY(spinner.waitFor(1, 60000));
    const InvocationResult result = spinner.results().first();
    QVERIFY2(result.outcome == QLatin1String("exceededCpu")
                     || result.outcome == QLatin1String("canceled"),
             qPrintable(outcomeName(result.outcome)));
    qInfo("long lane beside short work: %.1f ms wall for %.1f ms CPU", result.wallTimeMs,
          result.cpuTimeMs);
    QVERIFY2(result.wallTimeMs >= 2 * result.cpuTimeMs,
             qPrintable(QStringLiteral("%1 ms wall for %2 ms CPU beside %3 short requests")
                                .arg(result.wallTimeMs)
                                .arg(result.cpuTimeMs)
                                .arg(sent)));
}

void tst_EngineLimits::limitsInTheWaitUntilPhase()
{
    // waitUntil() work is billed to its Invocation: a limit it hits becomes the final outcome,
    // while the client already got its response.
    ScriptPtr script = compile("waituntil", {"waituntil.js"});
    Waiter responded;
    Waiter finished;
    m_engine->invokeFetch(script, get("http://w/spin"), {}, {50, 0, 0}, nullptr,
                          responded.callback(), finished.callback());
    QVERIFY(finished.waitFor(1));
    QCOMPARE(responded.results().first().outcome, QStringLiteral("ok"));
    InvocationResult last = finished.results().first();
    QCOMPARE(last.outcome, QStringLiteral("exceededCpu"));
    QCOMPARE(last.error, QStringLiteral("Worker exceeded CPU time limit."));
    QCOMPARE(bodyOf(last), QStringLiteral("spin"));

    // A background task that never ends gets the wall limit, counted from the response.
    Waiter respondedWall;
    Waiter finishedWall;
    QElapsedTimer timer;
    timer.start();
    m_engine->invokeFetch(script, get("http://w/forever"), {}, {0, 0, 300}, nullptr,
                          respondedWall.callback(), finishedWall.callback());
    QVERIFY(respondedWall.waitFor(1));
    QVERIFY(finishedWall.waitFor(1, 5000));
    last = finishedWall.results().first();
    QCOMPARE(last.outcome, QStringLiteral("canceled"));
    QCOMPARE(last.error, QStringLiteral("Worker exceeded wall-clock time limit."));
    QVERIFY2(timer.elapsed() >= 290, qPrintable(QString::number(timer.elapsed())));

    // The Instance is still usable.
    QCOMPARE(bodyOf(invoke(*m_engine, script, get("http://w/none"))), QStringLiteral("none"));
}

QTEST_GUILESS_MAIN(tst_EngineLimits)
#include "tst_enginelimits.moc"
