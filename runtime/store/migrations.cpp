#include "migrations.h"

#include "logging.h"
#include "schema.h"

#include <QSqlError>
#include <QSqlQuery>

namespace switchyard::store {

namespace {

std::optional<QString> run(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        return query.lastError().text();
    return std::nullopt;
}

// What marks the store as Switchyard's at `version`, written inside the step's transaction.
QStringList stampStatements(bool postgres, int version)
{
    if (!postgres) {
        return {QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId),
                QStringLiteral("PRAGMA user_version = %1").arg(version)};
    }
    const QString table = QLatin1String(kPostgresSchemaTable);
    return {QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (application_id BIGINT NOT NULL,"
                           " version BIGINT NOT NULL)")
                    .arg(table),
            QStringLiteral("DELETE FROM %1").arg(table),
            QStringLiteral("INSERT INTO %1 (application_id, version) VALUES (%2, %3)")
                    .arg(table)
                    .arg(kApplicationId)
                    .arg(version)};
}

} // namespace

std::optional<QString> migrate(QSqlDatabase &db, bool postgres, int fromVersion, int toVersion)
{
    for (const SchemaStep &step : schemaSteps()) {
        if (step.version <= fromVersion || step.version > toVersion)
            continue;
        const QString begin
                = postgres ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE");
        if (auto error = run(db, begin))
            return QStringLiteral("migration to schema version %1: %2")
                    .arg(step.version)
                    .arg(*error);
        auto fail = [&](const QString &what, const QString &error) {
            run(db, QStringLiteral("ROLLBACK"));
            return QStringLiteral("migration to schema version %1 failed at \"%2\": %3")
                    .arg(step.version)
                    .arg(what, error);
        };
        const bool ownSql = postgres && !step.postgresStatements.isEmpty();
        for (const QString &statement : ownSql ? step.postgresStatements : step.statements) {
            const QString sql = postgres && !ownSql ? postgresStatement(statement) : statement;
            if (auto error = run(db, sql))
                return fail(sql.left(60), *error);
        }
        for (const QString &stamp : stampStatements(postgres, step.version)) {
            if (auto error = run(db, stamp))
                return fail(stamp.left(60), *error);
        }
        if (auto error = run(db, QStringLiteral("COMMIT")))
            return fail(QStringLiteral("COMMIT"), *error);
        qCInfo(lcStore) << "migrated"
                        << (postgres ? db.hostName() + u'/' : QString()) + db.databaseName()
                        << "to schema version" << step.version;
    }
    return std::nullopt;
}

} // namespace switchyard::store
