#pragma once

#include "workerinvoker.h"

#include "store/records.h"

#include "engine/script.h"

#include <QJsonArray>
#include <QObject>

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

// The dispatch flow: a request goes to the active dispatch Worker; its dispatch namespace
// bindings reach user Workers, each invocation under the limits its dispatcher chose. Every
// invocation becomes a trace (stored, emitted, and delivered to tail Workers). Safe from any
// thread; callbacks arrive on engine threads.
class Dispatcher : public QObject, public WorkerInvoker
{
    Q_OBJECT
public:
    using Respond = std::function<void(const engine::ResponseData &)>;

    Dispatcher(engine::Engine &engine, PlatformService &service, ScriptCache &scripts,
               QObject *parent = nullptr);

    // The front door: always answers, with the dispatcher's response or an error response.
    void handle(engine::RequestData request, Respond respond);

    void invokeUserWorker(const QString &ns, const QString &name, engine::RequestData request,
                          engine::Limits limits, std::optional<QJsonObject> cf,
                          QString outboundService, QVariantMap outboundParams,
                          const WorkerContext &caller, Done done) override;
    void invokePlatformWorker(const QString &name, engine::RequestData request,
                              QVariantMap extraEnv, int loopBudget, Done done) override;

    // Requests handle() has not answered yet, and Invocations whose traces and data points are not
    // handed to the store yet (ctx.waitUntil() work may outlive the response). Shutdown waits for
    // both to reach zero. Any thread.
    int requestsInFlight() const { return m_requestsInFlight.load(); }
    int invocationsInFlight() const { return m_invocationsInFlight.load(); }
    // Requests handle() has taken since the start: the node's heartbeat turns it into req/s.
    quint64 requestsHandled() const { return m_requestsHandled.load(std::memory_order_relaxed); }
    engine::Engine &engine() const { return m_engine; }

private:
    void run(const ScriptVersion &version, WorkerContext context, engine::RequestData request,
             engine::Limits limits, QVariantMap extraEnv, Done done);
    void finish(const WorkerContext &context, const engine::RequestData &request, qint64 startedAt,
                const engine::InvocationResult &result);
    // Runs each consumer's tail() with `events`; names that are not platform Workers are skipped.
    void deliverToTails(const QStringList &consumers, const QJsonArray &events, int loopBudget);

    engine::Engine &m_engine;
    PlatformService &m_service;
    ScriptCache &m_scripts;
    std::atomic_int m_requestsInFlight = 0;
    std::atomic_int m_invocationsInFlight = 0;
    std::atomic<quint64> m_requestsHandled = 0;
};

// An InvocationResult that is not a Response, as the Response the client of the dispatcher sees.
engine::ResponseData errorResponse(const engine::InvocationResult &result);

} // namespace switchyard::platform
