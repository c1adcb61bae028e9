// The store's expectations on both backends, row by row: SQLite (the embedded default) and
// PostgreSQL (a real server this executable starts under /tmp, shared by every test function; each
// test gets a database of its own). The same schema, the same migration ladder, the same queries
// and batch writer; refusal of stores that are not ours or are newer; and the password of a
// postgresql:// store never in a message or a log line.
#include "../common/pgcluster.h"

#include "store/analyticssql.h"
#include "store/batchwriter.h"
#include "store/database.h"
#include "store/queries.h"
#include "store/schema.h"
#include "store/storelocation.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <QDateTime>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QThread>

#include <atomic>
#include <mutex>
#include <thread>

using namespace switchyard::store;
using switchyard::testing::PgCluster;

namespace {

std::mutex g_logMutex;
QStringList g_log;

void captureLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    std::lock_guard lock(g_logMutex);
    g_log << message;
}

} // namespace

class tst_PgStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void parsesStoreUrls_data();
    void parsesStoreUrls();
    void createsCurrentSchema_data() { backends(); }
    void createsCurrentSchema();
    void migratesFromEachEarlierVersion_data();
    void migratesFromEachEarlierVersion();
    void platformWorkersBecomeVersionOne_data();
    void platformWorkersBecomeVersionOne();
    void refusesForeignOrNewer_data();
    void refusesForeignOrNewer();
    void transactionRollsBackOnError_data() { backends(); }
    void transactionRollsBackOnError();
    void queriesRoundTrip_data() { backends(); }
    void queriesRoundTrip();
    void batchWriterCommitsOnFlush_data() { backends(); }
    void batchWriterCommitsOnFlush();
    void batchWriterKeepsTheNewestTraces_data() { backends(); }
    void batchWriterKeepsTheNewestTraces();
    void writersOnTwoConnectionsTakeTurns();
    void passwordNeverShown();
    void analyticsAnswersAlikeOnBoth_data();
    void analyticsAnswersAlikeOnBoth();

private:
    static void backends();
    // A fresh, empty store of the current row's backend.
    std::optional<StoreLocation> freshStore();
    static qint64 scalar(Database &db, const QString &sql, const QVariantList &bindings = {});
    static qint64 tableCount(Database &db, const QString &table);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_PgStore::backends()
{
    QTest::addColumn<bool>("postgres");
    QTest::newRow("sqlite") << false;
    QTest::newRow("postgresql") << true;
}

void tst_PgStore::initTestCase()
{
    PgCluster &cluster = PgCluster::instance();
    QVERIFY2(cluster.error().isEmpty(), qPrintable(cluster.error()));
}

void tst_PgStore::cleanupTestCase()
{
    PgCluster::instance().stop();
}

void tst_PgStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::optional<StoreLocation> tst_PgStore::freshStore()
{
    QFETCH(bool, postgres);
    if (!postgres)
        return StoreLocation::sqlite(m_dir->filePath(QStringLiteral("switchyard.db")));
    QString error;
    auto location = PgCluster::instance().createDatabase(&error);
    if (!location)
        qWarning().noquote() << error;
    return location;
}

qint64 tst_PgStore::scalar(Database &db, const QString &sql, const QVariantList &bindings)
{
    QSqlQuery query = db.exec(sql, bindings);
    return query.next() ? query.value(0).toLongLong() : -1;
}

qint64 tst_PgStore::tableCount(Database &db, const QString &table)
{
    return db.isPostgres()
            ? scalar(db,
                     QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                                    "current_schema() AND tablename = ?"),
                     {table})
            : scalar(db,
                     QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                    "name = ?"),
                     {table});
}

void tst_PgStore::parsesStoreUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("display"); // empty: refused
    QTest::addColumn<QString>("field"); // what the parse must have read, or the error's text
    QTest::newRow("sqlite") << "sqlite:///var/lib/sy/a.db"
                            << "/var/lib/sy/a.db"
                            << "path=/var/lib/sy/a.db";
    QTest::newRow("sqlite relative") << "sqlite://a.db"
                                     << ""
                                     << "three slashes";
    QTest::newRow("sqlite no file") << "sqlite:///"
                                    << ""
                                    << "needs a file name";
    QTest::newRow("postgresql") << "postgresql://u:p%40ss@db.example:6543/platform"
                                << "postgresql://u@db.example:6543/platform"
                                << "password=p@ss";
    QTest::newRow("postgres scheme, default port") << "postgres://u:secret@10.0.0.5/platform"
                                                   << "postgresql://u@10.0.0.5:5432/platform"
                                                   << "port=5432";
    QTest::newRow("no password") << "postgresql://u@h/db"
                                 << "postgresql://u@h:5432/db"
                                 << "password=";
    QTest::newRow("no database") << "postgresql://u:secret@h:5432/"
                                 << ""
                                 << "must name one";
    QTest::newRow("options") << "postgresql://u:secret@h/db?sslmode=require"
                             << ""
                             << "takes no ?options";
    QTest::newRow("other scheme") << "mysql://u:secret@h/db"
                                  << ""
                                  << "expected sqlite:///path";
    QTest::newRow("bad port") << "postgresql://u:secret@h:99999/db"
                              << ""
                              << "not a valid postgresql:// URL";
}

void tst_PgStore::parsesStoreUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, display);
    QFETCH(QString, field);
    QString error;
    const auto location = StoreLocation::parse(url, &error);
    if (display.isEmpty()) {
        QVERIFY(!location);
        QVERIFY2(error.contains(field), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("secret")), qPrintable(error));
        return;
    }
    QVERIFY2(location, qPrintable(error));
    QCOMPARE(location->display(), display);
    const QString name = field.section(u'=', 0, 0), value = field.section(u'=', 1);
    if (name == u"path")
        QCOMPARE(location->path, value);
    else if (name == u"password")
        QCOMPARE(location->password, value);
    else if (name == u"port")
        QCOMPARE(location->port, value.toInt());
    QVERIFY(!location->display().contains(QLatin1String("secret")));
}

void tst_PgStore::createsCurrentSchema()
{
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(db->isPostgres(), location->isPostgres());
    QCOMPARE(db->userVersion(), currentSchemaVersion());
    if (!db->isPostgres()) {
        // The file's own settings: ours by its application id, WAL, enforced foreign keys, and
        // NORMAL synchronous (WAL keeps it safe from corruption; a crash may lose the last commit).
        QCOMPARE(scalar(*db, QStringLiteral("PRAGMA application_id")), kApplicationId);
        QSqlQuery mode = db->exec(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(mode.next());
        QCOMPARE(mode.value(0).toString(), QStringLiteral("wal"));
        QCOMPARE(scalar(*db, QStringLiteral("PRAGMA foreign_keys")), 1);
        QCOMPARE(scalar(*db, QStringLiteral("PRAGMA synchronous")), 1);
    }
    const QStringList tables = {
            QStringLiteral("dispatch_namespaces"),     QStringLiteral("scripts"),
            QStringLiteral("script_modules"),          QStringLiteral("platform_workers"),
            QStringLiteral("platform_worker_modules"), QStringLiteral("settings"),
            QStringLiteral("kv_namespaces"),           QStringLiteral("kv_entries"),
            QStringLiteral("custom_hostnames"),        QStringLiteral("analytics_datasets"),
            QStringLiteral("analytics_rows"),          QStringLiteral("traces"),
    };
    for (const QString &table : tables)
        QVERIFY2(tableCount(*db, table) == 1, qPrintable(table));
    QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));

    // Foreign keys are enforced: a script of no namespace is refused.
    const auto failure = db->transaction([&] {
        db->exec(QStringLiteral("INSERT INTO scripts (namespace_id, name, main_module, "
                                "content_hash, created_at, modified_at) VALUES (42, 'a', 'a.js', "
                                "'', 0, 0)"));
    });
    QVERIFY(failure);
    QVERIFY2(failure->contains(QLatin1String("foreign key"), Qt::CaseInsensitive),
             qPrintable(*failure));

    // Times are milliseconds since the epoch: 64-bit on both.
    const qint64 ms = 1'900'000'000'123;
    QVERIFY(!db->transaction([&] {
        db->exec(QStringLiteral("INSERT INTO dispatch_namespaces (name, created_at) VALUES (?, ?)"),
                 {QStringLiteral("prod"), ms});
    }));
    QCOMPARE(scalar(*db, QStringLiteral("SELECT created_at FROM dispatch_namespaces")), ms);

    // Reopening a current store changes nothing.
    db.reset();
    auto again = Database::open(*location, {}, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->userVersion(), currentSchemaVersion());
    QCOMPARE(scalar(*again, QStringLiteral("SELECT count(*) FROM dispatch_namespaces")), 1);
}

void tst_PgStore::migratesFromEachEarlierVersion_data()
{
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<int>("fromVersion");
    for (bool postgres : {false, true}) {
        for (int version = 0; version < currentSchemaVersion(); ++version)
            QTest::addRow("%s v%d", postgres ? "postgresql" : "sqlite", version)
                    << postgres << version;
    }
}

void tst_PgStore::migratesFromEachEarlierVersion()
{
    QFETCH(int, fromVersion);
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    if (fromVersion > 0) {
        Database::Options options;
        options.targetVersion = fromVersion;
        auto old = Database::open(*location, options, &error);
        QVERIFY2(old, qPrintable(error));
        QCOMPARE(old->userVersion(), fromVersion);
        // Rows every version has, to prove migrations keep data.
        const auto failure = old->transaction([&] {
            old->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('ns1', 'ROUTES', 1)"));
            old->exec(QStringLiteral("INSERT INTO kv_entries VALUES (?, ?, ?, NULL, NULL)"),
                      {QStringLiteral("ns1"), QStringLiteral("k"), QByteArray("hi")});
            old->exec(QStringLiteral("INSERT INTO dispatch_namespaces (name, created_at) VALUES "
                                     "('prod', 1)"));
            if (fromVersion >= 2)
                old->exec(QStringLiteral("INSERT INTO traces (script_name, event_timestamp, "
                                         "outcome) VALUES ('site', 1, 'ok')"));
        });
        QVERIFY2(!failure, qPrintable(failure.value_or(QString())));
    }
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(db->userVersion(), currentSchemaVersion());
    const int rows = fromVersion == 0 ? 0 : 1;
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM kv_entries WHERE key = 'k'")), rows);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM dispatch_namespaces")), rows);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), fromVersion >= 2 ? 1 : 0);
    if (rows) {
        QSqlQuery value = db->exec(QStringLiteral("SELECT value FROM kv_entries"));
        QVERIFY(value.next());
        QCOMPARE(value.value(0).toByteArray(), QByteArray("hi"));
    }
    // v3 dropped the trace indexes no query used; analytics keeps its own.
    const QString indexes = db->isPostgres()
            ? QStringLiteral("SELECT count(*) FROM pg_catalog.pg_indexes WHERE tablename = ? AND "
                             "indexname NOT LIKE '%_pkey'")
            : QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                             "tbl_name = ? AND name NOT LIKE 'sqlite_autoindex%'");
    QCOMPARE(scalar(*db, indexes, {QStringLiteral("traces")}), 0);
    QCOMPARE(scalar(*db, indexes, {QStringLiteral("analytics_rows")}), 1);
}

void tst_PgStore::platformWorkersBecomeVersionOne_data()
{
    QTest::addColumn<bool>("postgres");
    QTest::newRow("sqlite") << false;
    QTest::newRow("postgresql") << true;
}

void tst_PgStore::platformWorkersBecomeVersionOne()
{
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    {
        Database::Options options;
        options.targetVersion = 4;
        auto old = Database::open(*location, options, &error);
        QVERIFY2(old, qPrintable(error));
        const auto failure = old->transaction([&] {
            for (const char *name : {"dispatcher", "tailer"}) {
                QSqlQuery id = old->exec(
                        QStringLiteral("INSERT INTO platform_workers (name, kind, main_module,"
                                       " content_hash, created_at, modified_at) VALUES"
                                       " (?, 'dispatcher', 'index.js', 'abc', 1, 2) RETURNING id"),
                        {QString::fromLatin1(name)});
                QVERIFY(id.next());
                old->exec(QStringLiteral("INSERT INTO platform_worker_modules VALUES"
                                         " (?, 0, 'index.js', 'application/javascript+module', ?)"),
                          {id.value(0).toLongLong(), QByteArray("export default {}")});
            }
        });
        QVERIFY2(!failure, qPrintable(failure.value_or(QString())));
    }
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(scalar(*db,
                    QStringLiteral("SELECT count(*) FROM worker_versions WHERE number = 1"
                                   " AND length(uuid) = 36 AND content_hash = 'abc'")),
             2);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(DISTINCT uuid) FROM worker_versions")), 2);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM worker_version_modules")), 2);
    QCOMPARE(scalar(*db,
                    QStringLiteral("SELECT count(*) FROM worker_deployments AS d"
                                   " JOIN worker_versions AS v ON v.uuid = d.version_id"
                                   " AND v.worker_name = d.worker_name"
                                   " WHERE d.percentage = 100 AND d.split_version_id IS NULL")),
             2);
}

void tst_PgStore::refusesForeignOrNewer_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("expected");
    QTest::newRow("newer") << QStringLiteral("newer")
                           << QStringLiteral("has schema version 99, newer than the %1 this build "
                                             "of Switchyard knows; it was left untouched")
                                      .arg(currentSchemaVersion());
    QTest::newRow("foreign tables")
            << QStringLiteral("foreign")
            << QStringLiteral("is not a Switchyard database (1 tables and no switchyard_schema); "
                              "it was left untouched");
    QTest::newRow("other application")
            << QStringLiteral("otherapp")
            << QStringLiteral("is not a Switchyard database (application_id 0x0000beef); it was "
                              "left untouched");
}

// SQLite's side of this is tst_database's refusesUntouched (byte-for-byte).
void tst_PgStore::refusesForeignOrNewer()
{
    QFETCH(QString, setup);
    QFETCH(QString, expected);
    QString error;
    auto name = PgCluster::instance().createDatabase(&error);
    QVERIFY2(name, qPrintable(error));
    const StoreLocation location = *name;
    QStringList statements;
    if (setup == u"newer")
        statements = {
                QStringLiteral("CREATE TABLE switchyard_schema (application_id BIGINT, "
                               "version BIGINT)"),
                QStringLiteral("INSERT INTO switchyard_schema VALUES (%1, 99)").arg(kApplicationId),
                QStringLiteral("CREATE TABLE future (x BIGINT)")};
    else if (setup == u"foreign")
        statements = {QStringLiteral("CREATE TABLE photos (id BIGINT)")};
    else
        statements = {QStringLiteral("CREATE TABLE switchyard_schema (application_id BIGINT, "
                                     "version BIGINT)"),
                      QStringLiteral("INSERT INTO switchyard_schema VALUES (48879, 1)")};
    const QString connection = QStringLiteral("setup");
    auto tables = [&] {
        QStringList names;
        QSqlDatabase raw = QSqlDatabase::database(connection);
        QSqlQuery query(raw);
        query.exec(QStringLiteral("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = "
                                  "current_schema() ORDER BY 1"));
        while (query.next())
            names << query.value(0).toString();
        return names;
    };
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        raw.setHostName(location.host);
        raw.setPort(location.port);
        raw.setUserName(location.user);
        raw.setPassword(location.password);
        raw.setDatabaseName(location.databaseName);
        QVERIFY2(raw.open(), qPrintable(raw.lastError().text()));
        QSqlQuery query(raw);
        for (const QString &sql : statements)
            QVERIFY2(query.exec(sql), qPrintable(query.lastError().text()));
    }
    const QStringList before = tables();

    auto db = Database::open(location, {}, &error);
    QVERIFY(!db);
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(location.display()), qPrintable(error));
    QCOMPARE(tables(), before);
    QSqlDatabase::removeDatabase(connection);
}

void tst_PgStore::transactionRollsBackOnError()
{
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    const auto failure = db->transaction([&] {
        db->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('a', 'A', 1)"));
        db->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('b', 'A', 1)")); // title taken
    });
    QVERIFY(failure);
    QVERIFY2(failure->contains(QLatin1String("unique"), Qt::CaseInsensitive), qPrintable(*failure));
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM kv_namespaces")), 0);
    // The connection is usable again after the rollback.
    QVERIFY(!db->transaction(
            [&] { db->exec(QStringLiteral("INSERT INTO kv_namespaces VALUES ('a', 'A', 1)")); }));
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM kv_namespaces")), 1);
}

void tst_PgStore::queriesRoundTrip()
{
    // Every typed query the platform service runs, written and read back.
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    Queries q(*db);
    NamespaceRecord ns {0, QStringLiteral("production"), true, 1'700'000'000'000};
    ScriptRecord script;
    script.namespaceName = ns.name;
    script.name = QStringLiteral("customer-1");
    script.code.mainModule = QStringLiteral("index.js");
    script.code.compatibilityDate = QStringLiteral("2024-01-01");
    script.code.compatibilityFlags = {QStringLiteral("nodejs_compat")};
    script.code.bindings = QJsonArray {QJsonObject {{QStringLiteral("type"), "plain_text"},
                                                    {QStringLiteral("name"), "GREETING"},
                                                    {QStringLiteral("text"), "héllo"}}};
    // Code is bytes: a NUL and invalid UTF-8 must come back as they went in.
    script.code.modules
            = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"),
                QByteArray("export default {}\0\xff", 19)}};
    script.tags = {QStringLiteral("plan:pro")};
    script.contentHash = "abc123";
    script.createdAt = script.modifiedAt = 1'700'000'000'001;
    PlatformWorkerRecord worker;
    worker.name = QStringLiteral("dispatcher");
    worker.kind = WorkerKind::Dispatcher;
    worker.code = script.code;
    worker.contentHash = "def";
    KvValue value;
    value.value = QByteArray("\x00\x01\x02 binary", 10);
    value.metadata = R"({"a":1})";
    value.expiration = 1'000;
    CustomHostnameRecord host {QStringLiteral("shop.example.com"),
                               QJsonObject {{QStringLiteral("customer"), "c1"}}, 1, 2};
    const auto failure = db->transaction([&] {
        ns.id = q.insertNamespace(ns);
        script.id = q.upsertScript(ns.id, script);
        q.upsertScript(ns.id, script); // an upsert of the same script keeps one row
        q.updateScriptTags(script.id, {QStringLiteral("plan:free")}, 5);
        worker.id = q.upsertPlatformWorker(worker);
        q.setSetting(QStringLiteral("active_dispatcher"), QStringLiteral("dispatcher"));
        q.setSetting(QStringLiteral("active_dispatcher"), QStringLiteral("dispatcher"));
        q.insertKvNamespace({QStringLiteral("kv1"), QStringLiteral("ROUTES"), 3});
        q.putKv(QStringLiteral("kv1"), QStringLiteral("k"), value);
        q.putKv(QStringLiteral("kv1"), QStringLiteral("gone"), value);
        q.putKv(QStringLiteral("kv1"), QStringLiteral("forever"), KvValue {"v", {}, {}});
        q.upsertCustomHostname(host);
    });
    QVERIFY2(!failure, qPrintable(failure.value_or(QString())));
    QList<std::pair<QString, QString>> expired;
    QVERIFY(!db->transaction([&] {
        q.deleteKv(QStringLiteral("kv1"), QStringLiteral("gone"));
        expired = q.deleteExpiredKv(2'000);
    }));
    QCOMPARE(expired.size(), 1);
    QCOMPARE(expired.first().second, QStringLiteral("k"));

    const auto namespaces = q.namespaces();
    QCOMPARE(namespaces.size(), 1);
    QCOMPARE(namespaces.first().trustedWorkers, true);
    QCOMPARE(namespaces.first().createdAt, ns.createdAt);
    const auto scripts = q.scripts();
    QCOMPARE(scripts.size(), 1);
    QCOMPARE(scripts.first().code.modules.first().code, script.code.modules.first().code);
    QCOMPARE(scripts.first().code.bindings, script.code.bindings);
    QCOMPARE(scripts.first().code.compatibilityFlags, script.code.compatibilityFlags);
    QCOMPARE(scripts.first().tags, QStringList {QStringLiteral("plan:free")});
    QCOMPARE(scripts.first().contentHash, script.contentHash);
    const auto workers = q.platformWorkers();
    QCOMPARE(workers.size(), 1);
    QCOMPARE(workers.first().kind, WorkerKind::Dispatcher);
    QCOMPARE(q.settings().value(QStringLiteral("active_dispatcher")), QStringLiteral("dispatcher"));
    QMap<QString, KvValue> kv;
    q.forEachKvEntry([&](const QString &, const QString &key, KvValue v) { kv.insert(key, v); });
    QCOMPARE(kv.keys(), QStringList {QStringLiteral("forever")});
    QCOMPARE(kv.value(QStringLiteral("forever")).value, QByteArray("v"));
    QVERIFY(kv.value(QStringLiteral("forever")).metadata.isNull());
    QVERIFY(!kv.value(QStringLiteral("forever")).expiration);
    const auto hosts = q.customHostnames();
    QCOMPARE(hosts.size(), 1);
    QCOMPARE(hosts.first().metadata, host.metadata);

    // Deleting a namespace deletes its scripts and their modules.
    QVERIFY(!db->transaction([&] { q.deleteNamespace(ns.id); }));
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM script_modules")), 0);
}

void tst_PgStore::batchWriterCommitsOnFlush()
{
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    BatchWriter::Options options;
    options.interval = std::chrono::hours(1); // only flush() or a full batch commits
    auto writer = BatchWriter::start(*location, options, &error);
    QVERIFY2(writer, qPrintable(error));

    TraceRecord trace;
    trace.scriptName = QStringLiteral("customer-1");
    trace.dispatchNamespace = QStringLiteral("prod");
    trace.scriptTags = {QStringLiteral("free")};
    trace.event
            = QJsonObject {{QStringLiteral("request"),
                            QJsonObject {{QStringLiteral("url"), QStringLiteral("http://x/ü")}}}};
    trace.eventTimestamp = 1'700'000'000'000;
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
                    QStringLiteral("SELECT count(*) FROM analytics_rows WHERE dataset = 'limits' "
                                   "AND blob2 = ? AND double1 = 1.5 AND double2 IS NULL AND "
                                   "_sample_interval = 1"),
                    {QByteArray("free")}),
             20);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM analytics_datasets")), 1);
    Queries queries(*db);
    const QList<TraceRecord> traces = queries.recentTraces(1);
    QCOMPARE(traces.size(), 1);
    QCOMPARE(traces.first().scriptTags, trace.scriptTags);
    QCOMPARE(traces.first().event, trace.event);
    QCOMPARE(traces.first().eventTimestamp, trace.eventTimestamp);
    QCOMPARE(traces.first().wallTime, 7);
    QCOMPARE(writer->dropped(), 0u);

    // Destruction commits what is still queued.
    writer->append(trace);
    writer.reset();
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), 11);
}

void tst_PgStore::batchWriterKeepsTheNewestTraces()
{
    const auto location = freshStore();
    QVERIFY(location);
    QString error;
    auto db = Database::open(*location, {}, &error);
    QVERIFY2(db, qPrintable(error));
    BatchWriter::Options options;
    options.interval = std::chrono::hours(1);
    options.keepTraces = 100; // pruned every 10 new traces
    auto writer = BatchWriter::start(*location, options, &error);
    QVERIFY2(writer, qPrintable(error));
    TraceRecord trace;
    trace.outcome = QStringLiteral("ok");
    for (int i = 0; i < 250; ++i) {
        trace.scriptName = QStringLiteral("w%1").arg(i);
        writer->append(trace);
        if (i % 7 == 0)
            writer->flush();
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
    writer = BatchWriter::start(*location, options, &error);
    QVERIFY2(writer, qPrintable(error));
    for (int i = 0; i < 50; ++i)
        writer->append(trace);
    writer->flush();
    QCOMPARE(scalar(*db, QStringLiteral("SELECT count(*) FROM traces")), kept + 50);
}

void tst_PgStore::writersOnTwoConnectionsTakeTurns()
{
    // Two nodes' connections: the second writer waits for the first's commit, and then sees its
    // row, as SQLite's BEGIN IMMEDIATE makes writers take turns.
    QString error;
    auto location = PgCluster::instance().createDatabase(&error);
    QVERIFY2(location, qPrintable(error));
    auto a = Database::open(*location, {}, &error);
    QVERIFY2(a, qPrintable(error));
    std::optional<QString> second;
    qint64 seenBySecond = -1;
    std::atomic<bool> opened = false, go = false;
    std::thread other([&] {
        QString openError;
        auto b = Database::open(*location, {}, &openError);
        if (!b)
            second = openError;
        opened = true;
        if (!b)
            return;
        while (!go)
            QThread::msleep(1);
        second = b->transaction([&] {
            seenBySecond = scalar(*b, QStringLiteral("SELECT count(*) FROM settings"));
            b->exec(QStringLiteral("UPDATE settings SET value = 'b' WHERE key = 'k'"));
        });
    });
    QTRY_VERIFY(opened.load());
    qint64 waiting = 0;
    const auto failure = a->transaction([&] {
        a->exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('k', 'a')"));
        go = true;
        QDeadlineTimer deadline(30000);
        while (waiting == 0 && !deadline.hasExpired()) {
            waiting = scalar(*a,
                             QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = "
                                            "'advisory' AND NOT granted"));
            QThread::msleep(1);
        }
    });
    other.join();
    QVERIFY2(!failure, qPrintable(failure.value_or(QString())));
    QCOMPARE(waiting, 1); // the second writer was waiting for the first
    QVERIFY2(!second, qPrintable(second.value_or(QString())));
    QCOMPARE(seenBySecond, 1);
    QSqlQuery value = a->exec(QStringLiteral("SELECT value FROM settings WHERE key = 'k'"));
    QVERIFY(value.next());
    QCOMPARE(value.value(0).toString(), QStringLiteral("b"));
}

void tst_PgStore::passwordNeverShown()
{
    QString error;
    auto created = PgCluster::instance().createDatabase(&error);
    QVERIFY2(created, qPrintable(error));
    const QString password = QLatin1String(PgCluster::kPassword);
    {
        std::lock_guard lock(g_logMutex);
        g_log.clear();
    }
    QtMessageHandler previous = qInstallMessageHandler(captureLog);
    QLoggingCategory::setFilterRules(QStringLiteral("switchyard.*=true"));

    // Opening and migrating logs the store; a wrong password's refusal names it. Neither may
    // carry a password.
    auto db = Database::open(*created, {}, &error);
    StoreLocation wrong = *created;
    wrong.password = password + QStringLiteral("-wrong");
    QString refusal;
    auto refused = Database::open(wrong, {}, &refusal);
    const QString viaUrl = PgCluster::instance().url(created->databaseName);
    const auto parsed = StoreLocation::parse(viaUrl, &error);

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY2(db, qPrintable(error));
    QVERIFY(!refused);
    QVERIFY2(refusal.contains(created->display()), qPrintable(refusal));
    QVERIFY2(refusal.contains(QLatin1String("password authentication failed")),
             qPrintable(refusal));
    QVERIFY(!refusal.contains(password));
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->password, password);
    QVERIFY(!parsed->display().contains(password));
    std::lock_guard lock(g_logMutex);
    QVERIFY(!g_log.isEmpty());
    for (const QString &line : std::as_const(g_log))
        QVERIFY2(!line.contains(password) && !line.contains(QLatin1String("pw-Zq9")),
                 qPrintable(line));
}

void tst_PgStore::analyticsAnswersAlikeOnBoth_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("show tables") << QStringLiteral("SHOW TABLES");
    QTest::newRow("group by alias, limit")
            << QStringLiteral("SELECT blob1 AS kind, SUM(_sample_interval) AS n, avg(double1) AS "
                              "cpu FROM violations WHERE timestamp > NOW() - INTERVAL '1' DAY "
                              "GROUP BY kind ORDER BY n DESC, kind LIMIT 1");
    QTest::newRow("every column") << QStringLiteral(
            "SELECT * FROM violations ORDER BY timestamp FORMAT JSONEachRow");
    QTest::newRow("time buckets") << QStringLiteral(
            "SELECT toStartOfInterval(timestamp, INTERVAL '5' MINUTE) AS t, "
            "toStartOfHour(timestamp) "
            "AS h, toStartOfDay(timestamp) AS d, count() AS n FROM violations GROUP BY t, h, d "
            "ORDER BY t FORMAT TabSeparatedWithNames");
    QTest::newRow("functions") << QStringLiteral(
            "SELECT index1, countIf(double1 > 20) AS big, sumIf(double1, blob2 = 'pro') AS pro, "
            "round(avg(double1) / 3, 2) AS third, round(max(double2)) AS r, intDiv(max(double1), "
            "7) AS q, if(min(double1) > 15, 'high', 'low') AS level, upper(index1) AS u, "
            "length(index1) AS len, abs(min(double1) - 100) AS dist FROM violations GROUP BY "
            "index1 ORDER BY index1");
    QTest::newRow("unset and dates") << QStringLiteral(
            "SELECT blob3, double5, toUnixTimestamp(toDateTime('2024-03-01 12:00:00')) AS fixed, "
            "timestamp >= today() - INTERVAL '3' DAY AS recent FROM violations WHERE index1 IN "
            "('globex', 'old') ORDER BY index1 FORMAT TabSeparated");
    QTest::newRow("unknown dataset") << QStringLiteral("SELECT count() FROM nosuchset");
}

void tst_PgStore::analyticsAnswersAlikeOnBoth()
{
    // One Analytics Engine query, the same points on both backends: the same answer, byte for
    // byte (or the same refusal).
    QFETCH(QString, query);
    const qint64 now = 1764670000000; // fixed, so both stores hold the same rows
    const qint64 live = QDateTime::currentMSecsSinceEpoch();
    const QList<AnalyticsPoint> points {
            {QStringLiteral("violations"), live - 1000, "acme", {"cpu", "enterprise"}, {50, 1}, 1},
            {QStringLiteral("violations"), live - 2000, "acme", {"cpu", "enterprise"}, {50, 1}, 1},
            {QStringLiteral("violations"),
             live - 3000,
             "globex",
             {"subrequests", "pro"},
             {20, 2.25},
             1},
            {QStringLiteral("violations"),
             now - 2 * 86400 * 1000,
             "old",
             {"cpu", "free"},
             {10, 3},
             1},
            {QStringLiteral("other_set"), now, "x", {"y"}, {1}, 1},
    };
    QStringList answers;
    for (const bool postgres : {false, true}) {
        QString error;
        std::optional<StoreLocation> location;
        if (postgres) {
            location = PgCluster::instance().createDatabase(&error);
        } else {
            location = StoreLocation::sqlite(m_dir->filePath(QStringLiteral("analytics.db")));
        }
        QVERIFY2(location, qPrintable(error));
        auto db = Database::open(*location, Database::Options {}, &error);
        QVERIFY2(db, qPrintable(error));
        Queries queries(*db);
        QVERIFY(!db->transaction(
                [&] { queries.insertDataPoints(points, now, QStringLiteral("n1")); }));
        const AnalyticsAnswer answer = runAnalyticsSql(*location, query);
        answers << (answer.error.isEmpty() ? QString::fromUtf8(answer.body)
                                           : QStringLiteral("error: ") + answer.error);
    }
    QCOMPARE(answers.at(1), answers.at(0));
    QVERIFY2(!answers.at(0).startsWith(u"error") || query.contains(u"nosuchset"),
             qPrintable(answers.at(0)));
}

QTEST_GUILESS_MAIN(tst_PgStore)
#include "tst_pgstore.moc"
