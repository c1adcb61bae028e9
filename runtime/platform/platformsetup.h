#pragma once

#include "result.h"
#include "wranglerconfig.h"

#include "store/records.h"

namespace switchyard::platform {

class PlatformService;

// Whole-platform set-ups that go through the platform service like any other edit: seeding the
// demo platform and installing a dispatcher from a wrangler config.

// Seeds resources/demo into the store when it holds no namespaces and no platform Workers yet;
// returns false (and changes nothing) when the store is not empty.
Result<bool> seedDemoPlatform(PlatformService &service);

// Installs `config` as the active dispatch Worker: reads its main module and the modules it
// imports by relative path, creates missing dispatch namespaces and KV namespaces, and replaces
// the current dispatcher.
Result<void> installDispatcher(PlatformService &service, const WranglerConfig &config);

// The entry module at `mainPath` and every module it reaches through relative imports, named
// relative to the entry's folder. Errors name the file that could not be read.
Result<store::ScriptModules> collectModules(const QString &mainPath);

} // namespace switchyard::platform
