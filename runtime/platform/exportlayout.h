#pragma once

// The directory `switchyard export` writes and `switchyard import` reads: one wrangler project
// folder per Worker, one `wrangler kv bulk put` file per KV namespace, and a manifest for what
// wrangler has no file for. Both sides take their paths and limits from here.
//
//   switchyard-export.json            the manifest (format, namespaces, Workers, KV, hostnames)
//   workers/<name>/wrangler.toml      a platform Worker (dispatcher, outbound, tail, other)
//   workers/<name>/<modules>
//   namespaces/<ns>/<script>/...      a user Worker of dispatch namespace <ns>
//   kv/<namespace id>.json            [{key, value, base64?, expiration?, metadata?}]

#include <QString>

#include <optional>

namespace switchyard::platform::exportlayout {

inline const QString kManifestFile = QStringLiteral("switchyard-export.json");
inline const QString kFormat = QStringLiteral("switchyard-export");
inline constexpr int kFormatVersion = 1;
inline const QString kConfigFile = QStringLiteral("wrangler.toml");
// Wrangler's own file of local secrets (dotenv lines); never written by export.
inline const QString kSecretsFile = QStringLiteral(".dev.vars");

// Import reads whole files into memory and writes them in one transaction; these bound what a
// directory can make it hold. A KV namespace past them goes in with `wrangler kv bulk put`
// against the admin API, which batches.
inline constexpr qint64 kMaxManifestBytes = 16 * 1024 * 1024;
inline constexpr qint64 kMaxConfigBytes = 1024 * 1024;
inline constexpr qint64 kMaxKvFileBytes = 64 * 1024 * 1024;
inline constexpr qsizetype kMaxKvFileEntries = 100000;
inline constexpr int kMaxDirectoryEntries = 200000;

inline QString workerFolder(const QString &name)
{
    return QStringLiteral("workers/") + name;
}
inline QString scriptFolder(const QString &ns, const QString &name)
{
    return QStringLiteral("namespaces/%1/%2").arg(ns, name);
}
inline QString kvFile(const QString &namespaceId)
{
    return QStringLiteral("kv/%1.json").arg(namespaceId);
}

// A module's name as a path inside its Worker's folder: relative, "/"-separated, no empty, "."
// or ".." segment, no segment starting with "." (`.dev.vars` and friends), and not the folder's
// wrangler.toml. std::nullopt when it is fine, else why not (for "<subject>: <reason>").
std::optional<QString> checkModulePath(const QString &name);

// The wrangler module rule type ("ESModule", "CommonJS", "Text", "Data", "CompiledWasm") for a
// module's content type; empty when wrangler has none (JSON modules).
QString wranglerRuleType(const QString &contentType);

} // namespace switchyard::platform::exportlayout
