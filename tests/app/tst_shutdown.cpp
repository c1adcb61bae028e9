// Graceful shutdown of the real executable: SIGTERM or SIGINT right after traffic must still
// leave every trace and Analytics Engine data point in the store, and exit 0. The dispatcher
// writes its data points from ctx.waitUntil() work that is still pending when the signal comes.
#include "../common/rawhttp.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>

using switchyard::testing::parseRawResponse;
using switchyard::testing::RawResponse;

class tst_Shutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signalFlushesEverything_data();
    void signalFlushesEverything();
    void secondSignalStopsAtOnce();
    void helpDocumentsGrace();

private:
    // Writes a dispatcher project into `dir` and starts switchyard on free ports with its data in
    // `dir`/data. Returns the dispatch port, or 0.
    // `window`: with the GUI (offscreen) instead of --headless.
    static quint16 start(QProcess &p, const QTemporaryDir &dir, const QByteArray &dispatcher,
                         const QStringList &extra = {}, bool window = false);
    static qint64 count(const QString &databasePath, const QString &sql);
};

quint16 tst_Shutdown::start(QProcess &p, const QTemporaryDir &dir, const QByteArray &dispatcher,
                            const QStringList &extra, bool window)
{
    QFile config(dir.filePath(QStringLiteral("wrangler.toml")));
    if (!config.open(QIODevice::WriteOnly))
        return 0;
    config.write("name = \"router\"\nmain = \"index.js\"\ncompatibility_date = \"2025-01-01\"\n"
                 "[[analytics_engine_datasets]]\nbinding = \"REQUESTS\"\n"
                 "dataset = \"requests\"\n");
    config.close();
    QFile main(dir.filePath(QStringLiteral("index.js")));
    if (!main.open(QIODevice::WriteOnly))
        return 0;
    main.write(dispatcher);
    main.close();

    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("QT_QUICK_BACKEND"), QStringLiteral("software"));
    p.setProcessEnvironment(env);
    QStringList args {QStringLiteral("--listen"),      QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--admin"),       QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--admin-token"), QUuid::createUuid().toString(QUuid::Id128),
                      QStringLiteral("--data-dir"),    dir.filePath(QStringLiteral("data")),
                      QStringLiteral("--dispatcher"),  config.fileName()};
    if (!window)
        args.prepend(QStringLiteral("--headless"));
    p.start(QStringLiteral(SWITCHYARD_EXE), args + extra);
    if (!p.waitForStarted())
        return 0;
    QByteArray out;
    const QRegularExpression line(QStringLiteral("dispatching on http://127.0.0.1:(\\d+)/"));
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 30000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
        const auto match = line.match(QString::fromUtf8(out));
        if (match.hasMatch())
            return quint16(match.captured(1).toUInt());
    }
    qWarning() << "switchyard did not start:" << out << p.readAllStandardError();
    return 0;
}

qint64 tst_Shutdown::count(const QString &databasePath, const QString &sql)
{
    qint64 n = -1;
    const QString name = QUuid::createUuid().toString();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(databasePath);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                n = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}

void tst_Shutdown::signalFlushesEverything_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<bool>("window");
    QTest::newRow("SIGTERM") << int(SIGTERM) << false;
    QTest::newRow("SIGINT") << int(SIGINT) << false;
    QTest::newRow("SIGTERM, with the window") << int(SIGTERM) << true;
}

void tst_Shutdown::signalFlushesEverything()
{
    QFETCH(int, signal);
    QFETCH(bool, window);
    QTemporaryDir dir;
    QProcess p;
    // Each request: one data point at once, one from waitUntil() work that outlives the response
    // (and so the trace, which is written when that work ends).
    const quint16 port = start(p, dir, R"(
export default {
  async fetch(request, env, ctx) {
    const n = new URL(request.url).searchParams.get("n");
    env.REQUESTS.writeDataPoint({ blobs: ["now", n], indexes: [n] });
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 300)).then(() => {
      env.REQUESTS.writeDataPoint({ blobs: ["later", n], indexes: [n] });
    }));
    return new Response("ok " + n);
  },
};
)",
                               {}, window);
    QVERIFY(port != 0);

    constexpr int kRequests = 100;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < kRequests; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(socket->waitForConnected(10000));
        socket->write("GET /?n=" + QByteArray::number(i)
                      + " HTTP/1.1\r\nHost: x.localhost\r\nConnection: close\r\n\r\n");
        sockets.push_back(std::move(socket));
    }
    int answered = 0;
    for (auto &socket : sockets) {
        QByteArray in;
        bool complete = false;
        RawResponse r;
        QElapsedTimer t;
        t.start();
        while (!complete && t.elapsed() < 20000) {
            socket->waitForReadyRead(100);
            in += socket->readAll();
            r = parseRawResponse(in, &complete);
        }
        answered += complete && r.status == 200 && r.body.startsWith("ok ");
    }
    QCOMPARE(answered, kRequests);
    // At once: the waitUntil() work, its data points and every trace are still in flight.
    QCOMPARE(::kill(pid_t(p.processId()), signal), 0);
    QVERIFY(p.waitForFinished(60000));
    const QByteArray out = p.readAllStandardOutput();
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QVERIFY2(out.contains("shutting down"), out.constData());
    QVERIFY2(out.contains("switchyard: stopped"), out.constData());

    const QString db = dir.filePath(QStringLiteral("data/switchyard.db"));
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM traces WHERE script_name = 'router'")),
             qint64(kRequests));
    QCOMPARE(count(db,
                   QStringLiteral("SELECT count(*) FROM analytics_rows WHERE dataset = 'requests' "
                                  "AND CAST(blob1 AS TEXT) = 'now'")),
             qint64(kRequests));
    QCOMPARE(count(db,
                   QStringLiteral("SELECT count(*) FROM analytics_rows WHERE dataset = 'requests' "
                                  "AND CAST(blob1 AS TEXT) = 'later'")),
             qint64(kRequests));
    QCOMPARE(count(db, QStringLiteral("SELECT count(DISTINCT index1) FROM analytics_rows")),
             qint64(kRequests));
}

void tst_Shutdown::secondSignalStopsAtOnce()
{
    QTemporaryDir dir;
    QProcess p;
    // waitUntil() work far longer than any test waits: only the second signal can end this.
    const quint16 port = start(p, dir, R"(
export default {
  async fetch(request, env, ctx) {
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 25000)));
    return new Response("ok");
  },
};
)",
                               {QStringLiteral("--shutdown-grace-ms"), QStringLiteral("600000")});
    QVERIFY(port != 0);
    const RawResponse r = switchyard::testing::rawRequest(port, "GET", "x.localhost", "/");
    QCOMPARE(r.status, 200);
    QCOMPARE(::kill(pid_t(p.processId()), SIGTERM), 0);
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput(), out.contains("shutting down")),
                             20000);
    QCOMPARE(p.state(), QProcess::Running); // still draining
    QCOMPARE(::kill(pid_t(p.processId()), SIGTERM), 0);
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 128 + SIGTERM);
}

void tst_Shutdown::helpDocumentsGrace()
{
    QProcess p;
    p.start(QStringLiteral(SWITCHYARD_EXE), {QStringLiteral("--help")});
    QVERIFY(p.waitForFinished(10000));
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(out.contains("--shutdown-grace-ms <ms>"), out.constData());
    QVERIFY2(out.contains("(default 30000"), out.constData());
    QVERIFY2(out.contains("--allow-private-outbound"), out.constData());

    QProcess bad;
    bad.start(QStringLiteral(SWITCHYARD_EXE),
              {QStringLiteral("--shutdown-grace-ms"), QStringLiteral("soon")});
    QVERIFY(bad.waitForFinished(10000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains(
            "--shutdown-grace-ms: \"soon\" is not a number of milliseconds"));
}

QTEST_GUILESS_MAIN(tst_Shutdown)
#include "tst_shutdown.moc"
