#include "invocationcontext.h"

#include "valueconvert.h"

#include <QDateTime>

#include <v8-container.h>
#include <v8-exception.h>
#include <v8-primitive.h>

namespace switchyard::engine {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

void InvocationContext::log(const QString &level, const QString &message, const QString &json)
{
    m_logs.append({level, message, nowMs(), json});
}

void InvocationContext::recordException(const QString &name, const QString &message)
{
    m_exceptions.append({name, message, nowMs()});
}

void InvocationContext::uncaught(const QString &prefix, const QString &name, const QString &message)
{
    recordException(name, message);
    log(QStringLiteral("error"), QStringLiteral("%1 %2: %3").arg(prefix, name, message));
}

void InvocationContext::fill(InvocationResult &result, double cpuTimeMs, bool final)
{
    result.invocationId = id;
    result.cpuTimeMs = cpuTimeMs;
    result.wallTimeMs = double(wall.nsecsElapsed()) / 1e6;
    if (final) {
        result.logs = std::move(m_logs);
        result.exceptions = std::move(m_exceptions);
    } else {
        result.logs = m_logs;
        result.exceptions = m_exceptions;
    }
}

void InvocationContext::addPending(v8::Isolate *isolate, quint64 key,
                                   v8::Local<v8::Promise::Resolver> resolver)
{
    if (completed)
        return; // the promise never settles: nothing runs for an ended request
    m_pending[key].Reset(isolate, resolver);
}

v8::Local<v8::Promise::Resolver> InvocationContext::takePending(v8::Isolate *isolate, quint64 key)
{
    auto it = m_pending.find(key);
    if (it == m_pending.end())
        return {};
    v8::Local<v8::Promise::Resolver> resolver = it->second.Get(isolate);
    m_pending.erase(it);
    return resolver;
}

void InvocationContext::setHandle(v8::Isolate *isolate, v8::Local<v8::Object> handle)
{
    if (!completed)
        m_handle.Reset(isolate, handle);
}

bool InvocationContext::watchWaitUntil(v8::Local<v8::Context> context,
                                       v8::FunctionCallback onFulfilled,
                                       v8::FunctionCallback onRejected)
{
    if (m_handle.IsEmpty())
        return false;
    v8::Isolate *iso = context->GetIsolate();
    v8::TryCatch ignore(iso);
    v8::Local<v8::Value> list = getProperty(context, m_handle.Get(iso), "waitUntil");
    if (list.IsEmpty() || !list->IsArray())
        return m_waitUntilPending > 0;
    auto array = list.As<v8::Array>();
    const int length = int(array->Length());
    v8::Local<v8::Value> data = v8::Number::New(iso, double(id));
    v8::Local<v8::Function> fulfilled;
    v8::Local<v8::Function> rejected;
    if (length > m_waitUntilWatched
        && (!v8::Function::New(context, onFulfilled, data).ToLocal(&fulfilled)
            || !v8::Function::New(context, onRejected, data).ToLocal(&rejected)))
        return m_waitUntilPending > 0;
    // Promises added while earlier ones ran are picked up when those settle.
    for (int i = m_waitUntilWatched; i < length; ++i) {
        v8::Local<v8::Value> entry;
        if (!array->Get(context, uint32_t(i)).ToLocal(&entry) || !entry->IsPromise())
            continue; // a plain value has settled already
        if (entry.As<v8::Promise>()->Then(context, fulfilled, rejected).IsEmpty())
            continue;
        ++m_waitUntilPending;
    }
    m_waitUntilWatched = std::max(length, m_waitUntilWatched);
    return m_waitUntilPending > 0;
}

bool InvocationContext::keepResponse(quint64 key, const ResponseData &response)
{
    if (m_kept.size() >= size_t(budget.keptResponses)
        || response.body.size() > budget.keptResponseBytes)
        return false;
    m_kept.emplace(key, response);
    return true;
}

std::optional<ResponseData> InvocationContext::takeKeptResponse(quint64 key)
{
    auto it = m_kept.find(key);
    if (it == m_kept.end())
        return std::nullopt;
    ResponseData response = std::move(it->second);
    m_kept.erase(it);
    return response;
}

void InvocationContext::addWaitUntil(v8::Local<v8::Context> context, v8::Local<v8::Value> promise)
{
    if (m_handle.IsEmpty() || promise.IsEmpty() || !promise->IsPromise())
        return;
    v8::Isolate *iso = context->GetIsolate();
    v8::TryCatch ignore(iso);
    v8::Local<v8::Value> list = getProperty(context, m_handle.Get(iso), "waitUntil");
    if (list.IsEmpty() || !list->IsArray())
        return;
    auto array = list.As<v8::Array>();
    array->Set(context, array->Length(), promise).FromMaybe(false);
}

void InvocationContext::dropHandles(const Orphan &orphan)
{
    if (orphan) {
        for (auto &[key, resolver] : m_pending)
            orphan(key, std::move(resolver));
    }
    m_pending.clear();
    m_handle.Reset();
    bodyReader.Reset();
}

} // namespace switchyard::engine
