// Drives the real executable as a user would: no display, options on the command line, a real
// HTTP request to the port it says it listens on.
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
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

private:
    static QProcessEnvironment noDisplay();
};

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

QTEST_GUILESS_MAIN(tst_Headless)
#include "tst_headless.moc"
