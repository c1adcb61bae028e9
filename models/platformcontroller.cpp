#include "platformcontroller.h"

#include "handlercheck.h"

#include "platform/platformservice.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace switchyard::models {

PlatformController::PlatformController(platform::PlatformService &service, QObject *parent)
    : QObject(parent), m_service(service)
{
    connect(&service, &platform::PlatformService::namespacesChanged, this,
            &PlatformController::namespacesChanged);
    // The routing namespace follows the active dispatcher and its bindings.
    connect(&service, &platform::PlatformService::activeDispatcherChanged, this,
            &PlatformController::routingNamespaceChanged);
    connect(&service, &platform::PlatformService::platformWorkerChanged, this,
            &PlatformController::routingNamespaceChanged);
}

bool followPlatform(
        QPointer<PlatformController> &current, PlatformController *platform, QObject *receiver,
        const std::function<void(PlatformController &, platform::PlatformService &)> &connectTo)
{
    if (current == platform)
        return false;
    if (current) {
        QObject::disconnect(&current->service(), nullptr, receiver, nullptr);
        QObject::disconnect(current, nullptr, receiver, nullptr);
    }
    current = platform;
    if (current)
        connectTo(*current, current->service());
    return true;
}

void PlatformController::setRoutingTable(const QString &title)
{
    if (m_routingTable == title)
        return;
    m_routingTable = title;
    Q_EMIT routingTableChanged();
}

void PlatformController::setPlansTable(const QString &title)
{
    if (m_plansTable == title)
        return;
    m_plansTable = title;
    Q_EMIT plansTableChanged();
}

void PlatformController::setCustomersTable(const QString &title)
{
    if (m_customersTable == title)
        return;
    m_customersTable = title;
    Q_EMIT customersTableChanged();
}

QString PlatformController::routingNamespace() const
{
    const auto snapshot = m_service.snapshot();
    if (const auto dispatcher = snapshot->dispatcher()) {
        for (const store::Binding &b : dispatcher->code.typedBindings) {
            if (const auto *dispatch = b.as<store::Binding::DispatchNamespace>())
                return dispatch->nameSpace;
        }
    }
    const auto names = namespaceNames();
    return names.isEmpty() ? QString() : names.first();
}

QStringList PlatformController::namespaceNames() const
{
    QStringList names;
    for (const auto &ns : m_service.namespaces())
        names << ns.name;
    names.sort();
    return names;
}

QString PlatformController::createNamespace(const QString &name, bool trusted)
{
    const auto r = m_service.createNamespace(name.trimmed(), trusted);
    return r ? QString() : r.errorMessage();
}

QString PlatformController::deleteNamespace(const QString &name)
{
    DeletedNamespace deleted;
    bool found = false;
    for (const auto &ns : m_service.namespaces()) {
        if (ns.name == name) {
            deleted.trusted = ns.trustedWorkers;
            found = true;
        }
    }
    if (found) {
        const auto scripts = m_service.listScripts(name);
        if (!scripts)
            return scripts.errorMessage();
        for (const auto &script : scripts.value())
            deleted.scripts.append(*script);
    }
    const auto r = m_service.deleteNamespace(name);
    if (!r)
        return r.errorMessage();
    m_deletedNamespaces.insert(name, deleted);
    return {};
}

QString PlatformController::restoreNamespace(const QString &name)
{
    const auto found = m_deletedNamespaces.constFind(name);
    if (found == m_deletedNamespaces.cend())
        return tr("Namespace %1 was not deleted here: there is nothing to restore").arg(name);
    if (namespaceNames().contains(name))
        return tr("A namespace named %1 exists again: it was not replaced").arg(name);
    const DeletedNamespace deleted = *found;
    const auto created = m_service.createNamespace(name, deleted.trusted);
    if (!created)
        return created.errorMessage();
    m_deletedNamespaces.remove(name);
    QStringList refused;
    for (const store::ScriptRecord &script : deleted.scripts) {
        platform::PlatformService::ScriptUpload upload;
        upload.code = script.code;
        upload.tags = script.tags;
        if (const auto r = m_service.putScript(name, script.name, upload); !r)
            refused << tr("Worker %1 was not restored: %2").arg(script.name, r.errorMessage());
    }
    return refused.join(u'\n');
}

QString PlatformController::setNamespaceTrusted(const QString &name, bool trusted)
{
    const auto r = m_service.setNamespaceTrusted(name, trusted);
    return r ? QString() : r.errorMessage();
}

QString PlatformController::scriptCode(const QString &ns, const QString &name) const
{
    const auto script = m_service.script(ns, name);
    if (!script)
        return {};
    for (const auto &module : script->code.modules)
        if (module.name == script->code.mainModule)
            return QString::fromUtf8(module.code);
    return {};
}

static QStringList splitTags(const QString &tags)
{
    QStringList list;
    for (const QString &tag : tags.split(u',', Qt::SkipEmptyParts))
        if (const QString t = tag.trimmed(); !t.isEmpty())
            list << t;
    return list;
}

QString PlatformController::saveScript(const QString &ns, const QString &name, const QString &code,
                                       const QString &tags)
{
    platform::PlatformService::ScriptUpload upload;
    if (const auto existing = m_service.script(ns, name)) {
        upload.code = existing->code;
        bool replaced = false;
        for (auto &module : upload.code.modules) {
            if (module.name == upload.code.mainModule) {
                module.code = code.toUtf8();
                replaced = true;
            }
        }
        if (!replaced)
            return tr("Worker %1 has no main module to replace").arg(name);
    } else {
        upload.code.modules = {{QStringLiteral("index.js"),
                                QStringLiteral("application/javascript+module"), code.toUtf8()}};
        upload.code.mainModule = QStringLiteral("index.js");
        upload.code.compatibilityDate = QStringLiteral("2025-01-01");
    }
    QStringList sources;
    for (const auto &module : upload.code.modules) {
        if (module.name == upload.code.mainModule)
            sources.prepend(QString::fromUtf8(module.code));
        else
            sources.append(QString::fromUtf8(module.code));
    }
    if (checkHandlers(sources) == Handlers::None)
        return noHandlersMessage();
    upload.tags = splitTags(tags);
    const auto r = m_service.putScript(ns, name.trimmed(), upload);
    return r ? QString() : r.errorMessage();
}

QString PlatformController::deleteScript(const QString &ns, const QString &name)
{
    const auto existing = m_service.script(ns, name);
    const auto r = m_service.deleteScript(ns, name);
    if (!r)
        return r.errorMessage();
    if (existing)
        m_deletedScripts.insert({ns, name}, *existing);
    return {};
}

QString PlatformController::restoreScript(const QString &ns, const QString &name)
{
    const auto deleted = m_deletedScripts.constFind({ns, name});
    if (deleted == m_deletedScripts.cend())
        return tr("Worker %1 was not deleted here: there is nothing to restore").arg(name);
    if (m_service.script(ns, name))
        return tr("A Worker named %1 exists again in %2: it was not replaced").arg(name, ns);
    platform::PlatformService::ScriptUpload upload;
    upload.code = deleted->code;
    upload.tags = deleted->tags;
    const auto r = m_service.putScript(ns, name, upload);
    if (!r)
        return r.errorMessage();
    m_deletedScripts.erase(deleted);
    return {};
}

bool PlatformController::workerExists(const QString &ns, const QString &name) const
{
    return m_service.script(ns, name) != nullptr;
}

QString PlatformController::handlerWarning(const QString &code, const QString &ns,
                                           const QString &name) const
{
    QStringList sources {code};
    if (const auto existing = ns.isEmpty() ? nullptr : m_service.script(ns, name))
        for (const auto &module : existing->code.modules)
            if (module.name != existing->code.mainModule)
                sources << QString::fromUtf8(module.code);
    return checkHandlers(sources) == Handlers::NoFetch ? noFetchWarning() : QString();
}

QString PlatformController::kvId(const QString &title, QString *error) const
{
    const auto ns = m_service.kvNamespaceByTitle(title);
    if (!ns) {
        *error = tr("there is no KV namespace titled %1").arg(title);
        return {};
    }
    return ns->id;
}

QString PlatformController::kvPut(const QString &title, const QString &key, const QString &value)
{
    QString error;
    const QString id = kvId(title, &error);
    if (id.isEmpty())
        return error;
    const auto r = m_service.kvPut(id, key, value.toUtf8());
    return r ? QString() : r.errorMessage();
}

QString PlatformController::kvDelete(const QString &title, const QString &key)
{
    QString error;
    const QString id = kvId(title, &error);
    if (id.isEmpty())
        return error;
    const auto existing = m_service.kvGet(id, key);
    const auto r = m_service.kvDelete(id, key);
    if (!r)
        return r.errorMessage();
    if (existing)
        m_deletedKv.insert({title, key}, *existing);
    return {};
}

QString PlatformController::restoreKv(const QString &title, const QString &key)
{
    const auto deleted = m_deletedKv.constFind({title, key});
    if (deleted == m_deletedKv.cend())
        return tr("%1 was not deleted from %2 here: there is nothing to restore").arg(key, title);
    QString error;
    const QString id = kvId(title, &error);
    if (id.isEmpty())
        return error;
    if (m_service.kvGet(id, key))
        return tr("%1 has a value in %2 again: it was not replaced").arg(key, title);
    platform::PlatformService::KvPutOptions options;
    options.metadata = deleted->metadata;
    // An entry past its expiration stays gone, as it would have without the delete.
    options.expiration = deleted->expiration;
    const auto r = m_service.kvPut(id, key, deleted->value, options);
    if (!r)
        return r.errorMessage();
    m_deletedKv.erase(deleted);
    return {};
}

QString PlatformController::kvValue(const QString &title, const QString &key) const
{
    QString error;
    const QString id = kvId(title, &error);
    if (id.isEmpty())
        return {};
    const auto value = m_service.kvGet(id, key);
    return value ? QString::fromUtf8(value->value) : QString();
}

QString PlatformController::normalizeRoute(const QString &route)
{
    const QString r = route.trimmed();
    const qsizetype slash = r.indexOf(u'/');
    if (slash < 0)
        return r.toLower();
    return r.left(slash).toLower() + r.mid(slash);
}

QString PlatformController::checkStoredRoute(const QString &route, const QString &worker) const
{
    if (const QString lower = normalizeRoute(route); lower != route.trimmed())
        return tr("never matches: requests arrive with the host in lowercase (%1)").arg(lower);
    return checkRoute(route, worker);
}

QString PlatformController::routedWorker(const QString &route) const
{
    return kvValue(m_routingTable, normalizeRoute(route));
}

QString PlatformController::checkRoute(const QString &route, const QString &worker) const
{
    const QString r = route.trimmed();
    if (r.isEmpty())
        return tr("enter a host (api.localhost) or host/path (localhost/blog)");
    if (r.contains(u' ') || r.contains(QLatin1String("://")))
        return tr("a route is a bare host or host/first-path-segment, without scheme or spaces");
    const QString ns = routingNamespace();
    if (worker.trimmed().isEmpty())
        return tr("choose the Worker the route leads to");
    if (!workerExists(ns, worker.trimmed()))
        return tr("there is no Worker %1 in namespace %2").arg(worker.trimmed(), ns);
    return {};
}

QString PlatformController::setRoute(const QString &route, const QString &worker)
{
    if (const QString problem = checkRoute(route, worker); !problem.isEmpty())
        return problem;
    return kvPut(m_routingTable, normalizeRoute(route), worker.trimmed());
}

static std::optional<int> positiveInt(const QString &text)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    return value;
}

QString PlatformController::checkPlan(const QString &plan, const QString &cpuMs,
                                      const QString &subRequests) const
{
    if (plan.trimmed().isEmpty())
        return tr("name the plan");
    if (!positiveInt(cpuMs))
        return tr("cpuMs must be a whole number of milliseconds above 0");
    if (!positiveInt(subRequests))
        return tr("subRequests must be a whole number above 0");
    return {};
}

QString PlatformController::setPlan(const QString &plan, const QString &cpuMs,
                                    const QString &subRequests)
{
    if (const QString problem = checkPlan(plan, cpuMs, subRequests); !problem.isEmpty())
        return problem;
    const QJsonObject limits {{QStringLiteral("cpuMs"), *positiveInt(cpuMs)},
                              {QStringLiteral("subRequests"), *positiveInt(subRequests)}};
    return kvPut(m_plansTable, plan.trimmed(),
                 QString::fromUtf8(QJsonDocument(limits).toJson(QJsonDocument::Compact)));
}

QStringList PlatformController::planNames() const
{
    QString error;
    const QString id = kvId(m_plansTable, &error);
    if (id.isEmpty())
        return {};
    QStringList names;
    const auto listed = m_service.kvList(id);
    if (listed)
        for (const auto &key : listed->keys)
            names << key.name;
    return names;
}

QString PlatformController::checkCustomer(const QString &customer, const QString &plan) const
{
    if (customer.trimmed().isEmpty())
        return tr("name the customer (the Worker name the dispatcher looks up)");
    if (!planNames().contains(plan.trimmed()))
        return tr("there is no plan %1 in %2").arg(plan.trimmed(), m_plansTable);
    return {};
}

QString PlatformController::setCustomer(const QString &customer, const QString &plan)
{
    if (const QString problem = checkCustomer(customer, plan); !problem.isEmpty())
        return problem;
    return kvPut(m_customersTable, customer.trimmed(), plan.trimmed());
}

QString PlatformController::normalizeHostname(const QString &hostname)
{
    return hostname.trimmed().toLower();
}

QString PlatformController::hostnameRouteNote(const QString &hostname) const
{
    const QString host = normalizeHostname(hostname);
    if (host.isEmpty())
        return {};
    if (const QString worker = routedWorker(host); !worker.isEmpty())
        return tr("Requests for %1 go to the Worker %2 (route in %3).")
                .arg(host, worker, m_routingTable);
    return tr("A custom hostname only gives the dispatcher request.cf.hostMetadata: which Worker "
              "serves %1 is still decided by the dispatcher's routing, and %2 has no route for "
              "it. Add one under Routes.")
            .arg(host, m_routingTable);
}

QString PlatformController::checkHostnameMetadata(const QString &metadata) const
{
    if (metadata.trimmed().isEmpty())
        return {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(metadata.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        // Say where, as a line and column the user can find.
        const QString before = metadata.left(error.offset);
        const int line = int(before.count(u'\n')) + 1;
        const int column = int(error.offset - before.lastIndexOf(u'\n'));
        return tr("line %1, column %2: %3").arg(line).arg(column).arg(error.errorString());
    }
    if (!doc.isObject())
        return tr("metadata must be a JSON object, like {\"customer\": \"acme\"}");
    return {};
}

QString PlatformController::putHostname(const QString &hostname, const QString &metadata)
{
    if (const QString problem = checkHostnameMetadata(metadata); !problem.isEmpty())
        return problem;
    const auto r
            = m_service.putCustomHostname(normalizeHostname(hostname), metadata.trimmed().toUtf8());
    return r ? QString() : r.errorMessage();
}

QString PlatformController::deleteHostname(const QString &hostname)
{
    const QString host = normalizeHostname(hostname);
    const auto existing = m_service.customHostname(host);
    const auto r = m_service.deleteCustomHostname(host);
    if (!r)
        return r.errorMessage();
    if (existing)
        m_deletedHostnames.insert(host, existing->metadata);
    return {};
}

QString PlatformController::restoreHostname(const QString &hostname)
{
    const QString host = normalizeHostname(hostname);
    const auto deleted = m_deletedHostnames.constFind(host);
    if (deleted == m_deletedHostnames.cend())
        return tr("Custom hostname %1 was not deleted here: there is nothing to restore").arg(host);
    if (m_service.customHostname(host))
        return tr("Custom hostname %1 exists again: it was not replaced").arg(host);
    const auto r = m_service.putCustomHostname(
            host, QJsonDocument(*deleted).toJson(QJsonDocument::Compact));
    if (!r)
        return r.errorMessage();
    m_deletedHostnames.erase(deleted);
    return {};
}

namespace {

// `index.js:3:14: SyntaxError: ...`, possibly after a prefix naming the Worker.
QRegularExpressionMatch errorLocation(const QString &message)
{
    static const QRegularExpression where(QStringLiteral("([\\w./-]+\\.m?js):(\\d+):(\\d+)"));
    return where.match(message);
}

} // namespace

int PlatformController::errorLine(const QString &message)
{
    const auto match = errorLocation(message);
    return match.hasMatch() ? match.captured(2).toInt() : 0;
}

int PlatformController::errorColumn(const QString &message)
{
    const auto match = errorLocation(message);
    return match.hasMatch() ? match.captured(3).toInt() : 0;
}

} // namespace switchyard::models
