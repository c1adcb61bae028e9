#pragma once

#include "workerinvoker.h"

#include "engine/bindinghost.h"

#include <QHash>

#include <memory>
#include <mutex>

namespace switchyard::platform {

class PlatformService;

// What one Invocation's `env` bindings do: KV reads from memory and writes through the platform
// service, Analytics Engine data points, dispatch namespace Fetchers and service bindings. Calls
// arrive typed (engine::calls); the engine counted what limits count (subrequests, data points).
// One per Invocation, so its Fetcher handles live here. Deny by default: a name the Worker is not
// bound to answers an error.
class WorkerBindings : public engine::BindingHost,
                       public std::enable_shared_from_this<WorkerBindings>
{
public:
    WorkerBindings(WorkerInvoker &dispatcher, PlatformService &service, WorkerContext context);

    // The `env` descriptors of CONTRACT.md for `bindings`, plus `extra` values (outbound
    // parameters).
    static QVariantList envDescriptors(const store::Bindings &bindings,
                                       const QVariantMap &extra = {});

    bool routesOutboundFetch() const override { return !m_context.outboundService.isEmpty(); }
    // CF-EW-Via: one pass fewer than this Invocation had.
    engine::HeaderList outboundHeaders() const override
    {
        return {{QString::fromLatin1(kLoopHeader), QString::number(m_context.loopBudget - 1)}};
    }
    bool isAsync(const engine::BindingCall &call) const override;
    engine::BindingResult call(const engine::BindingCall &call) override;
    void callAsync(const engine::BindingCall &call, engine::BindingCompletion done) override;

private:
    struct FetcherHandle
    {
        QString nameSpace;
        QString worker;
        engine::Limits limits;
        QString outboundService;
        QVariantMap outboundParams;
    };

    const BindingSpec *binding(const QString &name) const;
    // Completes a fetch-shaped call with the Worker's response (or its failure).
    static WorkerInvoker::Done fetched(const QString &url, engine::BindingCompletion done);
    engine::BindingResult writeDataPoint(const BindingSpec &binding,
                                         const engine::calls::WriteDataPoint &write);
    engine::BindingResult dispatchGet(const BindingSpec &binding,
                                      const engine::calls::DispatchGet &get);
    void kvCall(const BindingSpec &binding, const engine::BindingCall &call,
                engine::BindingCompletion done);
    void fetcherCall(const BindingSpec &binding, const engine::calls::Fetch &fetch,
                     engine::BindingCompletion done);
    void cacheCall(const engine::BindingCall &call, engine::BindingCompletion done);
    // Whose entries this Worker's cache `name` (nullopt: caches.default) holds, or why it has
    // none.
    std::optional<QString> cachePartition(bool isDefault, QString *refusal) const;

    WorkerInvoker &m_dispatcher; // the Dispatcher, seen through what bindings need of it
    PlatformService &m_service;
    const WorkerContext m_context;
    std::mutex m_mutex;
    int m_nextHandle = 1;
    QHash<int, FetcherHandle> m_handles;
};

} // namespace switchyard::platform
