#pragma once

#include "storelocation.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

namespace switchyard::store {

// Thrown by Database::exec() inside Database::transaction(); never escapes the store.
class SqlError : public std::runtime_error
{
public:
    explicit SqlError(const QString &message) : std::runtime_error(message.toStdString()) { }
    QString message() const { return QString::fromStdString(what()); }
};

// One connection to a Switchyard store: an SQLite file, or a PostgreSQL database that several nodes
// share. Qt SQL connections belong to the thread that opened them, so each thread that writes (the
// platform service, the batch writer) opens its own Database on the same store; SQLite's WAL (or
// PostgreSQL's MVCC) lets them proceed side by side.
class Database
{
public:
    struct Options
    {
        // Stop the ladder at this version: tests use it to build files of earlier versions.
        int targetVersion = -1; // -1: the current version
        int busyTimeoutMs = 5000;
    };

    // Opens (creating when absent) and migrates the store. A store that is not a Switchyard
    // database, or whose schema is newer than this build, is refused with a message in *error
    // and left untouched (an SQLite file byte for byte). Messages name the store by
    // StoreLocation::display(), never with its password.
    static std::unique_ptr<Database> open(const QString &path, QString *error);
    static std::unique_ptr<Database> open(const QString &path, const Options &options,
                                          QString *error);
    static std::unique_ptr<Database> open(const StoreLocation &location, const Options &options,
                                          QString *error);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    QSqlDatabase connection() const { return m_db; }
    const StoreLocation &location() const { return m_location; }
    bool isPostgres() const { return m_location.isPostgres(); }
    // The SQLite file, or the PostgreSQL URL without its password.
    QString path() const { return m_location.display(); }
    QString connectionName() const { return m_connectionName; }
    int userVersion() const;

    // Runs `body` between BEGIN and COMMIT; a SqlError thrown by the body rolls the transaction
    // back and comes out as the returned message. Writers take the store's write lock up front
    // (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so two
    // connections, or two nodes, never deadlock and their transactions commit one after the other.
    std::optional<QString> transaction(const std::function<void()> &body);

    // Runs `body` on one consistent snapshot of the store, writing nothing: several queries that
    // must agree (loading the platform) while other connections, or nodes, commit.
    std::optional<QString> readTransaction(const std::function<void()> &body);

    // Prepares, binds positionally and runs `sql`; throws SqlError on failure. Without bindings
    // the statement runs unprepared (PostgreSQL cannot prepare DDL or transaction control).
    QSqlQuery exec(const QString &sql, const QVariantList &bindings = {});

    // `value` as this backend binds it.
    QVariant bindable(const QVariant &value) const;

    // "ok", or SQLite's list of problems. PostgreSQL checks its own pages: always "ok".
    QString integrityCheck();

    // Whether the server answers on this connection (SQLite: always). A PostgreSQL connection
    // the server dropped stays "open" in Qt SQL and fails every query; this tells the two apart
    // from a query the server refused.
    bool ping();
    // Drops the connection and opens it again (PostgreSQL; SQLite: nothing to do). Does not
    // migrate: the store was migrated when it was first opened. False, with *error (never the
    // password), while the server is unreachable.
    bool reconnect(QString *error);

private:
    Database() = default;
    bool configure(QString *error);
    // `message` with the password (if any) replaced: driver errors may quote connection details.
    QString redacted(const QString &message) const;
    static std::unique_ptr<Database> openPostgres(const StoreLocation &location,
                                                  const Options &options, QString *error);

    StoreLocation m_location;
    QString m_connectionName;
    QSqlDatabase m_db;
};

} // namespace switchyard::store
