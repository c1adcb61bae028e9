// CPU limits on a busy machine: a spinning Worker is ended by its executor's CPU timer, at its
// limit in the CPU time it is billed, while threads of this process spin on every core; and the
// polling the engine falls back to without timers still ends it.
#include "../common/cpuhogs.h"
#include "enginetest.h"

#include "engine/v8platform.h"

#include <QTest>

#include <algorithm>
#include <thread>

using namespace switchyard::engine;
using switchyard::testing::CpuHogs;
using namespace enginetest;

class tst_EngineCpuTimer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void spinnerBesideHogsIsKilledByItsCpuTimer();
    void pollingKillsWithoutTimers();

private:
    std::unique_ptr<V8Platform> m_platform;
};

void tst_EngineCpuTimer::initTestCase()
{
    m_platform = std::make_unique<V8Platform>();
}

void tst_EngineCpuTimer::cleanupTestCase()
{
    m_platform.reset();
}

void tst_EngineCpuTimer::spinnerBesideHogsIsKilledByItsCpuTimer()
{
    EngineConfig config = standInConfig();
    // A spinner waits for a core beside the hogs: its wall limit must not end it first.
    config.defaultWallMs = 20000;
    Engine engine(*m_platform, config);
    const quint64 timerKillsBefore = engine.cpuTimerKills();
    CpuHogs hogs(std::max(2, int(std::thread::hardware_concurrency())));
    constexpr int limitMs = 10;
    constexpr int kills = 20;
    QList<double> cpu;
    for (int i = 0; i < kills; ++i) {
        // A new Script each time: a Worker killed once moves to the long lane, which the hogs
        // starve (SCHED_IDLE) until its wall limit.
        const ScriptPtr script
                = compileFixture(engine, qPrintable(QStringLiteral("spin-%1").arg(i)), {"spin.js"});
        const InvocationResult result
                = invoke(engine, script, get("http://s/spin"), {limitMs, 0, 0});
        QCOMPARE(result.outcome, QStringLiteral("exceededCpu"));
        QCOMPARE(result.error, QStringLiteral("Worker exceeded CPU time limit."));
        cpu.append(result.cpuTimeMs);
    }
    std::sort(cpu.begin(), cpu.end());
    qInfo("CPU billed at kill beside hogs, %d ms limit, %d kills: min %.3f  median %.3f  max %.3f "
          "ms",
          limitMs, kills, cpu.first(), cpu.at(kills / 2), cpu.last());
    // The timers killed every one (the watchdog's poll did not).
    QCOMPARE(engine.cpuTimerKills() - timerKillsBefore, quint64(kills));
    // Never billed under the limit. Over it by the handler's hand-off, not by how long the killing
    // thread waited for a core (the Worker waits blocked meanwhile): generous bounds, as the
    // stress run adds two more hogs.
    QVERIFY2(cpu.first() >= limitMs, qPrintable(QString::number(cpu.first())));
    QVERIFY2(cpu.at(kills / 2) <= limitMs + 2.0, qPrintable(QString::number(cpu.at(kills / 2))));
    QVERIFY2(cpu.last() <= 2.0 * limitMs, qPrintable(QString::number(cpu.last())));
}

void tst_EngineCpuTimer::pollingKillsWithoutTimers()
{
    EngineConfig config = standInConfig();
    config.cpuTimers = false;
    config.defaultWallMs = 20000;
    Engine engine(*m_platform, config);
    const ScriptPtr script = compileFixture(engine, "spin", {"spin.js"});
    const InvocationResult killed = invoke(engine, script, get("http://s/spin"), {20, 0, 0});
    QCOMPARE(killed.outcome, QStringLiteral("exceededCpu"));
    QVERIFY2(killed.cpuTimeMs >= 20, qPrintable(QString::number(killed.cpuTimeMs)));
    QCOMPARE(engine.cpuTimerKills(), quint64(0));
    const InvocationResult next = invoke(engine, script, get("http://s/"), {20, 0, 0});
    QCOMPARE(next.outcome, QStringLiteral("ok"));
}

QTEST_GUILESS_MAIN(tst_EngineCpuTimer)
#include "tst_enginecputimer.moc"
