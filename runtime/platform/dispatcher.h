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

#include <atomic>
#include <functional>
#include <memory>

namespace switchyard::engine {
class Engine;
}

namespace switchyard::platform {

class PlatformService;
class ScriptCache;
struct ScriptVersion;

// Cloudflare's loop limit: a request passes through at most this many Workers' fetch() back into
// the dispatch listener. The count left travels in the CF-EW-Via request header, one less on
// every subrequest; a request that arrives with none left is answered with error 1019.
inline constexpr int kLoopLimit = 16;
inline constexpr char kLoopHeader[] = "CF-EW-Via";

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
    // Passes left through the dispatch listener (kLoopLimit); Workers it calls in-process share it.
    int loopBudget = kLoopLimit;
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
    // `loopBudget` is the calling Worker's (WorkerContext::loopBudget).
    void invokeUserWorker(const QString &ns, const QString &name, engine::RequestData request,
                          engine::Limits limits, std::optional<QJsonObject> cf,
                          QString outboundService, QVariantMap outboundParams, int loopBudget,
                          Done done);
    // Runs a platform Worker by name (service bindings, outbound Workers).
    void invokePlatformWorker(const QString &name, engine::RequestData request,
                              QVariantMap extraEnv, int loopBudget, Done done);

    // Requests handle() has not answered yet, and Invocations whose traces and data points are not
    // handed to the store yet (ctx.waitUntil() work may outlive the response). Shutdown waits for
    // both to reach zero. Any thread.
    int requestsInFlight() const { return m_requestsInFlight.load(); }
    int invocationsInFlight() const { return m_invocationsInFlight.load(); }

private:
    void run(const ScriptVersion &version, WorkerContext context, engine::RequestData request,
             engine::Limits limits, QVariantMap extraEnv, Done done);
    void finish(const WorkerContext &context, const engine::RequestData &request, qint64 startedAt,
                const engine::InvocationResult &result);
    void deliverToTails(const store::TraceRecord &trace, int loopBudget);

    engine::Engine &m_engine;
    PlatformService &m_service;
    ScriptCache &m_scripts;
    std::atomic_int m_requestsInFlight = 0;
    std::atomic_int m_invocationsInFlight = 0;
};

// An Invocation that could not even start, as a result a Fetcher rejects with.
engine::InvocationResult failedInvocation(engine::Outcome outcome, const QString &message);

// An InvocationResult that is not a Response, as the Response the client of the dispatcher sees.
engine::ResponseData errorResponse(const engine::InvocationResult &result);

} // namespace switchyard::platform
