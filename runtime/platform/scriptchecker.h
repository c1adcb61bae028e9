#pragma once

#include "store/records.h"

#include <optional>

namespace switchyard::platform {

// Compiles a Worker's modules before the platform service stores them, so a syntax error is
// refused at upload instead of failing the next request. The engine implements it; the platform
// only knows this interface. Called on the platform service's thread.
class ScriptChecker
{
public:
    virtual ~ScriptChecker() = default;
    // std::nullopt when the modules compile; otherwise a message naming module:line:column,
    // e.g. `index.js:3:14: SyntaxError: Unexpected token '}'`.
    virtual std::optional<QString> check(const store::ScriptModules &modules,
                                         const QString &mainModule)
            = 0;
};

} // namespace switchyard::platform
