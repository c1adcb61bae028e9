#include "workerbindings.h"

#include "cachepolicy.h"
#include "logging.h"
#include "platformservice.h"
#include "validation.h"

#include "store/cachestore.h"

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
    if (call.binding == QLatin1String(engine::outboundFetchBinding)
        || call.binding == QLatin1String(engine::cacheBinding))
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

static BindingResult noMethod(const BindingSpec &binding, const BindingCall &call)
{
    return BindingResult::failure(QStringLiteral("The %1 binding \"%2\" has no method %3().")
                                          .arg(binding.typeName, call.binding, call.method));
}

BindingResult WorkerBindings::call(const BindingCall &call)
{
    const BindingSpec *b = binding(call.binding);
    if (!b)
        return BindingResult::failure(
                QStringLiteral("This Worker has no binding named \"%1\".").arg(call.binding));
    using Type = BindingSpec::Type;
    if (const auto *write = call.as<engine::calls::WriteDataPoint>();
        write && b->type == Type::AnalyticsEngine)
        return writeDataPoint(*b, *write);
    if (const auto *get = call.as<engine::calls::DispatchGet>();
        get && b->type == Type::DispatchNamespace)
        return dispatchGet(*b, *get);
    return noMethod(*b, call);
}

void WorkerBindings::callAsync(const BindingCall &call, BindingCompletion done)
{
    const auto *fetch = call.as<engine::calls::Fetch>();
    if (call.binding == QLatin1String(engine::outboundFetchBinding) && routesOutboundFetch()) {
        // The user Worker's fetch() goes to the outbound Worker, with the parameters its
        // dispatcher filled in as env values. The engine counted the subrequest already.
        if (!fetch)
            return done(BindingResult::failure(QStringLiteral("fetch() came without a request.")));
        m_dispatcher.invokePlatformWorker(m_context.outboundService, fetch->request,
                                          m_context.outboundParams, m_context.loopBudget,
                                          fetched(fetch->request.url, std::move(done)));
        return;
    }
    if (call.binding == QLatin1String(engine::cacheBinding))
        return cacheCall(call, std::move(done));
    const BindingSpec *b = binding(call.binding);
    if (!b) {
        done(BindingResult::failure(
                QStringLiteral("This Worker has no binding named \"%1\".").arg(call.binding)));
        return;
    }
    using Type = BindingSpec::Type;
    if (b->type == Type::KvNamespace)
        return kvCall(*b, call, std::move(done));
    if ((b->type == Type::DispatchNamespace || b->type == Type::Service)
        && call.method == u"fetch") {
        if (!fetch)
            return done(BindingResult::failure(QStringLiteral("fetch() came without a request.")));
        return fetcherCall(*b, *fetch, std::move(done));
    }
    done(noMethod(*b, call));
}

BindingResult WorkerBindings::writeDataPoint(const BindingSpec &binding,
                                             const engine::calls::WriteDataPoint &write)
{
    store::AnalyticsPoint point;
    point.dataset = binding.target;
    point.timestamp = QDateTime::currentMSecsSinceEpoch();
    point.blobs = write.blobs;
    point.doubles = write.doubles;
    if (write.indexes.size() > 1)
        return BindingResult::failure(
                QStringLiteral(
                        "writeDataPoint(): a data point has at most 1 index, this one has %1.")
                        .arg(write.indexes.size()));
    if (!write.indexes.isEmpty())
        point.index1 = write.indexes.first();
    const auto written = m_service.appendDataPoints({point});
    if (!written)
        return BindingResult::failure(written.errorMessage());
    return BindingResult::success();
}

BindingResult WorkerBindings::dispatchGet(const BindingSpec &binding,
                                          const engine::calls::DispatchGet &get)
{
    const QString &nameSpace = binding.target;
    if (!m_service.snapshot()->script(nameSpace, get.worker))
        return BindingResult::failure(QString::fromLatin1("Worker not found."));
    FetcherHandle handle {nameSpace, get.worker, {}, {}, {}};
    handle.limits.cpuMs = get.cpuMs;
    handle.limits.subRequests = get.subRequests;
    const QJsonObject &outbound = binding.outbound;
    if (!outbound.isEmpty()) {
        handle.outboundService = outbound.value(u"worker").toObject().value(u"service").toString();
        // Only declared parameters reach the outbound Worker.
        for (const QJsonValue p : outbound.value(u"params").toArray()) {
            const QString name = p.toObject().value(u"name").toString();
            if (get.outbound.contains(name))
                handle.outboundParams.insert(name, get.outbound.value(name));
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
            // A Worker's exception keeps its class across the call; a limit or a missing
            // Worker is an Error.
            done(BindingResult::failure(
                    result.error,
                    result.outcome == engine::Outcome::Exception ? result.errorName : QString()));
    };
}

void WorkerBindings::fetcherCall(const BindingSpec &binding, const engine::calls::Fetch &fetch,
                                 BindingCompletion done)
{
    // The engine counted the subrequest.
    engine::RequestData request = fetch.request;
    auto complete = fetched(request.url, std::move(done));
    if (binding.type == BindingSpec::Type::Service) {
        m_dispatcher.invokePlatformWorker(binding.target, std::move(request), {},
                                          m_context.loopBudget, std::move(complete));
        return;
    }
    FetcherHandle handle;
    {
        std::lock_guard lock(m_mutex);
        handle = m_handles.value(fetch.handle);
    }
    if (handle.worker.isEmpty()) {
        complete(failedInvocation(engine::Outcome::Exception,
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
                                  m_context, std::move(complete));
}

namespace {
// Cloudflare's URL limit: a longer key is never stored, so it never matches either.
constexpr qsizetype kMaxCacheUrl = 16 * 1024;
const QString kCacheStatus = QStringLiteral("cf-cache-status");
} // namespace

std::optional<QString> WorkerBindings::cachePartition(bool isDefault, QString *refusal) const
{
    // Platform Workers share one cache; a trusted namespace's Workers one per namespace; in an
    // untrusted namespace every Worker has its own and no caches.default (Cloudflare's isolation
    // for Workers for Platforms).
    if (m_context.dispatchNamespace.isEmpty())
        return cachepolicy::partition({});
    const auto record = m_service.snapshot()->dispatchNamespace(m_context.dispatchNamespace);
    if (record && record->trustedWorkers)
        return cachepolicy::partition(m_context.dispatchNamespace);
    if (isDefault) {
        *refusal = QStringLiteral("caches.default is disabled for Workers in an untrusted dispatch "
                                  "namespace; use caches.open() for a cache of this Worker's own.");
        return std::nullopt;
    }
    return cachepolicy::partition(m_context.dispatchNamespace, m_context.scriptName);
}

void WorkerBindings::cacheCall(const BindingCall &call, BindingCompletion done)
{
    namespace calls = engine::calls;
    const auto *match = call.as<calls::CacheMatch>();
    const auto *put = call.as<calls::CachePut>();
    const auto *remove = call.as<calls::CacheDelete>();
    if (!match && !put && !remove)
        return done(BindingResult::failure(
                QStringLiteral("Cache has no method %1().").arg(call.method)));
    const std::optional<QString> &name = match ? match->cache : put ? put->cache : remove->cache;
    QString refusal;
    const auto partition = cachePartition(!name, &refusal);
    if (!partition)
        return done(BindingResult::failure(refusal));
    // The key is the URL without its fragment, which never reaches a cache.
    QString url = match ? match->url : put ? put->url : remove->url;
    if (const qsizetype hash = url.indexOf(u'#'); hash >= 0)
        url.truncate(hash);
    store::CacheStore *cache = m_service.cacheStore();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!cache || url.size() > kMaxCacheUrl) {
        if (remove)
            return done(BindingResult::success(false));
        return done(BindingResult::success(match ? QVariant::fromValue(nullptr) : QVariant()));
    }
    store::CacheStore::Key key {*partition,
                                name ? QStringLiteral("n:") + *name : QStringLiteral("d"), url};
    if (match) {
        cache->match(
                std::move(key), now,
                [done, ifNoneMatch = match->ifNoneMatch, ifModifiedSince = match->ifModifiedSince](
                        std::optional<store::CacheStore::Entry> entry) {
                    if (!entry)
                        return done(BindingResult::success(QVariant::fromValue(nullptr)));
                    engine::FetchedResponse hit;
                    if (cachepolicy::notModified(entry->headers, ifNoneMatch, ifModifiedSince)) {
                        hit.response.status = 304;
                        hit.response.statusText = QStringLiteral("Not Modified");
                        hit.response.headers = cachepolicy::notModifiedHeaders(entry->headers);
                    } else {
                        hit.response.status = entry->status;
                        hit.response.statusText = entry->statusText;
                        hit.response.headers = std::move(entry->headers);
                        hit.response.body = std::move(entry->body);
                    }
                    hit.response.headers.append({kCacheStatus, QStringLiteral("HIT")});
                    done(BindingResult::success(QVariant::fromValue(std::move(hit))));
                });
        return;
    }
    if (remove) {
        cache->remove(std::move(key), now,
                      [done](bool removed) { done(BindingResult::success(removed)); });
        return;
    }
    // What the cache declines (no-store, private, Set-Cookie, no freshness, too large) is not
    // stored and put() still resolves: Cloudflare's cache answers 413 and workerd ignores it.
    cachepolicy::Decision decision
            = cachepolicy::decide(put->response.status, put->response.headers, now);
    if (!decision.store)
        return done(BindingResult::success());
    store::CacheStore::Entry entry;
    entry.status = put->response.status;
    entry.statusText = put->response.statusText;
    entry.headers = std::move(decision.headers);
    entry.body = put->response.body;
    entry.expiresAt = now + decision.ttlMs;
    cache->put(std::move(key), std::move(entry), [done](bool) { done(BindingResult::success()); });
}

static QByteArray metadataJson(const QVariant &metadata)
{
    return QJsonDocument::fromVariant(QVariantMap {{QStringLiteral("m"), metadata}})
            .toJson(QJsonDocument::Compact)
            .mid(5)
            .chopped(1);
}

void WorkerBindings::kvCall(const BindingSpec &binding, const BindingCall &call,
                            BindingCompletion done)
{
    namespace calls = engine::calls;
    const QString &nsId = binding.target;
    // Only a bad key needs its subject spelled out; a read is on most requests' path.
    const auto checkKey = [&](const QString &key) -> std::optional<QString> {
        if (!validation::checkKvKey({}, key))
            return std::nullopt;
        return validation::checkKvKey(QStringLiteral("KV key %1 in binding %2")
                                              .arg(validation::quoted(key), call.binding),
                                      key);
    };
    if (const auto *get = call.as<calls::KvGet>()) {
        if (auto bad = checkKey(get->key))
            return done(BindingResult::failure(*bad));
        const auto value = m_service.kvView().get(nsId, get->key);
        if (!value)
            return done(BindingResult::success(QVariant::fromValue(nullptr)));
        if (!get->withMetadata) // get(): the bytes alone
            return done(BindingResult::success(value->value));
        QVariantMap result {{QStringLiteral("value"), value->value}};
        result.insert(QStringLiteral("metadata"),
                      value->metadata.isNull()
                              ? QVariant::fromValue(nullptr)
                              : QJsonDocument::fromJson(value->metadata).toVariant());
        return done(BindingResult::success(result));
    }
    if (const auto *list = call.as<calls::KvList>()) {
        const auto listed = m_service.kvList(nsId, list->prefix, list->limit, list->cursor);
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
    const auto *put = call.as<calls::KvPut>();
    const auto *remove = call.as<calls::KvDelete>();
    if (!put && !remove)
        return done(
                BindingResult::failure(QStringLiteral("KV has no method %1().").arg(call.method)));

    // Writes go through the one write path, on the service's thread; the Worker's promise
    // settles once the write is committed, so the next request sees it.
    PlatformService::KvPutOptions options;
    QByteArray value;
    if (put) {
        value = put->value;
        options.expiration = put->expiration;
        options.expirationTtl = put->expirationTtl;
        if (put->metadata.isValid() && !put->metadata.isNull())
            options.metadata = metadataJson(put->metadata);
    }
    const QString key = put ? put->key : remove->key;
    QMetaObject::invokeMethod(
            &m_service,
            [service = &m_service, nsId, key, value, options, put = bool(put),
             done = std::move(done)] {
                const Result<void> r = put ? service->kvPut(nsId, key, value, options)
                                           : service->kvDelete(nsId, key);
                done(r ? BindingResult::success() : BindingResult::failure(r.errorMessage()));
            },
            Qt::QueuedConnection);
}

} // namespace switchyard::platform
