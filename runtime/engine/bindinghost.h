#pragma once

#include "invocation.h"

#include <QString>
#include <QVariant>

#include <functional>

namespace switchyard::engine {

// One `__switchyard.binding(name, method, args)` call from a Worker. Values crossing here are
// QVariants: QString, double, bool, std::nullptr_t (JS null), invalid QVariant (undefined),
// QVariantList, QVariantMap and QByteArray (a Uint8Array/ArrayBuffer).
struct BindingCall
{
    InvocationRef invocation;
    QString binding;
    QString method;
    QVariantList args;
    // Every fetch-shaped call arrives with its request read straight from JS into `request`: a
    // Fetcher's `("fetch", [handle, method, url, headers, body])` (CONTRACT.md) with only the
    // handle left in `args`, the routed fetch() native (outboundFetchBinding) with empty `args`.
    std::optional<RequestData> request;
};

// What a fetch-shaped binding (service binding, dispatch namespace Fetcher, outbound Worker)
// answers, as the value of a BindingResult: the engine builds the Worker's result object from it
// directly instead of through a QVariantMap of headers and body.
struct FetchedResponse
{
    ResponseData response;
    QString url;
};

struct BindingResult
{
    QVariant value;
    QString error; // non-null: JS sees `Error(error)` thrown or the promise rejected with it

    static BindingResult success(QVariant value = {}) { return {std::move(value), {}}; }
    static BindingResult failure(const QString &message)
    {
        return {{}, message.isNull() ? QStringLiteral("") : message};
    }
    bool ok() const { return error.isNull(); }
};

// Callable once, from any thread: the engine posts the result back to the Instance's thread.
using BindingCompletion = std::function<void(BindingResult)>;

// The reserved binding name under which a Worker's own fetch() reaches the host when the host
// routes outbound traffic (an outbound Worker): method "fetch" with the request in
// BindingCall::request, answered like the fetch native. The subrequest is already counted.
inline constexpr char outboundFetchBinding[] = "__outbound__";

// Implemented by runtime/platform: the engine knows binding names, not what they do.
class BindingHost
{
public:
    virtual ~BindingHost() = default;

    // True when this Invocation's fetch() must go to callAsync() under outboundFetchBinding
    // instead of the network.
    virtual bool routesOutboundFetch() const { return false; }
    // Headers the platform sets on this Invocation's network subrequests, replacing the Worker's
    // own of the same name (the CF-EW-Via loop counter).
    virtual HeaderList outboundHeaders() const { return {}; }

    // Whether (binding, method) answers with a Promise. Decided before the call so a Worker always
    // gets the same shape from the same method.
    virtual bool isAsync(const BindingCall &call) const = 0;
    // Runs on the Instance's thread while the Worker waits: keep it short.
    virtual BindingResult call(const BindingCall &call) = 0;
    // Must not block; complete `done` later from any thread.
    virtual void callAsync(const BindingCall &call, BindingCompletion done) = 0;
};

} // namespace switchyard::engine

Q_DECLARE_METATYPE(switchyard::engine::FetchedResponse)
