#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariantList>

#include "storelocation.h"

#include <optional>

namespace switchyard::store {

// Analytics Engine's SQL API over the analytics_rows table. Cloudflare runs a ClickHouse dialect
// where each dataset is a table with columns timestamp (DateTime), index1, blob1..20,
// double1..20 and _sample_interval; this translates the common read-only subset into SQLite's
// or PostgreSQL's SQL:
// SELECT with WHERE / GROUP BY / HAVING / ORDER BY / LIMIT [OFFSET], aggregate functions
// (count, sum, avg, min, max, countIf, sumIf), time functions (now, today, toStartOfInterval,
// toStartOfMinute/Hour/Day, toDateTime, toUnixTimestamp), `INTERVAL '1' DAY`, `SHOW TABLES`
// and `FORMAT JSON | JSONEachRow | TabSeparated | TabSeparatedWithNames`. Anything else,
// above all anything that writes, is refused with a message naming it.
struct AnalyticsQuery
{
    struct Column
    {
        QString name; // as Cloudflare names it: the alias, else the expression's text
        QString type; // ClickHouse's type name: String, Float64, UInt64, DateTime, ...
    };
    QString sql; // in the dialect asked for
    QString countSql; // the rows before LIMIT; empty when there is no LIMIT
    QVariantList bindings;
    QList<Column> columns;
    QString format = QStringLiteral("JSON");
};

struct AnalyticsTranslation
{
    std::optional<AnalyticsQuery> query;
    QString error;
};

// The SQL the translation is written in: the store's backend.
enum class AnalyticsDialect { SQLite, Postgres };

AnalyticsTranslation translateAnalyticsSql(const QString &text,
                                           AnalyticsDialect dialect = AnalyticsDialect::SQLite);

struct AnalyticsAnswer
{
    QByteArray body;
    QByteArray contentType;
    QString error; // non-empty: the query could not run
};

// Translates and runs `text` on a read-only connection of its own to the file at
// `databasePath`, so even a translation bug cannot write. Any thread.
AnalyticsAnswer runAnalyticsSql(const QString &databasePath, const QString &text);
// The same on the store at `location`: on PostgreSQL in its dialect, inside a read-only
// transaction of a connection of its own.
AnalyticsAnswer runAnalyticsSql(const StoreLocation &location, const QString &text);

} // namespace switchyard::store
