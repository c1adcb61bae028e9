// The store's file handling: a new file gets the whole schema, every earlier schema version
// migrates to the current one keeping its rows, and a file that is newer or not ours is refused
// without a byte of it changing.
#include "store/batchwriter.h"
#include "store/database.h"
#include "store/queries.h"
#include "store/schema.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard::store;

class tst_Database : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void createsCurrentSchema();
    void eachConnectionHasItsOwnName();
    void migratesFromEachEarlierVersion_data();
    void migratesFromEachEarlierVersion();
    void refusesUntouched_data();
    void refusesUntouched();
    void transactionRollsBackOnError();
    void batchWriterCommitsOnFlush();
    void batchWriterKeepsTheNewestTraces();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("switchyard.db")); }
    static QByteArray bytes(const QString &file);
    static qint64 scalar(Database &db, const QString &sql);
    std::unique_ptr<QTemporaryDir> m_dir;
};

QByteArray tst_Database::bytes(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 tst_Database::scalar(Database &db, const QString &sql)
{
    QSqlQuery query = db.exec(sql);
    return query.next() ? query.value(0).toLongLong() : -1;
}

void tst_Database::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Database::createsCurrentSchema()
{
    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(db->userVersion(), currentSchemaVersion());
    QCOMPARE(scalar(*db, QStringLiteral("PRAGMA application_id")), kApplicationId);
    QSqlQuery mode = db->exec(QStringLiteral("PRAGMA journal_mode"));
    QVERIFY(mode.next());
    QCOMPARE(mode.value(0).toString(), QStringLiteral("wal"));
    QCOMPARE(scalar(*db, QStringLiteral("PRAGMA foreign_keys")), 1);
    QCOMPARE(scalar(*db, QStringLiteral("PRAGMA synchronous")), 1); // NORMAL
    const QStringList tables = {
            QStringLiteral("dispatch_namespaces"),     QStringLiteral("scripts"),
            QStringLiteral("script_modules"),          QStringLiteral("platform_workers"),
            QStringLiteral("platform_worker_modules"), QStringLiteral("settings"),
            QStringLiteral("kv_namespaces"),           QStringLiteral("kv_entries"),
            QStringLiteral("custom_hostnames"),        QStringLiteral("analytics_datasets"),
            QStringLiteral("analytics_rows"),          QStringLiteral("traces"),
    };
    for (const QString &table : tables) {
        QVERIFY2(scalar(*db,
                        QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                       "AND name = '%1'")
                                .arg(table))
                         == 1,
                 qPrintable(table));
    }
    QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));

    // Foreign keys are enforced: a script of no namespace is refused.
    const auto failure = db->transaction([&] {
        db->exec(QStringLiteral("INSERT INTO scripts (namespace_id, name, main_module, "
                                "content_hash, created_at, modified_at) VALUES (42, 'a', 'a.js', "
                                "'', 0, 0)"));
    });
    QVERIFY(failure);
    QVERIFY2(failure->contains(QLatin1String("FOREIGN KEY")), qPrintable(*failure));

    // Reopening a current file changes nothing.
    db.reset();
    auto again = Database::open(path(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->userVersion(), currentSchemaVersion());
}

void tst_Database::eachConnectionHasItsOwnName()
{
    QString error;
    auto a = Database::open(path(), &error);
    auto b = Database::open(path(), &error);
    QVERIFY(a && b);
    QVERIFY(a->connectionName() != b->connectionName());
    QVERIFY(!QSqlDatabase::contains(QLatin1String(QSqlDatabase::defaultConnection)));
    a.reset();
    QCOMPARE(scalar(*b, QStringLiteral("SELECT count(*) FROM kv_namespaces")), 0);
}

void tst_Database::migratesFromEachEarlierVersion_data()
{
    QTest::addColumn<int>("fromVersion");
    QTest::newRow("empty file") << 0;
    for (int version = 1; version < currentSchemaVersion(); ++version)
        QTest::addRow("v%d", version) << version;
}

void tst_Database::migratesFromEachEarlierVersion()
{
    QFETCH(int, fromVersion);
    QString error;
    if (fromVersion == 0) {
        // A zero-byte file (as `touch` leaves it) is a new database, not a foreign one.
        QFile empty(path());
        QVERIFY(empty.open(QIODevice::WriteOnly));
    } else {
        Database::Options options;
        options.targetVersion = fromVersion;
        auto old = Database::open(path(), options, &error);
        QVERIFY2(old, qPrintable(error));
        QCOMPARE(old->userVersion(), fromVersion);
        // Rows every version has, to prove migrations keep data.
        QVERIFY(!old->transaction([&] {
            old->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('ns1', 'ROUTES', 1)"));
            old->exec(QStringLiteral("INSERT INTO kv_entries VALUES ('ns1', 'k', x'6869', NULL, "
                                     "NULL)"));
            old->exec(QStringLiteral("INSERT INTO dispatch_namespaces (name, created_at) VALUES "
                                     "('prod', 1)"));
            if (fromVersion >= 2)
                old->exec(QStringLiteral("INSERT INTO traces (script_name, event_timestamp, "
                                         "outcome) VALUES ('site', 1, 'ok')"));
        }));
    }
    auto db = Database::open(path(), &error);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(db->userVersion(), currentSchemaVersion());
    const int rows = fromVersion == 0 ? 0 : 1;
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM kv_entries WHERE key = 'k'")), rows);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM dispatch_namespaces")), rows);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), fromVersion >= 2 ? 1 : 0);
    // v3 dropped the trace indexes no query used; every trace row paid for them.
    QCOMPARE(scalar(*db,
                    QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                   "tbl_name = 'traces'")),
             0);
    QCOMPARE(scalar(*db,
                    QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = "
                                   "'analytics_rows_by_time'")),
             1);
    QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
}

void tst_Database::refusesUntouched_data()
{
    QTest::addColumn<QString>("setup"); // how to make the file
    QTest::addColumn<QString>("expected"); // part of the message
    QTest::newRow("newer") << QStringLiteral("newer")
                           << QStringLiteral("has schema version 99, newer than the %1 this build "
                                             "of Switchyard knows; it was left untouched")
                                      .arg(currentSchemaVersion());
    QTest::newRow("foreign tables") << QStringLiteral("foreign")
                                    << QStringLiteral("is not a Switchyard database "
                                                      "(application_id 0x00000000, 1 schema "
                                                      "objects); it was left untouched");
    QTest::newRow("other application")
            << QStringLiteral("otherapp")
            << QStringLiteral("is not a Switchyard database (application_id 0x0000beef, 0 schema "
                              "objects)");
    QTest::newRow("not sqlite") << QStringLiteral("garbage")
                                << QStringLiteral("is not a Switchyard database (SQLite cannot "
                                                  "read it: file is not a database)");
}

void tst_Database::refusesUntouched()
{
    QFETCH(QString, setup);
    QFETCH(QString, expected);
    if (setup == QLatin1String("garbage")) {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
    } else {
        // Build the file with a plain connection, then close it so nothing holds it open.
        const QString name = QStringLiteral("setup");
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            raw.setDatabaseName(path());
            QVERIFY(raw.open());
            QSqlQuery query(raw);
            if (setup == QLatin1String("newer")) {
                QVERIFY(query.exec(QStringLiteral("CREATE TABLE future (x)")));
                QVERIFY(query.exec(
                        QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)));
                QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = 99")));
            } else if (setup == QLatin1String("foreign")) {
                QVERIFY(query.exec(QStringLiteral("CREATE TABLE photos (id INTEGER)")));
            } else {
                QVERIFY(query.exec(QStringLiteral("PRAGMA application_id = 48879")));
            }
            query = QSqlQuery();
            raw.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    const QByteArray before = bytes(path());
    QVERIFY(!before.isEmpty());

    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY(!db);
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(path()), qPrintable(error));
    QCOMPARE(bytes(path()), before);
    QVERIFY(!QFile::exists(path() + QStringLiteral("-wal")));
}

void tst_Database::transactionRollsBackOnError()
{
    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY(db);
    const auto failure = db->transaction([&] {
        db->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('a', 'A', 1)"));
        db->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('b', 'A', 1)")); // title taken
    });
    QVERIFY(failure);
    QVERIFY2(failure->contains(QLatin1String("UNIQUE")), qPrintable(*failure));
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM kv_namespaces")), 0);
}

void tst_Database::batchWriterCommitsOnFlush()
{
    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY(db);
    BatchWriter::Options options;
    options.interval = std::chrono::hours(1); // only flush() or a full batch commits
    auto writer = BatchWriter::start(path(), options, &error);
    QVERIFY2(writer, qPrintable(error));

    TraceRecord trace;
    trace.scriptName = QStringLiteral("customer-1");
    trace.dispatchNamespace = QStringLiteral("prod");
    trace.scriptTags = {QStringLiteral("free")};
    trace.event
            = QJsonObject {{QStringLiteral("request"),
                            QJsonObject {{QStringLiteral("url"), QStringLiteral("http://x/")}}}};
    trace.eventTimestamp = 1234;
    trace.outcome = QStringLiteral("ok");
    trace.cpuTime = 3;
    trace.wallTime = 7;
    AnalyticsPoint point;
    point.dataset = QStringLiteral("limits");
    point.timestamp = 99;
    point.index1 = "customer-1";
    point.blobs = {"cpu", "free"};
    point.doubles = {1.5};
    for (int i = 0; i < 10; ++i) {
        writer->append(trace);
        writer->append(QList<AnalyticsPoint> {point, point});
    }
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), 0);
    writer->flush();
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), 10);
    QCOMPARE(scalar(*db,
                    QStringLiteral("SELECT count(*) FROM analytics_rows WHERE dataset = "
                                   "'limits' AND blob2 = CAST('free' AS BLOB) AND double1 = "
                                   "1.5 AND double2 IS NULL AND _sample_interval = 1")),
             20);
    Queries queries(*db);
    const QList<TraceRecord> traces = queries.recentTraces(1);
    QCOMPARE(traces.size(), 1);
    QCOMPARE(traces.first().scriptTags, trace.scriptTags);
    QCOMPARE(traces.first().event, trace.event);
    QCOMPARE(traces.first().wallTime, 7);
    QCOMPARE(writer->dropped(), 0u);

    // Destruction commits what is still queued.
    writer->append(trace);
    writer.reset();
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), 11);
}

void tst_Database::batchWriterKeepsTheNewestTraces()
{
    // A demo left running under load must not fill the disk with traces.
    QString error;
    auto db = Database::open(path(), &error);
    QVERIFY(db);
    BatchWriter::Options options;
    options.interval = std::chrono::hours(1);
    options.keepTraces = 100; // pruned every 10 new traces
    auto writer = BatchWriter::start(path(), options, &error);
    QVERIFY2(writer, qPrintable(error));
    TraceRecord trace;
    trace.outcome = QStringLiteral("ok");
    for (int i = 0; i < 250; ++i) {
        trace.scriptName = QStringLiteral("w%1").arg(i);
        writer->append(trace);
        if (i % 7 == 0)
            writer->flush(); // batches of several sizes
    }
    writer->flush();
    const qint64 kept = scalar(*db, QStringLiteral("SELECT count(*) FROM traces"));
    QVERIFY2(kept >= 100 && kept < 110, qPrintable(QString::number(kept)));
    Queries queries(*db);
    const QList<TraceRecord> recent = queries.recentTraces(100);
    QCOMPARE(recent.size(), 100);
    QCOMPARE(recent.first().scriptName, QStringLiteral("w249"));
    QCOMPARE(recent.last().scriptName, QStringLiteral("w150"));
    QCOMPARE(writer->dropped(), 0u);

    // 0 keeps them all.
    writer.reset();
    options.keepTraces = 0;
    writer = BatchWriter::start(path(), options, &error);
    QVERIFY2(writer, qPrintable(error));
    for (int i = 0; i < 50; ++i)
        writer->append(trace);
    writer->flush();
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), kept + 50);
}

QTEST_GUILESS_MAIN(tst_Database)
#include "tst_database.moc"
