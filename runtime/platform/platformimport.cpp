#include "platformimport.h"

#include "exportlayout.h"
#include "validation.h"
#include "wranglerconfig.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace switchyard::platform {

namespace {

namespace layout = exportlayout;

Error invalid(const QString &message)
{
    return {ErrorKind::Invalid, message};
}

class Reader
{
public:
    explicit Reader(const QString &root) : m_root(QDir(root).absolutePath()) { }

    Result<ImportPlan> run()
    {
        if (!QFileInfo(m_root).isDir())
            return invalid(QStringLiteral("%1: not a folder").arg(m_root));
        if (auto error = checkTree())
            return *error;
        auto manifestText = readFile(layout::kManifestFile, layout::kMaxManifestBytes);
        if (!manifestText)
            return manifestText.error();
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(manifestText.value(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return invalid(QStringLiteral("%1:%2: %3")
                                   .arg(path(layout::kManifestFile),
                                        lineColumn(manifestText.value(), parseError.offset),
                                        parseError.errorString()));
        if (!doc.isObject())
            return fieldError(QStringLiteral("(top level)"), QStringLiteral("must be an object"));
        const QJsonObject m = doc.object();
        if (m.value(u"format").toString() != layout::kFormat)
            return fieldError(QStringLiteral("format"),
                              QStringLiteral("must be \"%1\"").arg(layout::kFormat));
        if (m.value(u"version").toInt(-1) != layout::kFormatVersion)
            return fieldError(QStringLiteral("version"),
                              QStringLiteral("must be %1 (this Switchyard reads version %1)")
                                      .arg(layout::kFormatVersion));

        for (const auto &[key, reader] :
             std::initializer_list<std::pair<const char *,
                                             std::optional<Error> (Reader::*)(
                                                     const QString &, const QJsonObject &)>> {
                     {"dispatch_namespaces", &Reader::readNamespace},
                     {"kv_namespaces", &Reader::readKvNamespace},
                     {"platform_workers", &Reader::readPlatformWorker},
                     {"scripts", &Reader::readScript},
                     {"custom_hostnames", &Reader::readHostname}}) {
            const QJsonValue list = m.value(QLatin1String(key));
            if (list.isUndefined())
                continue;
            if (!list.isArray())
                return fieldError(QLatin1String(key), QStringLiteral("must be an array"));
            const QJsonArray a = list.toArray();
            for (qsizetype i = 0; i < a.size(); ++i) {
                const QString at = QStringLiteral("%1[%2]").arg(QLatin1String(key)).arg(i);
                if (!a.at(i).isObject())
                    return fieldError(at, QStringLiteral("must be an object"));
                if (auto error = (this->*reader)(at, a.at(i).toObject()))
                    return *error;
            }
        }
        const QJsonValue active = m.value(u"active_dispatcher");
        if (!active.isUndefined() && !active.isString())
            return fieldError(QStringLiteral("active_dispatcher"),
                              QStringLiteral("must be a string"));
        m_plan.activeDispatcher = active.toString();
        if (!m_plan.activeDispatcher.isEmpty()) {
            const bool found = std::any_of(m_plan.platformWorkers.cbegin(),
                                           m_plan.platformWorkers.cend(), [&](const auto &w) {
                                               return w.name == m_plan.activeDispatcher
                                                       && w.kind == store::WorkerKind::Dispatcher;
                                           });
            if (!found)
                return fieldError(QStringLiteral("active_dispatcher"),
                                  QStringLiteral("\"%1\" is not one of platform_workers of kind "
                                                 "dispatcher")
                                          .arg(m_plan.activeDispatcher));
        }
        return m_plan;
    }

private:
    QString path(const QString &relative) const { return m_root + u'/' + relative; }

    Error fieldError(const QString &field, const QString &reason) const
    {
        return invalid(
                QStringLiteral("%1: %2: %3").arg(path(layout::kManifestFile), field, reason));
    }

    // Nothing inside may point elsewhere: a symbolic link (or a FIFO, a device) could make
    // import read files outside the directory, or block on them.
    std::optional<Error> checkTree() const
    {
        QDirIterator it(m_root,
                        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        int count = 0;
        while (it.hasNext()) {
            it.next();
            const QFileInfo info = it.fileInfo();
            if (++count > layout::kMaxDirectoryEntries)
                return invalid(QStringLiteral("%1: holds more than %2 files and folders")
                                       .arg(m_root)
                                       .arg(layout::kMaxDirectoryEntries));
            if (info.isSymLink())
                return invalid(QStringLiteral("%1: is a symbolic link; import reads only files "
                                              "and folders inside %2")
                                       .arg(info.filePath(), m_root));
            if (!info.isDir() && !info.isFile())
                return invalid(
                        QStringLiteral("%1: is not a regular file or folder").arg(info.filePath()));
        }
        return std::nullopt;
    }

    Result<QByteArray> readFile(const QString &relative, qint64 maxBytes) const
    {
        const QString p = path(relative);
        const QFileInfo info(p);
        if (!info.exists())
            return invalid(QStringLiteral("%1: missing").arg(p));
        if (info.isSymLink() || !info.isFile())
            return invalid(QStringLiteral("%1: is not a regular file").arg(p));
        if (info.size() > maxBytes)
            return invalid(QStringLiteral("%1: %2 bytes; at most %3 are read")
                                   .arg(p)
                                   .arg(info.size())
                                   .arg(maxBytes));
        QFile f(p);
        if (!f.open(QIODevice::ReadOnly))
            return invalid(QStringLiteral("%1: %2").arg(p, f.errorString()));
        QByteArray data = f.read(maxBytes + 1);
        if (data.size() > maxBytes)
            return invalid(QStringLiteral("%1: more than %2 bytes").arg(p).arg(maxBytes));
        return data;
    }

    // A "folder" or "file" the manifest repeats must be the one its names make.
    std::optional<Error> samePath(const QString &at, const QJsonObject &o, const char *key,
                                  const QString &expected) const
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined() && v.toString() != expected)
            return fieldError(at + u'.' + QLatin1String(key),
                              QStringLiteral("must be \"%1\" (the path follows from the names)")
                                      .arg(expected));
        return std::nullopt;
    }

    std::optional<Error> name(const QString &at, const QJsonObject &o, const char *key,
                              QString *out) const
    {
        const QJsonValue v = o.value(QLatin1String(key));
        const QString field = at + u'.' + QLatin1String(key);
        if (!v.isString())
            return fieldError(field, QStringLiteral("is required and must be a string"));
        *out = v.toString();
        if (auto reason = validation::checkName(validation::quoted(*out), *out))
            return fieldError(field, *reason);
        return std::nullopt;
    }

    std::optional<Error> readNamespace(const QString &at, const QJsonObject &o)
    {
        store::NamespaceRecord ns;
        if (auto error = name(at, o, "name", &ns.name))
            return error;
        const QJsonValue trusted = o.value(u"trusted_workers");
        if (!trusted.isUndefined() && !trusted.isBool())
            return fieldError(at + QStringLiteral(".trusted_workers"),
                              QStringLiteral("must be true or false"));
        ns.trustedWorkers = trusted.toBool();
        for (const auto &other : m_plan.namespaces)
            if (other.name == ns.name)
                return fieldError(at + QStringLiteral(".name"),
                                  QStringLiteral("\"%1\" appears twice").arg(ns.name));
        m_plan.namespaces << ns;
        return std::nullopt;
    }

    std::optional<Error> readKvNamespace(const QString &at, const QJsonObject &o)
    {
        ImportPlan::KvNamespace ns;
        const QJsonValue id = o.value(u"id"), title = o.value(u"title");
        if (!id.isString())
            return fieldError(at + QStringLiteral(".id"),
                              QStringLiteral("is required and must be a string"));
        ns.record.id = id.toString();
        if (auto reason = validation::checkKvNamespaceId(ns.record.id))
            return fieldError(at + QStringLiteral(".id"), *reason);
        if (!title.isString())
            return fieldError(at + QStringLiteral(".title"),
                              QStringLiteral("is required and must be a string"));
        ns.record.title = title.toString();
        if (auto reason = validation::checkKvNamespaceTitle(ns.record.title))
            return fieldError(at + QStringLiteral(".title"), *reason);
        for (const auto &other : m_plan.kvNamespaces)
            if (other.record.id == ns.record.id || other.record.title == ns.record.title)
                return fieldError(at, QStringLiteral("id or title appears twice"));
        ns.file = layout::kvFile(ns.record.id);
        if (auto error = samePath(at, o, "file", ns.file))
            return error;
        if (auto error = readKvEntries(&ns))
            return error;
        m_plan.kvNamespaces << ns;
        return std::nullopt;
    }

    // The file `wrangler kv bulk put` reads: [{key, value, base64?, expiration?,
    // expiration_ttl?, metadata?}].
    std::optional<Error> readKvEntries(ImportPlan::KvNamespace *ns)
    {
        auto text = readFile(ns->file, layout::kMaxKvFileBytes);
        if (!text)
            return text.error();
        const QString file = path(ns->file);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text.value(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return invalid(QStringLiteral("%1:%2: %3")
                                   .arg(file, lineColumn(text.value(), parseError.offset),
                                        parseError.errorString()));
        text.value().clear();
        if (!doc.isArray())
            return invalid(
                    QStringLiteral("%1: must be an array of {key, value} objects").arg(file));
        const QJsonArray entries = doc.array();
        if (entries.size() > layout::kMaxKvFileEntries)
            return invalid(QStringLiteral("%1: %2 entries; import takes at most %3 per namespace "
                                          "(put more with `wrangler kv bulk put` against the "
                                          "admin API)")
                                   .arg(file)
                                   .arg(entries.size())
                                   .arg(layout::kMaxKvFileEntries));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QSet<QString> keys;
        for (qsizetype i = 0; i < entries.size(); ++i) {
            const QString at = QStringLiteral("%1: [%2]").arg(file).arg(i);
            if (!entries.at(i).isObject())
                return invalid(QStringLiteral("%1: must be an object").arg(at));
            const QJsonObject e = entries.at(i).toObject();
            for (auto it = e.begin(); it != e.end(); ++it) {
                static const QStringList known {QStringLiteral("key"),
                                                QStringLiteral("value"),
                                                QStringLiteral("base64"),
                                                QStringLiteral("expiration"),
                                                QStringLiteral("expiration_ttl"),
                                                QStringLiteral("metadata")};
                if (!known.contains(it.key()))
                    return invalid(QStringLiteral("%1.%2: is not a field of wrangler's bulk "
                                                  "format")
                                           .arg(at, it.key()));
            }
            if (!e.value(u"key").isString())
                return invalid(QStringLiteral("%1.key: is required and must be a string").arg(at));
            if (!e.value(u"value").isString())
                return invalid(
                        QStringLiteral("%1.value: is required and must be a string").arg(at));
            const QJsonValue base64 = e.value(u"base64");
            if (!base64.isUndefined() && !base64.isBool())
                return invalid(QStringLiteral("%1.base64: must be true or false").arg(at));
            PlatformService::KvBulkItem item;
            item.key = e.value(u"key").toString();
            if (keys.contains(item.key))
                return invalid(QStringLiteral("%1.key: \"%2\" appears twice").arg(at, item.key));
            keys.insert(item.key);
            if (auto reason = validation::checkKvKey(at + QStringLiteral(".key"), item.key))
                return invalid(*reason);
            const QString value = e.value(u"value").toString();
            if (base64.toBool()) {
                auto decoded = QByteArray::fromBase64Encoding(
                        value.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
                if (!decoded)
                    return invalid(QStringLiteral("%1.value: is not base64").arg(at));
                item.value = *decoded;
            } else {
                item.value = value.toUtf8();
            }
            if (auto reason = validation::checkKvValue(at + QStringLiteral(".value"), item.value))
                return invalid(*reason);
            for (const char *field : {"expiration", "expiration_ttl"}) {
                const QJsonValue v = e.value(QLatin1String(field));
                if (!v.isUndefined() && (!v.isDouble() || v.toDouble() != double(v.toInteger())))
                    return invalid(QStringLiteral("%1.%2: must be a whole number of seconds")
                                           .arg(at, QLatin1String(field)));
            }
            if (e.contains(u"expiration_ttl"))
                item.options.expirationTtl = e.value(u"expiration_ttl").toInteger();
            else if (e.contains(u"expiration")) {
                const qint64 expiration = e.value(u"expiration").toInteger();
                if (expiration < now + validation::kMinKvExpirationTtl) {
                    ++ns->expired;
                    continue;
                }
                item.options.expiration = expiration;
            }
            if (e.contains(u"metadata")) {
                const QJsonValue meta = e.value(u"metadata");
                item.options.metadata = QJsonDocument(QJsonArray {meta})
                                                .toJson(QJsonDocument::Compact)
                                                .chopped(1)
                                                .mid(1);
                QByteArray compact;
                if (auto reason = validation::checkKvMetadata(at + QStringLiteral(".metadata"),
                                                              item.options.metadata, &compact))
                    return invalid(*reason);
            }
            ns->items.append(std::move(item));
        }
        return std::nullopt;
    }

    std::optional<Error> readPlatformWorker(const QString &at, const QJsonObject &o)
    {
        ImportPlan::Worker w;
        if (auto error = name(at, o, "name", &w.name))
            return error;
        const auto kind = store::workerKindFromName(o.value(u"kind").toString());
        if (!kind)
            return fieldError(at + QStringLiteral(".kind"),
                              QStringLiteral("must be dispatcher, outbound, tail or other"));
        w.kind = *kind;
        for (const auto &other : m_plan.platformWorkers)
            if (other.name == w.name)
                return fieldError(at + QStringLiteral(".name"),
                                  QStringLiteral("\"%1\" appears twice").arg(w.name));
        w.folder = layout::workerFolder(w.name);
        if (auto error = samePath(at, o, "folder", w.folder))
            return error;
        if (auto error = readWorker(at, o, &w))
            return error;
        m_plan.platformWorkers << w;
        return std::nullopt;
    }

    std::optional<Error> readScript(const QString &at, const QJsonObject &o)
    {
        ImportPlan::Worker w;
        if (auto error = name(at, o, "namespace", &w.nameSpace))
            return error;
        if (auto error = name(at, o, "name", &w.name))
            return error;
        const bool known = std::any_of(m_plan.namespaces.cbegin(), m_plan.namespaces.cend(),
                                       [&](const auto &ns) { return ns.name == w.nameSpace; });
        if (!known)
            return fieldError(
                    at + QStringLiteral(".namespace"),
                    QStringLiteral("\"%1\" is not one of dispatch_namespaces").arg(w.nameSpace));
        for (const auto &other : m_plan.scripts)
            if (other.name == w.name && other.nameSpace == w.nameSpace)
                return fieldError(at + QStringLiteral(".name"),
                                  QStringLiteral("\"%1\" appears twice in namespace %2")
                                          .arg(w.name, w.nameSpace));
        const QJsonValue tags = o.value(u"tags");
        if (!tags.isUndefined() && !tags.isArray())
            return fieldError(at + QStringLiteral(".tags"),
                              QStringLiteral("must be an array of strings"));
        for (const QJsonValue t : tags.toArray()) {
            if (!t.isString())
                return fieldError(at + QStringLiteral(".tags"),
                                  QStringLiteral("must be an array of strings"));
            w.tags << t.toString();
        }
        if (auto reason = validation::checkTags(at + QStringLiteral(".tags"), w.tags))
            return fieldError(at + QStringLiteral(".tags"), *reason);
        w.folder = layout::scriptFolder(w.nameSpace, w.name);
        if (auto error = samePath(at, o, "folder", w.folder))
            return error;
        if (auto error = readWorker(at, o, &w))
            return error;
        m_plan.scripts << w;
        return std::nullopt;
    }

    std::optional<Error> readHostname(const QString &at, const QJsonObject &o)
    {
        const QJsonValue host = o.value(u"hostname");
        if (!host.isString())
            return fieldError(at + QStringLiteral(".hostname"),
                              QStringLiteral("is required and must be a string"));
        const QJsonValue meta = o.value(u"custom_metadata");
        if (!meta.isUndefined() && !meta.isObject())
            return fieldError(at + QStringLiteral(".custom_metadata"),
                              QStringLiteral("must be an object"));
        m_plan.customHostnames.append(
                {host.toString(), QJsonDocument(meta.toObject()).toJson(QJsonDocument::Compact)});
        return std::nullopt;
    }

    // The Worker's folder: wrangler.toml (name, main, compatibility, bindings), the modules the
    // manifest lists (each with its content type), and secret values from .dev.vars.
    std::optional<Error> readWorker(const QString &at, const QJsonObject &o, ImportPlan::Worker *w)
    {
        const QString configRelative = w->folder + u'/' + layout::kConfigFile;
        auto configText = readFile(configRelative, layout::kMaxConfigBytes);
        if (!configText)
            return configText.error();
        const auto parsed = parseWranglerConfig(configText.value(), path(configRelative));
        if (!parsed.config)
            return invalid(parsed.error);
        const WranglerConfig &config = *parsed.config;
        if (config.name != w->name)
            return invalid(QStringLiteral("%1: name: \"%2\" is not the Worker's name \"%3\"")
                                   .arg(path(configRelative), config.name, w->name));
        const QString folder = QDir(path(w->folder)).absolutePath();
        const QString main = QDir(folder).relativeFilePath(config.main);
        if (auto reason = layout::checkModulePath(main))
            return invalid(QStringLiteral("%1: main: \"%2\": %3")
                                   .arg(path(configRelative), main, *reason));

        store::WorkerCode &code = w->code;
        code.mainModule = main;
        code.compatibilityDate = config.compatibilityDate;
        code.compatibilityFlags = config.compatibilityFlags;

        // Modules: as the manifest lists them, else the main module alone.
        QJsonArray modules = o.value(u"modules").toArray();
        if (!o.contains(u"modules"))
            modules.append(QJsonObject {
                    {QStringLiteral("name"), main},
                    {QStringLiteral("type"), QStringLiteral("application/javascript+module")}});
        else if (!o.value(u"modules").isArray())
            return fieldError(at + QStringLiteral(".modules"),
                              QStringLiteral("must be an array of {name, type}"));
        qsizetype total = 0;
        for (qsizetype i = 0; i < modules.size(); ++i) {
            const QString field = QStringLiteral("%1.modules[%2]").arg(at).arg(i);
            const QJsonObject m = modules.at(i).toObject();
            if (!m.value(u"name").isString() || !m.value(u"type").isString())
                return fieldError(field, QStringLiteral("must be {\"name\": ..., \"type\": ...}"));
            const QString moduleName = m.value(u"name").toString();
            if (auto reason = layout::checkModulePath(moduleName))
                return fieldError(field + QStringLiteral(".name"),
                                  QStringLiteral("\"%1\": %2").arg(moduleName, *reason));
            auto data
                    = readFile(w->folder + u'/' + moduleName, validation::kMaxScriptBytes - total);
            if (!data)
                return data.error();
            total += data->size();
            code.modules.append({moduleName, m.value(u"type").toString(), data.value()});
        }

        code.bindings = metadataBindings(config);
        code.tailConsumers = metadataTailConsumers(config);

        return readSecrets(at, o, w);
    }

    // Secret values never travel in an export: the manifest names them, and whoever imports
    // writes NAME=value lines into the Worker's .dev.vars (wrangler's file of local secrets).
    std::optional<Error> readSecrets(const QString &at, const QJsonObject &o, ImportPlan::Worker *w)
    {
        QStringList wanted;
        for (const QJsonValue s : o.value(u"secrets").toArray())
            wanted << s.toString();
        const QString relative = w->folder + u'/' + layout::kSecretsFile;
        QHash<QString, QString> values;
        if (QFileInfo::exists(path(relative))) {
            auto text = readFile(relative, layout::kMaxConfigBytes);
            if (!text)
                return text.error();
            const QList<QByteArray> lines = text->split('\n');
            for (qsizetype i = 0; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                if (line.isEmpty() || line.startsWith('#'))
                    continue;
                const qsizetype eq = line.indexOf('=');
                const QString key = QString::fromUtf8(line.left(qMax(eq, 0))).trimmed();
                if (eq <= 0 || key.isEmpty())
                    return invalid(QStringLiteral("%1:%2: not a NAME=value line")
                                           .arg(path(relative))
                                           .arg(i + 1));
                QByteArray value = line.mid(eq + 1).trimmed();
                if (value.size() >= 2
                    && ((value.startsWith('"') && value.endsWith('"'))
                        || (value.startsWith('\'') && value.endsWith('\''))))
                    value = value.mid(1, value.size() - 2);
                values.insert(key, QString::fromUtf8(value));
            }
        }
        for (const QString &secret : wanted)
            if (!values.contains(secret))
                return invalid(QStringLiteral("%1 (%2): secret %3 has no value: export never "
                                              "writes secret values; write %3=<value> into %4")
                                       .arg(path(w->folder), at, secret, path(relative)));
        QStringList names = values.keys();
        std::sort(names.begin(), names.end());
        for (const QString &secret : names)
            w->code.bindings.append(
                    QJsonObject {{QStringLiteral("type"), QStringLiteral("secret_text")},
                                 {QStringLiteral("name"), secret},
                                 {QStringLiteral("text"), values.value(secret)}});
        return std::nullopt;
    }

    const QString m_root;
    ImportPlan m_plan;
};

Error within(const QString &where, const Error &error)
{
    return {error.kind, QStringLiteral("%1: %2").arg(where, error.message)};
}

} // namespace

Result<ImportPlan> readExportDirectory(const QString &directory)
{
    return Reader(directory).run();
}

Result<ImportSummary> applyImport(PlatformService &service, const ImportPlan &plan)
{
    if (!service.namespaces().isEmpty() || !service.platformWorkers().isEmpty()
        || !service.kvNamespaces().isEmpty())
        return invalid(QStringLiteral("the store already holds a platform; import writes only "
                                      "into an empty one"));
    ImportSummary summary;
    for (const auto &ns : plan.namespaces)
        if (auto r = service.createNamespace(ns.name, ns.trustedWorkers); !r)
            return r.error();
    for (const auto &ns : plan.kvNamespaces) {
        if (auto r = service.createKvNamespace(ns.record.title, ns.record.id); !r)
            return within(ns.file, r.error());
        for (qsizetype at = 0; at < ns.items.size(); at += validation::kMaxKvBulkItems)
            if (auto r
                = service.kvBulkPut(ns.record.id, ns.items.mid(at, validation::kMaxKvBulkItems));
                !r)
                return within(ns.file, r.error());
        ++summary.kvNamespaces;
        summary.kvEntries += ns.items.size();
        summary.kvExpired += ns.expired;
    }
    for (const auto &w : plan.platformWorkers) {
        WorkerChangeMeta meta;
        meta.annotations.insert(QStringLiteral("workers/message"),
                                QStringLiteral("switchyard import"));
        if (auto r = service.putPlatformWorker(w.name, w.kind, w.code, meta); !r)
            return within(w.folder, r.error());
        ++summary.platformWorkers;
    }
    for (const auto &w : plan.scripts) {
        if (auto r = service.putScript(w.nameSpace, w.name, {w.code, w.tags}); !r)
            return within(w.folder, r.error());
        ++summary.scripts;
    }
    if (auto r = service.setActiveDispatcher(plan.activeDispatcher); !r)
        return r.error();
    for (qsizetype i = 0; i < plan.customHostnames.size(); ++i) {
        const auto &[host, metadata] = plan.customHostnames.at(i);
        if (auto r = service.putCustomHostname(host, metadata); !r)
            return within(QStringLiteral("%1: custom_hostnames[%2]")
                                  .arg(exportlayout::kManifestFile)
                                  .arg(i),
                          r.error());
        ++summary.customHostnames;
    }
    return summary;
}

} // namespace switchyard::platform
