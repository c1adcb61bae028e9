#include "database.h"

#include "logging.h"
#include "migrations.h"
#include "schema.h"

#include <QFileInfo>
#include <QScopeGuard>
#include <QSqlError>
#include <QUuid>

namespace switchyard::store {

namespace {

QString newConnectionName()
{
    // Unique per instance: a name shared between two Database objects would make Qt close the
    // first one's connection under it.
    return QStringLiteral("switchyard-store-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

struct Probe
{
    bool ok = false;
    bool notADatabase = false;
    QString error;
    qint64 applicationId = 0;
    int userVersion = 0;
    int objectCount = 0;
};

// Reads the identity of an existing file without writing to it: a read-only connection cannot
// change a byte, not even by checkpointing a foreign WAL on close.
Probe probe(const QString &path, bool readOnly)
{
    Probe result;
    const QString name = newConnectionName();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (readOnly)
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open()) {
            result.error = db.lastError().text();
        } else {
            QSqlQuery query(db);
            auto scalar = [&](const QString &sql) -> std::optional<qint64> {
                if (!query.exec(sql) || !query.next()) {
                    const QSqlError error = query.lastError();
                    result.error
                            = error.databaseText().isEmpty() ? error.text() : error.databaseText();
                    // SQLITE_NOTADB: the bytes are not an SQLite database at all.
                    result.notADatabase = error.nativeErrorCode() == QLatin1String("26");
                    return std::nullopt;
                }
                return query.value(0).toLongLong();
            };
            const auto applicationId = scalar(QStringLiteral("PRAGMA application_id"));
            const auto userVersion
                    = applicationId ? scalar(QStringLiteral("PRAGMA user_version")) : std::nullopt;
            const auto objects = userVersion
                    ? scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"))
                    : std::nullopt;
            if (objects) {
                result.ok = true;
                result.applicationId = *applicationId;
                result.userVersion = int(*userVersion);
                result.objectCount = int(*objects);
            }
            query = QSqlQuery();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

QString newerSchema(const QString &where, int version)
{
    return QStringLiteral("Database %1 has schema version %2, newer than the %3 this build of "
                          "Switchyard knows; it was left untouched. Use a newer Switchyard or "
                          "another data directory.")
            .arg(where)
            .arg(version)
            .arg(currentSchemaVersion());
}

} // namespace

std::unique_ptr<Database> Database::open(const QString &path, QString *error)
{
    return open(StoreLocation::sqlite(path), Options {}, error);
}

std::unique_ptr<Database> Database::open(const QString &path, const Options &options,
                                         QString *error)
{
    return open(StoreLocation::sqlite(path), options, error);
}

std::unique_ptr<Database> Database::open(const StoreLocation &location, const Options &options,
                                         QString *error)
{
    if (location.isPostgres())
        return openPostgres(location, options, error);
    const QString &path = location.path;
    const int target = options.targetVersion < 0 ? currentSchemaVersion() : options.targetVersion;
    auto fail = [&](const QString &message) -> std::unique_ptr<Database> {
        qCWarning(lcStore).noquote() << message;
        if (error)
            *error = message;
        return nullptr;
    };

    int fromVersion = 0;
    const QFileInfo info(path);
    if (info.exists() && info.size() > 0) {
        Probe found = probe(path, true);
        // A read-only open can fail where a write one would not (a WAL file whose -shm is missing
        // in a read-only directory); only then look again with write access, which still writes
        // nothing before the checks below pass.
        if (!found.ok && !found.notADatabase)
            found = probe(path, false);
        if (!found.ok) {
            return fail(QStringLiteral("Database %1 is not a Switchyard database (SQLite cannot "
                                       "read it: %2); it was left untouched.")
                                .arg(path, found.error));
        }
        if (found.applicationId != kApplicationId) {
            if (found.applicationId != 0 || found.objectCount > 0 || found.userVersion != 0) {
                return fail(QStringLiteral("Database %1 is not a Switchyard database "
                                           "(application_id 0x%2, %3 schema objects); it was left "
                                           "untouched.")
                                    .arg(path)
                                    .arg(quint32(found.applicationId), 8, 16, QLatin1Char('0'))
                                    .arg(found.objectCount));
            }
            // An empty SQLite file with nothing in it: as good as a new one.
        } else if (found.userVersion > currentSchemaVersion()) {
            return fail(newerSchema(path, found.userVersion));
        } else {
            fromVersion = found.userVersion;
        }
    }

    std::unique_ptr<Database> database(new Database);
    database->m_location = location;
    database->m_connectionName = newConnectionName();
    database->m_db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), database->m_connectionName);
    database->m_db.setDatabaseName(path);
    database->m_db.setConnectOptions(
            QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.busyTimeoutMs));
    if (!database->m_db.open())
        return fail(QStringLiteral("Cannot open database %1: %2")
                            .arg(path, database->m_db.lastError().text()));
    QString configureError;
    if (!database->configure(&configureError))
        return fail(QStringLiteral("Cannot configure database %1: %2").arg(path, configureError));
    if (fromVersion < target) {
        if (auto migrationError = migrate(database->m_db, false, fromVersion, target))
            return fail(
                    QStringLiteral("Cannot migrate database %1: %2").arg(path, *migrationError));
    }
    return database;
}

std::unique_ptr<Database> Database::openPostgres(const StoreLocation &location,
                                                 const Options &options, QString *error)
{
    const int target = options.targetVersion < 0 ? currentSchemaVersion() : options.targetVersion;
    const QString where = location.display();
    std::unique_ptr<Database> database(new Database);
    database->m_location = location;
    auto fail = [&](const QString &message) -> std::unique_ptr<Database> {
        const QString safe = database->redacted(message);
        qCWarning(lcStore).noquote() << safe;
        if (error)
            *error = safe;
        return nullptr;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return fail(QStringLiteral("Cannot open database %1: Qt's PostgreSQL driver (QPSQL) is "
                                   "not installed (Debian: libqt6sql6-psql)")
                            .arg(where));
    database->m_connectionName = newConnectionName();
    QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), database->m_connectionName);
    db.setHostName(location.host);
    db.setPort(location.port);
    db.setUserName(location.user);
    db.setPassword(location.password);
    db.setDatabaseName(location.databaseName);
    db.setConnectOptions(QStringLiteral("connect_timeout=%1;application_name=switchyard")
                                 .arg(std::max(1, options.busyTimeoutMs / 1000)));
    database->m_db = db;
    if (!database->m_db.open())
        return fail(QStringLiteral("Cannot open database %1: %2")
                            .arg(where, database->m_db.lastError().text()));
    QString configureError;
    if (!database->configure(&configureError))
        return fail(QStringLiteral("Cannot configure database %1: %2").arg(where, configureError));

    // Nodes starting together would otherwise race through the ladder; the session lock makes
    // the second one find the store already migrated.
    QSqlQuery query(database->m_db);
    if (!query.exec(QStringLiteral("SELECT pg_advisory_lock(%1, 1)").arg(kApplicationId)))
        return fail(QStringLiteral("Cannot lock database %1 for migration: %2")
                            .arg(where, query.lastError().text()));
    auto unlock = qScopeGuard([connection = database->m_db] {
        QSqlQuery(connection)
                .exec(QStringLiteral("SELECT pg_advisory_unlock(%1, 1)").arg(kApplicationId));
    });
    auto scalar = [&](const QString &sql) -> std::optional<qint64> {
        if (!query.exec(sql) || !query.next())
            return std::nullopt;
        return query.value(0).toLongLong();
    };
    const auto tables = scalar(QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE"
                                              " schemaname = current_schema()"));
    const auto hasStamp
            = scalar(QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname"
                                    " = current_schema() AND tablename = '%1'")
                             .arg(QLatin1String(kPostgresSchemaTable)));
    if (!tables || !hasStamp)
        return fail(
                QStringLiteral("Cannot read database %1: %2").arg(where, query.lastError().text()));
    int fromVersion = 0;
    if (*hasStamp) {
        if (!query.exec(QStringLiteral("SELECT application_id, version FROM %1")
                                .arg(QLatin1String(kPostgresSchemaTable)))
            || !query.next())
            return fail(QStringLiteral("Database %1 is not a Switchyard database (its %2 table "
                                       "is empty); it was left untouched.")
                                .arg(where, QLatin1String(kPostgresSchemaTable)));
        const qint64 applicationId = query.value(0).toLongLong();
        const int version = query.value(1).toInt();
        if (applicationId != kApplicationId)
            return fail(QStringLiteral("Database %1 is not a Switchyard database "
                                       "(application_id 0x%2); it was left untouched.")
                                .arg(where)
                                .arg(quint32(applicationId), 8, 16, QLatin1Char('0')));
        if (version > currentSchemaVersion())
            return fail(newerSchema(where, version));
        fromVersion = version;
    } else if (*tables > 0) {
        return fail(QStringLiteral("Database %1 is not a Switchyard database (%2 tables and no "
                                   "%3); it was left untouched.")
                            .arg(where)
                            .arg(*tables)
                            .arg(QLatin1String(kPostgresSchemaTable)));
    }
    query = QSqlQuery();
    if (fromVersion < target) {
        if (auto migrationError = migrate(database->m_db, true, fromVersion, target))
            return fail(
                    QStringLiteral("Cannot migrate database %1: %2").arg(where, *migrationError));
    }
    return database;
}

QString Database::redacted(const QString &message) const
{
    if (m_location.password.isEmpty())
        return message;
    QString safe = message;
    return safe.replace(m_location.password, QStringLiteral("***"));
}

bool Database::configure(QString *error)
{
    QSqlQuery query(m_db);
    if (isPostgres()) {
        // IF NOT EXISTS and friends report NOTICEs that Qt would log as warnings.
        if (!query.exec(QStringLiteral("SET client_min_messages = warning"))) {
            *error = query.lastError().text();
            return false;
        }
        return true;
    }
    if (!query.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !query.next()
        || query.value(0).toString() != QLatin1String("wal")) {
        *error = QStringLiteral("cannot switch to WAL mode: %1").arg(query.lastError().text());
        return false;
    }
    // NORMAL, not FULL: in WAL mode a commit is written to the WAL before COMMIT returns and only
    // the fsync is deferred to checkpoints. A killed process (kill -9, crash) loses nothing it
    // acknowledged, because the OS still holds the written pages; only a power loss or kernel
    // panic can drop the last transactions. FULL would add an fsync to every edit and every KV
    // put, far beyond the 1 ms edit-to-effect budget on ordinary disks, to cover a risk a local
    // developer platform does not need to cover.
    const QStringList pragmas = {
            QStringLiteral("PRAGMA synchronous = NORMAL"),
            QStringLiteral("PRAGMA foreign_keys = ON"),
    };
    for (const QString &pragma : pragmas) {
        if (!query.exec(pragma)) {
            *error = QStringLiteral("%1: %2").arg(pragma, query.lastError().text());
            return false;
        }
    }
    return true;
}

Database::~Database()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

int Database::userVersion() const
{
    QSqlQuery query(m_db);
    const QString sql = isPostgres()
            ? QStringLiteral("SELECT version FROM %1").arg(QLatin1String(kPostgresSchemaTable))
            : QStringLiteral("PRAGMA user_version");
    if (query.exec(sql) && query.next())
        return query.value(0).toInt();
    return -1;
}

std::optional<QString> Database::transaction(const std::function<void()> &body)
{
    try {
        if (isPostgres()) {
            exec(QStringLiteral("BEGIN"));
            // Every writer of the store, on every node, takes this one lock for its transaction,
            // as BEGIN IMMEDIATE serializes SQLite's writers: the one write path's
            // check-then-write stays atomic across nodes.
            exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1, 2)").arg(kApplicationId));
        } else {
            exec(QStringLiteral("BEGIN IMMEDIATE"));
        }
    } catch (const SqlError &error) {
        if (isPostgres())
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        return error.message();
    }
    try {
        body();
        exec(QStringLiteral("COMMIT"));
    } catch (const SqlError &error) {
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        return error.message();
    }
    return std::nullopt;
}

std::optional<QString> Database::readTransaction(const std::function<void()> &body)
{
    try {
        exec(isPostgres() ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                          : QStringLiteral("BEGIN"));
    } catch (const SqlError &error) {
        return error.message();
    }
    try {
        body();
        exec(QStringLiteral("COMMIT"));
    } catch (const SqlError &error) {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        return error.message();
    }
    return std::nullopt;
}

QSqlQuery Database::exec(const QString &sql, const QVariantList &bindings)
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (bindings.isEmpty() && isPostgres()) {
        if (!query.exec(sql))
            throw SqlError(QStringLiteral("%1 (in %2)").arg(query.lastError().text(), sql));
        return query;
    }
    if (!query.prepare(sql))
        throw SqlError(QStringLiteral("%1 (in %2)").arg(query.lastError().text(), sql));
    for (const QVariant &value : bindings)
        query.addBindValue(bindable(value));
    if (!query.exec())
        throw SqlError(QStringLiteral("%1 (in %2)").arg(query.lastError().text(), sql));
    return query;
}

QVariant Database::bindable(const QVariant &value) const
{
    // Qt's PostgreSQL driver sends a bool as TRUE/FALSE, which a BIGINT column refuses; SQLite
    // stores it as 1/0 anyway.
    if (isPostgres() && value.metaType().id() == QMetaType::Bool)
        return value.isNull() ? QVariant(QMetaType::fromType<qint64>())
                              : QVariant(qint64(value.toBool()));
    return value;
}

bool Database::ping()
{
    if (!isPostgres())
        return true;
    QSqlQuery query(m_db);
    return m_db.isOpen() && query.exec(QStringLiteral("SELECT 1")) && query.next();
}

bool Database::reconnect(QString *error)
{
    if (!isPostgres())
        return true;
    m_db.close();
    if (!m_db.open()) {
        if (error)
            *error = redacted(m_db.lastError().text());
        return false;
    }
    QString configureError;
    if (!configure(&configureError)) {
        m_db.close();
        if (error)
            *error = redacted(configureError);
        return false;
    }
    return true;
}

QString Database::integrityCheck()
{
    if (isPostgres())
        return QStringLiteral("ok");
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("PRAGMA integrity_check")))
        return query.lastError().text();
    QStringList lines;
    while (query.next())
        lines << query.value(0).toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace switchyard::store
