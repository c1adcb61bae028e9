// Runs a translated Analytics Engine query on a read-only connection of its own.
#include "analyticsformatter.h"
#include "analyticssql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace switchyard::store {

namespace {

// Runs `query` on `db` (open): the dataset check, the rows, the count before LIMIT.
AnalyticsAnswer runTranslated(QSqlDatabase &db, const AnalyticsQuery &query)
{
    AnalyticsAnswer answer;
    QList<QVariantList> rows;
    qint64 before = -1; // the rows before LIMIT; < 0: no LIMIT
    auto run = [&](const QString &sql, QSqlQuery &q) {
        // Without this, a query the database refuses to parse (one of its own limits) reads as
        // "Parameter count mismatch" from the bindings below.
        if (!q.prepare(sql))
            return false;
        for (const QVariant &b : query.bindings) {
            if (sql.contains(QLatin1Char('?')))
                q.addBindValue(b);
        }
        return q.exec();
    };
    QSqlQuery known(db);
    const bool isShow = query.bindings.isEmpty();
    if (!isShow) {
        known.prepare(QStringLiteral("SELECT 1 FROM analytics_datasets WHERE name = ?"));
        known.addBindValue(query.bindings.first());
        if (known.exec() && !known.next())
            answer.error = QStringLiteral("unknown table \"%1\": no Worker has written a "
                                          "data point to that dataset (SHOW TABLES lists "
                                          "the datasets)")
                                   .arg(query.bindings.first().toString());
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (answer.error.isEmpty() && !run(query.sql, q))
        answer.error = QStringLiteral("the query failed: %1").arg(q.lastError().text());
    while (answer.error.isEmpty() && q.next()) {
        QVariantList row;
        for (int c = 0; c < query.columns.size(); ++c)
            row << q.value(c);
        rows << row;
    }
    if (answer.error.isEmpty() && !query.countSql.isEmpty()) {
        QSqlQuery count(db);
        if (run(query.countSql, count) && count.next())
            before = count.value(0).toLongLong();
    }
    if (!answer.error.isEmpty())
        return answer;
    return analytics::formatRows(query, rows, before);
}

} // namespace

AnalyticsAnswer runAnalyticsSql(const StoreLocation &location, const QString &text)
{
    if (!location.isPostgres())
        return runAnalyticsSql(location.path, text);
    const AnalyticsTranslation translation
            = translateAnalyticsSql(text, AnalyticsDialect::Postgres);
    if (!translation.query)
        return {{}, {}, translation.error};

    AnalyticsAnswer answer;
    const QString connection
            = QStringLiteral("analytics-sql-") + QUuid::createUuid().toString(QUuid::Id128);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(location.host);
        db.setPort(location.port);
        db.setUserName(location.user);
        db.setPassword(location.password);
        db.setDatabaseName(location.databaseName);
        db.setConnectOptions(
                QStringLiteral("connect_timeout=5;application_name=switchyard-analytics"));
        QSqlQuery begin(db);
        if (!db.open()) {
            answer.error = QStringLiteral("cannot open the store: %1").arg(db.lastError().text());
        } else if (!begin.exec(QStringLiteral("BEGIN TRANSACTION READ ONLY"))
                   || !begin.exec(QStringLiteral("SET LOCAL statement_timeout = 30000"))) {
            // Read-only, as the SQLite path's connection: even a translation bug cannot write.
            answer.error
                    = QStringLiteral("cannot open the store: %1").arg(begin.lastError().text());
        } else {
            answer = runTranslated(db, *translation.query);
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        }
        begin = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    if (!location.password.isEmpty())
        answer.error.replace(location.password, QStringLiteral("***"));
    return answer;
}

AnalyticsAnswer runAnalyticsSql(const QString &databasePath, const QString &text)
{
    const AnalyticsTranslation translation = translateAnalyticsSql(text);
    if (!translation.query)
        return {{}, {}, translation.error};

    AnalyticsAnswer answer;
    const QString connection
            = QStringLiteral("analytics-sql-") + QUuid::createUuid().toString(QUuid::Id128);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(databasePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            answer.error = QStringLiteral("cannot open the store: %1").arg(db.lastError().text());
        else
            answer = runTranslated(db, *translation.query);
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return answer;
}

} // namespace switchyard::store
