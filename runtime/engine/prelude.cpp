#include "prelude.h"

#include "isolate.h"
#include "logging.h"
#include "natives.h"
#include "valueconvert.h"

#include <QFile>

#include <algorithm>

#include <v8-context.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-locker.h>
#include <v8-promise.h>
#include <v8-script.h>

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

// Keeps a reference to the (implicitly shared) bytes for as long as the isolate holds the string.
class SharedSource : public v8::String::ExternalOneByteStringResource
{
public:
    explicit SharedSource(QByteArray bytes) : m_bytes(std::move(bytes)) { }
    const char *data() const override { return m_bytes.constData(); }
    size_t length() const override { return size_t(m_bytes.size()); }

private:
    QByteArray m_bytes;
};
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
        PreludeFile file {line, {}};
        if (!readText(dir + line, &file.code)) {
            *error = QStringLiteral("cannot read prelude file %1%2").arg(dir, line);
            return {};
        }
        files.append(file);
    }
    if (files.isEmpty())
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
                             qint64 heapLimitBytes)
{
    for (const PreludeFile &file : files) {
        File entry {file.name, file.code, {}};
        const bool ascii = std::all_of(file.code.cbegin(), file.code.cend(),
                                       [](QChar c) { return c.unicode() < 0x80; });
        if (ascii && !file.code.isEmpty())
            entry.latin1 = file.code.toLatin1();
        m_files.push_back(std::move(entry));
    }
    m_warmup = warmup;
    if (!warmup.isEmpty())
        prime(heapLimitBytes);
}

bool PreludeRunner::warmUp(v8::Local<v8::Context> context, v8::Local<v8::Value> internals)
{
    if (m_warmup.isEmpty())
        return true;
    v8::Isolate *iso = context->GetIsolate();
    v8::HandleScope handles(iso);
    v8::TryCatch tryCatch(iso);
    v8::ScriptOrigin origin(iso, toV8String(iso, QStringLiteral("switchyard:warmup.js")));
    v8::ScriptCompiler::Source code(toV8String(iso, m_warmup), origin);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> warmUp;
    v8::Local<v8::Value> done;
    v8::Local<v8::Value> argv[] = {internals};
    if (!v8::ScriptCompiler::Compile(context, &code).ToLocal(&script)
        || !script->Run(context).ToLocal(&warmUp) || !warmUp->IsFunction()
        || !warmUp.As<v8::Function>()->Call(context, context->Global(), 1, argv).ToLocal(&done)) {
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

v8::Local<v8::String> PreludeRunner::source(v8::Isolate *iso, const File &file) const
{
    v8::Local<v8::String> code;
    if (file.latin1.isEmpty()
        || !v8::String::NewExternalOneByte(iso, new SharedSource(file.latin1)).ToLocal(&code))
        code = toV8String(iso, file.code);
    return code;
}

void PreludeRunner::prime(qint64 heapLimitBytes)
{
    Isolate scratch(heapLimitBytes);
    v8::Isolate *iso = scratch.get();
    v8::Locker locker(iso);
    v8::Isolate::Scope isolateScope(iso);
    v8::HandleScope handles(iso);
    v8::Local<v8::Context> context = v8::Context::New(iso);
    v8::Context::Scope contextScope(context);
    v8::TryCatch tryCatch(iso);
    installNatives(context);
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
    if (!warmUp(context, internals))
        return;
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
    m_cached.store(true, std::memory_order_release);
}

v8::MaybeLocal<v8::Value> PreludeRunner::evaluate(v8::Local<v8::Context> context,
                                                  QString *failedFile)
{
    v8::Isolate *iso = context->GetIsolate();
    v8::EscapableHandleScope handles(iso);
    const bool cached = m_cached.load(std::memory_order_acquire);
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

} // namespace switchyard::engine
