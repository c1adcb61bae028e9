#pragma once

#include "bindingspec.h"
#include "scriptchecker.h"
#include "store/records.h"

#include "engine/script.h"

#include <QHash>

#include <mutex>

namespace switchyard::engine {
class Engine;
}

namespace switchyard::platform {

// Turns stored Worker code into engine Scripts, once per version. The key is the content hash plus
// the record's identity, so a changed script gets a new Script (and with it a new Instance) while
// invocations of the old version finish on the old one. Also the platform service's syntax check.
// One stored version as the engine runs it: the Script and its bindings as env descriptors, both
// made once per version rather than once per request.
struct ScriptVersion
{
    engine::ScriptPtr script;
    QVariantList env;
    std::shared_ptr<const BindingIndex> bindings;
    explicit operator bool() const { return bool(script); }
};

class ScriptCache : public ScriptChecker
{
public:
    explicit ScriptCache(engine::Engine &engine) : m_engine(engine) { }

    // `key` identifies the version: e.g. "script:production/site:<hash>:<modified>".
    ScriptVersion get(const QString &key, const QString &name, const store::WorkerCode &code,
                      QString *error);

    std::optional<QString> check(const store::ScriptModules &modules,
                                 const QString &mainModule) override;

    // A script or platform Worker changed or went: versions of it other than `current` (its key
    // now; empty when it was deleted) are dropped, and with the last reference to a Script the
    // engine discards its Instance. Unused versions are otherwise only replaced when a newer one
    // is first invoked, and a deleted Worker's never.
    void forgetScript(const QString &ns, const QString &name, const QString &current);
    void forgetPlatformWorker(const QString &name, const QString &current,
                              const QString &currentSplit = {});

    static engine::ScriptSource sourceOf(const QString &name, const store::WorkerCode &code);
    static QString scriptKey(const store::ScriptRecord &record);
    static QString platformWorkerKey(const store::PlatformWorkerRecord &record);
    // The version one request runs: under a gradual deployment, the other version with its
    // percentage's probability, chosen afresh for every request as on Cloudflare.
    static const store::PlatformWorkerRecord &
    pickVersion(const store::PlatformWorkerRecord &record);

private:
    engine::Engine &m_engine;
    std::mutex m_mutex;
    QHash<QString, ScriptVersion> m_scripts;
};

} // namespace switchyard::platform
