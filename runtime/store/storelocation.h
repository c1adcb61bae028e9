#pragma once

#include <QString>

#include <optional>

namespace switchyard::store {

// Where the store lives: an SQLite file (the embedded default) or a PostgreSQL database that
// several Switchyard nodes share. Parsed from `--store`:
//   sqlite:///absolute/path/switchyard.db
//   postgresql://user:password@host:port/dbname   (postgres:// too; user, password, port optional)
// The password is kept for connecting only: display() is what logs, errors and the GUI show.
struct StoreLocation
{
    enum class Backend { Sqlite, Postgres };

    Backend backend = Backend::Sqlite;
    QString path; // SQLite: the file
    QString host; // PostgreSQL
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;

    static StoreLocation sqlite(const QString &path);
    // std::nullopt, with the reason in *error (which never repeats a password), when `url` is not
    // one of the forms above.
    static std::optional<StoreLocation> parse(const QString &url, QString *error);

    bool isPostgres() const { return backend == Backend::Postgres; }
    // The file path for SQLite; for PostgreSQL the URL with the password left out
    // ("postgresql://user@host:port/dbname").
    QString display() const;
};

} // namespace switchyard::store
