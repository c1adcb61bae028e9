#include "scriptcache.h"

#include "workerbindings.h"

#include "engine/engine.h"

#include <QRandomGenerator>

namespace switchyard::platform {

engine::ScriptSource ScriptCache::sourceOf(const QString &name, const store::WorkerCode &code)
{
    // A single module that is not an ES module is a service-worker script (Cloudflare's
    // body_part uploads and `addEventListener("fetch", ...)` Workers).
    if (code.modules.size() == 1
        && code.modules.first().contentType.startsWith(QStringLiteral("application/javascript"))
        && !code.modules.first().contentType.contains(QStringLiteral("module"))) {
        const auto &m = code.modules.first();
        return engine::ScriptSource::serviceWorkerScript(name, QString::fromUtf8(m.code), m.name);
    }
    QList<engine::ScriptModule> modules;
    for (const auto &m : code.modules) {
        const engine::ModuleKind kind = engine::moduleKindOf(m.contentType);
        if (kind == engine::ModuleKind::EsModule)
            modules.append({m.name, QString::fromUtf8(m.code)});
        else
            modules.append({m.name, {}, kind, m.code});
    }
    return engine::ScriptSource::esModules(name, modules, code.mainModule);
}

// Built on every invocation: one allocation, not four passes of arg().
static QString versionKey(QLatin1String kind, const QString &scope, const QString &name,
                          const QByteArray &contentHash, qint64 modifiedAt)
{
    QString key;
    key.reserve(kind.size() + scope.size() + name.size() + contentHash.size() + 24);
    key.append(kind).append(scope).append(u'/').append(name).append(u':');
    key.append(QLatin1String(contentHash)).append(u':').append(QString::number(modifiedAt));
    return key;
}

QString ScriptCache::scriptKey(const store::ScriptRecord &record)
{
    return versionKey(QLatin1String("script:"), record.namespaceName, record.name,
                      record.contentHash, record.modifiedAt);
}

QString ScriptCache::platformWorkerKey(const store::PlatformWorkerRecord &record)
{
    // A gradual deployment's other version is cached beside the main one, not in its place, so
    // requests alternating between the two do not compile either again.
    return versionKey(QLatin1String("platform:"),
                      record.isSplitVersion ? QStringLiteral("~split") : QString(), record.name,
                      record.contentHash, record.modifiedAt);
}

const store::PlatformWorkerRecord &
ScriptCache::pickVersion(const store::PlatformWorkerRecord &record)
{
    if (record.splitVersion && QRandomGenerator::global()->bounded(100.0) < record.splitPercentage)
        return *record.splitVersion;
    return record;
}

ScriptVersion ScriptCache::get(const QString &key, const QString &name,
                               const store::WorkerCode &code, QString *error)
{
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_scripts.constFind(key); it != m_scripts.cend())
            return *it;
    }
    engine::ScriptError scriptError;
    engine::ScriptPtr script = m_engine.compile(sourceOf(name, code), &scriptError);
    if (!script) {
        *error = scriptError.message;
        return {};
    }
    std::lock_guard lock(m_mutex);
    // Two requests may have compiled the same version at once; keep the first so both share an
    // Instance.
    auto it = m_scripts.constFind(key);
    if (it != m_scripts.cend())
        return *it;
    const QString prefix = key.section(u':', 0, 1);
    for (auto old = m_scripts.begin(); old != m_scripts.end();) {
        if (old.key().section(u':', 0, 1) == prefix)
            old = m_scripts.erase(old);
        else
            ++old;
    }
    auto bindings = std::make_shared<BindingIndex>();
    for (const store::Binding &b : code.typedBindings)
        bindings->insert(b.name, BindingSpec::from(b));
    ScriptVersion version {script, WorkerBindings::envDescriptors(code.typedBindings),
                           std::move(bindings)};
    m_scripts.insert(key, version);
    return version;
}

static void forgetVersions(std::mutex &mutex, QHash<QString, ScriptVersion> &scripts,
                           const QString &prefix, const QString &current)
{
    std::vector<ScriptVersion> dropped; // let go of outside the lock
    std::lock_guard lock(mutex);
    for (auto it = scripts.begin(); it != scripts.end();) {
        if (it.key() != current && it.key().section(u':', 0, 1) == prefix) {
            dropped.push_back(std::move(it.value()));
            it = scripts.erase(it);
        } else {
            ++it;
        }
    }
}

void ScriptCache::forgetScript(const QString &ns, const QString &name, const QString &current)
{
    forgetVersions(m_mutex, m_scripts, QStringLiteral("script:%1/%2").arg(ns, name), current);
}

void ScriptCache::forgetPlatformWorker(const QString &name, const QString &current,
                                       const QString &currentSplit)
{
    forgetVersions(m_mutex, m_scripts, QStringLiteral("platform:/%1").arg(name), current);
    forgetVersions(m_mutex, m_scripts, QStringLiteral("platform:~split/%1").arg(name),
                   currentSplit);
}

std::optional<QString> ScriptCache::check(const store::ScriptModules &modules,
                                          const QString &mainModule)
{
    store::WorkerCode code;
    code.modules = modules;
    code.mainModule = mainModule;
    const engine::ScriptError error = m_engine.check(sourceOf(QStringLiteral("upload"), code));
    if (error.isNull())
        return std::nullopt;
    return error.message;
}

} // namespace switchyard::platform
