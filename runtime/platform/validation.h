#pragma once

// The rules every change must pass before the platform service writes it, Cloudflare's where it
// has them. Each check returns std::nullopt or the full message for the user, built from
// `subject` (what and where, e.g. `KV key "a" in namespace USER_ROUTING`).

#include "store/records.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace switchyard::platform::validation {

inline constexpr qsizetype kMaxNameLength = 63;
inline constexpr qsizetype kMaxTags = 8;
inline constexpr qsizetype kMaxScriptBytes = 10 * 1024 * 1024;
inline constexpr qsizetype kMaxKvKeyBytes = 512;
inline constexpr qsizetype kMaxKvValueBytes = 25 * 1024 * 1024;
inline constexpr qsizetype kMaxKvMetadataBytes = 1024;
inline constexpr qint64 kMinKvExpirationTtl = 60;
inline constexpr int kMaxKvListLimit = 1000;
inline constexpr qsizetype kMaxKvBulkItems = 10000;
inline constexpr qsizetype kMaxKvNamespaceTitleBytes = 512;
inline constexpr qsizetype kMaxHostnameMetadataBytes = 4096;
inline constexpr qsizetype kMaxDataPointBlobs = 20;
inline constexpr qsizetype kMaxDataPointDoubles = 20;
inline constexpr qsizetype kMaxDataPointIndexBytes = 96;
inline constexpr qsizetype kMaxDataPointBlobBytes = 16 * 1024;

// `"value"`, shortened for messages when it is long.
QString quoted(const QString &value);

// Dispatch namespace, script and platform Worker names: ^[a-z0-9][a-z0-9_-]{0,62}$.
std::optional<QString> checkName(const QString &subject, const QString &name);

std::optional<QString> checkTags(const QString &subject, const QStringList &tags);

// What bindings may refer to, looked up in the current state.
struct BindingTargets
{
    std::function<bool(const QString &kvNamespaceId)> kvNamespaceExists;
    std::function<bool(const QString &dispatchNamespace)> dispatchNamespaceExists;
};

// Cloudflare's binding objects, each read into a typed value: the one place that reads their
// JSON. On success `*typed` (if given) holds them, in order. Targets are checked only where
// `targets` has a function for them.
std::optional<QString> checkBindings(const QString &subject, const QJsonArray &bindings,
                                     const BindingTargets &targets,
                                     store::Bindings *typed = nullptr);

// Modules, main module, sizes, compatibility date and flags, bindings (read into `*typed`).
std::optional<QString> checkWorkerCode(const QString &subject, const store::WorkerCode &code,
                                       const BindingTargets &targets,
                                       store::Bindings *typed = nullptr);

// Cloudflare's tail_consumers: objects with a "service" naming a Worker.
std::optional<QString> checkTailConsumers(const QString &subject, const QJsonArray &consumers);

// The fields of Worker metadata (an upload's "metadata" part, a settings PATCH) that Switchyard
// reads, checked for their JSON type before anything reads them, so a wrong type is refused
// instead of read as empty: "bindings" and "tail_consumers" arrays of objects; "tags",
// "compatibility_flags" and "keep_bindings" arrays of strings; "main_module", "body_part" and
// "compatibility_date" strings. `subject` names the object, e.g. `metadata` or `settings`.
std::optional<QString> checkMetadataShape(const QString &subject, const QJsonObject &metadata);

std::optional<QString> checkKvKey(const QString &subject, const QString &key);
std::optional<QString> checkKvValue(const QString &subject, const QByteArray &value);
// `metadata` is JSON text, or a null QByteArray for none. On success *compact holds it compacted.
std::optional<QString> checkKvMetadata(const QString &subject, const QByteArray &metadata,
                                       QByteArray *compact);
std::optional<QString> checkKvNamespaceTitle(const QString &title);
// Ids are path segments of the admin API: Cloudflare's are 32 hex digits; a config may name any
// id of letters, digits, '-' and '_'.
std::optional<QString> checkKvNamespaceId(const QString &id);

std::optional<QString> checkHostname(const QString &hostname);
std::optional<QString> checkHostnameMetadata(const QString &subject, const QByteArray &metadata,
                                             QJsonObject *object);

std::optional<QString> checkDataPoint(const QString &subject, const store::AnalyticsPoint &point);

} // namespace switchyard::platform::validation
