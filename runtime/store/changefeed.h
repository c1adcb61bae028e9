#pragma once

#include "storelocation.h"

#include <QObject>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace switchyard::store {

class Database;

// The change feed between nodes that share a PostgreSQL store: every committed edit NOTIFYs
// kChangeChannel inside its own transaction (PostgreSQL delivers it at commit, or never), and each
// node LISTENs on a connection of its own (Qt SQL's QSqlDriver::subscribeToNotification) that runs
// no other query, so no notification is consumed while a query is in flight. SQLite stores have
// one node and no feed.
class ChangeFeed : public QObject
{
    Q_OBJECT
public:
    static constexpr char kChangeChannel[] = "switchyard_changes";

    // Connects and subscribes on the calling thread, whose event loop then delivers changed().
    static std::unique_ptr<ChangeFeed> listen(const StoreLocation &location, QString *error);
    ~ChangeFeed() override;

    // The server process of the listening connection: another connection can see in
    // pg_stat_activity whether it is still there, without a query on this one.
    qint64 backendPid() const { return m_backendPid; }

Q_SIGNALS:
    // What notifyChange() sent, from any node (this one's own edits included).
    void changed(const QString &payload);

private:
    ChangeFeed() = default;
    QString m_connectionName;
    QSqlDatabase m_db;
    qint64 m_backendPid = 0;
};

// Inside a transaction on `db` (PostgreSQL only): tells every listening node, when the
// transaction commits, that `payload` changed. Throws SqlError like Database::exec().
void notifyChange(Database &db, const QString &payload);

} // namespace switchyard::store
