// Streamed response bodies end to end, through the dispatch listener as clients meet them: a
// Worker's ReadableStream reaches the client as it is produced, a client that reads nothing stops
// the Worker's pull() instead of growing the process, and a client that leaves cancels the
// stream. Each case runs with the dispatcher returning the user Worker's response as it came and
// with the dispatcher re-wrapping its body (`new Response(res.body, res)`), which streams it
// through the dispatcher's own Instance.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrl>

#include <unistd.h>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;
using switchyard::testing::StreamingClient;

namespace {
constexpr const char *kNamespace = "streams";

constexpr char dispatcherCode[] = R"JS(export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const res = await env.DISPATCHER.get(url.hostname.split(".")[0]).fetch(request);
    return url.searchParams.has("wrap") ? new Response(res.body, res) : res;
  } };)JS";

// Module state is the Instance's: /state shows what its streams did, from the same Instance.
constexpr char streamerCode[] = R"JS(const enc = new TextEncoder();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let go = false, canceled = "no", produced = 0;
export default { async fetch(request) {
  switch (new URL(request.url).pathname) {
  case "/go": go = true; return new Response("ok");
  case "/state": return Response.json({ canceled, produced });
  case "/two": {
    go = false;
    let step = 0;
    return new Response(new ReadableStream({ async pull(c) {
      if (step++ === 0) { c.enqueue(enc.encode("first;")); return; }
      while (!go) await sleep(5);
      c.enqueue(enc.encode("second"));
      c.close();
    } }), { headers: { "content-type": "text/plain" } });
  }
  case "/endless":
    canceled = "no";
    return new Response(new ReadableStream({
      async pull(c) { await sleep(2); c.enqueue(enc.encode("tick;")); },
      cancel(reason) { canceled = "canceled: " + (reason && reason.message); } }));
  case "/gigabyte": {
    produced = 0;
    const chunk = new Uint8Array(1 << 20).fill(120);
    return new Response(new ReadableStream({ pull(c) {
      if (produced === 1024) { c.close(); return; }
      ++produced;
      c.enqueue(chunk.slice());
    } }));
  }
  case "/broken": {
    let step = 0;
    return new Response(new ReadableStream({ pull(c) {
      if (step++ === 0) c.enqueue(enc.encode("part;"));
      else throw new Error("broken mid-body");
    } }));
  }
  case "/stuck": {
    let step = 0;
    return new Response(new ReadableStream({ pull(c) {
      if (step++ === 0) c.enqueue(enc.encode("part;"));
      else return new Promise(() => {});
    } }));
  }
  case "/sized":
    return new Response(new ReadableStream({ start(c) {
      c.enqueue(enc.encode("12345")); c.enqueue(enc.encode("67890")); c.close(); } }),
      { headers: { "content-length": "10" } });
  }
  return new Response("no such path", { status: 404 });
} };)JS";

// Relays ?path= of the streamer (at ?base=) through a fetch() subrequest into the platform's own
// listener.
constexpr char relayCode[] = R"JS(export default { async fetch(request) {
  const url = new URL(request.url);
  const r = await fetch(url.searchParams.get("base") + url.searchParams.get("path"));
  return url.searchParams.has("wrap") ? new Response(r.body, r) : r;
} };)JS";

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    return statm.readAll().split(' ').value(1).toLongLong() * sysconf(_SC_PAGESIZE);
}
} // namespace

class tst_Streaming : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void firstChunkArrivesBeforeTheRest_data() { wrapRows(); }
    void firstChunkArrivesBeforeTheRest();
    void contentLengthIsKept_data() { wrapRows(); }
    void contentLengthIsKept();
    void disconnectCancelsTheStream_data() { wrapRows(); }
    void disconnectCancelsTheStream();
    void subrequestBodyStreams_data() { wrapRows(); }
    void subrequestBodyStreams();
    void brokenStreamCutsTheConnection_data() { wrapRows(); }
    void brokenStreamCutsTheConnection();
    void stalledClientPushesBack_data() { wrapRows(); }
    void stalledClientPushesBack();

private:
    void wrapRows()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::newRow("response as fetched") << QByteArray();
        QTest::newRow("re-wrapped by the dispatcher") << QByteArray("?wrap");
    }
    // The streamer's origin as the relay fetches it: the platform's own listener, always
    // reachable from Workers.
    QByteArray relayQuery() const
    {
        return "/?base="
                + QUrl::toPercentEncoding("http:" + QByteArray("//") + "streamer.localhost:"
                                          + QByteArray::number(m_stack.port()));
    }
    QJsonObject state()
    {
        const RawResponse r = rawRequest(m_stack.port(), "GET", "streamer.example.com", "/state");
        return QJsonDocument::fromJson(r.body).object();
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    switchyard::testing::DispatchStack m_stack;
};

void tst_Streaming::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString put = m_stack.putUserWorker(QStringLiteral("streamer"), streamerCode);
    QVERIFY2(put.isEmpty(), qPrintable(put));
    const QString relay = m_stack.putUserWorker(QStringLiteral("relay"), relayCode);
    QVERIFY2(relay.isEmpty(), qPrintable(relay));
}

void tst_Streaming::cleanupTestCase()
{
    m_stack.stop();
    m_v8.reset();
}

void tst_Streaming::firstChunkArrivesBeforeTheRest()
{
    QFETCH(QByteArray, query);
    StreamingClient client;
    QVERIFY(client.connect(m_stack.port()));
    client.get("streamer.example.com", "/two" + query);
    // The Worker makes its second chunk only after /go, which this test sends only once it has
    // the first: a body collected whole before being sent never arrives.
    while (client.pump() && client.bodyBytes < 6) { }
    QCOMPARE(client.status, 200);
    QVERIFY(client.chunked);
    QCOMPARE(client.header("content-type"), QByteArray("text/plain"));
    QCOMPARE(client.bodyStart, QByteArray("first;"));
    QVERIFY(!client.complete());
    QCOMPARE(rawRequest(m_stack.port(), "GET", "streamer.example.com", "/go").status, 200);
    while (client.pump()) { }
    QVERIFY(client.complete());
    QCOMPARE(client.bodyStart, QByteArray("first;second"));
}

void tst_Streaming::contentLengthIsKept()
{
    QFETCH(QByteArray, query);
    const RawResponse r
            = rawRequest(m_stack.port(), "GET", "streamer.example.com", "/sized" + query);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-length"), QByteArray("10"));
    QVERIFY(r.header("transfer-encoding").isEmpty());
    QCOMPARE(r.body, QByteArray("1234567890"));
}

void tst_Streaming::disconnectCancelsTheStream()
{
    QFETCH(QByteArray, query);
    {
        StreamingClient client;
        QVERIFY(client.connect(m_stack.port()));
        client.get("streamer.example.com", "/endless" + query);
        while (client.pump() && client.bodyBytes < 20) { }
        QCOMPARE(client.status, 200);
        QVERIFY(client.bodyStart.startsWith("tick;tick;"));
        client.close();
    }
    // The Worker's cancel() ran with the reason, and the same Instance (module state and all)
    // answers: a client that leaves is nobody's fault.
    QTRY_COMPARE_WITH_TIMEOUT(state().value(u"canceled").toString(),
                              QStringLiteral("canceled: The client disconnected."), 20000);
}

void tst_Streaming::subrequestBodyStreams()
{
    // streamer -> listener -> relay's fetch() -> relay's response -> dispatcher -> client: the
    // first chunk still arrives before the streamer makes the second.
    QFETCH(QByteArray, query);
    const QByteArray target
            = relayQuery() + "&path=/two" + (query.isEmpty() ? QByteArray() : "&wrap");
    StreamingClient client;
    QVERIFY(client.connect(m_stack.port()));
    client.get("relay.example.com", target);
    while (client.pump() && client.bodyBytes < 6) { }
    QCOMPARE(client.status, 200);
    QCOMPARE(client.bodyStart, QByteArray("first;"));
    QVERIFY(!client.complete());
    QCOMPARE(rawRequest(m_stack.port(), "GET", "streamer.example.com", "/go").status, 200);
    while (client.pump()) { }
    QVERIFY(client.complete());
    QCOMPARE(client.bodyStart, QByteArray("first;second"));

    // A client that reads nothing holds the streamer back through the subrequest too.
    StreamingClient stalled;
    QVERIFY(stalled.connect(m_stack.port()));
    stalled.get("relay.example.com",
                relayQuery() + "&path=/gigabyte" + (query.isEmpty() ? QByteArray() : "&wrap"));
    while (stalled.pump() && stalled.bodyBytes < (1 << 20)) { }
    QCOMPARE(stalled.status, 200);
    int produced = -1;
    for (int same = 0; same < 5;) {
        QTest::qWait(100);
        const int now = state().value(u"produced").toInt();
        same = now == produced ? same + 1 : 0;
        produced = now;
    }
    qInfo() << "produced through a subrequest while the client read 1 MB:" << produced << "MB";
    QVERIFY2(produced < 64, qPrintable(QString::number(produced)));
    while (stalled.pump()) { }
    QVERIFY(stalled.complete());
    QCOMPARE(stalled.bodyBytes, qint64(1) << 30);
}

void tst_Streaming::brokenStreamCutsTheConnection()
{
    QFETCH(QByteArray, query);
    StreamingClient client;
    QVERIFY(client.connect(m_stack.port()));
    client.get("streamer.example.com", "/broken" + query);
    while (client.pump()) { }
    // The head was out before the stream threw: the client sees the body cut, never its end.
    QCOMPARE(client.status, 200);
    QCOMPARE(client.bodyStart, QByteArray("part;"));
    QVERIFY(client.closed());
    QVERIFY(!client.complete());
    QCOMPARE(rawRequest(m_stack.port(), "GET", "streamer.example.com", "/state").status, 200);

    // A stream that waits on nothing will never go on: the same cut, not a connection held open.
    StreamingClient stuck;
    QVERIFY(stuck.connect(m_stack.port()));
    stuck.get("streamer.example.com", "/stuck" + query);
    while (stuck.pump()) { }
    QCOMPARE(stuck.status, 200);
    QCOMPARE(stuck.bodyStart, QByteArray("part;"));
    QVERIFY(stuck.closed());
    QVERIFY(!stuck.complete());
}

void tst_Streaming::stalledClientPushesBack()
{
    QFETCH(QByteArray, query);
    const qint64 before = residentBytes();
    StreamingClient client;
    QVERIFY(client.connect(m_stack.port()));
    client.get("streamer.example.com", "/gigabyte" + query);
    while (client.pump() && client.bodyBytes < (1 << 20)) { }
    QCOMPARE(client.status, 200);
    // The client now reads nothing: the Worker's pull() is called until the buffers between it
    // and the client are full, then not again.
    int produced = -1;
    for (int same = 0; same < 5;) {
        QTest::qWait(100);
        const int now = state().value(u"produced").toInt();
        same = now == produced ? same + 1 : 0;
        produced = now;
    }
    qInfo() << "produced while the client read 1 MB:" << produced << "MB, resident growth"
            << (residentBytes() - before) / (1 << 20) << "MB";
    // Socket buffers on both sides of loopback and one chunk at each hop, not the gigabyte.
    QVERIFY2(produced < 64, qPrintable(QString::number(produced)));
    qint64 peak = residentBytes();
    // Reading again resumes the stream, which ends complete.
    for (int i = 0; client.pump(); ++i) {
        if (i % 64 == 0)
            peak = std::max(peak, residentBytes());
    }
    QVERIFY(client.complete());
    QCOMPARE(client.bodyBytes, qint64(1) << 30);
    QCOMPARE(state().value(u"produced").toInt(), 1024);
    qInfo() << "peak resident growth while streaming 1 GB:" << (peak - before) / (1 << 20) << "MB";
    QVERIFY2(peak - before < 384ll << 20,
             qPrintable(QStringLiteral("%1 MB").arg((peak - before) >> 20)));
}

QTEST_MAIN(tst_Streaming)
#include "tst_streaming.moc"
