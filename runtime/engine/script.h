#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>

namespace switchyard::engine {

// What an uploaded module is, by its content type; all but ES modules export one `default`.
enum class ModuleKind {
    EsModule, // application/javascript+module, text/javascript, application/javascript
    Text, // text/plain: a string
    Data, // application/octet-stream: an ArrayBuffer
    Json, // application/json: the parsed value
    Wasm, // application/wasm: a WebAssembly.Module
};

struct ScriptModule
{
    QString name; // e.g. "index.js", "lib/util.js"; imports resolve relative to it
    QString code; // an ES module's source
    ModuleKind kind = ModuleKind::EsModule;
    QByteArray bytes; // the other kinds' content, as uploaded
};

// The kind a module's content type names; unknown types are ES modules.
ModuleKind moduleKindOf(const QString &contentType);

// What was uploaded: either ES modules with a main module, or one service-worker script.
struct ScriptSource
{
    QString name; // the Worker's name, for logs and traces
    QList<ScriptModule> modules;
    QString mainModule;
    bool serviceWorker = false; // true: modules must hold exactly one classic script

    static ScriptSource esModules(QString name, QList<ScriptModule> modules, QString main);
    static ScriptSource serviceWorkerScript(QString name, QString code,
                                            QString fileName = QStringLiteral("worker.js"));
};

// A script that cannot load, with where: `message` reads "index.js:3:14: SyntaxError: ...".
struct ScriptError
{
    QString module;
    int line = 0; // 1-based; 0 when no position applies
    int column = 0; // 1-based
    QString message;

    bool isNull() const { return message.isNull(); }
};

// One uploaded version: immutable, shared by every Invocation of it. The engine keeps one Instance
// per Script; dropping the last reference lets the engine discard that Instance.
class Script
{
public:
    Script(quint64 id, ScriptSource source);

    quint64 id() const { return m_id; }
    const QString &name() const { return m_source.name; }
    const ScriptSource &source() const { return m_source; }

private:
    quint64 m_id;
    ScriptSource m_source;
};

using ScriptPtr = std::shared_ptr<const Script>;

} // namespace switchyard::engine
