#pragma once

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

// One connection to a Switchyard SQLite file. Qt SQL connections belong to the thread that
// opened them, so each thread that writes (the platform service, the batch writer) opens its own
// Database on the same file; WAL lets them proceed side by side.
class Database
{
public:
    struct Options
    {
        // Stop the ladder at this version: tests use it to build files of earlier versions.
        int targetVersion = -1; // -1: the current version
        int busyTimeoutMs = 5000;
    };

    // Opens (creating when absent) and migrates the file. A file that is not a Switchyard
    // database, or whose schema is newer than this build, is refused with a message in *error
    // and left byte-for-byte untouched.
    static std::unique_ptr<Database> open(const QString &path, QString *error);
    static std::unique_ptr<Database> open(const QString &path, const Options &options,
                                          QString *error);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    QSqlDatabase connection() const { return m_db; }
    QString path() const { return m_path; }
    QString connectionName() const { return m_connectionName; }
    int userVersion() const;

    // Runs `body` between BEGIN IMMEDIATE and COMMIT; a SqlError thrown by the body rolls the
    // transaction back and comes out as the returned message. IMMEDIATE takes the write lock up
    // front, so two connections never deadlock upgrading a read transaction to a write.
    std::optional<QString> transaction(const std::function<void()> &body);

    // Prepares, binds positionally and runs `sql`; throws SqlError on failure.
    QSqlQuery exec(const QString &sql, const QVariantList &bindings = {});

    // "ok", or SQLite's list of problems.
    QString integrityCheck();

private:
    Database() = default;
    bool configure(QString *error);

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
};

} // namespace switchyard::store
