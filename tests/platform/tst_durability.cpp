// Acknowledged writes survive kill -9: a writer process stores KV entries through the platform
// service and prints each one after the call returns; it is killed with SIGKILL at random moments,
// restarted on the same file, and in the end every acknowledged entry must be there and the file
// must pass PRAGMA integrity_check.
#include "platform/clock.h"
#include "platform/platformservice.h"
#include "store/database.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;

class tst_Durability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acknowledgedWritesSurviveKill();
};

void tst_Durability::acknowledgedWritesSurviveKill()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("switchyard.db"));
    QStringList acknowledged;
    constexpr int rounds = 6;
    for (int round = 0; round < rounds; ++round) {
        QProcess writer;
        writer.setProgram(QStringLiteral(DURABILITY_WRITER));
        writer.setArguments({path, QString::number(qint64(round) * 10'000'000)});
        writer.setProcessChannelMode(QProcess::SeparateChannels);
        writer.start();
        QVERIFY2(writer.waitForStarted(), qPrintable(writer.errorString()));
        // Kill at a random moment after it is writing: early, mid-transaction, anywhere.
        QTRY_VERIFY_WITH_TIMEOUT(writer.bytesAvailable() > 0 || writer.state() != QProcess::Running,
                                 10000);
        QVERIFY2(writer.state() == QProcess::Running,
                 qPrintable(QString::fromLocal8Bit(writer.readAllStandardError())));
        QTest::qWait(int(QRandomGenerator::global()->bounded(20, 400)));
        writer.kill(); // SIGKILL
        QVERIFY(writer.waitForFinished(5000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        const QByteArray out = writer.readAllStandardOutput();
        int acksThisRound = 0;
        // Only complete lines count: a line cut by the kill was not acknowledged.
        QList<QByteArray> lines = out.split('\n');
        lines.removeLast(); // what follows the last newline: empty, or a cut line
        for (const QByteArray &line : std::as_const(lines)) {
            if (line.startsWith("ack ")) {
                acknowledged << QString::fromUtf8(line.mid(4));
                ++acksThisRound;
            }
        }
        qInfo("round %d: %d writes acknowledged before SIGKILL", round, acksThisRound);
    }
    QVERIFY(acknowledged.size() > rounds);

    QString error;
    auto database = store::Database::open(path, &error);
    QVERIFY2(database, qPrintable(error));
    QCOMPARE(database->integrityCheck(), QStringLiteral("ok"));
    platform::SystemClock clock;
    platform::PlatformService service(*database, clock);
    QVERIFY(service.load());
    const auto ns = service.kvNamespaceByTitle(QStringLiteral("DURABILITY"));
    QVERIFY(ns);
    for (const QString &key : std::as_const(acknowledged)) {
        const auto value = service.kvGet(ns->id, key);
        QVERIFY2(value, qPrintable(QStringLiteral("acknowledged %1 is missing").arg(key)));
        const qint64 i = key.mid(4).toLongLong();
        QCOMPARE(value->value, "value-" + QByteArray::number(i) + QByteArray(i % 512, 'x'));
    }
}

QTEST_GUILESS_MAIN(tst_Durability)
#include "tst_durability.moc"
