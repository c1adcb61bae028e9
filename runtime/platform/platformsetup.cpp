#include "platformsetup.h"

#include "logging.h"
#include "platformservice.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace switchyard::platform {

static const QString kModuleType = QStringLiteral("application/javascript+module");

static Error invalid(const QString &message)
{
    return {ErrorKind::Invalid, message};
}

static Result<QByteArray> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return invalid(QStringLiteral("%1: %2").arg(path, f.errorString()));
    return f.readAll();
}

Result<store::ScriptModules> collectModules(const QString &mainPath)
{
    static const QRegularExpression specifiers(
            QStringLiteral(R"((?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["'])"));
    const QDir root = QFileInfo(mainPath).absoluteDir();
    store::ScriptModules modules;
    QStringList pending {QFileInfo(mainPath).absoluteFilePath()};
    QStringList seen;
    while (!pending.isEmpty()) {
        const QString path = pending.takeFirst();
        if (seen.contains(path))
            continue;
        seen << path;
        auto code = readFile(path);
        if (!code)
            return code.error();
        const QString name = root.relativeFilePath(path);
        if (name.startsWith(QStringLiteral("..")))
            return invalid(QStringLiteral("%1: imported from outside %2").arg(path, root.path()));
        auto it = specifiers.globalMatch(QString::fromUtf8(code.value()));
        while (it.hasNext()) {
            const QString spec = it.next().captured(1);
            pending << QFileInfo(QFileInfo(path).absoluteDir(), spec).absoluteFilePath();
        }
        modules.append({name, kModuleType, code.value()});
    }
    return modules;
}

namespace {

// The demo is data in resources/demo; this turns it into service calls.
class DemoSeeder
{
public:
    explicit DemoSeeder(PlatformService &service) : m_service(service) { }

    Result<bool> run()
    {
        if (!m_service.namespaces().isEmpty() || !m_service.platformWorkers().isEmpty())
            return false;
        auto text = readFile(QStringLiteral(":/switchyard/demo/platform.json"));
        if (!text)
            return text.error();
        const QJsonObject demo = QJsonDocument::fromJson(text.value()).object();

        for (const QJsonValue n : demo.value(u"namespaces").toArray()) {
            const QJsonObject o = n.toObject();
            auto r = m_service.createNamespace(o.value(u"name").toString(),
                                               o.value(u"trusted_workers").toBool());
            if (!r)
                return r.error();
        }
        const QJsonObject kv = demo.value(u"kv").toObject();
        for (auto ns = kv.begin(); ns != kv.end(); ++ns) {
            auto created = m_service.createKvNamespace(ns.key());
            if (!created)
                return created.error();
            const QJsonObject entries = ns.value().toObject();
            for (auto e = entries.begin(); e != entries.end(); ++e) {
                const QByteArray value = e.value().isString()
                        ? e.value().toString().toUtf8()
                        : QJsonDocument(e.value().toObject()).toJson(QJsonDocument::Compact);
                auto put = m_service.kvPut(created->id, e.key(), value);
                if (!put)
                    return put.error();
            }
        }
        for (const QJsonValue s : demo.value(u"scripts").toArray()) {
            const QJsonObject o = s.toObject();
            auto code = workerCode(o);
            if (!code)
                return code.error();
            PlatformService::ScriptUpload upload {code.value(), {}};
            QStringList tags;
            for (const QJsonValue t : o.value(u"tags").toArray())
                tags << t.toString();
            upload.tags = tags;
            auto r = m_service.putScript(o.value(u"namespace").toString(),
                                         o.value(u"name").toString(), upload);
            if (!r)
                return r.error();
        }
        const QJsonObject dispatcher = demo.value(u"dispatcher").toObject();
        auto code = workerCode(dispatcher);
        if (!code)
            return code.error();
        const QString name = dispatcher.value(u"name").toString();
        auto put = m_service.putPlatformWorker(name, store::WorkerKind::Dispatcher, code.value());
        if (!put)
            return put.error();
        auto active = m_service.setActiveDispatcher(name);
        if (!active)
            return active.error();
        return true;
    }

private:
    // Bindings in the demo name KV namespaces by title; the store wants ids.
    Result<store::WorkerCode> workerCode(const QJsonObject &o)
    {
        const QString file = o.value(u"file").toString();
        auto code = readFile(QStringLiteral(":/switchyard/demo/") + file);
        if (!code)
            return code.error();
        store::WorkerCode c;
        const QString moduleName = QFileInfo(file).fileName();
        c.modules = {{moduleName, kModuleType, code.value()}};
        c.mainModule = moduleName;
        c.compatibilityDate = QStringLiteral("2025-01-01");
        c.tailConsumers = o.value(u"tail_consumers").toArray();
        for (const QJsonValue b : o.value(u"bindings").toArray()) {
            QJsonObject binding = b.toObject();
            if (binding.value(u"type").toString() == u"kv_namespace") {
                const auto ns = m_service.kvNamespaceByTitle(binding.take(u"namespace").toString());
                if (!ns)
                    return invalid(QStringLiteral("demo: KV namespace for %1 is missing")
                                           .arg(binding.value(u"name").toString()));
                binding.insert(QStringLiteral("namespace_id"), ns->id);
            }
            c.bindings.append(binding);
        }
        return c;
    }

    PlatformService &m_service;
};

} // namespace

Result<bool> seedDemoPlatform(PlatformService &service)
{
    return DemoSeeder(service).run();
}

Result<void> installDispatcher(PlatformService &service, const WranglerConfig &config)
{
    auto modules = collectModules(config.main);
    if (!modules)
        return modules.error();
    store::WorkerCode code;
    code.modules = modules.value();
    code.mainModule = modules->first().name;
    code.compatibilityDate = config.compatibilityDate;
    code.compatibilityFlags = config.compatibilityFlags;

    for (const auto &d : config.dispatchNamespaces) {
        bool exists = false;
        for (const auto &ns : service.namespaces())
            exists = exists || ns.name == d.nameSpace;
        if (!exists) {
            auto r = service.createNamespace(d.nameSpace);
            if (!r)
                return r.error();
        }
    }
    QHash<QString, QString> kvIds; // binding -> the namespace it uses
    for (const auto &kv : config.kvNamespaces) {
        // Cloudflare addresses a KV namespace by the id the config names, so a missing namespace
        // is created under exactly that id, and the admin API and the GUI find it by it. Its
        // title is the binding's name (made unique if another namespace already has it).
        QString id = kv.id;
        // Earlier versions created a config's namespace with the config's id as its title and a
        // random id: that namespace, and the data in it, stays the one the binding uses.
        const auto legacy = service.kvNamespaceByTitle(id);
        if (!service.kvNamespace(id) && legacy) {
            qCWarning(lcPlatform).noquote()
                    << config.path << "kv_namespaces" << kv.binding << ": namespace" << id
                    << "exists under id" << legacy->id << "(made by an earlier Switchyard);"
                    << "the binding keeps using it";
            id = legacy->id;
        } else if (!service.kvNamespace(id)) {
            QString title = kv.binding;
            for (int n = 2; service.kvNamespaceByTitle(title); ++n)
                title = QStringLiteral("%1 (%2)").arg(kv.binding).arg(n);
            auto created = service.createKvNamespace(title, id);
            if (!created)
                return Error {created.error().kind,
                              QStringLiteral("%1: kv_namespaces binding %2: %3")
                                      .arg(config.path, kv.binding, created.error().message)};
        }
        kvIds.insert(kv.binding, id);
    }
    code.bindings = metadataBindings(config);
    for (qsizetype i = 0; i < code.bindings.size(); ++i) {
        QJsonObject binding = code.bindings.at(i).toObject();
        if (binding.value(u"type") == QLatin1String("kv_namespace")) {
            binding.insert(QStringLiteral("namespace_id"),
                           kvIds.value(binding.value(u"name").toString()));
            code.bindings.replace(i, binding);
        }
    }
    code.tailConsumers = metadataTailConsumers(config);
    for (const QString &tail : config.tailConsumers) {
        if (!service.platformWorker(tail))
            qCWarning(lcPlatform) << config.path << "tail_consumers:" << tail
                                  << "is not installed yet; it receives the dispatcher's events "
                                     "once it is";
    }

    const QString name = config.name.isEmpty() ? QStringLiteral("dispatcher") : config.name;
    auto put = service.putPlatformWorker(name, store::WorkerKind::Dispatcher, code);
    if (!put)
        return put.error();
    return service.setActiveDispatcher(name);
}

} // namespace switchyard::platform
