#include "modules.h"

#include "isolate.h"
#include "valueconvert.h"

#include <QStringList>

#include <v8-array-buffer.h>
#include <v8-isolate.h>
#include <v8-json.h>
#include <v8-message.h>
#include <v8-primitive.h>
#include <v8-promise.h>
#include <v8-wasm.h>

#include <cstring>

namespace switchyard::engine {

QString resolveModuleName(const QString &referrer, const QString &specifier)
{
    const bool relative = specifier.startsWith(QLatin1String("./"))
            || specifier.startsWith(QLatin1String("../"));
    QStringList parts;
    if (relative) {
        parts = referrer.split(QLatin1Char('/'));
        parts.removeLast();
    }
    for (const QString &part : specifier.split(QLatin1Char('/'))) {
        if (part.isEmpty() || part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (!parts.isEmpty())
                parts.removeLast();
            continue;
        }
        parts.append(part);
    }
    return parts.join(QLatin1Char('/'));
}

ScriptError scriptErrorFrom(v8::Local<v8::Context> context, const v8::TryCatch &tryCatch,
                            const QString &fallbackModule)
{
    v8::Isolate *isolate = context->GetIsolate();
    ScriptError error;
    error.module = fallbackModule;
    QString text = tryCatch.HasTerminated() ? QStringLiteral("Error: execution terminated")
                                            : toQString(isolate, tryCatch.Exception());
    v8::Local<v8::Message> message = tryCatch.Message();
    if (!message.IsEmpty()) {
        const QString resource = toQString(isolate, message->GetScriptResourceName());
        if (!resource.isEmpty() && resource != QLatin1String("undefined"))
            error.module = resource;
        error.line = message->GetLineNumber(context).FromMaybe(0);
        error.column = message->GetStartColumn(context).FromMaybe(-1) + 1;
    }
    error.message = error.line > 0 ? QStringLiteral("%1:%2:%3: %4")
                                             .arg(error.module)
                                             .arg(error.line)
                                             .arg(error.column)
                                             .arg(text)
                                   : QStringLiteral("%1: %2").arg(error.module, text);
    return error;
}

namespace {
v8::ScriptOrigin originFor(v8::Isolate *isolate, const QString &name, bool module)
{
    return v8::ScriptOrigin(isolate, toV8String(isolate, name), 0, 0, false, -1,
                            v8::Local<v8::Value>(), false, false, module);
}
} // namespace

bool ModuleLoader::load(v8::Local<v8::Context> context, const ScriptSource &source,
                        ScriptError *error)
{
    reset();
    v8::TryCatch tryCatch(m_isolate);
    if (source.modules.isEmpty()) {
        error->message = QStringLiteral("%1: the script has no modules").arg(source.name);
        return false;
    }
    if (source.serviceWorker) {
        const ScriptModule &only = source.modules.first();
        v8::ScriptOrigin origin = originFor(m_isolate, only.name, false);
        v8::ScriptCompiler::Source code(toV8String(m_isolate, only.code), origin);
        v8::Local<v8::UnboundScript> script;
        if (!v8::ScriptCompiler::CompileUnboundScript(m_isolate, &code).ToLocal(&script)) {
            *error = scriptErrorFrom(context, tryCatch, only.name);
            return false;
        }
        m_classic.Reset(m_isolate, script);
        return true;
    }

    for (const ScriptModule &module : source.modules) {
        if (module.kind != ModuleKind::EsModule) {
            if (!loadSynthetic(context, module, error))
                return false;
            continue;
        }
        v8::ScriptOrigin origin = originFor(m_isolate, module.name, true);
        v8::ScriptCompiler::Source code(toV8String(m_isolate, module.code), origin);
        v8::Local<v8::Module> compiled;
        if (!v8::ScriptCompiler::CompileModule(m_isolate, &code).ToLocal(&compiled)) {
            *error = scriptErrorFrom(context, tryCatch, module.name);
            return false;
        }
        m_modules.push_back({module.name, v8::Global<v8::Module>(m_isolate, compiled)});
    }
    m_main = indexOf(source.mainModule);
    if (m_main < 0) {
        error->module = source.mainModule;
        error->message = QStringLiteral("No such module \"%1\": it is the main module but the "
                                        "upload has no module of that name.")
                                 .arg(source.mainModule);
        return false;
    }

    // Checked here rather than in the resolve callback so the error can point at the import.
    for (const Entry &entry : m_modules) {
        v8::Local<v8::Module> module = entry.module.Get(m_isolate);
        v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
        for (int i = 0; i < requests->Length(); ++i) {
            auto request = requests->Get(context, i).As<v8::ModuleRequest>();
            const QString specifier = toQString(m_isolate, request->GetSpecifier());
            if (indexOf(resolveModuleName(entry.name, specifier)) >= 0)
                continue;
            v8::Location where = module->SourceOffsetToLocation(request->GetSourceOffset());
            error->module = entry.name;
            error->line = where.GetLineNumber() + 1;
            error->column = where.GetColumnNumber() + 1;
            error->message = QStringLiteral("%1:%2:%3: Error: No such module \"%4\" imported from "
                                            "\"%1\".")
                                     .arg(entry.name)
                                     .arg(error->line)
                                     .arg(error->column)
                                     .arg(specifier);
            return false;
        }
    }

    void *previous = m_isolate->GetData(Isolate::ModuleLoaderSlot);
    m_isolate->SetData(Isolate::ModuleLoaderSlot, this);
    bool linked = mainModule()->InstantiateModule(context, &ModuleLoader::resolve).FromMaybe(false);
    // The other kinds' exports are set now, while this loader is reachable from the isolate: the
    // graph's evaluation later finds them evaluated.
    for (const Entry &entry : m_modules) {
        if (!linked)
            break;
        v8::Local<v8::Module> module = entry.module.Get(m_isolate);
        if (!entry.syntheticDefault.IsEmpty() && module->GetStatus() == v8::Module::kInstantiated)
            linked = !module->Evaluate(context).IsEmpty();
    }
    m_isolate->SetData(Isolate::ModuleLoaderSlot, previous);
    if (!linked) {
        *error = scriptErrorFrom(context, tryCatch, source.mainModule);
        return false;
    }
    return true;
}

bool ModuleLoader::loadSynthetic(v8::Local<v8::Context> context, const ScriptModule &module,
                                 ScriptError *error)
{
    v8::TryCatch tryCatch(m_isolate);
    v8::Local<v8::Value> value;
    switch (module.kind) {
    case ModuleKind::Text:
        value = toV8String(m_isolate, QString::fromUtf8(module.bytes));
        break;
    case ModuleKind::Data: {
        v8::Local<v8::ArrayBuffer> buffer
                = v8::ArrayBuffer::New(m_isolate, size_t(module.bytes.size()));
        if (!module.bytes.isEmpty())
            std::memcpy(buffer->GetBackingStore()->Data(), module.bytes.constData(),
                        size_t(module.bytes.size()));
        value = buffer;
        break;
    }
    case ModuleKind::Json:
        if (!v8::JSON::Parse(context, toV8String(m_isolate, QString::fromUtf8(module.bytes)))
                     .ToLocal(&value)) {
            *error = scriptErrorFrom(context, tryCatch, module.name);
            return false;
        }
        break;
    case ModuleKind::Wasm: {
        // Compiling uploaded bytes is what a Worker's script may do while it loads (the same
        // switch that refuses WebAssembly.compile() later).
        const bool allowed = context->IsCodeGenerationFromStringsAllowed();
        context->AllowCodeGenerationFromStrings(true);
        v8::Local<v8::WasmModuleObject> wasm;
        const bool compiled = v8::WasmModuleObject::Compile(
                                      m_isolate,
                                      {reinterpret_cast<const uint8_t *>(module.bytes.constData()),
                                       size_t(module.bytes.size())})
                                      .ToLocal(&wasm);
        context->AllowCodeGenerationFromStrings(allowed);
        if (!compiled) {
            *error = scriptErrorFrom(context, tryCatch, module.name);
            return false;
        }
        value = wasm;
        break;
    }
    case ModuleKind::EsModule:
        Q_UNREACHABLE();
    }
    v8::Local<v8::Module> synthetic = v8::Module::CreateSyntheticModule(
            m_isolate, toV8String(m_isolate, module.name),
            {v8::String::NewFromUtf8Literal(m_isolate, "default")},
            &ModuleLoader::evaluateSynthetic);
    m_modules.push_back({module.name, v8::Global<v8::Module>(m_isolate, synthetic),
                         v8::Global<v8::Value>(m_isolate, value)});
    return true;
}

v8::MaybeLocal<v8::Value> ModuleLoader::evaluateSynthetic(v8::Local<v8::Context> context,
                                                          v8::Local<v8::Module> module)
{
    v8::Isolate *isolate = context->GetIsolate();
    auto *self = static_cast<ModuleLoader *>(isolate->GetData(Isolate::ModuleLoaderSlot));
    const int index = self ? self->indexOf(module) : -1;
    if (index < 0) {
        isolate->ThrowException(v8::Exception::Error(
                v8::String::NewFromUtf8Literal(isolate, "internal error: an unknown module")));
        return {};
    }
    if (module->SetSyntheticModuleExport(
                      isolate, v8::String::NewFromUtf8Literal(isolate, "default"),
                      self->m_modules[size_t(index)].syntheticDefault.Get(isolate))
                .IsNothing())
        return {};
    v8::Local<v8::Promise::Resolver> done;
    if (!v8::Promise::Resolver::New(context).ToLocal(&done)
        || done->Resolve(context, v8::Undefined(isolate)).IsNothing())
        return {};
    return done->GetPromise();
}

v8::Local<v8::Module> ModuleLoader::mainModule() const
{
    return m_main < 0 ? v8::Local<v8::Module>() : m_modules[size_t(m_main)].module.Get(m_isolate);
}

v8::Local<v8::UnboundScript> ModuleLoader::classicScript() const
{
    return m_classic.Get(m_isolate);
}

void ModuleLoader::reset()
{
    m_modules.clear();
    m_main = -1;
    m_classic.Reset();
}

int ModuleLoader::indexOf(const QString &name) const
{
    for (size_t i = 0; i < m_modules.size(); ++i) {
        if (m_modules[i].name == name)
            return int(i);
    }
    return -1;
}

int ModuleLoader::indexOf(v8::Local<v8::Module> module) const
{
    for (size_t i = 0; i < m_modules.size(); ++i) {
        if (m_modules[i].module == module)
            return int(i);
    }
    return -1;
}

v8::MaybeLocal<v8::Module> ModuleLoader::resolve(v8::Local<v8::Context> context,
                                                 v8::Local<v8::String> specifier,
                                                 v8::Local<v8::FixedArray>,
                                                 v8::Local<v8::Module> referrer)
{
    v8::Isolate *isolate = context->GetIsolate();
    auto *self = static_cast<ModuleLoader *>(isolate->GetData(Isolate::ModuleLoaderSlot));
    const int from = self->indexOf(referrer);
    const QString name = toQString(isolate, specifier);
    const int found = from < 0
            ? -1
            : self->indexOf(resolveModuleName(self->m_modules[size_t(from)].name, name));
    if (found < 0) {
        isolate->ThrowException(v8::Exception::Error(
                toV8String(isolate, QStringLiteral("No such module \"%1\".").arg(name))));
        return {};
    }
    return self->m_modules[size_t(found)].module.Get(isolate);
}

} // namespace switchyard::engine
