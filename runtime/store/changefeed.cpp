#include "changefeed.h"

#include "database.h"
#include "logging.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace switchyard::store {

std::unique_ptr<ChangeFeed> ChangeFeed::listen(const StoreLocation &location, QString *error)
{
    std::unique_ptr<ChangeFeed> feed(new ChangeFeed);
    auto fail = [&](const QString &message) -> std::unique_ptr<ChangeFeed> {
        QString safe = message;
        if (!location.password.isEmpty())
            safe.replace(location.password, QStringLiteral("***"));
        qCWarning(lcStore).noquote() << safe;
        if (error)
            *error = safe;
        return nullptr;
    };
    if (!location.isPostgres())
        return fail(QStringLiteral("only a PostgreSQL store has a change feed"));
    feed->m_connectionName = QStringLiteral("switchyard-feed-")
            + QUuid::createUuid().toString(QUuid::WithoutBraces);
    feed->m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), feed->m_connectionName);
    feed->m_db.setHostName(location.host);
    feed->m_db.setPort(location.port);
    feed->m_db.setUserName(location.user);
    feed->m_db.setPassword(location.password);
    feed->m_db.setDatabaseName(location.databaseName);
    feed->m_db.setConnectOptions(
            QStringLiteral("connect_timeout=5;application_name=switchyard-feed"));
    if (!feed->m_db.open())
        return fail(QStringLiteral("Cannot listen for changes on %1: %2")
                            .arg(location.display(), feed->m_db.lastError().text()));
    {
        QSqlQuery query(feed->m_db);
        if (!query.exec(QStringLiteral("SELECT pg_backend_pid()")) || !query.next())
            return fail(QStringLiteral("Cannot listen for changes on %1: %2")
                                .arg(location.display(), query.lastError().text()));
        feed->m_backendPid = query.value(0).toLongLong();
    }
    QSqlDriver *driver = feed->m_db.driver();
    connect(driver, &QSqlDriver::notification, feed.get(),
            [f = feed.get()](const QString &name, QSqlDriver::NotificationSource,
                             const QVariant &payload) {
                if (name == QLatin1String(kChangeChannel))
                    Q_EMIT f->changed(payload.toString());
            });
    if (!driver->subscribeToNotification(QLatin1String(kChangeChannel)))
        return fail(QStringLiteral("Cannot listen for changes on %1: %2")
                            .arg(location.display(), driver->lastError().text()));
    return feed;
}

ChangeFeed::~ChangeFeed()
{
    m_db.close();
    m_db = QSqlDatabase();
    if (!m_connectionName.isEmpty())
        QSqlDatabase::removeDatabase(m_connectionName);
}

void notifyChange(Database &db, const QString &payload)
{
    db.exec(QStringLiteral("SELECT pg_notify(?, ?)"),
            {QString::fromLatin1(ChangeFeed::kChangeChannel), payload});
}

} // namespace switchyard::store
