#pragma once

#include "script.h"

#include <v8-context.h>
#include <v8-exception.h>
#include <v8-persistent-handle.h>
#include <v8-script.h>

#include <vector>

namespace switchyard::engine {

// "./util.js" imported from "lib/index.js" is "lib/util.js": names are paths inside the upload.
QString resolveModuleName(const QString &referrer, const QString &specifier);

// A caught exception as a ScriptError that says where: "index.js:3:14: SyntaxError: ...".
ScriptError scriptErrorFrom(v8::Local<v8::Context> context, const v8::TryCatch &tryCatch,
                            const QString &fallbackModule);

// Compiles a Script's code in one context and links its modules to each other. Holds the compiled
// modules for as long as the context that evaluates them.
class ModuleLoader
{
public:
    explicit ModuleLoader(v8::Isolate *isolate) : m_isolate(isolate) { }
    ~ModuleLoader() { reset(); }
    ModuleLoader(const ModuleLoader &) = delete;
    ModuleLoader &operator=(const ModuleLoader &) = delete;

    // Compiles (ES modules: and links; a service worker: only compiles) without running anything.
    bool load(v8::Local<v8::Context> context, const ScriptSource &source, ScriptError *error);
    v8::Local<v8::Module> mainModule() const;
    v8::Local<v8::UnboundScript> classicScript() const;
    void reset();

private:
    static v8::MaybeLocal<v8::Module> resolve(v8::Local<v8::Context> context,
                                              v8::Local<v8::String> specifier,
                                              v8::Local<v8::FixedArray> assertions,
                                              v8::Local<v8::Module> referrer);
    int indexOf(const QString &name) const;
    int indexOf(v8::Local<v8::Module> module) const;
    // A module of another kind than JavaScript: its one `default` export, made now, and a synthetic
    // module that exports it.
    bool loadSynthetic(v8::Local<v8::Context> context, const ScriptModule &module,
                       ScriptError *error);
    static v8::MaybeLocal<v8::Value> evaluateSynthetic(v8::Local<v8::Context> context,
                                                       v8::Local<v8::Module> module);

    struct Entry
    {
        QString name;
        v8::Global<v8::Module> module;
        v8::Global<v8::Value> syntheticDefault; // empty for ES modules
    };
    v8::Isolate *m_isolate;
    std::vector<Entry> m_modules;
    int m_main = -1;
    v8::Global<v8::UnboundScript> m_classic;
};

} // namespace switchyard::engine
