#pragma once

// A Worker as wrangler uploads the simplest one: a single ES module, index.js, the main module.
#include "store/records.h"

#include <QJsonArray>

namespace switchyard::testing {

inline store::WorkerCode moduleCode(const QByteArray &code, const QJsonArray &bindings = {})
{
    store::WorkerCode c;
    c.modules
            = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"), code}};
    c.mainModule = QStringLiteral("index.js");
    c.compatibilityDate = QStringLiteral("2025-01-01");
    c.bindings = bindings;
    return c;
}

} // namespace switchyard::testing
