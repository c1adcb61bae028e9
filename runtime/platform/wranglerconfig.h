#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariantMap>

#include <optional>

namespace switchyard::platform {

// The part of a wrangler.{jsonc,json,toml} that describes a dispatch Worker and its bindings.
struct WranglerConfig
{
    struct DispatchNamespace
    {
        QString binding;
        QString nameSpace;
        QString outboundService; // empty: no outbound Worker
        QStringList outboundParameters;
    };
    struct KvNamespace
    {
        QString binding;
        QString id;
    };
    struct Dataset
    {
        QString binding;
        QString dataset;
    };
    struct Service
    {
        QString binding;
        QString service;
    };

    QString path; // the file it came from
    QString name;
    QString main; // absolute path of the entry module
    QString compatibilityDate;
    QStringList compatibilityFlags;
    QList<DispatchNamespace> dispatchNamespaces;
    QList<KvNamespace> kvNamespaces;
    QList<Dataset> analyticsEngineDatasets;
    QList<Service> services;
    QStringList tailConsumers;
    QVariantMap vars;
};

struct WranglerConfigResult
{
    std::optional<WranglerConfig> config;
    QString error; // "<file>: <key>: <reason>"
};

// Reads a wrangler.jsonc / .json / .toml (chosen by extension). Entries Switchyard does not
// understand are errors, not silently dropped: a dispatcher that loses a binding misroutes.
WranglerConfigResult readWranglerConfig(const QString &path);
// The same from text; `fileName` names the source in errors and picks the syntax.
WranglerConfigResult parseWranglerConfig(const QByteArray &text, const QString &fileName);

// The config's bindings as an upload's metadata names them: dispatch namespaces (with their
// outbound Worker), KV namespaces by the ids the config gives, datasets, services and vars.
QJsonArray metadataBindings(const WranglerConfig &config);
// Its tail consumers as the metadata's `tail_consumers`.
QJsonArray metadataTailConsumers(const WranglerConfig &config);

// "line:column" (both from 1) of a byte offset in `text`, for error messages.
QString lineColumn(const QByteArray &text, qsizetype offset);

// Parsers for the two syntaxes, exposed for tests. Errors carry line and column.
std::optional<QJsonObject> parseJsonc(const QByteArray &text, QString *error);
std::optional<QJsonObject> parseToml(const QByteArray &text, QString *error);

} // namespace switchyard::platform
