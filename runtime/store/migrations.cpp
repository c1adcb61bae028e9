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

} // namespace

std::optional<QString> migrate(QSqlDatabase &db, int fromVersion, int toVersion)
{
    for (const SchemaStep &step : schemaSteps()) {
        if (step.version <= fromVersion || step.version > toVersion)
            continue;
        if (auto error = run(db, QStringLiteral("BEGIN IMMEDIATE")))
            return QStringLiteral("migration to schema version %1: %2")
                    .arg(step.version)
                    .arg(*error);
        auto fail = [&](const QString &what, const QString &error) {
            run(db, QStringLiteral("ROLLBACK"));
            return QStringLiteral("migration to schema version %1 failed at \"%2\": %3")
                    .arg(step.version)
                    .arg(what, error);
        };
        for (const QString &statement : step.statements) {
            if (auto error = run(db, statement))
                return fail(statement.left(60), *error);
        }
        // Both pragmas write page 1 inside this transaction: they commit or vanish with the step.
        const QString stamp = QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId);
        if (auto error = run(db, stamp))
            return fail(stamp, *error);
        const QString version = QStringLiteral("PRAGMA user_version = %1").arg(step.version);
        if (auto error = run(db, version))
            return fail(version, *error);
        if (auto error = run(db, QStringLiteral("COMMIT")))
            return fail(QStringLiteral("COMMIT"), *error);
        qCInfo(lcStore) << "migrated" << db.databaseName() << "to schema version" << step.version;
    }
    return std::nullopt;
}

} // namespace switchyard::store
