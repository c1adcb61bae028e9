// Drives the real executable as a user would: no display, options on the command line, a real
// HTTP request to the port it says it listens on.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

class tst_Headless : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpListsOptions();
    void version();
    void badOptionFails();
    void startsWithoutDisplayAndAnswers();
    void demoPlatformServesAndLimits();
    void dispatcherFromWranglerConfig();
    void badWranglerConfigIsReported();
    void foreignDatabaseIsRefusedUntouched();
    void listenerTimeoutsFromCommandLine();

private:
    static QProcessEnvironment noDisplay();
    // Starts switchyard headless with `args` and returns its dispatch URL, or an empty string.
    static QString start(QProcess &p, const QStringList &args, QByteArray *printed = nullptr);
    static QByteArray get(const QString &url, const QByteArray &host, int *status);
};

QString tst_Headless::start(QProcess &p, const QStringList &args, QByteArray *printed)
{
    p.setProcessEnvironment(noDisplay());
    p.start(QStringLiteral(SWITCHYARD_EXE),
            QStringList {QStringLiteral("--headless"), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0")}
                    + args);
    if (!p.waitForStarted())
        return {};
    QByteArray out;
    const QRegularExpression line(QStringLiteral("dispatching on (http://127.0.0.1:\\d+/)"));
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
        const auto match = line.match(QString::fromUtf8(out));
        if (match.hasMatch()) {
            if (printed)
                *printed = out;
            return match.captured(1);
        }
    }
    qWarning() << "switchyard did not start:" << out << p.readAllStandardError();
    return {};
}

QByteArray tst_Headless::get(const QString &url, const QByteArray &host, int *status)
{
    QNetworkAccessManager nam;
    QNetworkRequest request {QUrl(url)};
    request.setRawHeader("Host", host);
    QNetworkReply *reply = nam.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(20000);
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

QProcessEnvironment tst_Headless::noDisplay()
{
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    return env;
}

void tst_Headless::helpListsOptions()
{
    QProcess p;
    p.start(QStringLiteral(SWITCHYARD_EXE), {QStringLiteral("--help")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    for (const char *option : {"--headless", "--listen", "--admin", "--admin-token", "--data-dir",
                               "--demo", "--dispatcher", "--version", "--help"})
        QVERIFY2(out.contains(QLatin1String(option)), option);
}

void tst_Headless::version()
{
    QProcess p;
    p.start(QStringLiteral(SWITCHYARD_EXE), {QStringLiteral("--version")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(p.readAllStandardOutput().trimmed(), QByteArray("switchyard " SWITCHYARD_VERSION));
}

void tst_Headless::badOptionFails()
{
    QProcess p;
    p.start(QStringLiteral(SWITCHYARD_EXE), {QStringLiteral("--listen"), QStringLiteral("x")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("--listen: \"x\" is not HOST:PORT"));
}

void tst_Headless::startsWithoutDisplayAndAnswers()
{
    QTemporaryDir dataDir;
    QProcess p;
    p.setProcessEnvironment(noDisplay());
    p.start(QStringLiteral(SWITCHYARD_EXE),
            {QStringLiteral("--headless"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"), dataDir.path()});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    const QRegularExpression line(QStringLiteral("dispatching on (http://127.0.0.1:\\d+/)"));
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput(),
                              (match = line.match(QString::fromUtf8(out))).hasMatch()),
                             15000);

    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(match.captured(1) + QStringLiteral("anything?x=1")));
    QNetworkReply *reply = nam.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    // With nothing installed yet the listener still answers, and says why.
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
    QCOMPARE(reply->readAll(), QByteArray("No dispatch Worker is installed.\n"));
    reply->deleteLater();

    p.terminate();
    QVERIFY(p.waitForFinished(10000));
}

// What the README's run command starts: the demo platform, seeded once, serving and limiting.
void tst_Headless::demoPlatformServesAndLimits()
{
    QTemporaryDir dataDir;
    QProcess p;
    const QString url
            = start(p, {QStringLiteral("--demo"), QStringLiteral("--data-dir"), dataDir.path()});
    QVERIFY(!url.isEmpty());
    int status = 0;
    QVERIFY(get(url, "site.localhost", &status).contains("<h1>Acme Rockets</h1>"));
    QCOMPARE(status, 200);
    QCOMPARE(get(url + QStringLiteral("time"), "api.localhost", &status).left(8),
             QByteArray("{\"now\":\""));
    QCOMPARE(get(url, "cpu-burner.localhost", &status),
             QByteArray("cpu_limit_exceeded: Worker exceeded CPU time limit.\n"));
    QCOMPARE(status, 429);
    get(url, "nobody.localhost", &status);
    QCOMPARE(status, 404);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));

    // A second start keeps the store as it is and says so.
    QProcess again;
    QByteArray printed;
    QVERIFY(!start(again, {QStringLiteral("--demo"), QStringLiteral("--data-dir"), dataDir.path()},
                   &printed)
                     .isEmpty());
    QVERIFY2(printed.contains("the store is not empty; the demo platform was not seeded"), printed);
    again.terminate();
    QVERIFY(again.waitForFinished(10000));
}

void tst_Headless::dispatcherFromWranglerConfig()
{
    QTemporaryDir dir;
    QDir().mkpath(dir.filePath(QStringLiteral("src")));
    QFile config(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("name = \"router\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-01\"\n"
                 "[vars]\nBRAND = \"Switchyard\"\n"
                 "[[dispatch_namespaces]]\nbinding = \"DISPATCHER\"\nnamespace = \"staging\"\n");
    config.close();
    QFile main(dir.filePath(QStringLiteral("src/index.js")));
    QVERIFY(main.open(QIODevice::WriteOnly));
    main.write(
            "import { greet } from \"./greet.js\";\n"
            "export default { fetch(request, env) { return new Response(greet(env.BRAND)); } };\n");
    main.close();
    QFile greet(dir.filePath(QStringLiteral("src/greet.js")));
    QVERIFY(greet.open(QIODevice::WriteOnly));
    greet.write("export function greet(who) { return `routed by ${who}`; }\n");
    greet.close();

    QProcess p;
    const QString url = start(p,
                              {QStringLiteral("--dispatcher"), config.fileName(),
                               QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data"))});
    QVERIFY(!url.isEmpty());
    int status = 0;
    QCOMPARE(get(url, "x.localhost", &status), QByteArray("routed by Switchyard"));
    QCOMPARE(status, 200);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
}

void tst_Headless::badWranglerConfigIsReported()
{
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("wrangler.jsonc")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("{ \"main\": \"index.js\", \"routes\": [\"example.com/*\"] }");
    config.close();
    QProcess p;
    p.setProcessEnvironment(noDisplay());
    p.start(QStringLiteral(SWITCHYARD_EXE),
            {QStringLiteral("--headless"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"),
             dir.filePath(QStringLiteral("data")), QStringLiteral("--dispatcher"),
             config.fileName()});
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("--dispatcher: " + config.fileName().toUtf8()
                          + ": routes: is not supported by Switchyard"),
             err);
}

void tst_Headless::foreignDatabaseIsRefusedUntouched()
{
    QTemporaryDir dir;
    QFile db(dir.filePath(QStringLiteral("switchyard.db")));
    QVERIFY(db.open(QIODevice::WriteOnly));
    const QByteArray junk("this is somebody else's file, not SQLite at all\n");
    db.write(junk);
    db.close();
    QProcess p;
    p.setProcessEnvironment(noDisplay());
    p.start(QStringLiteral(SWITCHYARD_EXE),
            {QStringLiteral("--headless"), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"), dir.path()});
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(p.readAllStandardError().contains(db.fileName().toUtf8()), "names the file");
    QVERIFY(db.open(QIODevice::ReadOnly));
    QCOMPARE(db.readAll(), junk);
}

// The listener's limits are the command line's: a half-sent head meets --header-timeout-ms, a
// silent keep-alive connection --idle-timeout-ms.
void tst_Headless::listenerTimeoutsFromCommandLine()
{
    QTemporaryDir dataDir;
    QProcess p;
    const QString url = start(p,
                              {QStringLiteral("--data-dir"), dataDir.path(),
                               QStringLiteral("--header-timeout-ms"), QStringLiteral("300"),
                               QStringLiteral("--idle-timeout-ms"), QStringLiteral("300")});
    QVERIFY(!url.isEmpty());
    const quint16 port = quint16(QUrl(url).port());

    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(slow.waitForConnected(5000));
    slow.write("GET / HTTP/1.1\r\nHost: a.localhost\r\n");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT(
            (answer += slow.readAll(), slow.state() == QAbstractSocket::UnconnectedState), 15000);
    QVERIFY2(answer.startsWith("HTTP/1.1 408 "), answer.constData());

    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(idle.waitForConnected(5000));
    idle.write("GET / HTTP/1.1\r\nHost: a.localhost\r\n\r\n");
    answer.clear();
    QTRY_VERIFY_WITH_TIMEOUT(
            (answer += idle.readAll(), idle.state() == QAbstractSocket::UnconnectedState), 15000);
    QVERIFY2(answer.startsWith("HTTP/1.1 503 "), answer.constData()); // then closed when idle

    p.terminate();
    QVERIFY(p.waitForFinished(10000));
}

QTEST_GUILESS_MAIN(tst_Headless)
#include "tst_headless.moc"
