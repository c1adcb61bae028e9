#pragma once

// A throwaway PostgreSQL 15 server for the tests that run the store on PostgreSQL: its own data
// directory under /tmp, its own free loopback port, password (SCRAM) authentication, no Unix
// socket. One per test executable, started on first use and reused by every test function; each
// test takes a fresh database in it (createDatabase). Run as root, the server runs as `nobody`
// (initdb and postgres refuse root). A directory left by a killed run of the same executable is
// stopped and removed first, so starting is idempotent.
//
// Never a mock and never skipped: scripts/setup.sh installs postgresql-15 and libqt6sql6-psql;
// if the server cannot start, error() says why and the test fails with it.
#include "store/storelocation.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUrl>
#include <QUuid>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace switchyard::testing {

class PgCluster
{
public:
    static constexpr char kUser[] = "switchyard";
    // Distinctive, so a test can look for it in logs and errors.
    static constexpr char kPassword[] = "pw-Zq9!x@y/%secret";

    // The executable's cluster, started on first call. Check error() before using it.
    static PgCluster &instance()
    {
        static PgCluster cluster;
        return cluster;
    }

    const QString &error() const { return m_error; }
    quint16 port() const { return m_port; }

    // A new, empty database with a unique name; std::nullopt (and *error) when it cannot be made.
    std::optional<store::StoreLocation> createDatabase(QString *error)
    {
        if (!m_error.isEmpty()) {
            *error = m_error;
            return std::nullopt;
        }
        const QString name
                = QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
        if (!adminExec(QStringLiteral("CREATE DATABASE %1").arg(name), error))
            return std::nullopt;
        return location(name);
    }

    store::StoreLocation location(const QString &databaseName) const
    {
        store::StoreLocation location;
        location.backend = store::StoreLocation::Backend::Postgres;
        location.host = QStringLiteral("127.0.0.1");
        location.port = m_port;
        location.user = QLatin1String(kUser);
        location.password = QLatin1String(kPassword);
        location.databaseName = databaseName;
        return location;
    }

    // postgresql://switchyard:<password, percent-encoded>@127.0.0.1:<port>/<name>
    QString url(const QString &databaseName) const
    {
        return QStringLiteral("postgresql://") + QLatin1String(kUser) + u':'
                + QString::fromLatin1(QUrl::toPercentEncoding(QLatin1String(kPassword)))
                + QStringLiteral("@127.0.0.1:") + QString::number(m_port) + u'/' + databaseName;
    }

    // Runs one statement as the superuser on the maintenance database.
    bool adminExec(const QString &sql, QString *error)
    {
        const QString connection = QStringLiteral("pgcluster-admin");
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::contains(connection)
                    ? QSqlDatabase::database(connection)
                    : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
            const store::StoreLocation admin = location(QStringLiteral("postgres"));
            db.setHostName(admin.host);
            db.setPort(admin.port);
            db.setUserName(admin.user);
            db.setPassword(admin.password);
            db.setDatabaseName(admin.databaseName);
            if (!db.isOpen() && !db.open()) {
                *error = QStringLiteral("cannot connect to the test PostgreSQL: %1")
                                 .arg(db.lastError().text());
                return false;
            }
            QSqlQuery query(db);
            ok = query.exec(sql);
            if (!ok)
                *error = QStringLiteral("%1: %2").arg(sql, query.lastError().text());
        }
        return ok;
    }

    // After main() Qt's statics are gone: only the server is stopped, through the shell.
    ~PgCluster()
    {
        if (m_dir.isEmpty() || !m_dir.startsWith(QLatin1String("/tmp/switchyard-pg-")))
            return;
        const QByteArray dir = QFile::encodeName(m_dir);
        const QByteArray command = (serverUser() ? "runuser -u nobody -- " : "")
                + QFile::encodeName(binDir()) + "/pg_ctl -D '" + dir
                + "/data' -m immediate -w stop >/dev/null 2>&1; rm -rf '" + dir + "'";
        [[maybe_unused]] const int status = std::system(command.constData());
    }

    // Stops the server and removes its directory: call it from cleanupTestCase(). The
    // destructor stops a server still running.
    void stop()
    {
        if (QSqlDatabase::contains(QStringLiteral("pgcluster-admin")))
            QSqlDatabase::removeDatabase(QStringLiteral("pgcluster-admin"));
        if (m_dir.isEmpty())
            return;
        stopServer();
        removeDir();
        m_dir.clear();
    }

    // Stops the server at once, as a crash or a lost machine would (pg_ctl stop -m immediate:
    // every connection is cut, no checkpoint); the data directory stays for resume(). "" or why
    // it failed.
    QString crash()
    {
        if (QSqlDatabase::contains(QStringLiteral("pgcluster-admin")))
            QSqlDatabase::database(QStringLiteral("pgcluster-admin"), false).close();
        return run(QStringLiteral("pg_ctl"),
                   {QStringLiteral("-D"), m_dir + QStringLiteral("/data"), QStringLiteral("-m"),
                    QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")});
    }

    // Starts the server crash() stopped, on the same port, with the same data (it recovers from
    // its WAL as after a crash). "" or why it failed.
    QString resume()
    {
        return run(QStringLiteral("pg_ctl"),
                   {QStringLiteral("-D"), m_dir + QStringLiteral("/data"), QStringLiteral("-l"),
                    m_dir + QStringLiteral("/server.log"), QStringLiteral("-w"),
                    QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")});
    }

private:
    PgCluster() { m_error = start(); }

    static QString binDir()
    {
        const QByteArray override = qgetenv("SWITCHYARD_PG_BIN");
        return override.isEmpty() ? QStringLiteral("/usr/lib/postgresql/15/bin")
                                  : QString::fromLocal8Bit(override);
    }

    // The user the server runs as: ourselves, or `nobody` when we are root.
    static const passwd *serverUser() { return geteuid() == 0 ? getpwnam("nobody") : nullptr; }

    // Runs a PostgreSQL program as the server's user; "" or what it printed on failure.
    QString run(const QString &program, const QStringList &arguments, int timeoutMs = 60000) const
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.setWorkingDirectory(QStringLiteral("/tmp"));
        const QString executable = binDir() + u'/' + program;
        if (serverUser())
            process.start(QStringLiteral("runuser"),
                          QStringList {QStringLiteral("-u"), QStringLiteral("nobody"),
                                       QStringLiteral("--"), executable}
                                  + arguments);
        else
            process.start(executable, arguments);
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
            return QStringLiteral("%1 did not finish: %2").arg(program, process.errorString());
        }
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return QStringLiteral("%1 failed (exit %2): %3")
                    .arg(program)
                    .arg(process.exitCode())
                    .arg(QString::fromLocal8Bit(process.readAll()).trimmed());
        return {};
    }

    static quint16 freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        quint16 port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
            && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
            port = ntohs(address.sin_port);
        ::close(fd);
        return port;
    }

    void stopServer() const
    {
        if (QFile::exists(m_dir + QStringLiteral("/data/postmaster.pid")))
            run(QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), m_dir + QStringLiteral("/data"), QStringLiteral("-m"),
                 QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")});
    }

    void removeDir() const
    {
        // Only ever our own directory.
        if (m_dir.startsWith(QLatin1String("/tmp/switchyard-pg-")))
            QDir(m_dir).removeRecursively();
    }

    QString start()
    {
        const QString initdb = binDir() + QStringLiteral("/initdb");
        if (!QFile::exists(initdb))
            return QStringLiteral("PostgreSQL 15 is not installed (%1 is missing): run "
                                  "scripts/setup.sh, which installs postgresql-15")
                    .arg(initdb);
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            return QStringLiteral("Qt's PostgreSQL driver is not installed: run scripts/setup.sh, "
                                  "which installs libqt6sql6-psql");
        if (geteuid() == 0 && !serverUser())
            return QStringLiteral("running as root, but there is no user `nobody` to run "
                                  "PostgreSQL as");
        // One directory per test executable (and build), so a run killed before it could clean
        // up is cleaned up by the next.
        const QByteArray self = QCoreApplication::applicationFilePath().toUtf8();
        m_dir = QStringLiteral("/tmp/switchyard-pg-%1-%2")
                        .arg(QFileInfo(QString::fromUtf8(self)).fileName())
                        .arg(QString::fromLatin1(
                                QCryptographicHash::hash(self, QCryptographicHash::Sha1)
                                        .toHex()
                                        .left(10)));
        stopServer();
        removeDir();
        if (!QDir().mkpath(m_dir))
            return QStringLiteral("cannot create %1").arg(m_dir);
        const QString passwordFile = m_dir + QStringLiteral("/password");
        {
            QFile file(passwordFile);
            if (!file.open(QIODevice::WriteOnly))
                return QStringLiteral("cannot write %1").arg(passwordFile);
            file.write(kPassword);
            file.write("\n");
        }
        if (const passwd *user = serverUser()) {
            if (::chown(QFile::encodeName(m_dir).constData(), user->pw_uid, user->pw_gid) != 0
                || ::chown(QFile::encodeName(passwordFile).constData(), user->pw_uid, user->pw_gid)
                        != 0)
                return QStringLiteral("cannot hand %1 to nobody").arg(m_dir);
        }
        QFile::setPermissions(m_dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const QString data = m_dir + QStringLiteral("/data");
        if (QString failed
            = run(QStringLiteral("initdb"),
                  {QStringLiteral("-D"), data, QStringLiteral("-U"), QLatin1String(kUser),
                   QStringLiteral("--pwfile"), passwordFile, QStringLiteral("--auth=scram-sha-256"),
                   QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--no-locale"),
                   QStringLiteral("--no-sync")});
            !failed.isEmpty())
            return QStringLiteral("the test PostgreSQL could not be created: %1").arg(failed);

        // A port found free can be taken before the server binds it: try a few.
        QString failed;
        for (int attempt = 0; attempt < 5; ++attempt) {
            m_port = freePort();
            QFile conf(data + QStringLiteral("/postgresql.auto.conf"));
            if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return QStringLiteral("cannot write %1").arg(conf.fileName());
            // A throwaway server: no fsync, no Unix socket (it would need a directory we own).
            conf.write(QStringLiteral("listen_addresses = '127.0.0.1'\nport = %1\n"
                                      "unix_socket_directories = ''\nfsync = off\n"
                                      "full_page_writes = off\nmax_connections = 200\n")
                               .arg(m_port)
                               .toUtf8());
            conf.close();
            failed = run(QStringLiteral("pg_ctl"),
                         {QStringLiteral("-D"), data, QStringLiteral("-l"),
                          m_dir + QStringLiteral("/server.log"), QStringLiteral("-w"),
                          QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")});
            if (failed.isEmpty())
                return {};
            QFile log(m_dir + QStringLiteral("/server.log"));
            if (log.open(QIODevice::ReadOnly))
                failed += QStringLiteral("\nserver log:\n") + QString::fromLocal8Bit(log.readAll());
            stopServer();
        }
        return QStringLiteral("the test PostgreSQL in %1 did not start: %2").arg(m_dir, failed);
    }

    QString m_dir;
    QString m_error;
    quint16 m_port = 0;
};

} // namespace switchyard::testing
