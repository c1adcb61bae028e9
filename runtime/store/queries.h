#pragma once

#include "records.h"

#include <QHash>
#include <QVariant>

#include <functional>
#include <optional>

namespace switchyard::store {

class Database;

// One row of the traces table as it is written: the JSON columns already serialized (compact).
struct TraceRow
{
    QString scriptName;
    QString dispatchNamespace; // null: SQL NULL
    // JSON, UTF-8: stored as text without a detour through UTF-16.
    QByteArray scriptTags;
    QByteArray event;
    qint64 eventTimestamp = 0;
    QByteArray logs;
    QByteArray exceptions;
    QString outcome;
    qint64 cpuTime = 0;
    qint64 wallTime = 0;
};

// The row of `trace`.
TraceRow traceRow(const TraceRecord &trace);
// The record a stored row reads back as: traceRow(traceRecord(row)) == row.
TraceRecord traceRecord(const TraceRow &row);

// Every SQL statement of the platform state, typed. Each throws SqlError on failure, so callers
// group them in Database::transaction() and a failure rolls back the whole change.
class Queries
{
public:
    explicit Queries(Database &database) : m_db(database) { }

    // Startup load.
    QList<NamespaceRecord> namespaces();
    QList<ScriptRecord> scripts();
    // One script, for a node that reads only what another node's edit changed.
    std::optional<ScriptRecord> script(const QString &namespaceName, const QString &name);
    QList<PlatformWorkerRecord> platformWorkers();
    QHash<QString, QString> settings();
    QList<KvNamespaceRecord> kvNamespaces();
    void forEachKvEntry(const std::function<void(const QString &namespaceId, const QString &key,
                                                 KvValue)> &visit);
    QList<CustomHostnameRecord> customHostnames();
    std::optional<CustomHostnameRecord> customHostname(const QString &hostname);

    // Dispatch namespaces and their scripts.
    qint64 insertNamespace(const NamespaceRecord &record);
    void updateNamespaceTrusted(qint64 namespaceId, bool trusted);
    void deleteNamespace(qint64 namespaceId);
    // Inserts or replaces the script (keeping its created time) with its modules; returns its id.
    qint64 upsertScript(qint64 namespaceId, const ScriptRecord &record);
    void updateScriptTags(qint64 scriptId, const QStringList &tags, qint64 modifiedAt);
    void deleteScript(qint64 scriptId);

    // Platform Workers and settings.
    qint64 upsertPlatformWorker(const PlatformWorkerRecord &record);
    void deletePlatformWorker(qint64 workerId);
    // Worker Versions and Deployments of platform Workers.
    // Every version, without its modules, newest first per Worker.
    QList<WorkerVersionRecord> workerVersions();
    ScriptModules versionModules(qint64 versionRowId);
    // Stores `record` (its number is the Worker's next) with its modules; returns the row id and
    // sets record->number.
    qint64 insertWorkerVersion(WorkerVersionRecord *record);
    // Every deployment, newest first per Worker.
    QList<WorkerDeploymentRecord> workerDeployments();
    qint64 insertWorkerDeployment(const WorkerDeploymentRecord &record);
    void deleteWorkerDeployment(const QString &uuid);
    // Also the deployments that name it.
    void deleteWorkerVersion(const QString &uuid);
    // A deleted platform Worker's versions and deployments.
    void deleteWorkerHistory(const QString &workerName);
    void setSetting(const QString &key, const QString &value);
    void removeSetting(const QString &key);

    // KV.
    void insertKvNamespace(const KvNamespaceRecord &record);
    void renameKvNamespace(const QString &id, const QString &title);
    void deleteKvNamespace(const QString &id);
    void putKv(const QString &namespaceId, const QString &key, const KvValue &value);
    void deleteKv(const QString &namespaceId, const QString &key);
    std::optional<KvValue> kvEntry(const QString &namespaceId, const QString &key);
    // Deletes entries expired at `nowSeconds`; returns them as (namespace id, key).
    QList<std::pair<QString, QString>> deleteExpiredKv(qint64 nowSeconds);

    // Custom hostnames.
    void upsertCustomHostname(const CustomHostnameRecord &record);
    void deleteCustomHostname(const QString &hostname);

    // Append-only logs; `node` names the node that wrote them (empty: none named).
    void insertDataPoints(const QList<AnalyticsPoint> &points, qint64 nowMs,
                          const QString &node = {});
    void insertTraces(const QList<TraceRecord> &traces);
    void insertTraceRows(const QList<TraceRow> &rows, const QString &node = {});
    // Deletes all but the newest `keep` traces.
    void pruneTraces(qint64 keep);
    QList<TraceRecord> recentTraces(int limit);
    // One Worker's traces from `sinceMs` on, oldest first, at most `limit`. `dispatchNamespace`
    // is empty for a platform Worker.
    QList<TraceRecord> workerTraces(const QString &dispatchNamespace, const QString &scriptName,
                                    qint64 sinceMs, int limit);

    // Nodes sharing the store: each writes its own row (heartbeat), everyone reads them all.
    void upsertNode(const NodeRecord &node);
    void deleteNode(const QString &name);
    QList<NodeRecord> nodes();

private:
    void writeModules(const QString &table, const QString &ownerColumn, qint64 ownerId,
                      const ScriptModules &modules);
    ScriptModules readModules(const QString &table, const QString &ownerColumn, qint64 ownerId);
    // The scripts a WHERE clause (after the join of scripts `s` and namespaces `n`) selects.
    QList<ScriptRecord> readScripts(const QString &where, const QVariantList &params);
    QList<CustomHostnameRecord> readCustomHostnames(const QString &where,
                                                    const QVariantList &params);
    // The traces the clauses after `FROM traces` (WHERE, ORDER BY, LIMIT) select.
    QList<TraceRecord> readTraces(const QString &clauses, const QVariantList &params);

    Database &m_db;
};

QByteArray compactJson(const QJsonArray &array);
QByteArray compactJson(const QJsonObject &object);
QJsonArray jsonArray(const QByteArray &text);
QJsonObject jsonObject(const QByteArray &text);

} // namespace switchyard::store
