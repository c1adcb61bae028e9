#include "dispatcher.h"

#include "livetails.h"
#include "logging.h"
#include "platformservice.h"
#include "scriptcache.h"
#include "trace.h"
#include "workerbindings.h"

#include "engine/engine.h"

#include <QDateTime>
#include <QUrl>

#include <algorithm>
#include <mutex>

namespace switchyard::platform {

struct TailBatch
{
    QStringList consumers; // the dispatcher's tail consumers
    int loopBudget = kLoopLimit;
    std::mutex mutex;
    int open = 0; // Invocations of the batch that have started and not finished
    QJsonObject dispatcherEvent; // empty until the dispatcher's trace is in
    QJsonArray userEvents; // user Workers' traces, in the order they finished
};

using engine::InvocationResult;
using engine::RequestData;
using engine::ResponseData;

Dispatcher::Dispatcher(engine::Engine &engine, PlatformService &service, ScriptCache &scripts,
                       QObject *parent)
    : QObject(parent), m_engine(engine), m_service(service), m_scripts(scripts)
{
    // Replaced and deleted versions must not keep their Instances (and isolates) alive.
    connect(&service, &PlatformService::scriptChanged, this,
            [this](const QString &ns, const QString &name) {
                const auto record = m_service.snapshot()->script(ns, name);
                m_scripts.forgetScript(ns, name,
                                       record ? ScriptCache::scriptKey(*record) : QString());
            });
    connect(&service, &PlatformService::platformWorkerChanged, this, [this](const QString &name) {
        const auto record = m_service.snapshot()->platformWorker(name);
        m_scripts.forgetPlatformWorker(
                name, record ? ScriptCache::platformWorkerKey(*record) : QString(),
                record && record->splitVersion
                        ? ScriptCache::platformWorkerKey(*record->splitVersion)
                        : QString());
    });
}

static ResponseData textResponse(int status, const QString &text)
{
    return {status,
            {},
            {{QStringLiteral("content-type"), QStringLiteral("text/plain;charset=UTF-8")}},
            text.toUtf8()};
}

InvocationResult failedInvocation(engine::Outcome outcome, const QString &message)
{
    InvocationResult result;
    result.outcome = outcome;
    result.errorName = QStringLiteral("Error");
    result.error = message;
    return result;
}

ResponseData errorResponse(const InvocationResult &result)
{
    using engine::Outcome;
    // Cloudflare's error codes, with the reason spelled out: this is a development tool.
    if (result.outcome == Outcome::ExceededCpu || result.outcome == Outcome::ExceededMemory)
        return textResponse(503,
                            QStringLiteral("Error 1102: Worker exceeded resource limits: %1\n")
                                    .arg(result.error));
    if (result.outcome == Outcome::Exception)
        return textResponse(500,
                            QStringLiteral("Error 1101: Worker threw exception: %1%2\n")
                                    .arg(result.errorName.isEmpty()
                                                 ? QString()
                                                 : result.errorName + QStringLiteral(": "),
                                         result.error));
    return textResponse(500, QStringLiteral("Error 1101: %1\n").arg(result.error));
}

// What a request's CF-EW-Via header leaves, capped at kLoopLimit; kLoopLimit without one.
static int loopBudgetOf(const RequestData &request)
{
    for (const auto &[name, value] : request.headers) {
        if (name.compare(QLatin1String(kLoopHeader), Qt::CaseInsensitive) != 0)
            continue;
        bool ok = false;
        const int left = value.section(u';', 0, 0).trimmed().toInt(&ok);
        return ok ? std::min(left, kLoopLimit) : 0;
    }
    return kLoopLimit;
}

void Dispatcher::handle(RequestData request, Respond original)
{
    m_requestsInFlight.fetch_add(1);
    m_requestsHandled.fetch_add(1, std::memory_order_relaxed);
    Respond respond = [this, original = std::move(original)](const ResponseData &response) {
        original(response);
        m_requestsInFlight.fetch_sub(1);
    };
    const int loopBudget = loopBudgetOf(request);
    if (loopBudget <= 0) {
        // A Worker's fetch() came back here more than kLoopLimit times: stopped before any Worker
        // runs, so a loop ends at once instead of when every Worker in it runs out of time.
        respond(textResponse(508,
                             QStringLiteral("Error 1019: Worker hit loop limit: a Worker "
                                            "cannot call itself or another Worker more than "
                                            "%1 times (CF-EW-Via).\n")
                                     .arg(kLoopLimit)));
        return;
    }
    const auto snapshot = m_service.snapshot();
    const auto active = snapshot->dispatcher();
    if (!active) {
        respond(textResponse(503, QStringLiteral("No dispatch Worker is installed.\n")));
        return;
    }
    const store::PlatformWorkerRecord *worker = &ScriptCache::pickVersion(*active);
    QString error;
    const auto version = m_scripts.get(ScriptCache::platformWorkerKey(*worker), worker->name,
                                       worker->code, &error);
    if (!version) {
        respond(textResponse(500,
                             QStringLiteral("The dispatch Worker does not load: %1\n").arg(error)));
        return;
    }
    WorkerContext context;
    context.scriptName = worker->name;
    context.tailConsumers = store::tailConsumerNames(worker->code.tailConsumers);
    if (!context.tailConsumers.isEmpty()) {
        // On Cloudflare the dispatcher's consumers also get the events of every user Worker it
        // runs; one tail() call takes them all, the dispatcher's first.
        context.tailBatch = std::make_shared<TailBatch>();
        context.tailBatch->consumers = context.tailConsumers;
        context.tailBatch->loopBudget = loopBudget;
    }
    QJsonObject cf;
    if (!snapshot->customHostnames.isEmpty()) {
        if (const auto host = snapshot->customHostname(QUrl(request.url).host()))
            cf.insert(QStringLiteral("hostMetadata"), host->metadata);
    }
    context.cf = cf;
    context.loopBudget = loopBudget;
    request.cf = cf;
    run(version, std::move(context), std::move(request), {}, {},
        [respond = std::move(respond)](const InvocationResult &result) {
            respond(result.response ? *result.response : errorResponse(result));
        });
}

void Dispatcher::invokeUserWorker(const QString &ns, const QString &name, RequestData request,
                                  engine::Limits limits, std::optional<QJsonObject> cf,
                                  QString outboundService, QVariantMap outboundParams,
                                  const WorkerContext &caller, Done done)
{
    // Looked up again at fetch() time: a Worker deleted since get() is not found.
    const auto record = m_service.snapshot()->script(ns, name);
    if (!record) {
        done(failedInvocation(engine::Outcome::ScriptNotFound,
                              QStringLiteral("Worker not found.")));
        return;
    }
    QString error;
    const auto version = m_scripts.get(ScriptCache::scriptKey(*record), name, record->code, &error);
    if (!version) {
        done(failedInvocation(engine::Outcome::Exception, error));
        return;
    }
    WorkerContext context;
    context.scriptName = name;
    context.dispatchNamespace = ns;
    context.tags = record->tags;
    context.tailConsumers = store::tailConsumerNames(record->code.tailConsumers);
    context.tailBatch = caller.tailBatch;
    context.cf = cf;
    context.outboundService = std::move(outboundService);
    context.outboundParams = std::move(outboundParams);
    context.loopBudget = caller.loopBudget;
    context.dispatcher = caller.dispatchNamespace.isEmpty() ? caller.scriptName : caller.dispatcher;
    request.cf = cf;
    run(version, std::move(context), std::move(request), limits, {}, std::move(done));
}

void Dispatcher::invokePlatformWorker(const QString &name, RequestData request,
                                      QVariantMap extraEnv, int loopBudget, Done done)
{
    const auto snapshot = m_service.snapshot();
    const auto stored = snapshot->platformWorker(name);
    if (!stored) {
        done(failedInvocation(engine::Outcome::ScriptNotFound,
                              QStringLiteral("Worker not found.")));
        return;
    }
    // Service bindings and outbound Workers follow a gradual deployment too.
    const store::PlatformWorkerRecord *record = &ScriptCache::pickVersion(*stored);
    QString error;
    const auto version
            = m_scripts.get(ScriptCache::platformWorkerKey(*record), name, record->code, &error);
    if (!version) {
        done(failedInvocation(engine::Outcome::Exception, error));
        return;
    }
    WorkerContext context;
    context.scriptName = name;
    context.tailConsumers = store::tailConsumerNames(record->code.tailConsumers);
    context.loopBudget = loopBudget;
    run(version, std::move(context), std::move(request), {}, std::move(extraEnv), std::move(done));
}

void Dispatcher::run(const ScriptVersion &version, WorkerContext context, RequestData request,
                     engine::Limits limits, QVariantMap extraEnv, Done done)
{
    context.bindings = version.bindings;
    auto bindings = std::make_shared<WorkerBindings>(*this, m_service, context);
    // Unchanged, the cached list stays shared, which is how the engine knows it may keep `env`.
    QVariantList env = version.env;
    if (!extraEnv.isEmpty())
        env += WorkerBindings::envDescriptors({}, extraEnv);
    const qint64 startedAt = QDateTime::currentMSecsSinceEpoch();
    if (context.tailBatch) {
        std::lock_guard lock(context.tailBatch->mutex);
        ++context.tailBatch->open;
    }
    // What the trace needs of the request; the body is not kept.
    RequestData seen {request.method, request.url, request.headers, std::nullopt, std::nullopt};
    // The caller gets the response at once; the trace waits for ctx.waitUntil() work, so it is
    // written once, with everything that work logged. The bindings live as long as that work.
    m_invocationsInFlight.fetch_add(1);
    m_engine.invokeFetch(
            version.script, std::move(request), env, limits, bindings.get(),
            [done = std::move(done)](const InvocationResult &result) { done(result); },
            [this, bindings, context = std::move(context), seen = std::move(seen),
             startedAt](const InvocationResult &result) {
                finish(context, seen, startedAt, result);
                m_invocationsInFlight.fetch_sub(1);
            });
}

void Dispatcher::finish(const WorkerContext &context, const RequestData &request, qint64 startedAt,
                        const InvocationResult &result)
{
    // A tail Worker's own trace is kept but not tailed again.
    const bool tailed
            = !context.tailWorker && (context.tailBatch || !context.tailConsumers.isEmpty());
    LiveTails &liveTails = m_service.liveTails();
    const bool live
            = liveTails.watching(context.dispatchNamespace, context.scriptName, context.dispatcher);
    if (!tailed && !live && !m_service.tracesWatched()) {
        // Only the store needs it: its row is built on the writer thread, not this executor. Of
        // the response it keeps the status only (the body may be large and would wait in the
        // queue).
        InvocationResult summary = result;
        if (summary.response) {
            ResponseData status;
            status.status = summary.response->status;
            summary.response = std::move(status);
        }
        m_service.appendTraceRow([scriptName = context.scriptName,
                                  dispatchNamespace = context.dispatchNamespace,
                                  tags = context.tags, request, startedAt,
                                  result = std::move(summary)] {
            return makeTraceRow(scriptName, dispatchNamespace, tags, request, startedAt, result);
        });
        return;
    }
    const store::TraceRecord trace = makeTrace(context.scriptName, context.dispatchNamespace,
                                               context.tags, request, startedAt, result);
    m_service.appendTrace(trace);
    if (live)
        liveTails.publish(trace, context.dispatcher);
    if (!tailed)
        return;
    const QJsonObject event = traceToJson(trace);
    QStringList own = context.tailConsumers;
    if (const auto &batch = context.tailBatch) {
        // A consumer that the user Worker and its dispatcher both name gets the event once.
        own.removeIf([&](const QString &name) { return batch->consumers.contains(name); });
        QJsonArray events;
        {
            std::lock_guard lock(batch->mutex);
            if (context.dispatchNamespace.isEmpty())
                batch->dispatcherEvent = event;
            else
                batch->userEvents.append(event);
            if (--batch->open == 0) {
                events.append(batch->dispatcherEvent);
                for (const QJsonValue &e : std::as_const(batch->userEvents))
                    events.append(e);
            }
        }
        if (!events.isEmpty())
            deliverToTails(batch->consumers, events, batch->loopBudget);
    }
    if (!own.isEmpty())
        deliverToTails(own, QJsonArray {event}, context.loopBudget);
}

void Dispatcher::deliverToTails(const QStringList &consumers, const QJsonArray &events,
                                int loopBudget)
{
    const auto snapshot = m_service.snapshot();
    for (const QString &name : consumers) {
        const auto worker = snapshot->platformWorker(name);
        if (!worker) {
            // Named before it is installed (or after it was deleted), as Cloudflare allows.
            qCDebug(lcPlatform) << "tail consumer" << name << "is not installed";
            continue;
        }
        QString error;
        const auto version = m_scripts.get(ScriptCache::platformWorkerKey(*worker), worker->name,
                                           worker->code, &error);
        if (!version) {
            qCWarning(lcPlatform) << "tail Worker" << worker->name << "does not load:" << error;
            continue;
        }
        WorkerContext context;
        context.scriptName = worker->name;
        context.bindings = version.bindings;
        context.tailWorker = true;
        // A tail Worker's fetch() is part of what it tails: it must not start a loop afresh.
        context.loopBudget = loopBudget;
        auto bindings = std::make_shared<WorkerBindings>(*this, m_service, context);
        const qint64 startedAt = QDateTime::currentMSecsSinceEpoch();
        m_invocationsInFlight.fetch_add(1);
        m_engine.invokeTail(
                version.script, events, version.env, {}, bindings.get(), {},
                [this, bindings, context, startedAt](const InvocationResult &result) {
                    finish(context, {QStringLiteral("TAIL"), {}, {}, {}, {}}, startedAt, result);
                    m_invocationsInFlight.fetch_sub(1);
                });
    }
}

} // namespace switchyard::platform
