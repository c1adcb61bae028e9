#pragma once

#include "bindingspec.h"

#include "engine/invocation.h"
#include "engine/limits.h"

#include <QJsonObject>
#include <QStringList>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <optional>

namespace switchyard::platform {

// Cloudflare's loop limit: a request passes through at most this many Workers' fetch() back into
// the dispatch listener. The count left travels in the CF-EW-Via request header, one less on
// every subrequest; a request that arrives with none left is answered with error 1019.
inline constexpr int kLoopLimit = 16;
inline constexpr char kLoopHeader[] = "CF-EW-Via";

// The traces of one dispatcher Invocation and of the user Workers it runs, gathered for the
// dispatcher's tail consumers (Dispatcher owns what is inside).
struct TailBatch;

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
    // The Workers that receive this Invocation's own trace (its tail_consumers).
    QStringList tailConsumers;
    // Set for a dispatcher with tail consumers and for the user Workers it runs: their traces
    // reach those consumers together, in one tail() call, once the last of them has finished.
    std::shared_ptr<TailBatch> tailBatch;
    // Passes left through the dispatch listener (kLoopLimit); Workers it calls in-process share it.
    int loopBudget = kLoopLimit;
    // A user Worker: the platform Worker whose dispatch namespace binding ran it, whose live
    // tails see its events as Cloudflare's tails of a dispatcher do.
    QString dispatcher;
};

// What a Worker's bindings need from whoever runs Workers: a dispatch namespace Fetcher runs a
// user Worker, a service binding or an outbound fetch() a platform Worker. The Dispatcher
// implements it and hands itself to the bindings it makes, so the bindings never see the
// Dispatcher and the dependency goes one way. Safe from any thread; `done` is called once, on an
// engine thread.
class WorkerInvoker
{
public:
    using Done = std::function<void(const engine::InvocationResult &)>;

    virtual ~WorkerInvoker() = default;

    // Runs a user Worker of a dispatch namespace (for a dispatcher's `fetcher.fetch()`).
    // `caller` is the calling Worker's context (its loop budget, tail batch and name).
    virtual void
    invokeUserWorker(const QString &ns, const QString &name, engine::RequestData request,
                     engine::Limits limits, std::optional<QJsonObject> cf, QString outboundService,
                     QVariantMap outboundParams, const WorkerContext &caller, Done done)
            = 0;
    // Runs a platform Worker by name (service bindings, outbound Workers).
    virtual void invokePlatformWorker(const QString &name, engine::RequestData request,
                                      QVariantMap extraEnv, int loopBudget, Done done)
            = 0;
};

// An Invocation that could not even start, as a result a Fetcher rejects with.
engine::InvocationResult failedInvocation(engine::Outcome outcome, const QString &message);

} // namespace switchyard::platform
