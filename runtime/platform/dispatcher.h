#pragma once

#include "bindingspec.h"

#include "store/records.h"

#include "engine/invocation.h"
#include "engine/limits.h"
#include "engine/script.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QVariantMap>

#include <functional>
#include <memory>

namespace switchyard::engine {
class Engine;
}

namespace switchyard::platform {

class PlatformService;
class ScriptCache;
struct ScriptVersion;

// Who is running and with what: enough to build its env, its bindings and its trace.
struct WorkerContext
{
    QString scriptName;
    QString dispatchNamespace; // empty for platform Workers
    QStringList tags;
    std::shared_ptr<const BindingIndex> bindings; // from the ScriptVersion
    std::optional<QJsonObject> cf; // what `request.cf` is, if anything
    // Set when this Worker's fetch() goes through an outbound Worker.
    QString outboundService;
    QVariantMap outboundParams;
    bool tailWorker = false;
};

// The dispatch flow: a request goes to the active dispatch Worker; its dispatch namespace
// bindings reach user Workers, each invocation under the limits its dispatcher chose. Every
// invocation becomes a trace (stored, emitted, and delivered to tail Workers). Safe from any
// thread; callbacks arrive on engine threads.
class Dispatcher : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(const engine::ResponseData &)>;
    using Done = std::function<void(const engine::InvocationResult &)>;

    Dispatcher(engine::Engine &engine, PlatformService &service, ScriptCache &scripts,
               QObject *parent = nullptr);

    // The front door: always answers, with the dispatcher's response or an error response.
    void handle(engine::RequestData request, Respond respond);

    // Runs a user Worker of a dispatch namespace (for a dispatcher's `fetcher.fetch()`).
    void invokeUserWorker(const QString &ns, const QString &name, engine::RequestData request,
                          engine::Limits limits, std::optional<QJsonObject> cf,
                          QString outboundService, QVariantMap outboundParams, Done done);
    // Runs a platform Worker by name (service bindings, outbound Workers).
    void invokePlatformWorker(const QString &name, engine::RequestData request,
                              QVariantMap extraEnv, Done done);

private:
    void run(const ScriptVersion &version, WorkerContext context, engine::RequestData request,
             engine::Limits limits, QVariantMap extraEnv, Done done);
    void finish(const WorkerContext &context, const engine::RequestData &request, qint64 startedAt,
                const engine::InvocationResult &result);
    void deliverToTails(const store::TraceRecord &trace);

    engine::Engine &m_engine;
    PlatformService &m_service;
    ScriptCache &m_scripts;
};

// An Invocation that could not even start, as a result a Fetcher rejects with.
engine::InvocationResult failedInvocation(const QString &outcome, const QString &message);

// An InvocationResult that is not a Response, as the Response the client of the dispatcher sees.
engine::ResponseData errorResponse(const engine::InvocationResult &result);

} // namespace switchyard::platform
