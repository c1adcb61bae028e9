// Code generation from strings and the prelude's bundled builtins in every kind of Worker: a
// dispatcher and the user Worker it calls, through the real dispatch listener. (The fidelity cases
// tests/fidelity/cases/codegen.js and builtins.js compare user Workers with workerd in detail.)
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using switchyard::testing::moduleCode;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "ns";
const QString kDisallowed
        = QStringLiteral("Code generation from strings disallowed for this context");

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(SWITCHYARD_SOURCE_DIR "/tests/dispatch/fixtures/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(name));
    return f.readAll();
}
} // namespace

class tst_Codegen : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void dispatcherAndUserWorker_data();
    void dispatcherAndUserWorker();

private:
    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_Codegen::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QByteArray probes = fixture(QStringLiteral("codegen-probes.js"));
    const QByteArray dispatcher = probes + fixture(QStringLiteral("codegen-dispatcher.js"));
    QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcher, 2);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const QByteArray user = probes + fixture(QStringLiteral("codegen-user.js"));
    error = m_stack.putUserWorker(QStringLiteral("user"), user);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_Codegen::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_Codegen::dispatcherAndUserWorker_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QStringList>("phases");
    QTest::newRow("dispatcher") << QByteArray(
            "/dispatcher") << QStringList {QStringLiteral("atLoad"), QStringLiteral("inHandler")};
    QTest::newRow("user Worker") << QByteArray("/user")
                                 << QStringList {QStringLiteral("atLoad"),
                                                 QStringLiteral("inHandler"),
                                                 QStringLiteral("inTimer")};
}

void tst_Codegen::dispatcherAndUserWorker()
{
    QFETCH(QByteArray, target);
    QFETCH(QStringList, phases);
    const RawResponse r = rawRequest(m_stack.port(), "GET", "codegen.example.com", target);
    QCOMPARE(r.status, 200);
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    const QString evalError = QStringLiteral("EvalError: ") + kDisallowed;
    for (const QString &phase : phases) {
        const QJsonObject p = body.value(phase).toObject();
        QVERIFY2(!p.isEmpty(),
                 qPrintable(phase + QStringLiteral(": ") + QString::fromUtf8(r.body)));
        for (const char *key : {"eval", "indirectEval", "newFunction", "Function", "asyncFunction"})
            QCOMPARE(p.value(QLatin1String(key)).toString(), evalError);
        QCOMPARE(p.value(QStringLiteral("setTimeoutString")).toString(),
                 QStringLiteral(
                         "TypeError: Failed to execute 'setTimeout' on "
                         "'ServiceWorkerGlobalScope': parameter 1 is not of type 'function'."));
        QCOMPARE(p.value(QStringLiteral("wasm")).toString(),
                 QStringLiteral("CompileError: WebAssembly.Module(): Wasm code generation "
                                "disallowed by embedder"));
        QCOMPARE(p.value(QStringLiteral("toSorted")).toString(), QStringLiteral("1,2,3"));
        QCOMPARE(p.value(QStringLiteral("setUnion")).toString(), QStringLiteral("1,2"));
        QCOMPARE(p.value(QStringLiteral("iteratorHelpers")).toString(), QStringLiteral("2,4,6"));
        QCOMPARE(p.value(QStringLiteral("urlPattern")).toString(), QStringLiteral("7"));
    }
}

QTEST_GUILESS_MAIN(tst_Codegen)
#include "tst_codegen.moc"
