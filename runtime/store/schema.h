#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace switchyard::store {

// Written into every Switchyard database with PRAGMA application_id ("SWYD"), so a file from
// another program is recognised and refused instead of being migrated.
inline constexpr qint32 kApplicationId = 0x53575944;

// One rung of the PRAGMA user_version ladder: running `statements` on a database at
// version - 1 takes it to `version`.
struct SchemaStep
{
    int version;
    QStringList statements;
};

const QList<SchemaStep> &schemaSteps();
int currentSchemaVersion();

} // namespace switchyard::store
