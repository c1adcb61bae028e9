#pragma once

#include "invocation.h"

#include <QString>
#include <QVariant>

#include <functional>
#include <optional>
#include <variant>

namespace switchyard::engine {

// The binding calls the prelude's binding objects make (CONTRACT.md, "Binding methods"), decoded
// once by the engine's binding bridge. Values the Worker gave as structured clones stay
// QVariants: QString, double, bool, std::nullptr_t (JS null), invalid QVariant (undefined),
// QVariantList, QVariantMap and QByteArray (a Uint8Array/ArrayBuffer).
namespace calls {
// KV `get(key)` (the value alone) and `getWithMetadata(key)` (`{value, metadata}`).
struct KvGet
{
    QString key;
    bool withMetadata = true;
};
struct KvPut
{
    QString key;
    QByteArray value;
    std::optional<qint64> expiration; // seconds since the epoch
    std::optional<qint64> expirationTtl; // seconds from now
    QVariant metadata; // as given: invalid when absent, std::nullptr_t when null
};
struct KvDelete
{
    QString key;
};
struct KvList
{
    QString prefix;
    int limit = 1000;
    QString cursor;
};
// Analytics Engine `writeDataPoint(point)`; the engine has counted it against the Invocation's
// budget already.
struct WriteDataPoint
{
    QList<QByteArray> blobs;
    QList<double> doubles;
    QList<QByteArray> indexes;
};
// Dispatch namespace `get(name, args, {limits, outbound})`: answers a Fetcher handle (a number).
struct DispatchGet
{
    QString worker;
    QVariant args; // null when absent or `{}`
    int cpuMs = 0; // 0: the default
    int subRequests = 0;
    QVariantMap outbound; // the parameters for the namespace's outbound Worker
};
// `fetcher.fetch(...)` of a service binding (handle 0) or a dispatch namespace Fetcher, and a
// Worker's own fetch() routed to its outbound Worker (outboundFetchBinding). The request is read
// straight from JS; the subrequest is already counted.
struct Fetch
{
    int handle = 0;
    RequestData request;
};
// The Cache API (`caches.default`, `caches.open(name)`), under cacheBinding. `cache` is the name
// given to caches.open(), nullopt for caches.default. The prelude made every check workerd makes
// before a request reaches its cache (method, status, Vary); the subrequest is already counted.
struct CacheMatch
{
    std::optional<QString> cache;
    QString url;
    QString ifNoneMatch; // the request's conditional headers, empty when absent
    QString ifModifiedSince;
};
struct CachePut
{
    std::optional<QString> cache;
    QString url;
    ResponseData response;
};
struct CacheDelete
{
    std::optional<QString> cache;
    QString url;
};
// A method the bridge knows no type for: BindingCall::method and BindingCall::args as given.
struct Untyped
{
};
} // namespace calls

using BindingOp
        = std::variant<calls::Untyped, calls::KvGet, calls::KvPut, calls::KvDelete, calls::KvList,
                       calls::WriteDataPoint, calls::DispatchGet, calls::Fetch, calls::CacheMatch,
                       calls::CachePut, calls::CacheDelete>;

// One binding call from a Worker.
struct BindingCall
{
    InvocationRef invocation;
    QString binding; // its name in `env`
    QString method; // as the Worker called it, for messages
    BindingOp op;
    QVariantList args; // calls::Untyped only

    template<typename T> const T *as() const { return std::get_if<T>(&op); }
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
    // The error's class when it is not Error: a Worker that threw a TypeError into a Fetcher's
    // fetch() rejects it with a TypeError, as in workerd. One of JavaScript's own error names.
    QString errorName;

    static BindingResult success(QVariant value = {}) { return {std::move(value), {}, {}}; }
    static BindingResult failure(const QString &message, const QString &name = {})
    {
        return {{}, message.isNull() ? QStringLiteral("") : message, name};
    }
    bool ok() const { return error.isNull(); }
};

// Callable once, from any thread: the engine posts the result back to the Instance's thread.
using BindingCompletion = std::function<void(BindingResult)>;

// The reserved binding name under which a Worker's own fetch() reaches the host when the host
// routes outbound traffic (an outbound Worker): a calls::Fetch, answered like the fetch native.
inline constexpr char outboundFetchBinding[] = "__outbound__";

// The reserved binding name of the Cache API: the prelude's `caches` calls `match`, `put` and
// `delete` under it (CONTRACT.md), each a subrequest; the host answers a match with a
// FetchedResponse or null.
inline constexpr char cacheBinding[] = "__cache__";

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
    // gets the same shape from the same method. A limit the engine applies (subrequests, data
    // points) refuses a call the same way: a rejected Promise or a thrown Error.
    virtual bool isAsync(const BindingCall &call) const = 0;
    // Runs on the Instance's thread while the Worker waits: keep it short.
    virtual BindingResult call(const BindingCall &call) = 0;
    // Must not block; complete `done` later from any thread.
    virtual void callAsync(const BindingCall &call, BindingCompletion done) = 0;
};

} // namespace switchyard::engine

Q_DECLARE_METATYPE(switchyard::engine::FetchedResponse)
