// Idle Instances evicted to stay within the memory budget and after the idle timeout, as users
// meet it: many Workers requested through the dispatch listener, each answering correctly
// whether its Instance was evicted or not, and work in flight (a request, waitUntil() work, a
// pending timer) finishing on the Instance it started on.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/engine.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

using namespace switchyard;
using switchyard::testing::DispatchStack;
using switchyard::testing::moduleCode;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {

constexpr char kNamespace[] = "tenants";

const QByteArray kDispatcher = R"(
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    return env.DISPATCHER.get(name).fetch(request);
  },
};
)";

// Module state says which Instance answered: a fresh one starts counting again.
QByteArray counterWorker(const QByteArray &name)
{
    QByteArray code = R"(
let served = 0;
export default {
  fetch() {
    served++;
    return new Response("NAME " + served);
  },
};
)";
    return code.replace("NAME", name);
}

// /slow and /hold wait for /release (or, if it never comes, a 25 s timer that keeps them from
// being a hung Invocation): /slow in its request, /hold in ctx.waitUntil(), which then writes
// how it ended to KV. /count and /release answer how many this Instance is holding.
const QByteArray kKeeper = R"(
let open;
const gate = new Promise((resolve) => (open = resolve));
const nap = (ms) => new Promise((resolve) => setTimeout(() => resolve("timed out"), ms));
let holding = 0;
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/hold") {
      holding++;
      ctx.waitUntil(Promise.race([gate, nap(25000)]).then((how) => env.KV.put("held", how)));
      return new Response("holding");
    }
    if (path === "/slow") {
      holding++;
      return new Response(await Promise.race([gate, nap(25000)]));
    }
    if (path === "/count") return new Response(String(holding));
    if (path === "/release") {
      open("released");
      return new Response(String(holding));
    }
    return new Response("keeper");
  },
};
)";

QByteArray host(const QByteArray &worker)
{
    return worker + ".example.com";
}

} // namespace

class tst_Eviction : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void manyWorkersStayWithinTheBudget();
    void workInFlightIsNeverEvicted();
    void concurrentRequestsAcrossEvictions();
    void idleInstancesAreEvicted();
    void idleInstancesAreTrimmedOnce();

private:
    QString start(qint64 budgetBytes, qint64 idleTimeoutMs, qint64 trimAfterMs = -1)
    {
        m_stack.configure = [=](app::RuntimeStack::Config &config) {
            config.memoryBudgetBytes = budgetBytes;
            config.instanceIdleTimeoutMs = idleTimeoutMs;
            config.instanceTrimAfterMs = trimAfterMs;
        };
        return m_stack.start(*m_v8, QString::fromLatin1(kNamespace), kDispatcher);
    }
    engine::Engine &engine() { return m_stack.runtime().engine(); }
    RawResponse get(const QByteArray &worker, const QByteArray &path = "/")
    {
        return rawRequest(m_stack.port(), "GET", host(worker), path);
    }
    // The keeper Worker with its KV namespace; returns the namespace's id.
    QString putKeeper()
    {
        const auto kv = m_stack.service().createKvNamespace(QStringLiteral("KEEP"));
        if (!kv)
            return {};
        const QJsonArray bindings {QJsonObject {{QStringLiteral("type"), "kv_namespace"},
                                                {QStringLiteral("name"), "KV"},
                                                {QStringLiteral("namespace_id"), kv->id}}};
        platform::PlatformService::ScriptUpload upload {moduleCode(kKeeper, bindings), {}};
        if (!m_stack.service().putScript(QString::fromLatin1(kNamespace), QStringLiteral("keeper"),
                                         upload))
            return {};
        return kv->id;
    }
    QByteArray kvValue(const QString &id, const QString &key)
    {
        const auto value = m_stack.service().kvGet(id, key);
        return value ? value->value : QByteArray();
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    DispatchStack m_stack;
};

void tst_Eviction::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
}

void tst_Eviction::cleanup()
{
    m_stack.stop();
}

void tst_Eviction::manyWorkersStayWithinTheBudget()
{
    // Room for a handful of Instances: most of the 200 must be evicted to make room for others.
    constexpr qint64 budget = 16ll << 20;
    constexpr int workers = 200;
    const QString error = start(budget, 0);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(engine().memoryBudgetBytes(), budget);
    for (int i = 0; i < workers; ++i) {
        const QByteArray name = "w" + QByteArray::number(i);
        const QString put = m_stack.putUserWorker(QString::fromLatin1(name), counterWorker(name));
        QVERIFY2(put.isEmpty(), qPrintable(put));
    }

    int mostLive = 0;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < workers; ++i) {
            const QByteArray name = "w" + QByteArray::number(i);
            const RawResponse r = get(name);
            QCOMPARE(r.status, 200);
            // Served by the Instance of its own Worker, a fresh one or not.
            QVERIFY2(r.body.startsWith(name + ' '), r.body.constData());
            mostLive = std::max(mostLive, engine().liveInstances());
        }
    }
    qInfo("at most %d Instances alive, %llu evictions, %.1f MiB counted", mostLive,
          static_cast<unsigned long long>(engine().evictions()),
          double(engine().memoryUsedBytes()) / (1 << 20));
    // Without eviction every Worker's Instance would still be alive (201 with the dispatcher).
    QVERIFY2(mostLive < workers / 2, qPrintable(QString::number(mostLive)));
    QVERIFY(engine().evictions() > 0);
    // Nothing runs now, so everything above the budget can go.
    QTRY_VERIFY_WITH_TIMEOUT(engine().memoryUsedBytes() <= budget, 20000);
    QVERIFY(engine().memoryUsedBytes() > 0);
}

void tst_Eviction::workInFlightIsNeverEvicted()
{
    constexpr qint64 budget = 16ll << 20;
    const QString error = start(budget, 0);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString kv = putKeeper();
    QVERIFY(!kv.isEmpty());
    constexpr int workers = 60;
    for (int i = 0; i < workers; ++i) {
        const QByteArray name = "w" + QByteArray::number(i);
        QVERIFY(m_stack.putUserWorker(QString::fromLatin1(name), counterWorker(name)).isEmpty());
    }

    // A request in flight (its response waits) and waitUntil() work after a response, both with
    // a pending timer; then the keeper is the least recently used Instance of all.
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, m_stack.port());
    QVERIFY(slow.waitForConnected(20000));
    slow.write("GET /slow HTTP/1.1\r\nHost: " + host("keeper") + "\r\n\r\n");
    const RawResponse held = get("keeper", "/hold");
    QCOMPARE(held.status, 200);
    QCOMPARE(held.body, QByteArray("holding"));
    QTRY_COMPARE_WITH_TIMEOUT(get("keeper", "/count").body, QByteArray("2"), 20000);

    const quint64 evictionsBefore = engine().evictions();
    for (int i = 0; i < workers; ++i) {
        const QByteArray name = "w" + QByteArray::number(i);
        const RawResponse r = get(name);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.startsWith(name + ' '), r.body.constData());
    }
    QVERIFY(engine().evictions() > evictionsBefore);

    // The same Instance answers: it holds both, so neither was lost with an evicted one.
    const RawResponse released = get("keeper", "/release");
    QCOMPARE(released.status, 200);
    QCOMPARE(released.body, QByteArray("2"));
    QByteArray in;
    bool complete = false;
    testing::RawResponse answer;
    QTRY_VERIFY_WITH_TIMEOUT(
            (in += slow.readAll(), answer = testing::parseRawResponse(in, &complete), complete),
            20000);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.body, QByteArray("released"));
    QTRY_COMPARE_WITH_TIMEOUT(kvValue(kv, QStringLiteral("held")), QByteArray("released"), 20000);
}

void tst_Eviction::concurrentRequestsAcrossEvictions()
{
    // Room for two or three Instances and sixteen connections at once over forty Workers: most
    // requests start a Worker while others are evicted, some of them racing the eviction of the
    // very Instance they were about to start on.
    const QString error = start(6ll << 20, 0);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    constexpr int workers = 40, connections = 16, requests = 320;
    for (int i = 0; i < workers; ++i) {
        const QByteArray name = "w" + QByteArray::number(i);
        QVERIFY(m_stack.putUserWorker(QString::fromLatin1(name), counterWorker(name)).isEmpty());
    }
    struct Connection
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        QByteArray in;
        QByteArray expected; // the Worker whose answer is awaited; empty: none
    };
    std::vector<Connection> open(connections);
    int sent = 0, answered = 0;
    QStringList wrong;
    auto sendNext = [&](Connection &c) {
        c.expected.clear();
        if (sent == requests)
            return;
        c.expected = "w" + QByteArray::number((sent * 7) % workers);
        ++sent;
        c.socket->write("GET / HTTP/1.1\r\nHost: " + host(c.expected) + "\r\n\r\n");
    };
    for (Connection &c : open) {
        c.socket->connectToHost(QHostAddress::LocalHost, m_stack.port());
        QVERIFY(c.socket->waitForConnected(20000));
        sendNext(c);
    }
    QElapsedTimer waited;
    waited.start();
    while (answered < requests && waited.elapsed() < 240000) {
        QTest::qWait(1);
        for (Connection &c : open) {
            if (c.expected.isEmpty())
                continue;
            c.in += c.socket->readAll();
            bool complete = false;
            const RawResponse r = testing::parseRawResponse(c.in, &complete);
            if (!complete)
                continue;
            ++answered;
            if (r.status != 200 || !r.body.startsWith(c.expected + ' '))
                wrong << QStringLiteral("%1: %2 %3")
                                 .arg(QString::fromLatin1(c.expected))
                                 .arg(r.status)
                                 .arg(QString::fromUtf8(r.body));
            c.in.clear();
            sendNext(c);
        }
    }
    QCOMPARE(answered, requests);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
    QVERIFY(engine().evictions() > 0);
}

void tst_Eviction::idleInstancesAreEvicted()
{
    // A short idle timeout and no memory pressure: only idling evicts.
    const QString error = start(0, 1000);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(engine().memoryBudgetBytes() > (16ll << 20)); // the default, a share of the machine
    const QString kv = putKeeper();
    QVERIFY(!kv.isEmpty());
    QVERIFY(m_stack.putUserWorker(QStringLiteral("counter"), counterWorker("counter")).isEmpty());

    QCOMPARE(get("counter").body, QByteArray("counter 1"));
    QCOMPARE(get("keeper", "/hold").body, QByteArray("holding"));
    // The dispatcher and the counter go; the keeper, with waitUntil() work and a timer pending,
    // stays however long it has been since its last turn.
    QTRY_VERIFY_WITH_TIMEOUT(engine().evictions() >= 2 && engine().instanceCount() == 1, 20000);
    QCOMPARE(get("keeper", "/release").body, QByteArray("1"));
    QTRY_COMPARE_WITH_TIMEOUT(kvValue(kv, QStringLiteral("held")), QByteArray("released"), 20000);

    // The counter starts again on its next request, invisibly but for its fresh state.
    const RawResponse again = get("counter");
    QCOMPARE(again.status, 200);
    QCOMPARE(again.body, QByteArray("counter 1"));
    // Once the keeper's work is done it is idle too, and everything goes.
    QTRY_VERIFY_WITH_TIMEOUT(engine().instanceCount() == 0, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(engine().liveInstances() == 0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(engine().memoryUsedBytes(), qint64(0), 20000);
}

QTEST_GUILESS_MAIN(tst_Eviction)
void tst_Eviction::idleInstancesAreTrimmedOnce()
{
    // No eviction at all; an Instance idle for 300 ms gives its free pages back once, and stays.
    const QString error = start(1ll << 30, 0, 300);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QList<QByteArray> workers {"alpha", "bravo", "charlie", "delta"};
    for (const QByteArray &w : workers) {
        QVERIFY(m_stack.putUserWorker(QString::fromLatin1(w), counterWorker(w)).isEmpty());
        QCOMPARE(get(w).body, w + " 1");
    }
    // The four and the dispatcher. What a trim gives back shows in the process's RSS
    // (bench_engine's idle rows), not reliably in the heap's committed size right after it: V8
    // unmaps freed pages on a background task.
    QTRY_VERIFY_WITH_TIMEOUT(engine().trims() >= 5, 20000);
    // Trimmed, not evicted: each answers from the Instance it had, its state intact.
    const quint64 trimmed = engine().trims();
    QCOMPARE(engine().evictions(), quint64(0));
    for (const QByteArray &w : workers)
        QCOMPARE(get(w).body, w + " 2");
    // Used again, each is trimmed again once it idles.
    QTRY_VERIFY_WITH_TIMEOUT(engine().trims() >= trimmed + 5, 20000);
    const quint64 afterUse = engine().trims();
    // Idle but trimmed already: several more passes of the evictor trim nothing.
    QTest::qWait(1500);
    QCOMPARE(engine().trims(), afterUse);
    QCOMPARE(engine().evictions(), quint64(0));
}

#include "tst_eviction.moc"
