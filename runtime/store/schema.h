#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace switchyard::store {

// Written into every Switchyard database (SQLite: PRAGMA application_id; PostgreSQL: the
// switchyard_schema table), so a store of another program is recognised and refused instead of
// being migrated.
inline constexpr qint32 kApplicationId = 0x53575944;

// One rung of the migration ladder (SQLite: PRAGMA user_version; PostgreSQL: switchyard_schema):
// running `statements` on a database at version - 1 takes it to `version`. The statements are
// SQLite's; postgresStatement() reads each for PostgreSQL, so both backends climb one ladder.
struct SchemaStep
{
    int version;
    QStringList statements;
    // The step in PostgreSQL's own SQL, where translating `statements` (postgresStatement())
    // would not do (SQLite's JSON functions); empty: translate.
    QStringList postgresStatements = {};
};

const QList<SchemaStep> &schemaSteps();
int currentSchemaVersion();

// A ladder statement in PostgreSQL's types: SQLite's rowid key becomes an identity column,
// INTEGER a 64-bit BIGINT (times are milliseconds), BLOB BYTEA and REAL DOUBLE PRECISION.
QString postgresStatement(const QString &sqliteStatement);

// Where PostgreSQL keeps what SQLite keeps in PRAGMA application_id and user_version.
inline constexpr char kPostgresSchemaTable[] = "switchyard_schema";

} // namespace switchyard::store
