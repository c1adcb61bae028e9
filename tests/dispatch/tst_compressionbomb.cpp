// A decompression bomb through the dispatch listener, as a tenant would send one: a 1 MiB gzip
// body that expands to 1 GiB. DecompressionStream answers it a bounded piece at a time, so
// holding the output is what the Worker's memory limit stops (the process lives, another tenant
// answers), and a Worker that only counts the bytes, or streams them to its client, gets through
// it.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace switchyard;
using switchyard::testing::moduleCode;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "tenants";
constexpr qint64 kExpandedBytes = 1ll << 30;

constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    try {
      return await env.DISPATCHER.get(name, {}, { limits: { cpuMs: 60000 } }).fetch(request);
    } catch (e) {
      if (e.message.startsWith("Worker not found")) return new Response("", { status: 404 });
      if (e.message.includes("limit")) return new Response(e.message, { status: 429 });
      return new Response(e.name + ": " + e.message, { status: 500 });
    }
  } };)JS";

constexpr char lightCode[] = R"JS(export default {
  async fetch() { return new Response("light"); } };)JS";

// gzip of kExpandedBytes zero bytes (about 1 MiB).
QByteArray gzipBomb()
{
    z_stream stream {};
    if (deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    const QByteArray zeros(1 << 20, '\0');
    QByteArray out;
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    for (qint64 fed = 0; fed < kExpandedBytes; fed += zeros.size()) {
        const bool last = fed + zeros.size() >= kExpandedBytes;
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(zeros.data()));
        stream.avail_in = uInt(zeros.size());
        do {
            stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
            stream.avail_out = uInt(buffer.size());
            deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
            out.append(buffer.constData(), buffer.size() - qsizetype(stream.avail_out));
        } while (stream.avail_out == 0);
    }
    deflateEnd(&stream);
    return out;
}
} // namespace

class tst_CompressionBomb : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void bomb_data();
    void bomb();
    void countedNotKept();
    void streamedToTheClient();
    void abandonedNativeStateIsCollected_data();
    void abandonedNativeStateIsCollected();

private:
    void putUserWorker(const QString &name, const QByteArray &code);
    void lightTenantAnswers()
    {
        const RawResponse r
                = rawRequest(m_stack.port(), "GET", "light.example.com", "/", {}, {}, 60000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("light"));
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
    platform::PlatformService *m_service = nullptr;
    QByteArray m_bomb;
};

void tst_CompressionBomb::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    m_bomb = gzipBomb();
    QVERIFY(!m_bomb.isEmpty());
    QVERIFY2(m_bomb.size() < 2 << 20, qPrintable(QString::number(m_bomb.size())));
}

void tst_CompressionBomb::cleanupTestCase()
{
    m_v8.reset();
}

void tst_CompressionBomb::init()
{
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode, 1);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_service = &m_stack.service();
    putUserWorker(QStringLiteral("light"), lightCode);
    lightTenantAnswers();
}

void tst_CompressionBomb::cleanup()
{
    m_service = nullptr;
    m_stack.stop();
}

void tst_CompressionBomb::putUserWorker(const QString &name, const QByteArray &code)
{
    const QString error = m_stack.putUserWorker(name, code);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_CompressionBomb::bomb_data()
{
    QTest::addColumn<QByteArray>("handler");
    const QByteArray inflate = R"(request.body.pipeThrough(new DecompressionStream("gzip")))";
    QTest::newRow("read into one buffer")
            << "return new Response(await new Response(" + inflate + ").arrayBuffer());";
    QTest::newRow("chunks kept") << "const kept = []; for await (const c of " + inflate
                    + ") kept.push(c); return new Response(String(kept.length));";
    QTest::newRow("decoded as text")
            << "return new Response((await new Response(" + inflate + ").text()).length);";
}

void tst_CompressionBomb::bomb()
{
    QFETCH(QByteArray, handler);
    putUserWorker(QStringLiteral("bomber"),
                  "export default { async fetch(request) { " + handler + " } };");
    for (int round = 0; round < 2; ++round) {
        const RawResponse r
                = rawRequest(m_stack.port(), "POST", "bomber.example.com", "/", m_bomb, {}, 120000);
        QVERIFY2(r.status == 429, r.status ? r.body.left(200).constData() : "no response");
        QCOMPARE(r.body, QByteArray("Worker exceeded memory limit."));
        lightTenantAnswers();
    }
}

void tst_CompressionBomb::countedNotKept()
{
    // Each piece of output is garbage once counted, so 1 GiB passes through a Worker whose
    // memory limit is far smaller.
    putUserWorker(QStringLiteral("counter"), R"(export default { async fetch(request) {
        let n = 0;
        for await (const c of request.body.pipeThrough(new DecompressionStream("gzip")))
          n += c.byteLength;
        return new Response(String(n)); } };)");
    const RawResponse r
            = rawRequest(m_stack.port(), "POST", "counter.example.com", "/", m_bomb, {}, 120000);
    QVERIFY2(r.status == 200, r.status ? r.body.left(200).constData() : "no response");
    QCOMPARE(r.body, QByteArray::number(kExpandedBytes));
    lightTenantAnswers();
}

void tst_CompressionBomb::streamedToTheClient()
{
    // Returned as the response body, the inflating stream is read one piece at a time as the
    // client reads: like countedNotKept, nothing holds the gigabyte, and the client gets it.
    putUserWorker(QStringLiteral("inflater"), R"(export default { async fetch(request) {
        return new Response(request.body.pipeThrough(new DecompressionStream("gzip"))); } };)");
    switchyard::testing::StreamingClient client;
    QVERIFY(client.connect(m_stack.port()));
    client.post("inflater.example.com", "/", m_bomb);
    while (client.pump()) { }
    QCOMPARE(client.status, 200);
    QVERIFY(client.complete());
    QCOMPARE(client.bodyBytes, kExpandedBytes);
    lightTenantAnswers();
}

void tst_CompressionBomb::abandonedNativeStateIsCollected_data()
{
    QTest::addColumn<QByteArray>("loop");
    // Each iteration leaves native state behind (a compressor waits for a reader that never
    // comes) that is charged to the Worker (about 300 KiB per
    // compressor, 48 KiB per decompressor, 4 KiB per stateful decoder): far more in all than the
    // 128 MiB limit, so this passes only if collected handles give their memory back.
    QTest::newRow("CompressionStream") << QByteArray(R"(for (let i = 0; i < 3000; ++i) {
          const w = new CompressionStream("gzip").writable.getWriter();
          w.write(new Uint8Array(16)).catch(() => {});
          for (let tick = 0; tick < 8; ++tick) await null; })");
    QTest::newRow("DecompressionStream") << QByteArray(R"(for (let i = 0; i < 20000; ++i) {
          const w = new DecompressionStream("deflate").writable.getWriter();
          await w.write(new Uint8Array([0x78, 0x9c])); })");
    QTest::newRow("TextDecoder") << QByteArray(R"(for (let i = 0; i < 200000; ++i)
          new TextDecoder("shift_jis").decode(new Uint8Array([0x93]), { stream: true });)");
}

void tst_CompressionBomb::abandonedNativeStateIsCollected()
{
    QFETCH(QByteArray, loop);
    putUserWorker(QStringLiteral("leaker"),
                  "export default { async fetch() { " + loop
                          + " return new Response(\"done\"); } };");
    const RawResponse r
            = rawRequest(m_stack.port(), "GET", "leaker.example.com", "/", {}, {}, 120000);
    QVERIFY2(r.status == 200, r.status ? r.body.left(200).constData() : "no response");
    QCOMPARE(r.body, QByteArray("done"));
    lightTenantAnswers();
}

QTEST_MAIN(tst_CompressionBomb)
#include "tst_compressionbomb.moc"
