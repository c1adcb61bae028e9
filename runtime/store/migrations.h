#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace switchyard::store {

// Runs the ladder steps after `fromVersion` up to and including `toVersion`, each in its own
// transaction that also stamps the application id and schema version (SQLite: the pragmas;
// PostgreSQL: the switchyard_schema table, whose DDL is transactional too), so an interrupted
// migration leaves the store at the last complete version. Returns an error message naming the
// step.
std::optional<QString> migrate(QSqlDatabase &db, bool postgres, int fromVersion, int toVersion);

} // namespace switchyard::store
