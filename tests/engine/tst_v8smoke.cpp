// Proves the embedded V8 is the one we need: modern syntax parses and runs, microtasks drain, and
// a runaway script can be stopped from another thread and the isolate used again.
#include "engine/v8platform.h"

#include <QElapsedTimer>
#include <QTest>

#include <libplatform/libplatform.h>
#include <v8.h>

#include <atomic>
#include <memory>
#include <thread>

using namespace switchyard::engine;

class tst_V8Smoke : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void versionIsTen();
    void modernSyntaxAndMicrotasks();
    void terminateRunawayThenReuse();

private:
    QString run(const char *source, bool *threw = nullptr);

    std::unique_ptr<V8Platform> m_platform;
    std::unique_ptr<v8::ArrayBuffer::Allocator> m_allocator;
    v8::Isolate *m_isolate = nullptr;
};

void tst_V8Smoke::initTestCase()
{
    m_platform = std::make_unique<V8Platform>();
}

void tst_V8Smoke::cleanupTestCase()
{
    m_platform.reset();
}

void tst_V8Smoke::init()
{
    m_allocator.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = m_allocator.get();
    m_isolate = v8::Isolate::New(params);
    m_isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
}

void tst_V8Smoke::cleanup()
{
    m_isolate->Dispose();
    m_isolate = nullptr;
}

QString tst_V8Smoke::run(const char *source, bool *threw)
{
    v8::Isolate::Scope isolateScope(m_isolate);
    v8::HandleScope handles(m_isolate);
    v8::Local<v8::Context> context = v8::Context::New(m_isolate);
    v8::Context::Scope contextScope(context);
    v8::TryCatch tryCatch(m_isolate);
    v8::Local<v8::String> code = v8::String::NewFromUtf8(m_isolate, source).ToLocalChecked();
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> result;
    if (!v8::Script::Compile(context, code).ToLocal(&script)
        || !script->Run(context).ToLocal(&result)) {
        if (threw)
            *threw = true;
        return tryCatch.HasTerminated() ? QStringLiteral("<terminated>")
                                        : QStringLiteral("<exception>");
    }
    m_isolate->PerformMicrotaskCheckpoint();
    // A promise result is read after the checkpoint: it must have settled by then.
    if (result->IsPromise()) {
        auto promise = result.As<v8::Promise>();
        if (promise->State() == v8::Promise::kPending)
            return QStringLiteral("<promise pending>");
        if (promise->State() == v8::Promise::kRejected) {
            v8::String::Utf8Value reason(m_isolate, promise->Result());
            return QStringLiteral("<rejected: %1>").arg(QString::fromUtf8(*reason));
        }
        result = promise->Result();
    }
    v8::String::Utf8Value text(m_isolate, result);
    return QString::fromUtf8(*text);
}

void tst_V8Smoke::versionIsTen()
{
    QCOMPARE(V8_MAJOR_VERSION, 10);
    QVERIFY(QByteArray(V8Platform::version()).startsWith("10."));
}

void tst_V8Smoke::modernSyntaxAndMicrotasks()
{
    const char *source = R"JS(
        class Counter {
            #count = 0n;
            add(n) { this.#count += BigInt(n); return this; }
            get value() { return this.#count; }
        }
        // Each await is a microtask hop; nothing settles unless the checkpoint drains them all.
        const tick = () => new Promise(resolve => Promise.resolve().then(resolve));
        async function main() {
            const c = new Counter();
            for (let i = 1; i <= 10; i++) { await tick(); c.add(i); }
            const big = 2n ** 64n;
            return `${c.value}|${big}|${typeof big}|${Object.hasOwn(c, "value")}`;
        }
        main();
    )JS";
    QCOMPARE(run(source), QStringLiteral("55|18446744073709551616|bigint|false"));
}

void tst_V8Smoke::terminateRunawayThenReuse()
{
    std::atomic_bool stop = false;
    QElapsedTimer clock;
    // The watchdog is a plain thread, as the runtime's is: TerminateExecution is the one isolate
    // call that is safe from any thread.
    std::thread watchdog([&] {
        while (!stop.load()) {
            if (clock.isValid() && clock.elapsed() >= 20) {
                m_isolate->TerminateExecution();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    clock.start();
    bool threw = false;
    const QString result = run("while (true) {}", &threw);
    const qint64 elapsed = clock.elapsed();
    stop = true;
    watchdog.join();
    QVERIFY(threw);
    QCOMPARE(result, QStringLiteral("<terminated>"));
    QVERIFY2(elapsed < 50, qPrintable(QStringLiteral("stopped after %1 ms").arg(elapsed)));

    m_isolate->CancelTerminateExecution();
    QCOMPARE(run("[1, 2, 3].map(x => x * 2).join()"), QStringLiteral("2,4,6"));
}

QTEST_GUILESS_MAIN(tst_V8Smoke)
#include "tst_v8smoke.moc"
