#pragma once

// Plain rows of the platform state, shared by the store (which persists them) and the platform
// (which validates them and serves them to the request path as immutable snapshots).

#include "binding.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace switchyard::store {

struct ScriptModule
{
    QString name;
    QString contentType;
    QByteArray code;

    bool operator==(const ScriptModule &) const = default;
};
using ScriptModules = QList<ScriptModule>;

// What a Worker runs: the same for user scripts and platform Workers.
struct WorkerCode
{
    ScriptModules modules;
    QString mainModule;
    QString compatibilityDate; // YYYY-MM-DD, or empty
    QStringList compatibilityFlags;
    // As given, in Cloudflare's shape ([{"type": "kv_namespace", "name": "X", ...}]): what is
    // stored and what the admin API shows.
    QJsonArray bindings;
    // `bindings` read into typed values, in the same order. The platform service fills it when it
    // stores or loads the code; everything after that reads this, not the JSON.
    Bindings typedBindings;
    // The Workers that receive this Worker's trace events, in Cloudflare's shape
    // ([{"service": "tailer"}]): platform Workers by name.
    QJsonArray tailConsumers;
};

// The platform Worker names `tailConsumers` lists, in order, without repeats.
QStringList tailConsumerNames(const QJsonArray &tailConsumers);

struct NamespaceRecord
{
    qint64 id = 0;
    QString name;
    bool trustedWorkers = false;
    qint64 createdAt = 0; // ms since the epoch
};

struct ScriptRecord
{
    qint64 id = 0;
    QString namespaceName;
    QString name;
    WorkerCode code;
    QStringList tags;
    QByteArray contentHash; // hex SHA-256 of the modules, so the engine can tell versions apart
    qint64 createdAt = 0;
    qint64 modifiedAt = 0;
};

enum class WorkerKind { Dispatcher, Outbound, Tail, Other };

struct PlatformWorkerRecord
{
    qint64 id = 0;
    QString name;
    WorkerKind kind = WorkerKind::Other;
    WorkerCode code;
    QByteArray contentHash;
    qint64 createdAt = 0;
    qint64 modifiedAt = 0;
    // The Worker Version this code is (a UUID); empty only for a record never stored.
    QString versionId;
    // A gradual deployment: the deployment's other version, as a record of the same Worker, and
    // the percentage of requests it takes (0 < splitPercentage < 100). Null when one version
    // takes every request. The dispatch path picks one of the two per request.
    std::shared_ptr<const PlatformWorkerRecord> splitVersion;
    double splitPercentage = 0;
    bool isSplitVersion = false; // this record is another's splitVersion
};

// One Worker Version of a platform Worker (Cloudflare's Version): the code and configuration of
// one upload, immutable once stored.
struct WorkerVersionRecord
{
    qint64 rowId = 0;
    QString id; // UUID, as Cloudflare's
    QString workerName;
    qint64 number = 0; // 1, 2, ... per Worker
    // Read without its modules for listings; readVersionModules() fills them when deployed.
    WorkerCode code;
    QByteArray contentHash;
    QJsonObject annotations; // "workers/message", "workers/tag", "workers/triggered_by"
    QString source; // "wrangler", "api", "dash"
    QString author; // author_email
    qint64 createdAt = 0;
};

struct DeploymentShare
{
    QString versionId;
    double percentage = 100;
};

// One Deployment of a platform Worker: which versions serve its traffic, and in what shares.
struct WorkerDeploymentRecord
{
    qint64 rowId = 0;
    QString id; // UUID
    QString workerName;
    QList<DeploymentShare> versions; // one at 100, or two whose percentages sum to 100
    QJsonObject annotations; // "workers/message", "workers/triggered_by"
    QString source;
    QString author;
    qint64 createdAt = 0;
};

struct KvNamespaceRecord
{
    QString id; // 32 lowercase hex digits, as Cloudflare's
    QString title;
    qint64 createdAt = 0;
};

struct KvValue
{
    QByteArray value;
    QByteArray metadata; // compact JSON text; null QByteArray when there is none
    std::optional<qint64> expiration; // seconds since the epoch
};

struct CustomHostnameRecord
{
    QString hostname;
    QJsonObject metadata;
    qint64 createdAt = 0;
    qint64 modifiedAt = 0;
};

struct AnalyticsPoint
{
    QString dataset;
    qint64 timestamp = 0; // ms since the epoch
    QByteArray index1; // null when the point has no index
    QList<QByteArray> blobs; // blob1.. in order; at most 20
    QList<double> doubles; // double1.. in order; at most 20
    qint64 sampleInterval = 1;
};

// One Switchyard node on the store, as its last heartbeat left it.
struct NodeRecord
{
    QString name; // --node-name
    QString address; // the dispatch listener, e.g. http://10.0.0.5:8787/
    QString version;
    qint64 startedAt = 0; // ms since the epoch
    double requestsPerSecond = 0; // over the last heartbeat interval
    qint64 liveInstances = 0;
    qint64 lastHeartbeat = 0; // ms since the epoch

    bool operator==(const NodeRecord &) const = default;
};

// Cloudflare's TraceItem, field for field.
struct TraceRecord
{
    QString scriptName;
    QString dispatchNamespace;
    QStringList scriptTags;
    QJsonObject event;
    qint64 eventTimestamp = 0; // ms since the epoch
    QJsonArray logs;
    QJsonArray exceptions;
    QString outcome;
    qint64 cpuTime = 0; // ms
    qint64 wallTime = 0; // ms
};

QString workerKindName(WorkerKind kind);
std::optional<WorkerKind> workerKindFromName(const QString &name);

} // namespace switchyard::store
