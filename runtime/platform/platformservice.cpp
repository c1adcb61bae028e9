#include "platformservice.h"

#include "livetails.h"

#include "logging.h"
#include "scriptchecker.h"
#include "store/batchwriter.h"
#include "store/changefeed.h"
#include "store/database.h"
#include "store/queries.h"
#include "validation.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>
#include <QSet>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace switchyard::platform {

using validation::quoted;

namespace {

const QString kActiveDispatcherSetting = QStringLiteral("active_dispatcher");

QByteArray contentHash(const store::ScriptModules &modules)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const store::ScriptModule &module : modules) {
        const QByteArray name = module.name.toUtf8();
        const QByteArray type = module.contentType.toUtf8();
        // Lengths first, so no two different module lists hash the same bytes.
        for (const QByteArray *part : {&name, &type, &module.code}) {
            const quint64 size = quint64(part->size());
            hash.addData(QByteArrayView(reinterpret_cast<const char *>(&size), sizeof size));
            hash.addData(*part);
        }
    }
    return hash.result().toHex();
}

Error invalid(const QString &message)
{
    return {ErrorKind::Invalid, message};
}

Error notFound(const QString &message)
{
    return {ErrorKind::NotFound, message};
}

QString namespaceNotFound(const QString &ns)
{
    return QStringLiteral("Dispatch namespace %1 does not exist").arg(quoted(ns));
}

QString kvNamespaceNotFound(const QString &id)
{
    return QStringLiteral("KV namespace %1 does not exist").arg(quoted(id));
}

QString scriptSubject(const QString &ns, const QString &name)
{
    return QStringLiteral("Script %1 in namespace %2").arg(quoted(name), quoted(ns));
}

QString kvSubject(const QString &what, const store::KvNamespaceRecord &ns, const QString &key)
{
    return QStringLiteral("%1 %2 in namespace %3").arg(what, quoted(key), ns.title);
}

// Stored code passed validation when it was stored; what its bindings point at may have gone
// since, which the request path answers when a call reaches it.
void readBindings(const QString &subject, store::WorkerCode &code)
{
    if (auto message = validation::checkBindings(subject, code.bindings, {}, &code.typedBindings))
        qCWarning(lcPlatform).noquote() << "Loading:" << *message;
}

bool matches(const store::ScriptRecord &script, const QList<PlatformService::TagFilter> &filters)
{
    return std::all_of(filters.cbegin(), filters.cend(), [&](const auto &filter) {
        return script.tags.contains(filter.tag) == filter.present;
    });
}

// Which of a deployment's versions platform_workers holds: the larger share, the first on a tie.
int primaryShare(const QList<store::DeploymentShare> &shares)
{
    return shares.size() == 2 && shares.at(1).percentage > shares.at(0).percentage ? 1 : 0;
}

// `version` as the other half of `primary`'s gradual deployment; its modules are the caller's.
std::shared_ptr<store::PlatformWorkerRecord> splitRecord(const store::PlatformWorkerRecord &primary,
                                                         const store::WorkerVersionRecord &version,
                                                         double percentage)
{
    auto split = std::make_shared<store::PlatformWorkerRecord>();
    split->id = primary.id;
    split->name = primary.name;
    split->kind = primary.kind;
    split->code = version.code;
    // Tail consumers are a setting of the Worker, not of a version.
    split->code.tailConsumers = primary.code.tailConsumers;
    split->contentHash = version.contentHash;
    split->createdAt = primary.createdAt;
    split->modifiedAt = primary.modifiedAt;
    split->versionId = version.id;
    split->splitPercentage = percentage;
    split->isSplitVersion = true;
    return split;
}

// Whether `deployment` serves one of `versionIds`.
bool names(const store::WorkerDeploymentRecord &deployment, const QStringList &versionIds)
{
    return std::any_of(deployment.versions.cbegin(), deployment.versions.cend(),
                       [&](const auto &share) { return versionIds.contains(share.versionId); });
}

// Whether two uploads are the same Worker Version: Cloudflare versions the code, bindings and
// compatibility settings, not tail consumers.
bool sameVersionedCode(const store::WorkerCode &a, const store::WorkerCode &b)
{
    return a.modules == b.modules && a.mainModule == b.mainModule
            && a.compatibilityDate == b.compatibilityDate
            && a.compatibilityFlags == b.compatibilityFlags && a.bindings == b.bindings;
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// What a node tells the others about an edit: its id alone (read everything again), or a JSON
// object naming what to read again: KV keys, one user Worker or one custom hostname. NOTIFY
// payloads end at 8000 bytes; a longer list of keys falls back to the id alone.
template<typename ChangeT> QString feedPayload(const QString &nodeId, const ChangeT &change)
{
    QJsonObject payload {{QStringLiteral("node"), nodeId}};
    if (!change.kvNamespace.isEmpty() && !change.kvKeys.isEmpty()) {
        payload.insert(QStringLiteral("kv_namespace"), change.kvNamespace);
        payload.insert(QStringLiteral("keys"), QJsonArray::fromStringList(change.kvKeys));
    } else if (!change.scriptName.isEmpty()) {
        payload.insert(QStringLiteral("script_namespace"), change.scriptNamespace);
        payload.insert(QStringLiteral("script"), change.scriptName);
    } else if (!change.customHostname.isEmpty()) {
        payload.insert(QStringLiteral("custom_hostname"), change.customHostname);
    } else {
        return nodeId;
    }
    const QByteArray json = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    return json.size() <= 7000 ? QString::fromUtf8(json) : nodeId;
}

} // namespace

PlatformService::PlatformService(store::Database &database, const Clock &clock,
                                 store::BatchWriter *appendWriter, QObject *parent)
    : QObject(parent), m_database(database), m_queries(std::make_unique<store::Queries>(database)),
      m_clock(clock), m_appendWriter(appendWriter), m_liveTails(std::make_unique<LiveTails>()),
      m_kv(clock), m_nodeId(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    // Reads hide expired entries on time; this sweep only reclaims their space.
    m_sweep.setInterval(60 * 1000);
    connect(&m_sweep, &QTimer::timeout, this, &PlatformService::purgeExpiredKv);
    m_health.setInterval(kHealthCheckIntervalMs);
    connect(&m_health, &QTimer::timeout, this, &PlatformService::checkStore);
}

PlatformService::~PlatformService() = default;

Error PlatformService::storageError(const QString &what, const QString &message) const
{
    qCWarning(lcPlatform).noquote() << what << "failed:" << message;
    return {ErrorKind::Storage,
            QStringLiteral("%1: the database refused the change (%2); nothing was changed")
                    .arg(what, message)};
}

std::optional<Error> PlatformService::wrongThread() const
{
    if (QThread::currentThread() == thread())
        return std::nullopt;
    return Error {ErrorKind::Storage,
                  QStringLiteral("PlatformService was called from a thread other than its own; "
                                 "use QMetaObject::invokeMethod")};
}

Error PlatformService::unavailable(const QString &what) const
{
    return {ErrorKind::Unavailable,
            QStringLiteral("%1: the platform's store %2 cannot be reached (%3); edits are refused "
                           "until it is back, and this node keeps serving the platform as it was")
                    .arg(what, m_database.location().display(), m_storeProblem)};
}

Result<void> PlatformService::commit(const Change &change)
{
    const bool shared = m_database.isPostgres();
    // Reconnecting here, not only on the next check, lets the first edit after the store
    // returns succeed.
    if (shared && !m_storeAvailable && !recoverStore())
        return unavailable(change.what());
    if (auto failure = m_database.transaction([&] {
            change.write();
            // Delivered to every node at commit, or not at all with a rollback.
            if (shared)
                store::notifyChange(m_database, feedPayload(m_nodeId, change));
        })) {
        if (shared && !m_database.ping()) {
            storeLost(*failure);
            return unavailable(change.what());
        }
        return storageError(change.what(), *failure);
    }
    if (change.apply) {
        auto next = std::make_shared<PlatformSnapshot>(*m_view.snapshot());
        change.apply(*next);
        publish(std::move(next));
    }
    if (change.after)
        change.after();
    return {};
}

void PlatformService::publish(std::shared_ptr<PlatformSnapshot> next)
{
    ++next->generation;
    m_view.publish(std::move(next));
}

Result<std::shared_ptr<PlatformSnapshot>> PlatformService::readState(KvView &kv)
{
    auto next = std::make_shared<PlatformSnapshot>();
    const auto failure = m_database.readTransaction([&] {
        for (const store::NamespaceRecord &ns : m_queries->namespaces()) {
            next->namespaces.insert(ns.name, std::make_shared<const store::NamespaceRecord>(ns));
            next->scripts[ns.name];
        }
        for (store::ScriptRecord &script : m_queries->scripts()) {
            readBindings(scriptSubject(script.namespaceName, script.name), script.code);
            auto record = std::make_shared<const store::ScriptRecord>(std::move(script));
            next->scripts[record->namespaceName].insert(record->name, record);
        }
        for (store::WorkerVersionRecord &version : m_queries->workerVersions()) {
            auto record = std::make_shared<const store::WorkerVersionRecord>(std::move(version));
            next->workerVersions[record->workerName].append(record);
        }
        for (store::WorkerDeploymentRecord &deployment : m_queries->workerDeployments()) {
            auto record
                    = std::make_shared<const store::WorkerDeploymentRecord>(std::move(deployment));
            next->workerDeployments[record->workerName].append(record);
        }
        for (store::PlatformWorkerRecord &worker : m_queries->platformWorkers()) {
            const QString subject = QStringLiteral("Platform Worker %1").arg(quoted(worker.name));
            readBindings(subject, worker.code);
            const auto deployments = next->workerDeployments.value(worker.name);
            if (!deployments.isEmpty()) {
                const auto &shares = deployments.first()->versions;
                const int primary = primaryShare(shares);
                worker.versionId = shares.at(primary).versionId;
                if (shares.size() == 2) {
                    const store::DeploymentShare &other = shares.at(1 - primary);
                    for (const auto &version : next->workerVersions.value(worker.name)) {
                        if (version->id != other.versionId)
                            continue;
                        auto split = splitRecord(worker, *version, other.percentage);
                        split->code.modules = m_queries->versionModules(version->rowId);
                        readBindings(subject, split->code);
                        worker.splitVersion = std::move(split);
                        worker.splitPercentage = other.percentage;
                    }
                }
            }
            auto record = std::make_shared<const store::PlatformWorkerRecord>(std::move(worker));
            next->platformWorkers.insert(record->name, record);
        }
        next->activeDispatcher = m_queries->settings().value(kActiveDispatcherSetting);
        for (const store::CustomHostnameRecord &host : m_queries->customHostnames())
            next->customHostnames.insert(host.hostname,
                                         std::make_shared<const store::CustomHostnameRecord>(host));
        for (const store::KvNamespaceRecord &ns : m_queries->kvNamespaces()) {
            next->kvNamespaces.insert(ns.id, ns);
            kv.addNamespace(ns.id);
        }
        m_queries->forEachKvEntry([&](const QString &ns, const QString &key, store::KvValue value) {
            kv.put(ns, key, std::move(value));
        });
    });
    if (failure)
        return storageError(QStringLiteral("Loading the platform state"), *failure);
    return next;
}

Result<void> PlatformService::load()
{
    if (auto error = wrongThread())
        return *error;
    // Listen before reading, so no edit committed in between goes unnoticed.
    if (m_database.isPostgres() && !m_feed) {
        if (auto listening = listenForChanges(); !listening)
            return listening.error();
    }
    auto next = readState(m_kv);
    if (!next)
        return next.error();
    publish(std::move(next.value()));
    m_sweep.start();
    if (m_database.isPostgres())
        m_health.start();
    return {};
}

Result<void> PlatformService::listenForChanges()
{
    m_feed.reset();
    QString error;
    m_feed = store::ChangeFeed::listen(m_database.location(), &error);
    if (!m_feed)
        return Error {ErrorKind::Storage, error};
    connect(m_feed.get(), &store::ChangeFeed::changed, this, [this](const QString &payload) {
        QString origin = payload;
        QJsonObject kv;
        if (payload.startsWith(QLatin1Char('{'))) {
            kv = QJsonDocument::fromJson(payload.toUtf8()).object();
            origin = kv.value(u"node").toString();
        }
        // This node's own edits are in its view already.
        if (origin == m_nodeId)
            return;
        const QString ns = kv.value(u"kv_namespace").toString();
        const QJsonArray keys = kv.value(u"keys").toArray();
        const QString script = kv.value(u"script").toString();
        const QString hostname = kv.value(u"custom_hostname").toString();
        if (!ns.isEmpty() && !keys.isEmpty()) {
            QSet<QString> &pending = m_pendingKv[ns];
            for (const QJsonValue key : keys)
                pending.insert(key.toString());
        } else if (!script.isEmpty()) {
            m_pendingScripts.insert({kv.value(u"script_namespace").toString(), script});
        } else if (!hostname.isEmpty()) {
            m_pendingHostnames.insert(hostname);
        } else {
            m_pendingFull = true;
        }
        if (m_reloadPending)
            return;
        // One reload for a burst of notifications.
        m_reloadPending = true;
        QMetaObject::invokeMethod(this, &PlatformService::applyNotifications, Qt::QueuedConnection);
    });
    return {};
}

void PlatformService::checkStore()
{
    if (!m_storeAvailable) {
        recoverStore();
        return;
    }
    // The listening connection runs no query of its own (it would swallow notifications), so
    // this one asks the server whether that connection is still there.
    bool listening = false;
    try {
        QSqlQuery query = m_database.exec(
                QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = ?"),
                {m_feed ? m_feed->backendPid() : qint64(0)});
        listening = query.next() && query.value(0).toLongLong() > 0;
    } catch (const store::SqlError &error) {
        if (!m_database.ping()) {
            storeLost(error.message());
            return;
        }
    }
    if (listening)
        return;
    // The server is there but the feed is not (its connection was ended): whatever was
    // committed since is unknown here, so listen again and read everything.
    qCWarning(lcPlatform) << "the change feed's connection was lost; listening again";
    if (!listenForChanges() || !reloadChanged())
        storeLost(QStringLiteral("the change feed cannot listen"));
}

void PlatformService::storeLost(const QString &why)
{
    m_feed.reset();
    // The driver's words, without the statement store::Database::exec() appends.
    m_storeProblem = why.left(why.lastIndexOf(QLatin1String(" (in "))).simplified();
    if (m_storeProblem.isEmpty()
        || m_storeProblem == QLatin1String("QPSQL: Unable to create query"))
        m_storeProblem = QStringLiteral("the connection to the server was lost");
    // Driver messages may quote connection details.
    if (const QString &password = m_database.location().password; !password.isEmpty())
        m_storeProblem.replace(password, QStringLiteral("***"));
    if (!m_storeAvailable)
        return;
    m_storeAvailable = false;
    qCWarning(lcPlatform).noquote()
            << "the store" << m_database.location().display()
            << "cannot be reached; serving the platform as it was and refusing edits until it is "
               "back:"
            << m_storeProblem;
    Q_EMIT storeAvailabilityChanged(false);
}

bool PlatformService::recoverStore()
{
    QString error;
    if (!m_database.reconnect(&error)) {
        m_storeProblem = error.trimmed();
        return false;
    }
    // As at load(): listen first, then read, so nothing committed in between is missed.
    if (auto listening = listenForChanges(); !listening) {
        m_storeProblem = listening.errorMessage();
        return false;
    }
    if (!reloadChanged()) {
        m_feed.reset();
        return false;
    }
    m_storeAvailable = true;
    m_storeProblem.clear();
    qCInfo(lcPlatform).noquote() << "the store" << m_database.location().display()
                                 << "is back; reloaded the platform from it";
    Q_EMIT storeAvailabilityChanged(true);
    return true;
}

void PlatformService::applyNotifications()
{
    m_reloadPending = false;
    if (m_pendingFull) {
        reloadChanged();
        return;
    }
    if (!m_pendingKv.isEmpty())
        reloadKv(std::exchange(m_pendingKv, {}));
    if (!m_pendingScripts.isEmpty() || !m_pendingHostnames.isEmpty())
        reloadRecords(std::exchange(m_pendingScripts, {}), std::exchange(m_pendingHostnames, {}));
}

void PlatformService::reloadRecords(const QSet<std::pair<QString, QString>> &scripts,
                                    const QSet<QString> &hostnames)
{
    QElapsedTimer took;
    took.start();
    QList<std::pair<std::pair<QString, QString>, std::optional<store::ScriptRecord>>> readScripts;
    QList<std::pair<QString, std::optional<store::CustomHostnameRecord>>> readHostnames;
    const auto failure = m_database.readTransaction([&] {
        for (const auto &[ns, name] : scripts) {
            std::optional<store::ScriptRecord> record = m_queries->script(ns, name);
            if (record)
                readBindings(scriptSubject(ns, name), record->code);
            readScripts.append({{ns, name}, std::move(record)});
        }
        for (const QString &hostname : hostnames)
            readHostnames.append({hostname, m_queries->customHostname(hostname)});
    });
    if (failure) {
        qCWarning(lcPlatform).noquote()
                << "reading what another node's edit changed failed:" << *failure;
        if (!m_database.ping())
            storeLost(*failure);
        else
            reloadChanged();
        return;
    }
    const auto before = m_view.snapshot();
    // A namespace this node does not know yet (its creation's notification asks for everything,
    // which may still be on its way) is read with everything else.
    for (const auto &[key, record] : std::as_const(readScripts)) {
        if (!before->namespaces.contains(key.first)) {
            reloadChanged();
            return;
        }
    }
    auto next = std::make_shared<PlatformSnapshot>(*before);
    for (auto &[key, record] : readScripts) {
        if (record)
            next->scripts[key.first].insert(
                    key.second, std::make_shared<const store::ScriptRecord>(std::move(*record)));
        else
            next->scripts[key.first].remove(key.second);
    }
    for (auto &[hostname, record] : readHostnames) {
        if (record)
            next->customHostnames.insert(
                    hostname,
                    std::make_shared<const store::CustomHostnameRecord>(std::move(*record)));
        else
            next->customHostnames.remove(hostname);
    }
    publish(std::move(next));
    for (const auto &[key, record] : std::as_const(readScripts))
        Q_EMIT scriptChanged(key.first, key.second);
    for (const auto &[hostname, record] : std::as_const(readHostnames))
        Q_EMIT customHostnameChanged(hostname);
    qCDebug(lcPlatform) << "read" << readScripts.size() << "Workers and" << readHostnames.size()
                        << "custom hostnames after another node's edit in" << took.elapsed()
                        << "ms";
}

void PlatformService::reloadKv(const QHash<QString, QSet<QString>> &keys)
{
    QElapsedTimer took;
    took.start();
    QHash<QString, QList<std::pair<QString, std::optional<store::KvValue>>>> read;
    const auto failure = m_database.readTransaction([&] {
        for (auto ns = keys.cbegin(); ns != keys.cend(); ++ns)
            for (const QString &key : ns.value())
                read[ns.key()].append({key, m_queries->kvEntry(ns.key(), key)});
    });
    if (failure) {
        // Whatever could not be read is read with everything else once the store answers.
        qCWarning(lcPlatform).noquote()
                << "reading KV keys after another node's edit failed:" << *failure;
        if (!m_database.ping())
            storeLost(*failure);
        else
            reloadChanged();
        return;
    }
    for (auto ns = read.cbegin(); ns != read.cend(); ++ns) {
        // A namespace this node does not know yet comes with the full reload its creation asks.
        if (!m_kv.hasNamespace(ns.key()))
            continue;
        QStringList changed;
        for (const auto &[key, value] : ns.value()) {
            if (value)
                m_kv.put(ns.key(), key, *value);
            else
                m_kv.remove(ns.key(), key);
            changed << key;
        }
        if (changed.size() == 1)
            Q_EMIT kvChanged(ns.key(), changed.constFirst());
        else
            Q_EMIT kvBulkChanged(ns.key(), changed);
    }
    qCDebug(lcPlatform) << "read" << read.size()
                        << "KV namespaces' keys after another node's edit in" << took.elapsed()
                        << "ms";
}

bool PlatformService::reloadChanged()
{
    m_reloadPending = false;
    // Everything is read again: what was pending is in it.
    m_pendingFull = false;
    m_pendingKv.clear();
    QElapsedTimer took;
    took.start();
    KvView kv(m_clock);
    auto read = readState(kv);
    if (!read) {
        qCWarning(lcPlatform).noquote()
                << "reloading after another node's edit failed:" << read.errorMessage();
        if (m_database.isPostgres() && m_storeAvailable && !m_database.ping())
            storeLost(read.errorMessage());
        return false;
    }
    std::shared_ptr<PlatformSnapshot> next = std::move(read.value());
    const auto before = m_view.snapshot();
    const QHash<QString, QStringList> kvChanged = m_kv.swapEntries(kv);
    publish(next);

    // The same signals a local edit emits, for exactly what differs.
    if (QSet<QString>(before->namespaces.keyBegin(), before->namespaces.keyEnd())
                != QSet<QString>(next->namespaces.keyBegin(), next->namespaces.keyEnd())
        || std::any_of(next->namespaces.cbegin(), next->namespaces.cend(), [&](const auto &ns) {
               const auto old = before->namespaces.value(ns->name);
               return !old || old->trustedWorkers != ns->trustedWorkers;
           }))
        Q_EMIT namespacesChanged();
    auto sameCode = [](const auto &a, const auto &b) {
        return a && b && a->contentHash == b->contentHash && a->modifiedAt == b->modifiedAt
                && a->code.bindings == b->code.bindings;
    };
    QSet<std::pair<QString, QString>> scripts;
    for (const auto *snapshot : {before.get(), static_cast<const PlatformSnapshot *>(next.get())})
        for (auto ns = snapshot->scripts.cbegin(); ns != snapshot->scripts.cend(); ++ns)
            for (auto it = ns->cbegin(); it != ns->cend(); ++it)
                scripts.insert({ns.key(), it.key()});
    for (const auto &[ns, name] : scripts) {
        const auto a = before->script(ns, name), b = next->script(ns, name);
        if (!sameCode(a, b) || a->tags != b->tags)
            Q_EMIT scriptChanged(ns, name);
    }
    QSet<QString> workers(before->platformWorkers.keyBegin(), before->platformWorkers.keyEnd());
    workers.unite(QSet<QString>(next->platformWorkers.keyBegin(), next->platformWorkers.keyEnd()));
    for (const QString &name : std::as_const(workers)) {
        const auto a = before->platformWorker(name), b = next->platformWorker(name);
        const auto splitOf = [](const auto &w) {
            return w && w->splitVersion ? std::pair(w->splitVersion->versionId, w->splitPercentage)
                                        : std::pair(QString(), 0.0);
        };
        if (!sameCode(a, b) || a->kind != b->kind || splitOf(a) != splitOf(b))
            Q_EMIT platformWorkerChanged(name);
    }
    QSet<QString> histories(before->workerVersions.keyBegin(), before->workerVersions.keyEnd());
    histories.unite(QSet<QString>(next->workerVersions.keyBegin(), next->workerVersions.keyEnd()));
    histories.unite(QSet<QString>(before->workerDeployments.keyBegin(),
                                  before->workerDeployments.keyEnd()));
    histories.unite(
            QSet<QString>(next->workerDeployments.keyBegin(), next->workerDeployments.keyEnd()));
    const auto ids = [](const auto &records) {
        QStringList list;
        for (const auto &record : records)
            list << record->id;
        return list;
    };
    for (const QString &name : std::as_const(histories)) {
        if (ids(before->workerVersions.value(name)) != ids(next->workerVersions.value(name))
            || ids(before->workerDeployments.value(name))
                    != ids(next->workerDeployments.value(name)))
            Q_EMIT workerVersionsChanged(name);
    }
    if (before->activeDispatcher != next->activeDispatcher)
        Q_EMIT activeDispatcherChanged(next->activeDispatcher);
    QSet<QString> hosts(before->customHostnames.keyBegin(), before->customHostnames.keyEnd());
    hosts.unite(QSet<QString>(next->customHostnames.keyBegin(), next->customHostnames.keyEnd()));
    for (const QString &host : std::as_const(hosts)) {
        const auto a = before->customHostname(host), b = next->customHostname(host);
        if (!a || !b || a->metadata != b->metadata || a->modifiedAt != b->modifiedAt)
            Q_EMIT customHostnameChanged(host);
    }
    if (QSet<QString>(before->kvNamespaces.keyBegin(), before->kvNamespaces.keyEnd())
                != QSet<QString>(next->kvNamespaces.keyBegin(), next->kvNamespaces.keyEnd())
        || std::any_of(next->kvNamespaces.cbegin(), next->kvNamespaces.cend(),
                       [&](const store::KvNamespaceRecord &ns) {
                           return before->kvNamespaces.value(ns.id).title != ns.title;
                       }))
        Q_EMIT kvNamespacesChanged();
    for (auto it = kvChanged.cbegin(); it != kvChanged.cend(); ++it)
        Q_EMIT kvBulkChanged(it.key(), it.value());
    qCDebug(lcPlatform) << "reloaded after another node's edit, generation"
                        << m_view.snapshot()->generation << "in" << took.elapsed() << "ms";
    return true;
}

// ---- dispatch namespaces ----

Result<store::NamespaceRecord> PlatformService::createNamespace(const QString &name,
                                                                bool trustedWorkers)
{
    if (auto error = wrongThread())
        return *error;
    const QString subject = QStringLiteral("Dispatch namespace name %1").arg(quoted(name));
    if (auto message = validation::checkName(subject, name))
        return invalid(*message);
    if (m_view.snapshot()->namespaces.contains(name))
        return Error {ErrorKind::Conflict,
                      QStringLiteral("Dispatch namespace %1 already exists").arg(quoted(name))};
    store::NamespaceRecord record {0, name, trustedWorkers, m_clock.nowMs()};
    if (auto done = commit({
                [&] { return QStringLiteral("Creating dispatch namespace %1").arg(quoted(name)); },
                [&] { record.id = m_queries->insertNamespace(record); },
                [&](PlatformSnapshot &next) {
                    next.namespaces.insert(name,
                                           std::make_shared<const store::NamespaceRecord>(record));
                    next.scripts[name];
                },
                [&] { Q_EMIT namespacesChanged(); },
        });
        !done)
        return done.error();
    return record;
}

Result<store::NamespaceRecord> PlatformService::setNamespaceTrusted(const QString &name,
                                                                    bool trustedWorkers)
{
    if (auto error = wrongThread())
        return *error;
    const auto current = m_view.snapshot()->dispatchNamespace(name);
    if (!current)
        return notFound(namespaceNotFound(name));
    store::NamespaceRecord record = *current;
    record.trustedWorkers = trustedWorkers;
    if (auto done = commit({
                [&] { return QStringLiteral("Changing dispatch namespace %1").arg(quoted(name)); },
                [&] { m_queries->updateNamespaceTrusted(record.id, trustedWorkers); },
                [&](PlatformSnapshot &next) {
                    next.namespaces.insert(name,
                                           std::make_shared<const store::NamespaceRecord>(record));
                },
                [&] { Q_EMIT namespacesChanged(); },
        });
        !done)
        return done.error();
    return record;
}

Result<void> PlatformService::deleteNamespace(const QString &name)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    const auto current = snapshot->dispatchNamespace(name);
    if (!current)
        return notFound(namespaceNotFound(name));
    const QStringList removedScripts = snapshot->scripts.value(name).keys();
    return commit({
            [&] { return QStringLiteral("Deleting dispatch namespace %1").arg(quoted(name)); },
            [&] { m_queries->deleteNamespace(current->id); },
            [&](PlatformSnapshot &next) {
                next.namespaces.remove(name);
                next.scripts.remove(name);
            },
            [&] {
                for (const QString &script : removedScripts)
                    Q_EMIT scriptChanged(name, script);
                Q_EMIT namespacesChanged();
            },
    });
}

QList<store::NamespaceRecord> PlatformService::namespaces() const
{
    QList<store::NamespaceRecord> list;
    for (const auto &ns : m_view.snapshot()->namespaces)
        list.append(*ns);
    std::sort(list.begin(), list.end(),
              [](const auto &a, const auto &b) { return a.name < b.name; });
    return list;
}

// ---- scripts ----

std::optional<Error> PlatformService::checkCode(const QString &subject,
                                                const store::WorkerCode &code,
                                                store::Bindings *typed) const
{
    const auto snapshot = m_view.snapshot();
    const validation::BindingTargets targets {
            [&](const QString &id) { return snapshot->kvNamespaces.contains(id); },
            [&](const QString &ns) { return snapshot->namespaces.contains(ns); },
    };
    if (auto message = validation::checkWorkerCode(subject, code, targets, typed))
        return invalid(*message);
    if (m_checker) {
        if (auto message = m_checker->check(code.modules, code.mainModule))
            return invalid(QStringLiteral("%1: %2").arg(subject, *message));
    }
    return std::nullopt;
}

Result<PlatformService::ScriptPtr>
PlatformService::putScript(const QString &ns, const QString &name, const ScriptUpload &upload)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    const auto nsRecord = snapshot->dispatchNamespace(ns);
    if (!nsRecord)
        return notFound(namespaceNotFound(ns));
    const QString subject = scriptSubject(ns, name);
    if (auto message = validation::checkName(
                QStringLiteral("Script name %1 in namespace %2").arg(quoted(name), quoted(ns)),
                name))
        return invalid(*message);
    const auto existing = snapshot->script(ns, name);
    const QStringList tags = upload.tags ? *upload.tags : existing ? existing->tags : QStringList();
    if (auto message = validation::checkTags(subject, tags))
        return invalid(*message);
    store::Bindings typed;
    if (auto error = checkCode(subject, upload.code, &typed))
        return *error;

    auto record = std::make_shared<store::ScriptRecord>();
    record->namespaceName = ns;
    record->name = name;
    record->code = upload.code;
    record->code.typedBindings = std::move(typed);
    record->tags = tags;
    record->contentHash = contentHash(upload.code.modules);
    record->modifiedAt = m_clock.nowMs();
    record->createdAt = existing ? existing->createdAt : record->modifiedAt;
    if (auto done = commit({
                [&] { return QStringLiteral("Storing s%1").arg(subject.mid(1)); },
                [&] { record->id = m_queries->upsertScript(nsRecord->id, *record); },
                [&](PlatformSnapshot &next) { next.scripts[ns].insert(name, record); },
                [&] { Q_EMIT scriptChanged(ns, name); },
                {},
                {},
                ns,
                name,
        });
        !done)
        return done.error();
    return ScriptPtr(record);
}

Result<PlatformService::ScriptPtr>
PlatformService::setScriptTags(const QString &ns, const QString &name, const QStringList &tags)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    if (!snapshot->dispatchNamespace(ns))
        return notFound(namespaceNotFound(ns));
    const auto existing = snapshot->script(ns, name);
    if (!existing)
        return notFound(QStringLiteral("%1 does not exist").arg(scriptSubject(ns, name)));
    if (auto message = validation::checkTags(scriptSubject(ns, name), tags))
        return invalid(*message);
    auto record = std::make_shared<store::ScriptRecord>(*existing);
    record->tags = tags;
    record->modifiedAt = m_clock.nowMs();
    if (auto done = commit({
                [&] { return QStringLiteral("Tagging s%1").arg(scriptSubject(ns, name).mid(1)); },
                [&] { m_queries->updateScriptTags(record->id, tags, record->modifiedAt); },
                [&](PlatformSnapshot &next) { next.scripts[ns].insert(name, record); },
                [&] { Q_EMIT scriptChanged(ns, name); },
                {},
                {},
                ns,
                name,
        });
        !done)
        return done.error();
    return ScriptPtr(record);
}

Result<void> PlatformService::deleteScript(const QString &ns, const QString &name)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    if (!snapshot->dispatchNamespace(ns))
        return notFound(namespaceNotFound(ns));
    const auto existing = snapshot->script(ns, name);
    if (!existing)
        return notFound(QStringLiteral("%1 does not exist").arg(scriptSubject(ns, name)));
    return commit({
            [&] { return QStringLiteral("Deleting s%1").arg(scriptSubject(ns, name).mid(1)); },
            [&] { m_queries->deleteScript(existing->id); },
            [&](PlatformSnapshot &next) { next.scripts[ns].remove(name); },
            [&] { Q_EMIT scriptChanged(ns, name); },
            {},
            {},
            ns,
            name,
    });
}

PlatformService::ScriptPtr PlatformService::script(const QString &ns, const QString &name) const
{
    return m_view.snapshot()->script(ns, name);
}

Result<QList<PlatformService::ScriptPtr>>
PlatformService::listScripts(const QString &ns, const QList<TagFilter> &filters) const
{
    const auto snapshot = m_view.snapshot();
    if (!snapshot->dispatchNamespace(ns))
        return notFound(namespaceNotFound(ns));
    QList<ScriptPtr> list;
    for (const ScriptPtr &script : snapshot->scripts.value(ns)) {
        if (matches(*script, filters))
            list.append(script);
    }
    std::sort(list.begin(), list.end(),
              [](const auto &a, const auto &b) { return a->name < b->name; });
    return list;
}

Result<int> PlatformService::deleteScriptsByTags(const QString &ns, const QList<TagFilter> &filters)
{
    if (auto error = wrongThread())
        return *error;
    if (filters.isEmpty())
        return invalid(QStringLiteral("Deleting scripts by tags in namespace %1: give at least "
                                      "one tag")
                               .arg(quoted(ns)));
    const auto listed = listScripts(ns, filters);
    if (!listed)
        return listed.error();
    if (auto done = commit({
                [&] {
                    return QStringLiteral("Deleting scripts by tags in namespace %1")
                            .arg(quoted(ns));
                },
                [&] {
                    for (const ScriptPtr &script : listed.value())
                        m_queries->deleteScript(script->id);
                },
                [&](PlatformSnapshot &next) {
                    for (const ScriptPtr &script : listed.value())
                        next.scripts[ns].remove(script->name);
                },
                [&] {
                    for (const ScriptPtr &script : listed.value())
                        Q_EMIT scriptChanged(ns, script->name);
                },
        });
        !done)
        return done.error();
    return int(listed.value().size());
}

// ---- platform Workers ----

Result<void> PlatformService::checkPlatformWorker(const QString &name,
                                                  const store::WorkerCode &code) const
{
    if (auto message
        = validation::checkName(QStringLiteral("Platform Worker name %1").arg(quoted(name)), name))
        return invalid(*message);
    store::Bindings typed;
    if (auto error
        = checkCode(QStringLiteral("Platform Worker %1").arg(quoted(name)), code, &typed))
        return *error;
    return {};
}

Result<PlatformService::PlatformWorkerPtr>
PlatformService::putPlatformWorker(const QString &name, store::WorkerKind kind,
                                   const store::WorkerCode &code, const ChangeMeta &meta)
{
    if (auto error = wrongThread())
        return *error;
    if (auto message
        = validation::checkName(QStringLiteral("Platform Worker name %1").arg(quoted(name)), name))
        return invalid(*message);
    const QString subject = QStringLiteral("Platform Worker %1").arg(quoted(name));
    store::Bindings typed;
    if (auto error = checkCode(subject, code, &typed))
        return *error;
    const auto snapshot = m_view.snapshot();
    const auto existing = snapshot->platformWorker(name);
    if (existing && snapshot->activeDispatcher == name && kind != store::WorkerKind::Dispatcher)
        return invalid(QStringLiteral("%1: is the active dispatcher, so it must stay of kind "
                                      "dispatcher")
                               .arg(subject));
    auto record = std::make_shared<store::PlatformWorkerRecord>();
    record->name = name;
    record->kind = kind;
    record->code = code;
    record->code.typedBindings = std::move(typed);
    record->contentHash = contentHash(code.modules);
    record->modifiedAt = m_clock.nowMs();
    record->createdAt = existing ? existing->createdAt : record->modifiedAt;
    if (auto error = checkAnnotations(meta.annotations))
        return *error;
    if (meta.settingsOnly && existing && !existing->versionId.isEmpty()
        && sameVersionedCode(existing->code, code)) {
        // Only what Cloudflare does not version changed (tail consumers, the kind): the
        // deployment, a gradual one too, stays as it is.
        record->versionId = existing->versionId;
        if (existing->splitVersion) {
            auto split = std::make_shared<store::PlatformWorkerRecord>(*existing->splitVersion);
            split->kind = kind;
            split->code.tailConsumers = code.tailConsumers;
            split->modifiedAt = record->modifiedAt;
            record->splitVersion = std::move(split);
            record->splitPercentage = existing->splitPercentage;
        }
        if (auto done = commit({
                    [&] { return QStringLiteral("Storing platform Worker %1").arg(quoted(name)); },
                    [&] { record->id = m_queries->upsertPlatformWorker(*record); },
                    [&](PlatformSnapshot &next) { next.platformWorkers.insert(name, record); },
                    [&] { Q_EMIT platformWorkerChanged(name); },
            });
            !done)
            return done.error();
        return PlatformWorkerPtr(record);
    }
    auto version = std::make_shared<store::WorkerVersionRecord>();
    version->id = newUuid();
    version->workerName = name;
    version->code = code;
    version->code.tailConsumers = {};
    version->contentHash = record->contentHash;
    version->annotations = meta.annotations;
    version->annotations.insert(QStringLiteral("workers/triggered_by"), QStringLiteral("upload"));
    version->source = meta.source;
    version->author = meta.author;
    version->createdAt = record->modifiedAt;
    record->versionId = version->id;
    auto deployment = std::make_shared<store::WorkerDeploymentRecord>();
    deployment->id = newUuid();
    deployment->workerName = name;
    deployment->versions = {{version->id, 100}};
    deployment->annotations = {{QStringLiteral("workers/triggered_by"), QStringLiteral("upload")}};
    if (meta.annotations.contains(QLatin1String("workers/message")))
        deployment->annotations.insert(QStringLiteral("workers/message"),
                                       meta.annotations.value(QLatin1String("workers/message")));
    deployment->source = meta.source;
    deployment->author = meta.author;
    deployment->createdAt = record->modifiedAt;
    QStringList droppedVersions, droppedDeployments;
    if (auto done = commit({
                [&] { return QStringLiteral("Storing platform Worker %1").arg(quoted(name)); },
                [&] {
                    record->id = m_queries->upsertPlatformWorker(*record);
                    droppedVersions = writeVersion(version.get(), {version->id});
                    droppedDeployments = writeDeployment(*deployment);
                },
                [&](PlatformSnapshot &next) {
                    next.platformWorkers.insert(name, record);
                    version->code.modules.clear();
                    auto &versions = next.workerVersions[name];
                    versions.prepend(version);
                    versions.removeIf(
                            [&](const auto &v) { return droppedVersions.contains(v->id); });
                    auto &deployments = next.workerDeployments[name];
                    deployments.prepend(deployment);
                    deployments.removeIf([&](const auto &d) {
                        return droppedDeployments.contains(d->id) || names(*d, droppedVersions);
                    });
                },
                [&] {
                    Q_EMIT platformWorkerChanged(name);
                    Q_EMIT workerVersionsChanged(name);
                },
        });
        !done)
        return done.error();
    return PlatformWorkerPtr(record);
}

std::optional<Error> PlatformService::checkAnnotations(const QJsonObject &annotations) const
{
    for (auto it = annotations.constBegin(); it != annotations.constEnd(); ++it) {
        if (it.key() != QLatin1String("workers/message")
            && it.key() != QLatin1String("workers/tag"))
            return invalid(QStringLiteral("Unknown annotation %1: a version takes "
                                          "\"workers/message\" and \"workers/tag\"")
                                   .arg(quoted(it.key().left(64))));
        if (!it.value().isString())
            return invalid(QStringLiteral("Annotation %1 must be a string").arg(quoted(it.key())));
        if (it.value().toString().size() > kMaxAnnotationLength)
            return invalid(QStringLiteral("Annotation %1 is longer than %2 characters")
                                   .arg(quoted(it.key()))
                                   .arg(kMaxAnnotationLength));
    }
    return std::nullopt;
}

QStringList PlatformService::writeVersion(store::WorkerVersionRecord *version,
                                          const QStringList &keep)
{
    m_queries->insertWorkerVersion(version);
    QStringList dropped;
    // The snapshot's list is newest first and does not hold `version` yet.
    const auto versions = m_view.snapshot()->workerVersions.value(version->workerName);
    for (qsizetype i = kVersionsKept - 1; i < versions.size(); ++i) {
        if (keep.contains(versions.at(i)->id))
            continue;
        m_queries->deleteWorkerVersion(versions.at(i)->id);
        dropped << versions.at(i)->id;
    }
    return dropped;
}

QStringList PlatformService::writeDeployment(const store::WorkerDeploymentRecord &deployment)
{
    m_queries->insertWorkerDeployment(deployment);
    QStringList dropped;
    const auto deployments = m_view.snapshot()->workerDeployments.value(deployment.workerName);
    for (qsizetype i = kDeploymentsKept - 1; i < deployments.size(); ++i) {
        m_queries->deleteWorkerDeployment(deployments.at(i)->id);
        dropped << deployments.at(i)->id;
    }
    return dropped;
}

Result<PlatformService::VersionPtr>
PlatformService::addPlatformWorkerVersion(const QString &name, const store::WorkerCode &code,
                                          const ChangeMeta &meta)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    const auto worker = snapshot->platformWorker(name);
    if (!worker)
        return notFound(QStringLiteral("Platform Worker %1 does not exist").arg(quoted(name)));
    if (auto checked = checkPlatformWorker(name, code); !checked)
        return checked.error();
    if (auto error = checkAnnotations(meta.annotations))
        return *error;
    auto version = std::make_shared<store::WorkerVersionRecord>();
    version->id = newUuid();
    version->workerName = name;
    version->code = code;
    version->code.tailConsumers = {};
    version->contentHash = contentHash(code.modules);
    version->annotations = meta.annotations;
    version->annotations.insert(QStringLiteral("workers/triggered_by"), QStringLiteral("upload"));
    version->source = meta.source;
    version->author = meta.author;
    version->createdAt = m_clock.nowMs();
    QStringList keep {worker->versionId};
    if (worker->splitVersion)
        keep << worker->splitVersion->versionId;
    QStringList dropped;
    if (auto done = commit({
                [&] { return QStringLiteral("Storing a version of %1").arg(quoted(name)); },
                [&] { dropped = writeVersion(version.get(), keep); },
                [&](PlatformSnapshot &next) {
                    version->code.modules.clear();
                    auto &versions = next.workerVersions[name];
                    versions.prepend(version);
                    versions.removeIf([&](const auto &v) { return dropped.contains(v->id); });
                    next.workerDeployments[name].removeIf(
                            [&](const auto &d) { return names(*d, dropped); });
                },
                [&] { Q_EMIT workerVersionsChanged(name); },
        });
        !done)
        return done.error();
    return VersionPtr(version);
}

Result<PlatformService::DeploymentPtr> PlatformService::deployPlatformWorker(
        const QString &name, const QList<store::DeploymentShare> &shares, const ChangeMeta &meta)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    const auto worker = snapshot->platformWorker(name);
    if (!worker)
        return notFound(QStringLiteral("Platform Worker %1 does not exist").arg(quoted(name)));
    if (shares.isEmpty() || shares.size() > 2)
        return invalid(
                QStringLiteral("A deployment has one or two versions, not %1").arg(shares.size()));
    double total = 0;
    for (const store::DeploymentShare &share : shares) {
        if (!(share.percentage >= 0 && share.percentage <= 100))
            return invalid(QStringLiteral("Version %1 has a percentage of %2; each must be "
                                          "between 0 and 100")
                                   .arg(quoted(share.versionId.left(64)))
                                   .arg(share.percentage));
        total += share.percentage;
    }
    if (std::abs(total - 100) > 1e-6)
        return invalid(QStringLiteral("The percentages of a deployment's versions must sum to "
                                      "100, not %1")
                               .arg(total));
    if (shares.size() == 2 && shares.at(0).versionId == shares.at(1).versionId)
        return invalid(QStringLiteral("A deployment names each version once"));
    for (auto it = meta.annotations.constBegin(); it != meta.annotations.constEnd(); ++it) {
        if (it.key() != QLatin1String("workers/message"))
            return invalid(QStringLiteral("Unknown annotation %1: a deployment takes "
                                          "\"workers/message\"")
                                   .arg(quoted(it.key().left(64))));
    }
    if (auto error = checkAnnotations(meta.annotations))
        return *error;
    const auto versions = snapshot->workerVersions.value(name);
    QList<std::shared_ptr<store::WorkerVersionRecord>> chosen;
    for (const store::DeploymentShare &share : shares) {
        const auto found = std::find_if(versions.cbegin(), versions.cend(),
                                        [&](const auto &v) { return v->id == share.versionId; });
        if (found == versions.cend())
            return notFound(QStringLiteral("Version %1 of Worker %2 was not found")
                                    .arg(quoted(share.versionId.left(64)), quoted(name)));
        auto version = std::make_shared<store::WorkerVersionRecord>(**found);
        version->code.modules.clear();
        if (auto stored = m_database.readTransaction(
                    [&] { version->code.modules = m_queries->versionModules(version->rowId); }))
            return storageError(QStringLiteral("Reading version %1").arg(quoted(version->id)),
                                *stored);
        const QString subject = QStringLiteral("Version %1 of platform Worker %2")
                                        .arg(quoted(version->id), quoted(name));
        store::Bindings typed;
        if (auto error = checkCode(subject, version->code, &typed))
            return *error;
        version->code.typedBindings = std::move(typed);
        chosen.append(version);
    }
    const int primary = primaryShare(shares);
    const store::WorkerVersionRecord &main = *chosen.at(primary);
    auto record = std::make_shared<store::PlatformWorkerRecord>(*worker);
    record->splitVersion.reset();
    record->splitPercentage = 0;
    record->code = main.code;
    record->code.tailConsumers = worker->code.tailConsumers;
    record->contentHash = main.contentHash;
    record->modifiedAt = m_clock.nowMs();
    record->versionId = main.id;
    if (shares.size() == 2) {
        const double percentage = shares.at(1 - primary).percentage;
        auto split = splitRecord(*record, *chosen.at(1 - primary), percentage);
        record->splitVersion = std::move(split);
        record->splitPercentage = percentage;
    }
    auto deployment = std::make_shared<store::WorkerDeploymentRecord>();
    deployment->id = newUuid();
    deployment->workerName = name;
    deployment->versions = shares;
    deployment->annotations = meta.annotations;
    if (shares.size() == 1) {
        // What Cloudflare's deployments list calls the change: a version that was half of a
        // gradual deployment going to 100 % is a promotion, an older one a rollback.
        const auto current = snapshot->workerDeployments.value(name);
        const auto serving = current.isEmpty() ? nullptr : current.first();
        const bool wasSplit = serving && serving->versions.size() == 2
                && std::any_of(serving->versions.cbegin(), serving->versions.cend(),
                               [&](const auto &s) { return s.versionId == main.id; });
        const auto newest = std::find_if(versions.cbegin(), versions.cend(),
                                         [&](const auto &v) { return v->id == worker->versionId; });
        if (wasSplit)
            deployment->annotations.insert(QStringLiteral("workers/triggered_by"),
                                           QStringLiteral("promotion"));
        else if (newest != versions.cend() && main.number < (*newest)->number)
            deployment->annotations.insert(QStringLiteral("workers/triggered_by"),
                                           QStringLiteral("rollback"));
    }
    deployment->source = meta.source;
    deployment->author = meta.author;
    deployment->createdAt = record->modifiedAt;
    QStringList dropped;
    if (auto done = commit({
                [&] { return QStringLiteral("Deploying platform Worker %1").arg(quoted(name)); },
                [&] {
                    m_queries->upsertPlatformWorker(*record);
                    dropped = writeDeployment(*deployment);
                },
                [&](PlatformSnapshot &next) {
                    next.platformWorkers.insert(name, record);
                    auto &deployments = next.workerDeployments[name];
                    deployments.prepend(deployment);
                    deployments.removeIf([&](const auto &d) { return dropped.contains(d->id); });
                },
                [&] {
                    Q_EMIT platformWorkerChanged(name);
                    Q_EMIT workerVersionsChanged(name);
                },
        });
        !done)
        return done.error();
    return DeploymentPtr(deployment);
}

Result<void> PlatformService::deletePlatformWorkerDeployment(const QString &name,
                                                             const QString &deploymentId)
{
    if (auto error = wrongThread())
        return *error;
    const auto deployments = m_view.snapshot()->workerDeployments.value(name);
    const auto found = std::find_if(deployments.cbegin(), deployments.cend(),
                                    [&](const auto &d) { return d->id == deploymentId; });
    if (found == deployments.cend())
        return notFound(QStringLiteral("Deployment %1 of Worker %2 was not found")
                                .arg(quoted(deploymentId.left(64)), quoted(name)));
    if (found == deployments.cbegin())
        return invalid(QStringLiteral("Deployment %1 is the latest deployment of Worker %2 and "
                                      "serves its traffic: it cannot be deleted")
                               .arg(quoted(deploymentId), quoted(name)));
    return commit({
            [&] { return QStringLiteral("Deleting a deployment of %1").arg(quoted(name)); },
            [&] { m_queries->deleteWorkerDeployment(deploymentId); },
            [&](PlatformSnapshot &next) {
                next.workerDeployments[name].removeIf(
                        [&](const auto &d) { return d->id == deploymentId; });
            },
            [&] { Q_EMIT workerVersionsChanged(name); },
    });
}

QList<PlatformService::VersionPtr>
PlatformService::platformWorkerVersions(const QString &name) const
{
    return m_view.snapshot()->workerVersions.value(name);
}

PlatformService::VersionPtr PlatformService::platformWorkerVersion(const QString &name,
                                                                   const QString &versionId) const
{
    for (const auto &version : m_view.snapshot()->workerVersions.value(name)) {
        if (version->id == versionId)
            return version;
    }
    return nullptr;
}

QList<PlatformService::DeploymentPtr>
PlatformService::platformWorkerDeployments(const QString &name) const
{
    return m_view.snapshot()->workerDeployments.value(name);
}

Result<store::ScriptModules> PlatformService::platformWorkerVersionModules(const QString &name,
                                                                           const QString &versionId)
{
    const auto version = platformWorkerVersion(name, versionId);
    if (!version)
        return notFound(QStringLiteral("Version %1 of Worker %2 was not found")
                                .arg(quoted(versionId.left(64)), quoted(name)));
    store::ScriptModules modules;
    if (auto failure
        = m_database.readTransaction([&] { modules = m_queries->versionModules(version->rowId); }))
        return storageError(QStringLiteral("Reading version %1").arg(quoted(versionId)), *failure);
    return modules;
}

Result<void> PlatformService::deletePlatformWorker(const QString &name)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    const auto existing = snapshot->platformWorker(name);
    if (!existing)
        return notFound(QStringLiteral("Platform Worker %1 does not exist").arg(quoted(name)));
    const bool wasActive = snapshot->activeDispatcher == name;
    return commit({
            [&] { return QStringLiteral("Deleting platform Worker %1").arg(quoted(name)); },
            [&] {
                m_queries->deletePlatformWorker(existing->id);
                m_queries->deleteWorkerHistory(name);
                if (wasActive)
                    m_queries->removeSetting(kActiveDispatcherSetting);
            },
            [&](PlatformSnapshot &next) {
                next.platformWorkers.remove(name);
                next.workerVersions.remove(name);
                next.workerDeployments.remove(name);
                if (wasActive)
                    next.activeDispatcher.clear();
            },
            [&] {
                Q_EMIT platformWorkerChanged(name);
                Q_EMIT workerVersionsChanged(name);
                if (wasActive)
                    Q_EMIT activeDispatcherChanged(QString());
            },
    });
}

PlatformService::PlatformWorkerPtr PlatformService::platformWorker(const QString &name) const
{
    return m_view.snapshot()->platformWorker(name);
}

QList<PlatformService::PlatformWorkerPtr> PlatformService::platformWorkers() const
{
    QList<PlatformWorkerPtr> list = m_view.snapshot()->platformWorkers.values();
    std::sort(list.begin(), list.end(),
              [](const auto &a, const auto &b) { return a->name < b->name; });
    return list;
}

Result<void> PlatformService::setActiveDispatcher(const QString &name)
{
    if (auto error = wrongThread())
        return *error;
    const auto snapshot = m_view.snapshot();
    if (!name.isEmpty()) {
        const auto worker = snapshot->platformWorker(name);
        if (!worker)
            return notFound(QStringLiteral("Platform Worker %1 does not exist").arg(quoted(name)));
        if (worker->kind != store::WorkerKind::Dispatcher)
            return invalid(QStringLiteral("Platform Worker %1 is of kind %2, not dispatcher")
                                   .arg(quoted(name), store::workerKindName(worker->kind)));
    }
    return commit({
            [] { return QStringLiteral("Setting the active dispatcher"); },
            [&] {
                if (name.isEmpty())
                    m_queries->removeSetting(kActiveDispatcherSetting);
                else
                    m_queries->setSetting(kActiveDispatcherSetting, name);
            },
            [&](PlatformSnapshot &next) { next.activeDispatcher = name; },
            [&] { Q_EMIT activeDispatcherChanged(name); },
    });
}

QString PlatformService::activeDispatcher() const
{
    return m_view.snapshot()->activeDispatcher;
}

// ---- KV ----

std::optional<store::KvNamespaceRecord> PlatformService::kvNamespaceRecord(const QString &id) const
{
    const auto snapshot = m_view.snapshot();
    const auto it = snapshot->kvNamespaces.constFind(id);
    if (it == snapshot->kvNamespaces.cend())
        return std::nullopt;
    return *it;
}

Result<store::KvNamespaceRecord> PlatformService::createKvNamespace(const QString &title,
                                                                    const QString &id)
{
    if (auto error = wrongThread())
        return *error;
    if (auto message = validation::checkKvNamespaceTitle(title))
        return invalid(*message);
    if (!id.isEmpty()) {
        if (auto message = validation::checkKvNamespaceId(id))
            return invalid(*message);
        if (m_view.snapshot()->kvNamespaces.contains(id))
            return Error {ErrorKind::Conflict,
                          QStringLiteral("KV namespace id %1 already exists").arg(quoted(id))};
    }
    if (const auto taken = m_view.snapshot()->kvNamespaceByTitle(title))
        return Error {ErrorKind::Conflict,
                      QStringLiteral("KV namespace title %1 is already used by namespace %2")
                              .arg(quoted(title), taken->id)};
    const store::KvNamespaceRecord record {
            id.isEmpty() ? QUuid::createUuid().toString(QUuid::Id128) : id, title, m_clock.nowMs()};
    if (auto done = commit({
                [&] { return QStringLiteral("Creating KV namespace %1").arg(quoted(title)); },
                [&] { m_queries->insertKvNamespace(record); },
                [&](PlatformSnapshot &next) {
                    // The KV view has the namespace before any snapshot names it.
                    m_kv.addNamespace(record.id);
                    next.kvNamespaces.insert(record.id, record);
                },
                [&] { Q_EMIT kvNamespacesChanged(); },
        });
        !done)
        return done.error();
    return record;
}

Result<store::KvNamespaceRecord> PlatformService::renameKvNamespace(const QString &id,
                                                                    const QString &title)
{
    if (auto error = wrongThread())
        return *error;
    auto record = kvNamespaceRecord(id);
    if (!record)
        return notFound(kvNamespaceNotFound(id));
    if (auto message = validation::checkKvNamespaceTitle(title))
        return invalid(*message);
    if (const auto taken = m_view.snapshot()->kvNamespaceByTitle(title); taken && taken->id != id)
        return Error {ErrorKind::Conflict,
                      QStringLiteral("KV namespace title %1 is already used by namespace %2")
                              .arg(quoted(title), taken->id)};
    record->title = title;
    if (auto done = commit({
                [&] { return QStringLiteral("Renaming KV namespace %1").arg(quoted(id)); },
                [&] { m_queries->renameKvNamespace(id, title); },
                [&](PlatformSnapshot &next) { next.kvNamespaces.insert(id, *record); },
                [&] { Q_EMIT kvNamespacesChanged(); },
        });
        !done)
        return done.error();
    return *record;
}

Result<void> PlatformService::deleteKvNamespace(const QString &id)
{
    if (auto error = wrongThread())
        return *error;
    if (!kvNamespaceRecord(id))
        return notFound(kvNamespaceNotFound(id));
    return commit({
            [&] { return QStringLiteral("Deleting KV namespace %1").arg(quoted(id)); },
            [&] { m_queries->deleteKvNamespace(id); },
            [&](PlatformSnapshot &next) {
                m_kv.removeNamespace(id);
                next.kvNamespaces.remove(id);
            },
            [&] { Q_EMIT kvNamespacesChanged(); },
    });
}

QList<store::KvNamespaceRecord> PlatformService::kvNamespaces() const
{
    QList<store::KvNamespaceRecord> list = m_view.snapshot()->kvNamespaces.values();
    std::sort(list.begin(), list.end(),
              [](const auto &a, const auto &b) { return a.title < b.title; });
    return list;
}

std::optional<store::KvNamespaceRecord>
PlatformService::kvNamespaceByTitle(const QString &title) const
{
    return m_view.snapshot()->kvNamespaceByTitle(title);
}

Result<store::KvValue> PlatformService::prepareKvPut(const store::KvNamespaceRecord &ns,
                                                     const QString &key, const QByteArray &value,
                                                     const KvPutOptions &options) const
{
    if (auto message = validation::checkKvKey(kvSubject(QStringLiteral("KV key"), ns, key), key))
        return invalid(*message);
    if (auto message
        = validation::checkKvValue(kvSubject(QStringLiteral("KV value for key"), ns, key), value))
        return invalid(*message);
    store::KvValue stored;
    stored.value = value.isNull() ? QByteArray("") : value;
    if (auto message
        = validation::checkKvMetadata(kvSubject(QStringLiteral("KV metadata for key"), ns, key),
                                      options.metadata, &stored.metadata))
        return invalid(*message);
    const qint64 now = m_clock.nowSeconds();
    if (options.expirationTtl) {
        if (*options.expirationTtl < validation::kMinKvExpirationTtl)
            return invalid(QStringLiteral("%1: expirationTtl %2 is less than the minimum of %3 "
                                          "seconds")
                                   .arg(kvSubject(QStringLiteral("KV key"), ns, key))
                                   .arg(*options.expirationTtl)
                                   .arg(validation::kMinKvExpirationTtl));
        stored.expiration = now + *options.expirationTtl;
    } else if (options.expiration) {
        if (*options.expiration < now + validation::kMinKvExpirationTtl)
            return invalid(QStringLiteral("%1: expiration %2 is less than 60 seconds from now; "
                                          "give seconds since the epoch of at least %3")
                                   .arg(kvSubject(QStringLiteral("KV key"), ns, key))
                                   .arg(*options.expiration)
                                   .arg(now + validation::kMinKvExpirationTtl));
        stored.expiration = *options.expiration;
    }
    return stored;
}

Result<void> PlatformService::kvPut(const QString &namespaceId, const QString &key,
                                    const QByteArray &value, const KvPutOptions &options)
{
    if (auto error = wrongThread())
        return *error;
    const auto ns = kvNamespaceRecord(namespaceId);
    if (!ns)
        return notFound(kvNamespaceNotFound(namespaceId));
    auto prepared = prepareKvPut(*ns, key, value, options);
    if (!prepared)
        return prepared.error();
    return commit({
            [&] {
                return QStringLiteral("Writing k%1")
                        .arg(kvSubject(QStringLiteral("KV key"), *ns, key).mid(1));
            },
            [&] { m_queries->putKv(namespaceId, key, prepared.value()); },
            {},
            [&] {
                m_kv.put(namespaceId, key, std::move(prepared.value()));
                Q_EMIT kvChanged(namespaceId, key);
            },
            namespaceId,
            {key},
    });
}

Result<void> PlatformService::kvBulkPut(const QString &namespaceId, const QList<KvBulkItem> &items)
{
    if (auto error = wrongThread())
        return *error;
    const auto ns = kvNamespaceRecord(namespaceId);
    if (!ns)
        return notFound(kvNamespaceNotFound(namespaceId));
    if (items.size() > validation::kMaxKvBulkItems)
        return invalid(QStringLiteral("Bulk write to KV namespace %1: has %2 pairs; at most %3 "
                                      "are allowed")
                               .arg(ns->title)
                               .arg(items.size())
                               .arg(validation::kMaxKvBulkItems));
    // All or nothing: every pair is checked before any is written.
    QList<store::KvValue> values;
    values.reserve(items.size());
    for (const KvBulkItem &item : items) {
        auto prepared = prepareKvPut(*ns, item.key, item.value, item.options);
        if (!prepared)
            return prepared.error();
        values.append(std::move(prepared.value()));
    }
    return commit({
            [&] { return QStringLiteral("Bulk write to KV namespace %1").arg(ns->title); },
            [&] {
                for (qsizetype i = 0; i < items.size(); ++i)
                    m_queries->putKv(namespaceId, items.at(i).key, values.at(i));
            },
            {},
            [&] {
                QStringList keys;
                for (qsizetype i = 0; i < items.size(); ++i) {
                    m_kv.put(namespaceId, items.at(i).key, values.at(i));
                    keys.append(items.at(i).key);
                }
                Q_EMIT kvBulkChanged(namespaceId, keys);
            },
            namespaceId,
            [&] {
                QStringList keys;
                for (const KvBulkItem &item : items)
                    keys.append(item.key);
                return keys;
            }(),
    });
}

Result<void> PlatformService::kvDelete(const QString &namespaceId, const QString &key)
{
    return kvBulkDelete(namespaceId, {key});
}

Result<void> PlatformService::kvBulkDelete(const QString &namespaceId, const QStringList &keys)
{
    if (auto error = wrongThread())
        return *error;
    const auto ns = kvNamespaceRecord(namespaceId);
    if (!ns)
        return notFound(kvNamespaceNotFound(namespaceId));
    if (keys.size() > validation::kMaxKvBulkItems)
        return invalid(QStringLiteral("Bulk delete in KV namespace %1: has %2 keys; at most %3 are "
                                      "allowed")
                               .arg(ns->title)
                               .arg(keys.size())
                               .arg(validation::kMaxKvBulkItems));
    for (const QString &key : keys) {
        if (auto message
            = validation::checkKvKey(kvSubject(QStringLiteral("KV key"), *ns, key), key))
            return invalid(*message);
    }
    return commit({
            [&] { return QStringLiteral("Deleting from KV namespace %1").arg(ns->title); },
            [&] {
                for (const QString &key : keys)
                    m_queries->deleteKv(namespaceId, key);
            },
            {},
            [&] {
                for (const QString &key : keys)
                    m_kv.remove(namespaceId, key);
                if (keys.size() == 1)
                    Q_EMIT kvChanged(namespaceId, keys.constFirst());
                else
                    Q_EMIT kvBulkChanged(namespaceId, keys);
            },
            namespaceId,
            keys,
    });
}

std::optional<store::KvValue> PlatformService::kvGet(const QString &namespaceId,
                                                     const QString &key) const
{
    return m_kv.get(namespaceId, key);
}

Result<KvView::ListResult> PlatformService::kvList(const QString &namespaceId,
                                                   const QString &prefix, int limit,
                                                   const QString &cursor) const
{
    const auto ns = kvNamespaceRecord(namespaceId);
    if (!ns)
        return notFound(kvNamespaceNotFound(namespaceId));
    if (limit < 1 || limit > validation::kMaxKvListLimit)
        return invalid(QStringLiteral("KV list in namespace %1: limit %2 is outside 1 to %3")
                               .arg(ns->title)
                               .arg(limit)
                               .arg(validation::kMaxKvListLimit));
    return m_kv.list(namespaceId, prefix, limit, cursor);
}

int PlatformService::purgeExpiredKv()
{
    if (wrongThread())
        return 0;
    QList<std::pair<QString, QString>> removed;
    if (auto failure = m_database.transaction(
                [&] { removed = m_queries->deleteExpiredKv(m_clock.nowSeconds()); })) {
        qCWarning(lcPlatform).noquote() << "KV expiry sweep failed:" << *failure;
        return 0;
    }
    for (const auto &[ns, key] : removed)
        m_kv.remove(ns, key);
    for (const auto &[ns, key] : removed)
        Q_EMIT kvChanged(ns, key);
    return int(removed.size());
}

// ---- custom hostnames ----

Result<PlatformService::HostnamePtr> PlatformService::putCustomHostname(const QString &hostname,
                                                                        const QByteArray &metadata)
{
    if (auto error = wrongThread())
        return *error;
    if (auto message = validation::checkHostname(hostname))
        return invalid(*message);
    auto record = std::make_shared<store::CustomHostnameRecord>();
    if (auto message = validation::checkHostnameMetadata(
                QStringLiteral("Metadata of custom hostname %1").arg(quoted(hostname)), metadata,
                &record->metadata))
        return invalid(*message);
    const auto existing = m_view.snapshot()->customHostname(hostname);
    record->hostname = hostname;
    record->modifiedAt = m_clock.nowMs();
    record->createdAt = existing ? existing->createdAt : record->modifiedAt;
    if (auto done = commit({
                [&] { return QStringLiteral("Storing custom hostname %1").arg(quoted(hostname)); },
                [&] { m_queries->upsertCustomHostname(*record); },
                [&](PlatformSnapshot &next) { next.customHostnames.insert(hostname, record); },
                [&] { Q_EMIT customHostnameChanged(hostname); },
                {},
                {},
                {},
                {},
                hostname,
        });
        !done)
        return done.error();
    return HostnamePtr(record);
}

Result<void> PlatformService::deleteCustomHostname(const QString &hostname)
{
    if (auto error = wrongThread())
        return *error;
    if (!m_view.snapshot()->customHostname(hostname))
        return notFound(QStringLiteral("Custom hostname %1 does not exist").arg(quoted(hostname)));
    return commit({
            [&] { return QStringLiteral("Deleting custom hostname %1").arg(quoted(hostname)); },
            [&] { m_queries->deleteCustomHostname(hostname); },
            [&](PlatformSnapshot &next) { next.customHostnames.remove(hostname); },
            [&] { Q_EMIT customHostnameChanged(hostname); },
            {},
            {},
            {},
            {},
            hostname,
    });
}

PlatformService::HostnamePtr PlatformService::customHostname(const QString &hostname) const
{
    return m_view.snapshot()->customHostname(hostname);
}

// ---- append-only logs ----

Result<void> PlatformService::appendDataPoints(const QList<store::AnalyticsPoint> &points)
{
    for (qsizetype i = 0; i < points.size(); ++i) {
        const QString subject = QStringLiteral("Data point #%1 for dataset %2")
                                        .arg(i + 1)
                                        .arg(quoted(points.at(i).dataset));
        if (auto message = validation::checkDataPoint(subject, points.at(i)))
            return invalid(*message);
    }
    if (m_appendWriter)
        m_appendWriter->append(points);
    return {};
}

void PlatformService::appendTrace(const store::TraceRecord &trace)
{
    if (m_appendWriter)
        m_appendWriter->append(trace);
    Q_EMIT traceAppended(trace);
}

bool PlatformService::tracesWatched() const
{
    return isSignalConnected(QMetaMethod::fromSignal(&PlatformService::traceAppended));
}

void PlatformService::appendTraceRow(std::function<store::TraceRow()> makeRow)
{
    if (m_appendWriter)
        m_appendWriter->append(std::move(makeRow));
}

void PlatformService::flushAppends()
{
    if (m_appendWriter)
        m_appendWriter->flush();
}

Result<void> PlatformService::writeHeartbeat(const store::NodeRecord &node)
{
    if (auto error = wrongThread())
        return *error;
    if (!m_storeAvailable)
        return unavailable(
                QStringLiteral("Writing the heartbeat of node %1").arg(quoted(node.name)));
    try {
        m_queries->upsertNode(node);
    } catch (const store::SqlError &error) {
        if (m_database.isPostgres() && !m_database.ping()) {
            storeLost(error.message());
            return unavailable(
                    QStringLiteral("Writing the heartbeat of node %1").arg(quoted(node.name)));
        }
        return storageError(
                QStringLiteral("Writing the heartbeat of node %1").arg(quoted(node.name)),
                error.message());
    }
    return {};
}

Result<QList<store::TraceRecord>>
PlatformService::storedTraces(const QString &ns, const QString &script, qint64 sinceMs, int limit)
{
    if (auto error = wrongThread())
        return *error;
    if (!m_storeAvailable)
        return unavailable(QStringLiteral("Reading traces"));
    flushAppends();
    try {
        return m_queries->workerTraces(ns, script, sinceMs, limit);
    } catch (const store::SqlError &error) {
        return storageError(QStringLiteral("Reading traces"), error.message());
    }
}

Result<QList<store::NodeRecord>> PlatformService::nodes()
{
    if (auto error = wrongThread())
        return *error;
    if (!m_storeAvailable)
        return unavailable(QStringLiteral("Reading the nodes"));
    try {
        return m_queries->nodes();
    } catch (const store::SqlError &error) {
        return storageError(QStringLiteral("Reading the nodes"), error.message());
    }
}

Result<void> PlatformService::removeNode(const QString &name)
{
    if (auto error = wrongThread())
        return *error;
    if (!m_storeAvailable)
        return unavailable(QStringLiteral("Removing node %1").arg(quoted(name)));
    try {
        m_queries->deleteNode(name);
    } catch (const store::SqlError &error) {
        return storageError(QStringLiteral("Removing node %1").arg(quoted(name)), error.message());
    }
    return {};
}

store::AnalyticsAnswer PlatformService::queryAnalytics(const QString &sql)
{
    flushAppends();
    return store::runAnalyticsSql(m_database.location(), sql);
}

} // namespace switchyard::platform
