#include "bindingbridge.h"

#include "limits.h"
#include "valueconvert.h"

#include <v8-container.h>
#include <v8-exception.h>
#include <v8-isolate.h>
#include <v8-primitive.h>

namespace switchyard::engine {

namespace {
// A Fetcher's handle (CONTRACT.md), the number its fetch() calls start with.
int fetcherHandle(v8::Local<v8::Value> handle)
{
    return handle->IsNumber() ? int(handle.As<v8::Number>()->Value()) : 0;
}

// Bytes of a structured-cloned value: a Uint8Array's own, a string's UTF-8, nothing for
// null/undefined (numbers and booleans as their text).
QByteArray bytesOf(const QVariant &v)
{
    if (v.typeId() == QMetaType::QByteArray)
        return v.toByteArray();
    if (!v.isValid() || v.isNull())
        return {};
    return v.toString().toUtf8();
}

QList<QByteArray> bytesOfEach(const QVariant &list)
{
    QList<QByteArray> out;
    for (const QVariant &v : list.toList())
        out.append(bytesOf(v));
    return out;
}

BindingKind kindOf(const QString &type)
{
    if (type == u"kv_namespace")
        return BindingKind::KvNamespace;
    if (type == u"analytics_engine")
        return BindingKind::AnalyticsEngine;
    if (type == u"dispatch_namespace")
        return BindingKind::DispatchNamespace;
    if (type == u"service")
        return BindingKind::Service;
    return BindingKind::Other;
}

BindingOp kvCall(const QString &method, const QVariantList &args)
{
    if (method == u"get")
        return calls::KvGet {args.value(0).toString(), args.value(1).toString() != u"value"};
    if (method == u"delete")
        return calls::KvDelete {args.value(0).toString()};
    if (method == u"list") {
        const QVariantMap o = args.value(0).toMap();
        const auto limit = o.constFind(QStringLiteral("limit"));
        return calls::KvList {o.value(QStringLiteral("prefix")).toString(),
                              limit == o.cend() ? 1000 : limit->toInt(),
                              o.value(QStringLiteral("cursor")).toString()};
    }
    if (method == u"put") {
        calls::KvPut put;
        put.key = args.value(0).toString();
        put.value = bytesOf(args.value(1));
        const QVariantMap o = args.value(2).toMap();
        if (o.contains(QStringLiteral("expiration")))
            put.expiration = qint64(o.value(QStringLiteral("expiration")).toDouble());
        if (o.contains(QStringLiteral("expirationTtl")))
            put.expirationTtl = qint64(o.value(QStringLiteral("expirationTtl")).toDouble());
        put.metadata = o.value(QStringLiteral("metadata"));
        return put;
    }
    return calls::Untyped {};
}

std::optional<QString> cacheName(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return std::nullopt;
    return v.toString();
}

// (cache, url, ifNoneMatch, ifModifiedSince), (cache, url, status, statusText, headers, body),
// (cache, url): CONTRACT.md.
BindingOp cacheCall(const QString &method, const QVariantList &args)
{
    if (method == u"match")
        return calls::CacheMatch {cacheName(args.value(0)), args.value(1).toString(),
                                  args.value(2).toString(), args.value(3).toString()};
    if (method == u"delete")
        return calls::CacheDelete {cacheName(args.value(0)), args.value(1).toString()};
    if (method == u"put") {
        calls::CachePut put {cacheName(args.value(0)), args.value(1).toString(), {}};
        put.response.status = args.value(2).toInt();
        put.response.statusText = args.value(3).toString();
        for (const QVariant &pair : args.value(4).toList()) {
            const QVariantList p = pair.toList();
            put.response.headers.append({p.value(0).toString(), p.value(1).toString()});
        }
        put.response.body = bytesOf(args.value(5));
        return put;
    }
    return calls::Untyped {};
}

// (name, args, cpuMs, subRequests, outbound): null or absent limits are 0, the default.
calls::DispatchGet dispatchGet(const QVariantList &args)
{
    return {args.value(0).toString(), args.value(1), args.value(2).toInt(), args.value(3).toInt(),
            args.value(4).toMap()};
}
} // namespace

BindingKinds BindingBridge::kindsOf(const QVariantList &env)
{
    BindingKinds kinds;
    for (const QVariant &descriptor : env) {
        const QVariantMap d = descriptor.toMap();
        kinds.insert(d.value(QStringLiteral("name")).toString(),
                     kindOf(d.value(QStringLiteral("type")).toString()));
    }
    return kinds;
}

BindingBridge::Decoded BindingBridge::decode(v8::Local<v8::Context> context,
                                             const std::shared_ptr<InvocationContext> &invocation,
                                             const QString &name, const QString &method,
                                             v8::Local<v8::Value> args, BindingCall *call,
                                             QString *refusal)
{
    v8::Isolate *iso = context->GetIsolate();
    call->invocation = InvocationRef(invocation, invocation->id);
    call->binding = name;
    call->method = method;
    const bool routed = name == QLatin1String(outboundFetchBinding);
    const BindingKind kind = routed || !invocation->bindingKinds
            ? BindingKind::Other
            : invocation->bindingKinds->value(name, BindingKind::Other);
    const uint32_t length = args->IsArray() ? args.As<v8::Array>()->Length() : 0;

    // The routed fetch() native counted its subrequest itself; a Fetcher's counts here, once it
    // is sure to reach the host.
    auto fetching = [&](calls::Fetch fetch) {
        if ((kind == BindingKind::DispatchNamespace || kind == BindingKind::Service)
            && !invocation->countSubrequest()) {
            *refusal = QLatin1String(messages::tooManySubrequests);
            return Decoded::Refused;
        }
        call->op = std::move(fetch);
        return Decoded::Call;
    };
    if (method == u"fetch" && length == 2 && !routed) {
        // A Fetcher forwarding the Invocation's own request as is, named by its Invocation id
        // (CONTRACT.md): the request the Invocation started with, minus a body a GET may have
        // come with (the Worker never saw one). Any other id is a request kept from an earlier
        // Invocation; undefined sends the prelude the long way.
        auto array = args.As<v8::Array>();
        v8::Local<v8::Value> handle;
        v8::Local<v8::Value> origin;
        if (!array->Get(context, 0).ToLocal(&handle) || !array->Get(context, 1).ToLocal(&origin))
            return Decoded::Threw;
        if (!origin->IsNumber() || quint64(origin.As<v8::Number>()->Value()) != invocation->id
            || invocation->kind != InvocationContext::Kind::Fetch)
            return Decoded::LongWay;
        calls::Fetch fetch {fetcherHandle(handle), invocation->request};
        fetch.request.body.reset();
        fetch.request.cf.reset();
        return fetching(std::move(fetch));
    }
    if (method == u"fetch" && length == 5) {
        // The request of every forwarded call: read into RequestData directly, not through a
        // QVariant tree of header pairs that the host would take apart again. A Fetcher's
        // arguments start with its handle; the routed fetch() native's with the method and end
        // with `redirect`, which an outbound Worker does not see.
        const uint32_t first = routed ? 0 : 1;
        auto array = args.As<v8::Array>();
        v8::Local<v8::Value> items[5];
        for (uint32_t i = 0; i < 5; ++i) {
            if (!array->Get(context, i).ToLocal(&items[i]))
                return Decoded::Threw;
        }
        calls::Fetch fetch;
        fetch.handle = routed ? 0 : fetcherHandle(items[0]);
        fetch.request.method = toQString(iso, items[first]);
        fetch.request.url = toQString(iso, items[first + 1]);
        fetch.request.headers = headersFromV8(context, items[first + 2]);
        QByteArray body;
        if (toBytes(items[first + 3], &body))
            fetch.request.body = std::move(body);
        return fetching(std::move(fetch));
    }

    QString error;
    const QVariantList list = toVariant(context, args, &error).toList();
    if (!error.isNull()) {
        iso->ThrowException(v8::Exception::TypeError(toV8String(iso, error)));
        return Decoded::Threw;
    }
    if (name == QLatin1String(cacheBinding)) {
        // Cloudflare counts every put(), match() and delete() against the subrequest limit.
        if (!invocation->countSubrequest()) {
            *refusal = QLatin1String(messages::tooManySubrequests);
            return Decoded::Refused;
        }
        call->op = cacheCall(method, list);
        return Decoded::Call;
    }
    switch (kind) {
    case BindingKind::KvNamespace:
        call->op = kvCall(method, list);
        break;
    case BindingKind::DispatchNamespace:
        if (method == u"get")
            call->op = dispatchGet(list);
        break;
    case BindingKind::AnalyticsEngine:
        if (method == u"writeDataPoint") {
            if (!invocation->countDataPoint()) {
                *refusal = QStringLiteral("writeDataPoint(): this invocation already wrote %1 "
                                          "data points, the most one invocation may write.")
                                   .arg(invocation->budget.dataPoints);
                return Decoded::Refused;
            }
            const QVariantMap point = list.value(0).toMap();
            calls::WriteDataPoint write;
            write.blobs = bytesOfEach(point.value(QStringLiteral("blobs")));
            for (const QVariant &d : point.value(QStringLiteral("doubles")).toList()) {
                bool ok = false;
                write.doubles.append(d.toDouble(&ok));
                if (!ok) {
                    *refusal = QStringLiteral("writeDataPoint(): doubles must be numbers.");
                    return Decoded::Refused;
                }
            }
            write.indexes = bytesOfEach(point.value(QStringLiteral("indexes")));
            call->op = std::move(write);
        }
        break;
    case BindingKind::Service:
    case BindingKind::Other:
        break;
    }
    if (std::holds_alternative<calls::Untyped>(call->op))
        call->args = list;
    return Decoded::Call;
}

} // namespace switchyard::engine
