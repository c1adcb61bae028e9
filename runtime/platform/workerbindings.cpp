#include "workerbindings.h"

#include "logging.h"
#include "platformservice.h"
#include "validation.h"

#include <QJsonDocument>

namespace switchyard::platform {

using engine::BindingCall;
using engine::BindingCompletion;
using engine::BindingResult;

WorkerBindings::WorkerBindings(WorkerInvoker &dispatcher, PlatformService &service,
                               WorkerContext context)
    : m_dispatcher(dispatcher), m_service(service), m_context(std::move(context))
{ }

QVariantList WorkerBindings::envDescriptors(const store::Bindings &bindings,
                                            const QVariantMap &extra)
{
    using store::Binding;
    QVariantList out;
    for (const Binding &b : bindings) {
        QVariantMap d {{QStringLiteral("type"), b.typeName()}, {QStringLiteral("name"), b.name}};
        if (const auto *text = b.as<Binding::PlainText>())
            d.insert(QStringLiteral("text"), text->text);
        else if (const auto *secret = b.as<Binding::SecretText>())
            d.insert(QStringLiteral("text"), secret->text);
        else if (const auto *json = b.as<Binding::Json>())
            d.insert(QStringLiteral("value"), json->value.toVariant());
        out.append(d);
    }
    for (auto it = extra.begin(); it != extra.end(); ++it)
        out.append(QVariantMap {{QStringLiteral("type"), QStringLiteral("json")},
                                {QStringLiteral("name"), it.key()},
                                {QStringLiteral("value"), it.value()}});
    return out;
}

const BindingSpec *WorkerBindings::binding(const QString &name) const
{
    if (!m_context.bindings)
        return nullptr;
    const auto it = m_context.bindings->constFind(name);
    return it == m_context.bindings->cend() ? nullptr : &*it;
}

bool WorkerBindings::isAsync(const BindingCall &call) const
{
    if (call.binding == QLatin1String(engine::outboundFetchBinding))
        return true;
    const BindingSpec *b = binding(call.binding);
    if (!b)
        return false;
    using Type = BindingSpec::Type;
    if (b->type == Type::KvNamespace)
        return true;
    if (b->type == Type::DispatchNamespace || b->type == Type::Service)
        return call.method == u"fetch";
    return false;
}

BindingResult WorkerBindings::call(const BindingCall &call)
{
    const BindingSpec *b = binding(call.binding);
    if (!b)
        return BindingResult::failure(
                QStringLiteral("This Worker has no binding named \"%1\".").arg(call.binding));
    using Type = BindingSpec::Type;
    if (b->type == Type::AnalyticsEngine && call.method == u"writeDataPoint")
        return writeDataPoint(*b, call.args);
    if (b->type == Type::DispatchNamespace && call.method == u"get")
        return dispatchGet(*b, call.args);
    return BindingResult::failure(QStringLiteral("The %1 binding \"%2\" has no method %3().")
                                          .arg(b->typeName, call.binding, call.method));
}

void WorkerBindings::callAsync(const BindingCall &call, BindingCompletion done)
{
    if (call.binding == QLatin1String(engine::outboundFetchBinding) && routesOutboundFetch()) {
        // The user Worker's fetch() goes to the outbound Worker, with the parameters its
        // dispatcher filled in as env values. The engine counted the subrequest already.
        if (!call.request)
            return done(BindingResult::failure(QStringLiteral("fetch() came without a request.")));
        m_dispatcher.invokePlatformWorker(m_context.outboundService, *call.request,
                                          m_context.outboundParams, m_context.loopBudget,
                                          fetched(call.request->url, std::move(done)));
        return;
    }
    const BindingSpec *b = binding(call.binding);
    if (!b) {
        done(BindingResult::failure(
                QStringLiteral("This Worker has no binding named \"%1\".").arg(call.binding)));
        return;
    }
    using Type = BindingSpec::Type;
    if (b->type == Type::KvNamespace)
        return kvCall(*b, call, std::move(done));
    if ((b->type == Type::DispatchNamespace || b->type == Type::Service) && call.method == u"fetch")
        return fetcherCall(*b, call, std::move(done));
    done(BindingResult::failure(QStringLiteral("The %1 binding \"%2\" has no method %3().")
                                        .arg(b->typeName, call.binding, call.method)));
}

static QByteArray bytesOf(const QVariant &v)
{
    if (v.typeId() == QMetaType::QByteArray)
        return v.toByteArray();
    if (!v.isValid() || v.isNull())
        return {};
    return v.toString().toUtf8();
}

BindingResult WorkerBindings::writeDataPoint(const BindingSpec &binding, const QVariantList &args)
{
    {
        std::lock_guard lock(m_mutex);
        if (++m_dataPoints > kMaxDataPointsPerInvocation)
            return BindingResult::failure(
                    QStringLiteral("writeDataPoint(): this invocation already wrote %1 data "
                                   "points, the most one invocation may write.")
                            .arg(kMaxDataPointsPerInvocation));
    }
    const QVariantMap input = args.value(0).toMap();
    store::AnalyticsPoint point;
    point.dataset = binding.target;
    point.timestamp = QDateTime::currentMSecsSinceEpoch();
    for (const QVariant &blob : input.value(QStringLiteral("blobs")).toList())
        point.blobs.append(bytesOf(blob));
    for (const QVariant &d : input.value(QStringLiteral("doubles")).toList()) {
        bool ok = false;
        point.doubles.append(d.toDouble(&ok));
        if (!ok)
            return BindingResult::failure(
                    QStringLiteral("writeDataPoint(): doubles must be numbers."));
    }
    const QVariantList indexes = input.value(QStringLiteral("indexes")).toList();
    if (indexes.size() > 1)
        return BindingResult::failure(
                QStringLiteral(
                        "writeDataPoint(): a data point has at most 1 index, this one has %1.")
                        .arg(indexes.size()));
    if (!indexes.isEmpty())
        point.index1 = bytesOf(indexes.first());
    const auto written = m_service.appendDataPoints({point});
    if (!written)
        return BindingResult::failure(written.errorMessage());
    return BindingResult::success();
}

BindingResult WorkerBindings::dispatchGet(const BindingSpec &binding, const QVariantList &args)
{
    const QString &nameSpace = binding.target;
    const QString worker = args.value(0).toString();
    if (!m_service.snapshot()->script(nameSpace, worker))
        return BindingResult::failure(QString::fromLatin1("Worker not found."));
    FetcherHandle handle {nameSpace, worker, {}, {}, {}};
    // (name, args, cpuMs, subRequests, outbound): null or absent limits are 0, the default.
    handle.limits.cpuMs = args.value(2).toInt();
    handle.limits.subRequests = args.value(3).toInt();
    const QJsonObject &outbound = binding.outbound;
    if (!outbound.isEmpty()) {
        handle.outboundService = outbound.value(u"worker").toObject().value(u"service").toString();
        const QVariantMap given = args.value(4).toMap();
        // Only declared parameters reach the outbound Worker.
        for (const QJsonValue p : outbound.value(u"params").toArray()) {
            const QString name = p.toObject().value(u"name").toString();
            if (given.contains(name))
                handle.outboundParams.insert(name, given.value(name));
        }
    }
    std::lock_guard lock(m_mutex);
    const int id = m_nextHandle++;
    m_handles.insert(id, handle);
    return BindingResult::success(double(id));
}

WorkerInvoker::Done WorkerBindings::fetched(const QString &url, BindingCompletion done)
{
    return [done = std::move(done), url](const engine::InvocationResult &result) {
        if (result.response)
            done(BindingResult::success(
                    QVariant::fromValue(engine::FetchedResponse {*result.response, url})));
        else
            done(BindingResult::failure(result.error));
    };
}

void WorkerBindings::fetcherCall(const BindingSpec &binding, const BindingCall &call,
                                 BindingCompletion done)
{
    if (!call.invocation.countSubrequest()) {
        done(BindingResult::failure(QString::fromLatin1(engine::messages::tooManySubrequests)));
        return;
    }
    if (!call.request) {
        done(BindingResult::failure(QStringLiteral("fetch() came without a request.")));
        return;
    }
    engine::RequestData request = *call.request;
    auto complete = fetched(request.url, std::move(done));
    if (binding.type == BindingSpec::Type::Service) {
        m_dispatcher.invokePlatformWorker(binding.target, std::move(request), {},
                                          m_context.loopBudget, std::move(complete));
        return;
    }
    FetcherHandle handle;
    {
        std::lock_guard lock(m_mutex);
        handle = m_handles.value(call.args.value(0).toInt());
    }
    if (handle.worker.isEmpty()) {
        complete(failedInvocation(QStringLiteral("exception"),
                                  QStringLiteral("This Fetcher is not valid.")));
        return;
    }
    // Trusted namespaces see what the dispatcher saw; untrusted ones get no request.cf.
    std::optional<QJsonObject> cf;
    const auto ns = m_service.snapshot()->dispatchNamespace(handle.nameSpace);
    if (ns && ns->trustedWorkers)
        cf = m_context.cf;
    m_dispatcher.invokeUserWorker(handle.nameSpace, handle.worker, std::move(request),
                                  handle.limits, cf, handle.outboundService, handle.outboundParams,
                                  m_context.loopBudget, std::move(complete));
}

void WorkerBindings::kvCall(const BindingSpec &binding, const BindingCall &call,
                            BindingCompletion done)
{
    const QString &nsId = binding.target;
    const QString key = call.args.value(0).toString();
    // Only a bad key needs its subject spelled out; a read is on most requests' path.
    const auto checkKey = [&]() -> std::optional<QString> {
        if (!validation::checkKvKey({}, key))
            return std::nullopt;
        return validation::checkKvKey(QStringLiteral("KV key %1 in binding %2")
                                              .arg(validation::quoted(key), call.binding),
                                      key);
    };
    if (call.method == u"get") {
        if (auto bad = checkKey())
            return done(BindingResult::failure(*bad));
        const auto value = m_service.kvView().get(nsId, key);
        if (!value)
            return done(BindingResult::success(QVariant::fromValue(nullptr)));
        if (call.args.value(1).toString() == u"value") // get(): the bytes alone
            return done(BindingResult::success(value->value));
        QVariantMap result {{QStringLiteral("value"), value->value}};
        result.insert(QStringLiteral("metadata"),
                      value->metadata.isNull()
                              ? QVariant::fromValue(nullptr)
                              : QJsonDocument::fromJson(value->metadata).toVariant());
        return done(BindingResult::success(result));
    }
    if (call.method == u"list") {
        const QVariantMap o = call.args.value(0).toMap();
        const int limit = o.value(QStringLiteral("limit"), 1000).toInt();
        const auto listed = m_service.kvList(nsId, o.value(QStringLiteral("prefix")).toString(),
                                             limit, o.value(QStringLiteral("cursor")).toString());
        if (!listed)
            return done(BindingResult::failure(listed.errorMessage()));
        QVariantList keys;
        for (const auto &k : listed->keys) {
            QVariantMap entry {{QStringLiteral("name"), k.name}};
            if (k.expiration)
                entry.insert(QStringLiteral("expiration"), double(*k.expiration));
            if (!k.metadata.isNull())
                entry.insert(QStringLiteral("metadata"),
                             QJsonDocument::fromJson(k.metadata).toVariant());
            keys.append(entry);
        }
        QVariantMap result {{QStringLiteral("keys"), keys},
                            {QStringLiteral("list_complete"), listed->listComplete}};
        if (!listed->listComplete)
            result.insert(QStringLiteral("cursor"), listed->cursor);
        return done(BindingResult::success(result));
    }
    if (call.method != u"put" && call.method != u"delete")
        return done(
                BindingResult::failure(QStringLiteral("KV has no method %1().").arg(call.method)));

    // Writes go through the one write path, on the service's thread; the Worker's promise
    // settles once the write is committed, so the next request sees it.
    PlatformService::KvPutOptions options;
    QByteArray value;
    if (call.method == u"put") {
        value = bytesOf(call.args.value(1));
        const QVariantMap o = call.args.value(2).toMap();
        if (o.contains(QStringLiteral("expiration")))
            options.expiration = qint64(o.value(QStringLiteral("expiration")).toDouble());
        if (o.contains(QStringLiteral("expirationTtl")))
            options.expirationTtl = qint64(o.value(QStringLiteral("expirationTtl")).toDouble());
        const QVariant metadata = o.value(QStringLiteral("metadata"));
        if (metadata.isValid() && !metadata.isNull())
            options.metadata
                    = QJsonDocument::fromVariant(QVariantMap {{QStringLiteral("m"), metadata}})
                              .toJson(QJsonDocument::Compact)
                              .mid(5)
                              .chopped(1);
    }
    const bool put = call.method == u"put";
    QMetaObject::invokeMethod(
            &m_service,
            [service = &m_service, nsId, key, value, options, put, done = std::move(done)] {
                const Result<void> r = put ? service->kvPut(nsId, key, value, options)
                                           : service->kvDelete(nsId, key);
                done(r ? BindingResult::success() : BindingResult::failure(r.errorMessage()));
            },
            Qt::QueuedConnection);
}

} // namespace switchyard::platform
