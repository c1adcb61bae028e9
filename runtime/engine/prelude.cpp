#include "prelude.h"

#include "isolate.h"
#include "logging.h"
#include "natives.h"
#include "valueconvert.h"

#include <QFile>
#include <QHash>

#include <algorithm>

#include <v8-context.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-locker.h>
#include <v8-promise.h>
#include <v8-script.h>
#include <v8-snapshot.h>

namespace switchyard::engine {

namespace {
bool readText(const QString &path, QString *text)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    *text = QString::fromUtf8(file.readAll());
    return true;
}

// The bytes of one prelude file, for every isolate of the process. The snapshot names each one as
// an external reference, so a deserialized context's scripts point here rather than each isolate
// holding its own copy of the prelude's source (about 230 KiB). Never freed: an isolate may outlive
// the Engine that made it, and V8 calls Dispose() when it drops the string.
class SharedSource : public v8::String::ExternalOneByteStringResource
{
public:
    explicit SharedSource(QByteArray bytes) : m_bytes(std::move(bytes)) { }
    const char *data() const override { return m_bytes.constData(); }
    size_t length() const override { return size_t(m_bytes.size()); }
    void Dispose() override { }

private:
    QByteArray m_bytes;
};

// One per distinct file content, so the Engines of a process (tests make many) share them.
SharedSource *sharedSource(const QByteArray &bytes)
{
    static std::mutex mutex;
    static QHash<QByteArray, SharedSource *> interned;
    std::lock_guard lock(mutex);
    SharedSource *&source = interned[bytes];
    if (!source)
        source = new SharedSource(bytes);
    return source;
}
} // namespace

QList<PreludeFile> loadPrelude(const QString &directory, QString *error)
{
    QString dir = directory;
    if (!dir.endsWith(QLatin1Char('/')))
        dir.append(QLatin1Char('/'));
    QString list;
    if (!readText(dir + QLatin1String("prelude.txt"), &list)) {
        *error = QStringLiteral("cannot read %1prelude.txt").arg(dir);
        return {};
    }
    QList<PreludeFile> files;
    for (QString line : list.split(QLatin1Char('\n'))) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const bool lazy = line.startsWith(QLatin1String("lazy "));
        if (lazy)
            line = line.mid(5).trimmed();
        PreludeFile file {line, {}, lazy};
        if (!readText(dir + line, &file.code)) {
            *error = QStringLiteral("cannot read prelude file %1%2").arg(dir, line);
            return {};
        }
        files.append(file);
    }
    if (std::none_of(files.cbegin(), files.cend(), [](const PreludeFile &f) { return !f.lazy; }))
        *error = QStringLiteral("%1prelude.txt lists no files").arg(dir);
    return files;
}

QString loadWarmup(const QString &directory)
{
    QString code;
    QString dir = directory;
    if (!dir.endsWith(QLatin1Char('/')))
        dir.append(QLatin1Char('/'));
    if (!readText(dir + QLatin1String("warmup.js"), &code))
        return {};
    return code;
}

PreludeRunner::PreludeRunner(const QList<PreludeFile> &files, const QString &warmup,
                             qint64 heapLimitBytes, bool snapshot)
{
    for (const PreludeFile &file : files) {
        File entry {file.name, file.code, {}};
        const bool ascii = std::all_of(file.code.cbegin(), file.code.cend(),
                                       [](QChar c) { return c.unicode() < 0x80; });
        if (ascii && !file.code.isEmpty())
            entry.shared = sharedSource(file.code.toLatin1());
        (file.lazy ? m_lazyFiles : m_files).push_back(std::move(entry));
    }
    m_warmup = warmup;
    if (!warmup.isEmpty()
        && std::all_of(warmup.cbegin(), warmup.cend(), [](QChar c) { return c.unicode() < 0x80; }))
        m_warmupShared = sharedSource(warmup.toLatin1());
    m_lazyCaches.resize(m_lazyFiles.size());
    if (!warmup.isEmpty())
        prime(heapLimitBytes);
    m_references = nativeCallbacks();
    m_references.push_back(reinterpret_cast<intptr_t>(&PreludeRunner::loadLazy));
    auto reference = [this](const void *shared) {
        const auto address = reinterpret_cast<intptr_t>(shared);
        if (shared
            && std::find(m_references.cbegin(), m_references.cend(), address)
                    == m_references.cend())
            m_references.push_back(address);
    };
    for (const File &file : m_files)
        reference(file.shared);
    reference(m_warmupShared);
    m_references.push_back(0);
    if (snapshot)
        makeSnapshot(heapLimitBytes);
}

PreludeRunner::~PreludeRunner()
{
    delete[] m_snapshot.data;
}

void PreludeRunner::makeSnapshot(qint64 heapLimitBytes)
{
    v8::Isolate *iso = v8::Isolate::Allocate();
    v8::StartupData blob {nullptr, 0};
    QString failure;
    {
        v8::SnapshotCreator creator(iso, m_references.data());
        {
            Isolate owner(iso, heapLimitBytes, Isolate::Adopt {});
            owner.prelude = this;
            v8::HandleScope handles(iso);
            creator.SetDefaultContext(v8::Context::New(iso));
            v8::Local<v8::Context> context = v8::Context::New(iso);
            {
                v8::Context::Scope contextScope(context);
                v8::TryCatch tryCatch(iso);
                installNatives(context);
                QString failedFile;
                v8::Local<v8::Value> internals;
                if (!evaluate(context, &failedFile).ToLocal(&internals) || !internals->IsObject()) {
                    failure = QStringLiteral("the prelude failed in %1").arg(failedFile);
                } else {
                    iso->PerformMicrotaskCheckpoint();
                    if (tryCatch.HasCaught())
                        failure = toQString(iso, tryCatch.Exception());
                    else
                        creator.AddData(context, internals); // index 0: newContext() reads it
                    // Index 1: the warm-up, compiled but not run, for warmUpContext().
                    v8::Local<v8::Function> warmUp;
                    if (failure.isNull() && compileWarmUp(context, nullptr).ToLocal(&warmUp))
                        creator.AddData(context, warmUp);
                    tryCatch.Reset();
                }
            }
            if (failure.isNull())
                creator.AddContext(context); // index 0
        }
        if (failure.isNull())
            blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
    }
    if (!blob.data) {
        qCWarning(lcEngine).noquote()
                << "no startup snapshot; every new isolate runs the prelude:"
                << (failure.isNull() ? QStringLiteral("V8 made none") : failure);
        return;
    }
    m_snapshot = blob;
    qCDebug(lcEngine) << "startup snapshot:" << blob.raw_size << "bytes";
}

std::unique_ptr<Isolate> PreludeRunner::newIsolate(qint64 heapLimitBytes)
{
    auto isolate = hasSnapshot() ? std::make_unique<Isolate>(
                           heapLimitBytes, StartupSnapshot {&m_snapshot, m_references.data()})
                                 : std::make_unique<Isolate>(heapLimitBytes);
    isolate->prelude = this;
    return isolate;
}

v8::MaybeLocal<v8::Context> PreludeRunner::newContext(v8::Isolate *iso,
                                                      v8::Local<v8::Object> *internals)
{
    v8::Local<v8::Context> context;
    if (!hasSnapshot() || !v8::Context::FromSnapshot(iso, 0).ToLocal(&context)
        || !context->GetDataFromSnapshotOnce<v8::Object>(0).ToLocal(internals))
        return {};
    return context;
}

v8::MaybeLocal<v8::Function> PreludeRunner::compileWarmUp(v8::Local<v8::Context> context,
                                                          v8::Local<v8::UnboundScript> *compiled)
{
    if (m_warmup.isEmpty())
        return {};
    v8::Isolate *iso = context->GetIsolate();
    const bool cached = m_cached.load(std::memory_order_acquire) && !m_warmupCache.isEmpty();
    v8::ScriptOrigin origin(iso, toV8String(iso, QStringLiteral("switchyard:warmup.js")));
    v8::ScriptCompiler::Source code(
            source(iso, File {QString(), m_warmup, m_warmupShared}), origin,
            cached ? new v8::ScriptCompiler::CachedData(
                    reinterpret_cast<const uint8_t *>(m_warmupCache.constData()),
                    int(m_warmupCache.size()))
                   : nullptr);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> warmUp;
    if (!v8::ScriptCompiler::Compile(context, &code,
                                     cached ? v8::ScriptCompiler::kConsumeCodeCache
                                            : v8::ScriptCompiler::kNoCompileOptions)
                 .ToLocal(&script)
        || !script->Run(context).ToLocal(&warmUp) || !warmUp->IsFunction())
        return {};
    if (compiled)
        *compiled = script->GetUnboundScript();
    return warmUp.As<v8::Function>();
}

bool PreludeRunner::runWarmUp(v8::Local<v8::Context> context, v8::Local<v8::Function> warmUp,
                              v8::Local<v8::Value> internals, bool full)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::HandleScope handles(iso);
    v8::TryCatch tryCatch(iso);
    v8::Local<v8::Value> done;
    v8::Local<v8::Value> argv[] = {internals, v8::Boolean::New(iso, full)};
    if (warmUp.IsEmpty() || !warmUp->Call(context, context->Global(), 2, argv).ToLocal(&done)) {
        qCWarning(lcEngine).noquote()
                << "js/warmup.js failed:"
                << (tryCatch.HasCaught() ? toQString(iso, tryCatch.Exception()) : QString());
        return false;
    }
    iso->PerformMicrotaskCheckpoint();
    if (done->IsPromise() && done.As<v8::Promise>()->State() == v8::Promise::kRejected) {
        qCWarning(lcEngine).noquote()
                << "js/warmup.js rejected:" << toQString(iso, done.As<v8::Promise>()->Result());
        return false;
    }
    return true;
}

bool PreludeRunner::warmUpContext(v8::Local<v8::Context> context, v8::Local<v8::Object> internals)
{
    if (m_warmup.isEmpty())
        return true;
    v8::Isolate *iso = context->GetIsolate();
    v8::HandleScope handles(iso);
    v8::Local<v8::Function> warmUp;
    // From the snapshot, which hands it out once per context: a context warmed before (in the
    // warm pool) has it no more. Without a snapshot (measuring only), compiled here.
    if (hasSnapshot()) {
        if (!context->GetDataFromSnapshotOnce<v8::Function>(1).ToLocal(&warmUp))
            return true;
    } else if (!compileWarmUp(context, nullptr).ToLocal(&warmUp)) {
        return false;
    }
    // Without an Instance in the isolate the natives answer the warm-up with fixed values (no
    // fetch leaves the process, no binding is called, nothing is logged).
    void *instance = iso->GetData(Isolate::InstanceSlot);
    iso->SetData(Isolate::InstanceSlot, nullptr);
    const bool ok = runWarmUp(context, warmUp, internals, false);
    iso->SetData(Isolate::InstanceSlot, instance);
    return ok;
}

v8::Local<v8::String> PreludeRunner::source(v8::Isolate *iso, const File &file) const
{
    v8::Local<v8::String> code;
    if (!file.shared || !v8::String::NewExternalOneByte(iso, file.shared).ToLocal(&code))
        code = toV8String(iso, file.code);
    return code;
}

void PreludeRunner::prime(qint64 heapLimitBytes)
{
    Isolate scratch(heapLimitBytes);
    scratch.prelude = this;
    v8::Isolate *iso = scratch.get();
    v8::Locker locker(iso);
    v8::Isolate::Scope isolateScope(iso);
    v8::HandleScope handles(iso);
    v8::Local<v8::Context> context = v8::Context::New(iso);
    v8::Context::Scope contextScope(context);
    v8::TryCatch tryCatch(iso);
    installNatives(context);
    installLoadLazy(context);
    std::vector<v8::Local<v8::Script>> scripts;
    v8::Local<v8::Value> internals;
    for (const File &file : m_files) {
        v8::ScriptOrigin origin(iso, toV8String(iso, QStringLiteral("switchyard:") + file.name));
        v8::ScriptCompiler::Source code(source(iso, file), origin);
        v8::Local<v8::Script> script;
        if (!v8::ScriptCompiler::Compile(context, &code).ToLocal(&script)
            || !script->Run(context).ToLocal(&internals))
            return; // the first real evaluation reports the failure
        scripts.push_back(script);
    }
    v8::Local<v8::UnboundScript> warmUpScript;
    v8::Local<v8::Function> warmUp;
    if (!compileWarmUp(context, &warmUpScript).ToLocal(&warmUp)
        || !runWarmUp(context, warmUp, internals, true))
        return;
    std::unique_ptr<v8::ScriptCompiler::CachedData> warmUpData(
            v8::ScriptCompiler::CreateCodeCache(warmUpScript));
    std::vector<QByteArray> caches;
    for (v8::Local<v8::Script> s : scripts) {
        std::unique_ptr<v8::ScriptCompiler::CachedData> data(
                v8::ScriptCompiler::CreateCodeCache(s->GetUnboundScript()));
        if (!data)
            return;
        caches.emplace_back(reinterpret_cast<const char *>(data->data), data->length);
    }
    std::lock_guard lock(m_mutex);
    m_caches = std::move(caches);
    if (warmUpData)
        m_warmupCache
                = QByteArray(reinterpret_cast<const char *>(warmUpData->data), warmUpData->length);
    m_cached.store(true, std::memory_order_release);
}

v8::MaybeLocal<v8::Value> PreludeRunner::evaluate(v8::Local<v8::Context> context,
                                                  QString *failedFile)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::EscapableHandleScope handles(iso);
    const bool cached = m_cached.load(std::memory_order_acquire);
    installLoadLazy(context);
    std::vector<v8::Local<v8::Script>> scripts;
    v8::Local<v8::Value> last;
    for (size_t i = 0; i < m_files.size(); ++i) {
        const File &file = m_files[i];
        v8::ScriptOrigin origin(iso, toV8String(iso, QStringLiteral("switchyard:") + file.name));
        v8::ScriptCompiler::Source source(
                this->source(iso, file), origin,
                cached ? new v8::ScriptCompiler::CachedData(
                        reinterpret_cast<const uint8_t *>(m_caches[i].constData()),
                        int(m_caches[i].size()))
                       : nullptr);
        v8::Local<v8::Script> script;
        if (!v8::ScriptCompiler::Compile(context, &source,
                                         cached ? v8::ScriptCompiler::kConsumeCodeCache
                                                : v8::ScriptCompiler::kNoCompileOptions)
                     .ToLocal(&script)
            || !script->Run(context).ToLocal(&last)) {
            *failedFile = file.name;
            return {};
        }
        if (cached && source.GetCachedData()->rejected)
            qCDebug(lcEngine).noquote() << "V8 rejected the code cache of" << file.name;
        if (!cached)
            scripts.push_back(script);
    }
    if (!cached) {
        std::vector<QByteArray> caches;
        for (v8::Local<v8::Script> script : scripts) {
            std::unique_ptr<v8::ScriptCompiler::CachedData> data(
                    v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
            if (!data)
                return handles.Escape(last);
            caches.emplace_back(reinterpret_cast<const char *>(data->data), data->length);
        }
        std::lock_guard lock(m_mutex);
        if (!m_cached.load()) {
            m_caches = std::move(caches);
            m_cached.store(true, std::memory_order_release);
        }
    }
    return handles.Escape(last);
}

void PreludeRunner::installLoadLazy(v8::Local<v8::Context> context)
{
    if (m_lazyFiles.empty())
        return;
    v8::Isolate *iso = context->GetIsolate();
    v8::Local<v8::Value> natives;
    v8::Local<v8::Function> function;
    if (!context->Global()->Get(context, toV8String(iso, "__switchyard")).ToLocal(&natives)
        || !natives->IsObject()
        || !v8::Function::New(context, &PreludeRunner::loadLazy).ToLocal(&function))
        return;
    natives.As<v8::Object>()->Set(context, toV8String(iso, "loadLazy"), function).Check();
}

// loadLazy(name): evaluates the lazy file `name` in the calling context and returns its completion
// value. The Worker's code generation switch does not apply: this is the engine compiling its own
// source, as it does the prelude's.
void PreludeRunner::loadLazy(const v8::FunctionCallbackInfo<v8::Value> &info)
{
    v8::Isolate *iso = info.GetIsolate();
    Isolate *owner = Isolate::from(iso);
    PreludeRunner *self = owner ? owner->prelude : nullptr;
    if (!self) {
        iso->ThrowException(v8::Exception::Error(
                toV8String(iso, QStringLiteral("no prelude to load lazy files from"))));
        return;
    }
    const QString name = toQString(iso, info[0]);
    size_t index = 0;
    while (index < self->m_lazyFiles.size() && self->m_lazyFiles[index].name != name)
        ++index;
    if (index == self->m_lazyFiles.size()) {
        iso->ThrowException(v8::Exception::Error(
                toV8String(iso, QStringLiteral("no lazy prelude file %1").arg(name))));
        return;
    }
    const File &file = self->m_lazyFiles[index];
    v8::Local<v8::Context> context = iso->GetCurrentContext();
    QByteArray cache;
    {
        std::lock_guard lock(self->m_mutex);
        cache = self->m_lazyCaches[index];
    }
    v8::ScriptOrigin origin(iso, toV8String(iso, QStringLiteral("switchyard:") + file.name));
    v8::ScriptCompiler::Source source(
            self->source(iso, file), origin,
            cache.isEmpty() ? nullptr
                            : new v8::ScriptCompiler::CachedData(
                                    reinterpret_cast<const uint8_t *>(cache.constData()),
                                    int(cache.size())));
    v8::Local<v8::Script> script;
    if (!v8::ScriptCompiler::Compile(context, &source,
                                     cache.isEmpty() ? v8::ScriptCompiler::kNoCompileOptions
                                                     : v8::ScriptCompiler::kConsumeCodeCache)
                 .ToLocal(&script))
        return;
    if (cache.isEmpty() || source.GetCachedData()->rejected) {
        // Made before running: it holds what compiles eagerly, and each isolate compiles the parts
        // of the file it calls.
        std::unique_ptr<v8::ScriptCompiler::CachedData> data(
                v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
        if (data) {
            std::lock_guard lock(self->m_mutex);
            self->m_lazyCaches[index]
                    = QByteArray(reinterpret_cast<const char *>(data->data), data->length);
        }
    }
    v8::Local<v8::Value> result;
    if (script->Run(context).ToLocal(&result))
        info.GetReturnValue().Set(result);
}

} // namespace switchyard::engine
