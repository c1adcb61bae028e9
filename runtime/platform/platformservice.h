#pragma once

#include "clock.h"
#include "kvview.h"
#include "platformview.h"
#include "result.h"
#include "store/analyticssql.h"
#include "store/records.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace switchyard::store {
class BatchWriter;
class CacheStore;
class ChangeFeed;
class Database;
class Queries;
struct TraceRow;
} // namespace switchyard::store

namespace switchyard::platform {

class LiveTails;
class ScriptChecker;

// Who made a Worker Version or Deployment and why, as Cloudflare records it.
struct WorkerChangeMeta
{
    QJsonObject annotations; // "workers/message", "workers/tag"
    QString source = QStringLiteral("api"); // "wrangler", "api", "dash"
    QString author; // author_email
    // A settings change: when the versioned parts (code, bindings, compatibility) are as they
    // were, no new version is made and the deployment stays. An upload is always a version.
    bool settingsOnly = false;
};

// The one write path of the platform: the GUI, the admin API and demo seeding all change state
// here. Each mutation validates, commits one store transaction (SQLite or PostgreSQL), updates the
// in-memory view and emits its change signal before it returns, so the next request (or read) sees
// the change.
//
// Threads: mutations and load() run on the thread the Database was opened on (Qt SQL connections
// are thread-bound), which must be this object's thread; other threads call them through
// QMetaObject::invokeMethod. Reads of the views, kvGet/kvList, and the append* calls are safe from
// any thread.
class PlatformService : public QObject
{
    Q_OBJECT
public:
    struct ScriptUpload
    {
        store::WorkerCode code;
        std::optional<QStringList> tags; // std::nullopt keeps the tags the script has
    };
    // Cloudflare's `?tags=a:yes,b:no`: the script has (or has not) the tag.
    struct TagFilter
    {
        QString tag;
        bool present = true;
    };
    struct KvPutOptions
    {
        std::optional<qint64> expiration; // seconds since the epoch, at least now + 60
        std::optional<qint64> expirationTtl; // seconds from now, at least 60; wins over expiration
        QByteArray metadata; // JSON text; a null QByteArray for none
    };
    struct KvBulkItem
    {
        QString key;
        QByteArray value;
        KvPutOptions options;
    };
    using ScriptPtr = std::shared_ptr<const store::ScriptRecord>;
    using PlatformWorkerPtr = std::shared_ptr<const store::PlatformWorkerRecord>;
    using HostnamePtr = std::shared_ptr<const store::CustomHostnameRecord>;
    using VersionPtr = std::shared_ptr<const store::WorkerVersionRecord>;
    using DeploymentPtr = std::shared_ptr<const store::WorkerDeploymentRecord>;
    using ChangeMeta = WorkerChangeMeta;
    // Per platform Worker: the newest versions kept (Cloudflare lets a Worker roll back to its
    // 100 most recent) and the newest deployments. Older ones are deleted as new ones arrive,
    // except the versions the current deployment serves.
    static constexpr int kVersionsKept = 100;
    static constexpr int kDeploymentsKept = 100;
    // Longest annotation value ("workers/message", "workers/tag") accepted.
    static constexpr int kMaxAnnotationLength = 1000;

    // `appendWriter` may be null: traces and data points are then dropped (tests, tools).
    PlatformService(store::Database &database, const Clock &clock,
                    store::BatchWriter *appendWriter = nullptr, QObject *parent = nullptr);
    ~PlatformService() override;

    // Reads the whole state from the store into the views; call once before anything else. On a
    // PostgreSQL store it also listens for other nodes' edits: each one reloads the state and
    // emits the change signals for what differs, as a local edit would.
    //
    // A PostgreSQL store is checked every `healthCheckIntervalMs`: when the server cannot be
    // reached the views stay as they are (requests are served from them), edits fail with
    // ErrorKind::Unavailable, and the service reconnects by itself, listens again and reloads
    // everything once it can.
    Result<void> load();
    static constexpr int kHealthCheckIntervalMs = 500;
    // Whether edits can reach the store now (an SQLite store: always).
    bool storeAvailable() const { return m_storeAvailable; }
    // Why the store cannot be reached; empty while it can.
    QString storeProblem() const { return m_storeProblem; }
    // Not owned; null disables syntax checks.
    void setScriptChecker(ScriptChecker *checker) { m_checker = checker; }
    // The Cache API's store; not owned, null: every match misses and nothing is stored.
    void setCacheStore(store::CacheStore *cache) { m_cache = cache; }
    store::CacheStore *cacheStore() const { return m_cache; }

    // Views for the request path, readable from any thread.
    const KvView &kvView() const { return m_kv; }
    const PlatformView &view() const { return m_view; }
    std::shared_ptr<const PlatformSnapshot> snapshot() const { return m_view.snapshot(); }

    // Dispatch namespaces.
    Result<store::NamespaceRecord> createNamespace(const QString &name,
                                                   bool trustedWorkers = false);
    Result<store::NamespaceRecord> setNamespaceTrusted(const QString &name, bool trustedWorkers);
    Result<void> deleteNamespace(const QString &name); // and its scripts
    QList<store::NamespaceRecord> namespaces() const;

    // Scripts in dispatch namespaces.
    Result<ScriptPtr> putScript(const QString &ns, const QString &name, const ScriptUpload &upload);
    Result<ScriptPtr> setScriptTags(const QString &ns, const QString &name,
                                    const QStringList &tags);
    Result<void> deleteScript(const QString &ns, const QString &name);
    ScriptPtr script(const QString &ns, const QString &name) const;
    Result<QList<ScriptPtr>> listScripts(const QString &ns,
                                         const QList<TagFilter> &filters = {}) const;
    Result<int> deleteScriptsByTags(const QString &ns, const QList<TagFilter> &filters);

    // Platform Workers: the dispatcher, outbound and tail Workers.
    // What putPlatformWorker would refuse in `code` (name, code, bindings, compile errors),
    // without storing anything: a Worker version uploaded now and deployed later.
    Result<void> checkPlatformWorker(const QString &name, const store::WorkerCode &code) const;
    // Also a new Worker Version, deployed at once to 100 % (Cloudflare's upload of a script).
    Result<PlatformWorkerPtr> putPlatformWorker(const QString &name, store::WorkerKind kind,
                                                const store::WorkerCode &code,
                                                const ChangeMeta &meta = {});
    // A new Worker Version of an existing platform Worker, not deployed (`versions upload`).
    Result<VersionPtr> addPlatformWorkerVersion(const QString &name, const store::WorkerCode &code,
                                                const ChangeMeta &meta = {});
    // A new deployment: one version at 100 %, or two whose percentages sum to 100. Its versions'
    // code serves the next request; the kind, tail consumers and active dispatcher setting stay.
    Result<DeploymentPtr> deployPlatformWorker(const QString &name,
                                               const QList<store::DeploymentShare> &versions,
                                               const ChangeMeta &meta = {});
    // Cloudflare refuses to delete the deployment that serves; older ones may go.
    Result<void> deletePlatformWorkerDeployment(const QString &name, const QString &deploymentId);
    // Newest first.
    QList<VersionPtr> platformWorkerVersions(const QString &name) const;
    VersionPtr platformWorkerVersion(const QString &name, const QString &versionId) const;
    QList<DeploymentPtr> platformWorkerDeployments(const QString &name) const;
    // A version's modules, read from the store.
    Result<store::ScriptModules> platformWorkerVersionModules(const QString &name,
                                                              const QString &versionId);
    // Deleting the active dispatcher also clears the active dispatcher setting.
    Result<void> deletePlatformWorker(const QString &name);
    PlatformWorkerPtr platformWorker(const QString &name) const;
    QList<PlatformWorkerPtr> platformWorkers() const;
    // An empty name clears it; otherwise names a platform Worker of kind dispatcher.
    Result<void> setActiveDispatcher(const QString &name);
    QString activeDispatcher() const;

    // KV namespaces and entries. Namespaces are addressed by id, as in Cloudflare's API.
    // `id` empty: a new random id, as Cloudflare assigns. A wrangler config names its namespaces by
    // id, so installing one creates each under exactly that id.
    Result<store::KvNamespaceRecord> createKvNamespace(const QString &title,
                                                       const QString &id = {});
    Result<store::KvNamespaceRecord> renameKvNamespace(const QString &id, const QString &title);
    Result<void> deleteKvNamespace(const QString &id);
    QList<store::KvNamespaceRecord> kvNamespaces() const;
    std::optional<store::KvNamespaceRecord> kvNamespace(const QString &id) const
    {
        return kvNamespaceRecord(id);
    }
    std::optional<store::KvNamespaceRecord> kvNamespaceByTitle(const QString &title) const;
    Result<void> kvPut(const QString &namespaceId, const QString &key, const QByteArray &value,
                       const KvPutOptions &options = {});
    Result<void> kvBulkPut(const QString &namespaceId, const QList<KvBulkItem> &items);
    Result<void> kvDelete(const QString &namespaceId, const QString &key);
    Result<void> kvBulkDelete(const QString &namespaceId, const QStringList &keys);
    std::optional<store::KvValue> kvGet(const QString &namespaceId, const QString &key) const;
    Result<KvView::ListResult> kvList(const QString &namespaceId, const QString &prefix = {},
                                      int limit = 1000, const QString &cursor = {}) const;
    // Deletes expired entries from SQLite and memory; runs by itself every minute.
    int purgeExpiredKv();

    // Custom hostnames; `metadata` is JSON object text, or empty for {}.
    Result<HostnamePtr> putCustomHostname(const QString &hostname, const QByteArray &metadata);
    Result<void> deleteCustomHostname(const QString &hostname);
    HostnamePtr customHostname(const QString &hostname) const;

    // Append-only logs, written in batches off the calling thread. Any thread.
    Result<void> appendDataPoints(const QList<store::AnalyticsPoint> &points);
    void appendTrace(const store::TraceRecord &trace);
    // Whether anyone is connected to traceAppended (otherwise appendTraceRow may be used).
    bool tracesWatched() const;
    // A trace nobody watches: its row is made on the writer thread. Any thread.
    void appendTraceRow(std::function<store::TraceRow()> makeRow);
    // Blocks until appended traces and data points are committed.
    void flushAppends();
    // One Worker's stored traces from `sinceMs` on, oldest first, at most `limit` (what was
    // appended until now included). `ns` is empty for a platform Worker.
    Result<QList<store::TraceRecord>> storedTraces(const QString &ns, const QString &script,
                                                   qint64 sinceMs, int limit);
    // The live tail sessions (`wrangler tail`) that finished Invocations are offered to. Any
    // thread.
    LiveTails &liveTails() const { return *m_liveTails; }
    // Analytics Engine's SQL API over every data point appended so far (it flushes first). Runs
    // on a read-only connection of its own to this service's database, so neither the GUI nor
    // the admin API needs to know where that file is. Any thread.
    store::AnalyticsAnswer queryAnalytics(const QString &sql);

    // The nodes sharing the store, as their heartbeats left them; this node writes its own row
    // with writeHeartbeat(). Outside the write lock and the change feed: a heartbeat is no edit.
    Result<void> writeHeartbeat(const store::NodeRecord &node);
    Result<QList<store::NodeRecord>> nodes();
    Result<void> removeNode(const QString &name);

Q_SIGNALS:
    void namespacesChanged();
    void scriptChanged(const QString &ns, const QString &name); // put, tags, delete
    void platformWorkerChanged(const QString &name);
    // A platform Worker's versions or deployments came or went (an upload, a version uploaded
    // without deploying, a deployment, a deployment deleted, the Worker deleted).
    void workerVersionsChanged(const QString &name);
    void activeDispatcherChanged(const QString &name);
    void kvNamespacesChanged();
    void kvChanged(const QString &namespaceId, const QString &key); // put, delete, expiry sweep
    void kvBulkChanged(const QString &namespaceId, const QStringList &keys);
    void customHostnameChanged(const QString &hostname);
    // Emitted on the appending thread.
    void traceAppended(const switchyard::store::TraceRecord &trace);
    // The shared store went away, or came back (and the views were reloaded from it).
    void storeAvailabilityChanged(bool available);

private:
    // What a mutation changes once it has checked its input against the current snapshot.
    struct Change
    {
        std::function<QString()> what; // names the change in a storage error, e.g. "Deleting x"
        std::function<void()> write; // the SQL, run in one transaction
        std::function<void(PlatformSnapshot &)> apply; // on a copy of the snapshot; may be empty
        std::function<void()> after; // memory outside the snapshot (KV), then signals; may be empty
        // KV writes: the namespace and keys, so other nodes read only those again. Empty: other
        // nodes reload everything.
        QString kvNamespace = {};
        QStringList kvKeys = {};
        // One user Worker's upload, tags or deletion: other nodes read only that script again.
        QString scriptNamespace = {};
        QString scriptName = {};
        // One custom hostname's put or deletion: other nodes read only that hostname again.
        QString customHostname = {};
    };
    // The one way a mutation takes effect: `write` in one SQLite transaction, then `apply` to a
    // copy of the snapshot, published, then `after`. On a storage failure nothing has changed.
    Result<void> commit(const Change &change);
    // Everything in the store: a snapshot, and the KV entries into `kv`.
    Result<std::shared_ptr<PlatformSnapshot>> readState(KvView &kv);
    // After another node's edit: the state read again, published, and signals for what differs.
    bool reloadChanged();
    // Another node's notifications since the last reload: KV keys and user Workers only, or
    // everything.
    void applyNotifications();
    // Reads only these KV entries again (another node wrote them), and signals them.
    void reloadKv(const QHash<QString, QSet<QString>> &keys);
    // Reads only these user Workers (namespace, name) and custom hostnames again, publishes
    // them in one snapshot, and signals them.
    void reloadRecords(const QSet<std::pair<QString, QString>> &scripts,
                       const QSet<QString> &hostnames);
    // PostgreSQL: listens on a new change feed connection.
    Result<void> listenForChanges();
    // Every kHealthCheckIntervalMs on PostgreSQL: is the server there, is the feed listening?
    void checkStore();
    void storeLost(const QString &why);
    // Reconnects, listens again and reloads; true when the store is back.
    bool recoverStore();
    Error unavailable(const QString &what) const;
    Error storageError(const QString &what, const QString &message) const;
    std::optional<Error> wrongThread() const;
    void publish(std::shared_ptr<PlatformSnapshot> next);
    // On success `*typed` holds the code's bindings read into typed values.
    std::optional<Error> checkCode(const QString &subject, const store::WorkerCode &code,
                                   store::Bindings *typed) const;
    Result<store::KvValue> prepareKvPut(const store::KvNamespaceRecord &ns, const QString &key,
                                        const QByteArray &value, const KvPutOptions &options) const;
    std::optional<store::KvNamespaceRecord> kvNamespaceRecord(const QString &id) const;
    // Inside a write: stores `version` (its number set) and drops the Worker's versions past
    // kVersionsKept except `keep`; returns the ids dropped.
    QStringList writeVersion(store::WorkerVersionRecord *version, const QStringList &keep);
    // Inside a write: stores `deployment` and drops the Worker's deployments past
    // kDeploymentsKept; returns the ids dropped.
    QStringList writeDeployment(const store::WorkerDeploymentRecord &deployment);
    std::optional<Error> checkAnnotations(const QJsonObject &annotations) const;

    store::Database &m_database;
    std::unique_ptr<store::Queries> m_queries;
    const Clock &m_clock;
    store::BatchWriter *m_appendWriter;
    std::unique_ptr<LiveTails> m_liveTails;
    ScriptChecker *m_checker = nullptr;
    store::CacheStore *m_cache = nullptr;
    KvView m_kv;
    PlatformView m_view;
    QTimer m_sweep;
    // Names this node's edits in the change feed, so it skips its own notifications.
    const QString m_nodeId;
    std::unique_ptr<store::ChangeFeed> m_feed;
    bool m_reloadPending = false;
    bool m_pendingFull = false;
    QHash<QString, QSet<QString>> m_pendingKv;
    QSet<std::pair<QString, QString>> m_pendingScripts;
    QSet<QString> m_pendingHostnames;
    QTimer m_health;
    bool m_storeAvailable = true;
    QString m_storeProblem;
};

} // namespace switchyard::platform
