#pragma once

#include "result.h"

#include <QString>

namespace switchyard::platform {

class PlatformService;

struct ExportSummary
{
    int platformWorkers = 0;
    int scripts = 0;
    int kvNamespaces = 0;
    qint64 kvEntries = 0;
    int customHostnames = 0;
    int secretsLeftOut = 0; // secret bindings named in the manifest, their values not written
};

// Writes the platform `service` holds into `directory` (see exportlayout.h), which must not
// exist yet or be empty. The files are written into a sibling folder first and renamed into place
// at the end, so a failed export leaves no directory behind. Secret values are never written.
Result<ExportSummary> exportPlatform(const PlatformService &service, const QString &directory);

} // namespace switchyard::platform
