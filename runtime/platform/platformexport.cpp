#include "platformexport.h"

#include "exportlayout.h"
#include "platformservice.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStringDecoder>
#include <QTemporaryDir>

#include <toml++/toml.h>

#include <sstream>

namespace switchyard::platform {

namespace {

namespace layout = exportlayout;

Error failure(const QString &message)
{
    return {ErrorKind::Invalid, message};
}

std::string utf8(const QString &s)
{
    return s.toStdString();
}

// Where putToml hands a value: the end of an array, or a key of a table. Two fixed types, so the
// recursion below instantiates finitely.
struct ArraySink
{
    toml::array &array;
    template<typename T> void operator()(T &&value) { array.push_back(std::forward<T>(value)); }
};
struct TableSink
{
    toml::table &table;
    std::string key;
    template<typename T> void operator()(T &&value)
    {
        table.insert_or_assign(key, std::forward<T>(value));
    }
};

// JSON values of `json` bindings as TOML values of [vars]. TOML has no null: false then.
template<typename Sink> bool putToml(const QJsonValue &value, Sink sink)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        sink(value.toBool());
        return true;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == double(qint64(d)) && qAbs(d) < 9007199254740992.0)
            sink(int64_t(d));
        else
            sink(d);
        return true;
    }
    case QJsonValue::String:
        sink(utf8(value.toString()));
        return true;
    case QJsonValue::Array: {
        toml::array array;
        for (const QJsonValue item : value.toArray())
            if (!putToml(item, ArraySink {array}))
                return false;
        sink(std::move(array));
        return true;
    }
    case QJsonValue::Object: {
        toml::table table;
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!putToml(it.value(), TableSink {table, utf8(it.key())}))
                return false;
        sink(std::move(table));
        return true;
    }
    default:
        return false;
    }
}

toml::array strings(const QStringList &list)
{
    toml::array a;
    for (const QString &s : list)
        a.push_back(utf8(s));
    return a;
}

class Exporter
{
public:
    Exporter(const PlatformService &service, const QString &root) : m_service(service), m_root(root)
    { }

    Result<ExportSummary> run()
    {
        const auto snapshot = m_service.snapshot();
        QJsonObject manifest {
                {QStringLiteral("format"), layout::kFormat},
                {QStringLiteral("version"), layout::kFormatVersion},
                {QStringLiteral("exported_at"),
                 QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                {QStringLiteral("active_dispatcher"), snapshot->activeDispatcher},
        };

        QJsonArray namespaces;
        for (const store::NamespaceRecord &ns : m_service.namespaces())
            namespaces.append(QJsonObject {{QStringLiteral("name"), ns.name},
                                           {QStringLiteral("trusted_workers"), ns.trustedWorkers}});
        manifest.insert(QStringLiteral("dispatch_namespaces"), namespaces);

        QJsonArray kvNamespaces;
        for (const store::KvNamespaceRecord &ns : m_service.kvNamespaces()) {
            if (auto error = writeKv(ns))
                return *error;
            kvNamespaces.append(QJsonObject {{QStringLiteral("id"), ns.id},
                                             {QStringLiteral("title"), ns.title},
                                             {QStringLiteral("file"), layout::kvFile(ns.id)}});
            ++m_summary.kvNamespaces;
        }
        manifest.insert(QStringLiteral("kv_namespaces"), kvNamespaces);

        QJsonArray workers;
        for (const auto &worker : m_service.platformWorkers()) {
            const QString folder = layout::workerFolder(worker->name);
            QJsonObject entry {{QStringLiteral("name"), worker->name},
                               {QStringLiteral("kind"), store::workerKindName(worker->kind)},
                               {QStringLiteral("folder"), folder}};
            if (worker->splitVersion)
                entry.insert(QStringLiteral("note"),
                             QStringLiteral("a gradual deployment: the version serving %1 % of "
                                            "requests is exported")
                                     .arg(100 - worker->splitPercentage));
            if (auto error = writeWorker(folder, worker->name, worker->code, &entry))
                return *error;
            workers.append(entry);
            ++m_summary.platformWorkers;
        }
        manifest.insert(QStringLiteral("platform_workers"), workers);

        QJsonArray scripts;
        QStringList nsNames = snapshot->scripts.keys();
        std::sort(nsNames.begin(), nsNames.end());
        for (const QString &ns : nsNames) {
            const auto &byName = snapshot->scripts.value(ns);
            QStringList names = byName.keys();
            std::sort(names.begin(), names.end());
            for (const QString &name : names) {
                const auto &script = byName.value(name);
                const QString folder = layout::scriptFolder(ns, name);
                QJsonObject entry {
                        {QStringLiteral("namespace"), ns},
                        {QStringLiteral("name"), name},
                        {QStringLiteral("tags"), QJsonArray::fromStringList(script->tags)},
                        {QStringLiteral("folder"), folder}};
                if (auto error = writeWorker(folder, name, script->code, &entry))
                    return *error;
                scripts.append(entry);
                ++m_summary.scripts;
            }
        }
        manifest.insert(QStringLiteral("scripts"), scripts);

        QJsonArray hostnames;
        QStringList hosts = snapshot->customHostnames.keys();
        std::sort(hosts.begin(), hosts.end());
        for (const QString &host : hosts) {
            hostnames.append(QJsonObject {{QStringLiteral("hostname"), host},
                                          {QStringLiteral("custom_metadata"),
                                           snapshot->customHostnames.value(host)->metadata}});
            ++m_summary.customHostnames;
        }
        manifest.insert(QStringLiteral("custom_hostnames"), hostnames);

        if (auto error = write(layout::kManifestFile, QJsonDocument(manifest).toJson()))
            return *error;
        return m_summary;
    }

private:
    std::optional<Error> write(const QString &relative, const QByteArray &data)
    {
        const QString path = m_root + u'/' + relative;
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return failure(QStringLiteral("%1: cannot create the folder").arg(path));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
            return failure(QStringLiteral("%1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }

    // One wrangler project folder: the modules as files, and a wrangler.toml that
    // `wrangler deploy` (with --dispatch-namespace for a user Worker) uploads as they are.
    std::optional<Error> writeWorker(const QString &folder, const QString &name,
                                     const store::WorkerCode &code, QJsonObject *entry)
    {
        const QString subject = QStringLiteral("Worker %1 (%2)").arg(name, folder);
        toml::table config;
        config.insert("name", utf8(name));
        config.insert("main", utf8(code.mainModule));
        if (!code.compatibilityDate.isEmpty())
            config.insert("compatibility_date", utf8(code.compatibilityDate));
        if (!code.compatibilityFlags.isEmpty())
            config.insert("compatibility_flags", strings(code.compatibilityFlags));
        // The modules are uploaded as stored, not bundled again: wrangler finds them by `rules`.
        config.insert("no_bundle", true);
        config.insert("find_additional_modules", true);

        QJsonArray modules;
        QHash<QString, QStringList> globsByType;
        QStringList typeOrder;
        for (const store::ScriptModule &module : code.modules) {
            if (auto reason = layout::checkModulePath(module.name))
                return failure(QStringLiteral("%1: module \"%2\" cannot be written as a file: %3")
                                       .arg(subject, module.name, *reason));
            if (auto error = write(folder + u'/' + module.name, module.code))
                return error;
            modules.append(QJsonObject {{QStringLiteral("name"), module.name},
                                        {QStringLiteral("type"), module.contentType}});
            const QString type = layout::wranglerRuleType(module.contentType);
            if (type.isEmpty())
                continue;
            if (!typeOrder.contains(type))
                typeOrder << type;
            globsByType[type] << module.name;
        }
        // One rule per type naming exactly its files, so wrangler types each module as stored.
        toml::array rules;
        for (const QString &type : typeOrder) {
            toml::table rule;
            rule.insert("type", utf8(type));
            rule.insert("globs", strings(globsByType.value(type)));
            rule.insert("fallthrough", false);
            rules.push_back(std::move(rule));
        }
        config.insert("rules", std::move(rules));
        entry->insert(QStringLiteral("modules"), modules);

        toml::table vars;
        toml::array kv, datasets, dispatch, services;
        QStringList secrets;
        for (const store::Binding &binding : code.typedBindings) {
            const std::string bindingName = utf8(binding.name);
            if (const auto *text = binding.as<store::Binding::PlainText>()) {
                vars.insert(bindingName, utf8(text->text));
            } else if (binding.as<store::Binding::SecretText>()) {
                secrets << binding.name;
            } else if (const auto *json = binding.as<store::Binding::Json>()) {
                if (!putToml(json->value, TableSink {vars, bindingName}))
                    return failure(QStringLiteral("%1: JSON binding %2 holds a null, which a "
                                                  "wrangler.toml [vars] table cannot say")
                                           .arg(subject, binding.name));
            } else if (const auto *ns = binding.as<store::Binding::KvNamespace>()) {
                kv.push_back(toml::table {{"binding", bindingName}, {"id", utf8(ns->namespaceId)}});
            } else if (const auto *ds = binding.as<store::Binding::AnalyticsEngine>()) {
                datasets.push_back(
                        toml::table {{"binding", bindingName}, {"dataset", utf8(ds->dataset)}});
            } else if (const auto *d = binding.as<store::Binding::DispatchNamespace>()) {
                toml::table t {{"binding", bindingName}, {"namespace", utf8(d->nameSpace)}};
                if (d->outbound) {
                    toml::table outbound {{"service", utf8(d->outbound->service)}};
                    if (!d->outbound->params.isEmpty())
                        outbound.insert("parameters", strings(d->outbound->params));
                    t.insert("outbound", std::move(outbound));
                }
                dispatch.push_back(std::move(t));
            } else if (const auto *s = binding.as<store::Binding::Service>()) {
                services.push_back(
                        toml::table {{"binding", bindingName}, {"service", utf8(s->service)}});
            }
        }
        if (!vars.empty())
            config.insert("vars", std::move(vars));
        if (!kv.empty())
            config.insert("kv_namespaces", std::move(kv));
        if (!datasets.empty())
            config.insert("analytics_engine_datasets", std::move(datasets));
        if (!dispatch.empty())
            config.insert("dispatch_namespaces", std::move(dispatch));
        if (!services.empty())
            config.insert("services", std::move(services));
        toml::array tails;
        for (const QString &tail : store::tailConsumerNames(code.tailConsumers))
            tails.push_back(toml::table {{"service", utf8(tail)}});
        if (!tails.empty())
            config.insert("tail_consumers", std::move(tails));

        std::ostringstream text;
        const QString nameSpace
                = folder.startsWith(u"namespaces/") ? folder.section(u'/', 1, 1) : QString();
        text << "# Written by `switchyard export`. Deploy with `wrangler deploy"
             << (nameSpace.isEmpty() ? std::string() : " --dispatch-namespace " + utf8(nameSpace))
             << "` from this folder.\n";
        if (!secrets.isEmpty()) {
            text << "# Secrets are not exported; set each with `wrangler secret put NAME`, or for\n"
                    "# `switchyard import` write NAME=value lines into .dev.vars here:\n";
            for (const QString &secret : secrets)
                text << "#   " << utf8(secret) << "\n";
            entry->insert(QStringLiteral("secrets"), QJsonArray::fromStringList(secrets));
            m_summary.secretsLeftOut += int(secrets.size());
        }
        text << config << "\n";
        return write(folder + u'/' + layout::kConfigFile, QByteArray::fromStdString(text.str()));
    }

    // In the shape `wrangler kv bulk put` reads: text values as they are, other bytes in base64.
    std::optional<Error> writeKv(const store::KvNamespaceRecord &ns)
    {
        QJsonArray entries;
        QString cursor;
        do {
            auto page = m_service.kvList(ns.id, {}, 1000, cursor);
            if (!page)
                return page.error();
            for (const KvView::ListedKey &listed : page->keys) {
                const auto value = m_service.kvGet(ns.id, listed.name);
                if (!value)
                    continue; // expired since it was listed
                QJsonObject entry {{QStringLiteral("key"), listed.name}};
                QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
                const QString text = decoder.decode(value->value);
                if (decoder.hasError()) {
                    entry.insert(QStringLiteral("value"),
                                 QString::fromLatin1(value->value.toBase64()));
                    entry.insert(QStringLiteral("base64"), true);
                } else {
                    entry.insert(QStringLiteral("value"), text);
                }
                if (value->expiration)
                    entry.insert(QStringLiteral("expiration"), double(*value->expiration));
                if (!value->metadata.isNull())
                    entry.insert(
                            QStringLiteral("metadata"),
                            QJsonDocument::fromJson("[" + value->metadata + "]").array().at(0));
                entries.append(entry);
                ++m_summary.kvEntries;
            }
            cursor = page->listComplete ? QString() : page->cursor;
        } while (!cursor.isEmpty());
        return write(layout::kvFile(ns.id), QJsonDocument(entries).toJson());
    }

    const PlatformService &m_service;
    const QString m_root;
    ExportSummary m_summary;
};

} // namespace

Result<ExportSummary> exportPlatform(const PlatformService &service, const QString &directory)
{
    const QFileInfo target(directory);
    if (target.exists()
        && (!target.isDir()
            || !QDir(directory).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden
                                        | QDir::System)))
        return failure(QStringLiteral("%1 exists and is not an empty folder; export writes a new "
                                      "one")
                               .arg(directory));
    const QString parent = target.absolutePath();
    if (!QDir().mkpath(parent))
        return failure(QStringLiteral("%1: cannot create the folder").arg(parent));
    QTemporaryDir staging(parent + QStringLiteral("/.") + target.fileName()
                          + QStringLiteral(".partial-XXXXXX"));
    if (!staging.isValid())
        return failure(QStringLiteral("%1: %2").arg(parent, staging.errorString()));
    auto summary = Exporter(service, staging.path()).run();
    if (!summary)
        return summary;
    if (target.exists())
        QDir().rmdir(directory);
    if (!QDir().rename(staging.path(), target.absoluteFilePath()))
        return failure(QStringLiteral("%1: cannot move the export into place from %2")
                               .arg(directory, staging.path()));
    staging.setAutoRemove(false);
    return summary;
}

} // namespace switchyard::platform
