#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace switchyard::store {

// Runs the ladder steps after `fromVersion` up to and including `toVersion`, each in its own
// transaction that also stamps application_id and user_version, so an interrupted migration
// leaves the file at the last complete version. Returns an error message naming the step.
std::optional<QString> migrate(QSqlDatabase &db, int fromVersion, int toVersion);

} // namespace switchyard::store
