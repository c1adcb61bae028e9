// What a tenant is billed for its first request. The runtime's own start-up is not the tenant's:
// a new Worker on the seed's free plan (10 ms CPU) that makes five fetches must not be killed on
// its first request, with the seed's custom-limits dispatcher in front of it, through the dispatch
// listener, and also beside two CPU hogs (the stress run). The billed CPU of each request is
// printed from the traces a platform reads, first request beside the warm ones, and the first
// requests must be billed within 2 ms of the warm ones (the goal is 1; see the bound below): CPU
// time billed, never wall time, so it
// holds beside CPU hogs too. Traces bill whole milliseconds; the difference is averaged over the
// Workers so that rounding (up to half a millisecond each way) does not decide it.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QFile>
#include <QTest>

#include <algorithm>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "production";
constexpr int kWorkers = 8;
constexpr int kRequests = 5;

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}
} // namespace

class tst_ColdBilling : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void firstRequestOfANewFreePlanWorkerSucceeds();

private:
    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_ColdBilling::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.startSeedCustomLimits(*m_v8, QString::fromLatin1(kNamespace));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_ColdBilling::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_ColdBilling::firstRequestOfANewFreePlanWorkerSucceeds()
{
    platform::PlatformService &service = m_stack.service();
    const QByteArray fanout
            = readFile(QStringLiteral(SWITCHYARD_SOURCE_DIR "/tests/dispatch/fixtures/fanout.js"));
    // Five subrequests back into the platform (a host no Worker serves: 404s), the free plan's
    // subrequest limit.
    const QByteArray target
            = "/?target=http://127.0.0.1:" + QByteArray::number(m_stack.port()) + "/nobody&n=5";
    // Traces are emitted on the executor threads that finish invocations, several at once: queue
    // them to this thread rather than append to one list from all of them.
    QMap<QString, QList<qint64>> cpu;
    QObject receiver;
    connect(
            &service, &platform::PlatformService::traceAppended, &receiver,
            [&cpu](const store::TraceRecord &trace) {
                if (trace.scriptName.startsWith(QStringLiteral("fresh-")))
                    cpu[trace.scriptName] << trace.cpuTime;
            },
            Qt::QueuedConnection);

    // Several new Workers, so that one lucky first request proves nothing. No CUSTOMERS entry:
    // each is on the free plan.
    for (int i = 0; i < kWorkers; ++i) {
        const QString name = QStringLiteral("fresh-%1").arg(i);
        QVERIFY2(m_stack.putUserWorker(name, fanout).isEmpty(), qPrintable(name));
        for (int r = 0; r < kRequests; ++r) {
            const RawResponse response
                    = rawRequest(m_stack.port(), "GET", name.toUtf8() + ".example.com", target);
            QVERIFY2(response.status == 200,
                     qPrintable(QStringLiteral("%1, request %2: %3 %4")
                                        .arg(name)
                                        .arg(r + 1)
                                        .arg(response.status)
                                        .arg(QString::fromUtf8(response.body))));
            QCOMPARE(response.body, QByteArray("made 5 subrequests"));
        }
    }

    // The user Workers' own traces, in the order they ran; written once an invocation has fully
    // finished, so wait for all of them.
    QTRY_VERIFY_WITH_TIMEOUT(
            cpu.size() == kWorkers
                    && std::all_of(cpu.cbegin(), cpu.cend(),
                                   [](const QList<qint64> &c) { return c.size() == kRequests; }),
            20000);
    QStringList report;
    double excess = 0; // first request minus the median warm one, summed over the Workers
    for (auto it = cpu.cbegin(); it != cpu.cend(); ++it) {
        QStringList each;
        for (qint64 ms : it.value())
            each << QString::number(ms);
        report << it.key() + QStringLiteral(": ") + each.join(u", ");
        // Succeeding on a 10 ms plan is the promise; the trace must agree with the response.
        QVERIFY2(it.value().first() <= 10, qPrintable(report.join(u"; ")));
        QList<qint64> warm = it.value().mid(1);
        std::sort(warm.begin(), warm.end());
        const qsizetype n = warm.size();
        excess += it.value().first() - (warm[(n - 1) / 2] + warm[n / 2]) / 2.0;
    }
    const double meanExcess = excess / kWorkers;
    qInfo().noquote() << "CPU ms billed per request (first, then warm):" << report.join(u"; ")
                      << "; first minus warm median, mean:" << meanExcess;
    // Measured 0.1-0.9 ms here (the goal is 1 ms; with Sparkplug on, 1.0-1.8 ms here and 2.25 on
    // a slower CI machine; before the per-context warm-up, 2.7 ms and sometimes a kill). Traces
    // bill whole milliseconds, so the bound leaves a busy machine room and still fails the old
    // behaviour.
    QVERIFY2(meanExcess <= 2.0,
             qPrintable(QStringLiteral("first requests billed %1 ms more than warm ones: %2")
                                .arg(meanExcess)
                                .arg(report.join(u"; "))));
}

QTEST_GUILESS_MAIN(tst_ColdBilling)
#include "tst_coldbilling.moc"
