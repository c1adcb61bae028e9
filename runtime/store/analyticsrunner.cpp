// Runs a translated Analytics Engine query on a read-only connection of its own.
#include "analyticsformatter.h"
#include "analyticssql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace switchyard::store {

AnalyticsAnswer runAnalyticsSql(const StoreLocation &location, const QString &text)
{
    if (!location.isPostgres())
        return runAnalyticsSql(location.path, text);
    const AnalyticsTranslation translation = translateAnalyticsSql(text);
    if (!translation.query)
        return {{}, {}, translation.error};
    return {{},
            {},
            QStringLiteral("the Analytics Engine SQL API is not available on a PostgreSQL store "
                           "yet; the data points are stored in its analytics_rows table")};
}

AnalyticsAnswer runAnalyticsSql(const QString &databasePath, const QString &text)
{
    const AnalyticsTranslation translation = translateAnalyticsSql(text);
    if (!translation.query)
        return {{}, {}, translation.error};
    const AnalyticsQuery &query = *translation.query;

    AnalyticsAnswer answer;
    QList<QVariantList> rows;
    qint64 before = -1; // the rows before LIMIT; < 0: no LIMIT
    const QString connection
            = QStringLiteral("analytics-sql-") + QUuid::createUuid().toString(QUuid::Id128);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(databasePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            answer.error = QStringLiteral("cannot open the store: %1").arg(db.lastError().text());
        } else {
            auto run = [&](const QString &sql, QSqlQuery &q) {
                // Without this, a query SQLite refuses to parse (one of its own limits) reads as
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
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    if (!answer.error.isEmpty())
        return answer;
    return analytics::formatRows(query, rows, before);
}

} // namespace switchyard::store
