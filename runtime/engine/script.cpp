#include "script.h"

namespace switchyard::engine {

ModuleKind moduleKindOf(const QString &contentType)
{
    if (contentType == QLatin1String("text/plain"))
        return ModuleKind::Text;
    if (contentType == QLatin1String("application/octet-stream"))
        return ModuleKind::Data;
    if (contentType == QLatin1String("application/json"))
        return ModuleKind::Json;
    if (contentType == QLatin1String("application/wasm"))
        return ModuleKind::Wasm;
    return ModuleKind::EsModule;
}

ScriptSource ScriptSource::esModules(QString name, QList<ScriptModule> modules, QString main)
{
    ScriptSource source;
    source.name = std::move(name);
    source.modules = std::move(modules);
    source.mainModule = std::move(main);
    return source;
}

ScriptSource ScriptSource::serviceWorkerScript(QString name, QString code, QString fileName)
{
    ScriptSource source;
    source.name = std::move(name);
    source.modules = {ScriptModule {fileName, std::move(code)}};
    source.mainModule = std::move(fileName);
    source.serviceWorker = true;
    return source;
}

Script::Script(quint64 id, ScriptSource source) : m_id(id), m_source(std::move(source)) { }

} // namespace switchyard::engine
