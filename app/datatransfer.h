#pragma once

#include "options.h"

#include "platform/platformexport.h"
#include "platform/platformimport.h"
#include "platform/result.h"

#include <QString>

#include <optional>

namespace switchyard::engine {
class V8Platform;
}

namespace switchyard::app {

// `switchyard export DIR`: opens the store (`store`, else switchyard.db in `dataDir`) and writes
// its platform into `directory`. Reading only; a Switchyard serving the same store may run.
platform::Result<platform::ExportSummary>
exportStore(const QString &dataDir, const std::optional<store::StoreLocation> &store,
            const QString &directory);

// `switchyard import DIR`: reads `directory` whole and checks it, builds the platform in a new
// SQLite file in a staging folder inside `dataDir` (through the platform service, which compiles
// every Worker when `v8` is given), and only when all of it succeeded moves that file into place
// as `dataDir`/switchyard.db. Refuses a data dir that already has a store: import never merges
// into, or half-writes, a platform someone has.
platform::Result<platform::ImportSummary>
importDirectory(const QString &directory, const QString &dataDir, engine::V8Platform *v8);

// The command line's export and import: prints what was done, or the error. Returns the exit code.
int runTransferCommand(const Options &options);

} // namespace switchyard::app
