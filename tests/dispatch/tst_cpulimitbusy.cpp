// A tenant's CPU limit on a busy machine, where users meet it: new Workers on the seed's free plan
// (10 ms CPU) that spin, behind the seed's custom-limits dispatcher, through the dispatch listener,
// while threads of this process spin on every core. Each gets the dispatcher's 429, and the trace
// the platform bills from says it was stopped at its limit, not some scheduler slices later.
#include "../common/cpuhogs.h"
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QTest>

#include <algorithm>
#include <thread>

using namespace switchyard;
using switchyard::testing::CpuHogs;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "production";
constexpr int kWorkers = 8;
} // namespace

class tst_CpuLimitBusy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void spinningFreePlanWorkerIsStoppedAtItsLimit();

private:
    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_CpuLimitBusy::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.startSeedCustomLimits(*m_v8, QString::fromLatin1(kNamespace));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_CpuLimitBusy::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_CpuLimitBusy::spinningFreePlanWorkerIsStoppedAtItsLimit()
{
    platform::PlatformService &service = m_stack.service();
    // Traces come from executor threads: queue them to this one.
    QMap<QString, store::TraceRecord> traces;
    QObject receiver;
    connect(
            &service, &platform::PlatformService::traceAppended, &receiver,
            [&traces](const store::TraceRecord &trace) {
                if (trace.scriptName.startsWith(QStringLiteral("spin-")))
                    traces.insert(trace.scriptName, trace);
            },
            Qt::QueuedConnection);
    {
        CpuHogs hogs(std::max(2, int(std::thread::hardware_concurrency())));
        // A new Worker each time: one killed once runs on the long lane, which the hogs starve
        // until its wall limit.
        for (int i = 0; i < kWorkers; ++i) {
            const QString name = QStringLiteral("spin-%1").arg(i);
            QVERIFY2(m_stack.putUserWorker(name, "export default { fetch() { for (;;) {} } };")
                             .isEmpty(),
                     qPrintable(name));
            const RawResponse response
                    = rawRequest(m_stack.port(), "GET", name.toUtf8() + ".example.com", "/");
            QVERIFY2(response.status == 429,
                     qPrintable(QStringLiteral("%1: %2 %3")
                                        .arg(name)
                                        .arg(response.status)
                                        .arg(QString::fromUtf8(response.body))));
            QCOMPARE(response.body, QByteArray("CPU limit exceeded"));
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(traces.size() == kWorkers, 20000);
    QStringList billed;
    for (const store::TraceRecord &trace : std::as_const(traces)) {
        billed << QStringLiteral("%1 %2 ms").arg(trace.scriptName).arg(trace.cpuTime);
        QCOMPARE(trace.outcome, QStringLiteral("exceededCpu"));
    }
    qInfo().noquote() << "CPU billed at the free plan's 10 ms beside hogs:" << billed.join(u", ");
    // Billed in whole milliseconds: never under the plan's 10, and generously within it of being
    // stopped (the Worker waits blocked while its killer waits for a core).
    for (const store::TraceRecord &trace : std::as_const(traces))
        QVERIFY2(trace.cpuTime >= 10 && trace.cpuTime <= 20, qPrintable(billed.join(u", ")));
}

QTEST_GUILESS_MAIN(tst_CpuLimitBusy)
#include "tst_cpulimitbusy.moc"
