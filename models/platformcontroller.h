#pragma once

#include "dispatcherconventions.h"

#include "store/records.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>

#include <functional>

namespace switchyard::platform {
class PlatformService;
}

namespace switchyard::models {

// The views' write path: every edit the GUI makes goes through here to the platform service, on
// the service's thread, and comes back as an empty string (applied) or the service's reason for
// refusing it, ready to show next to the field. Also the typed conventions of the routing, plans
// and customers KV namespaces that the dispatcher binds.
class PlatformController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("PlatformController is provided by the application")
    Q_PROPERTY(
            QString routingTable READ routingTable WRITE setRoutingTable NOTIFY routingTableChanged)
    Q_PROPERTY(QString plansTable READ plansTable WRITE setPlansTable NOTIFY plansTableChanged)
    Q_PROPERTY(QString customersTable READ customersTable WRITE setCustomersTable NOTIFY
                       customersTableChanged)
    Q_PROPERTY(QString routingNamespace READ routingNamespace NOTIFY routingNamespaceChanged)
    Q_PROPERTY(QStringList namespaceNames READ namespaceNames NOTIFY namespacesChanged)
public:
    explicit PlatformController(platform::PlatformService &service, QObject *parent = nullptr);

    platform::PlatformService &service() const { return m_service; }

    QString routingTable() const { return m_routingTable; }
    void setRoutingTable(const QString &title);
    QString plansTable() const { return m_plansTable; }
    void setPlansTable(const QString &title);
    QString customersTable() const { return m_customersTable; }
    void setCustomersTable(const QString &title);
    // The dispatch namespace the active dispatcher binds (the first one), where routes point.
    QString routingNamespace() const;
    QStringList namespaceNames() const;

    // Dispatch namespaces.
    Q_INVOKABLE QString createNamespace(const QString &name, bool trusted);
    // Deletes the namespace with its Workers, and keeps both (its trusted flag, each Worker as
    // deleteScript() keeps one) for restoreNamespace().
    Q_INVOKABLE QString deleteNamespace(const QString &name);
    // The Undo of deleteNamespace(): the namespace and every Worker it had, as they were.
    // Refused when it was not deleted here, or a namespace of that name exists again; a Worker
    // the service refuses now is named in the answer while the others are put back.
    Q_INVOKABLE QString restoreNamespace(const QString &name);
    Q_INVOKABLE QString setNamespaceTrusted(const QString &name, bool trusted);

    // User Workers. saveScript replaces the main module's code (a new Worker gets one module,
    // index.js) and keeps bindings and other modules; `tags` is comma-separated.
    Q_INVOKABLE QString scriptCode(const QString &ns, const QString &name) const;
    // Refused with Cloudflare's error when the code registers no handler at all.
    Q_INVOKABLE QString saveScript(const QString &ns, const QString &name, const QString &code,
                                   const QString &tags);
    Q_INVOKABLE QString deleteScript(const QString &ns, const QString &name);
    // Puts a Worker deleteScript() deleted back as it was (every module, binding and tag): the
    // Undo of a delete. Refused when it was not deleted here, or a Worker of that name exists
    // again.
    Q_INVOKABLE QString restoreScript(const QString &ns, const QString &name);
    Q_INVOKABLE bool workerExists(const QString &ns, const QString &name) const;
    // Why requests to this code would fail although it saves (it has handlers, but no fetch), or
    // empty. With `ns`/`name` of an existing Worker its other modules count too.
    Q_INVOKABLE QString handlerWarning(const QString &code, const QString &ns = {},
                                       const QString &name = {}) const;

    // Any KV namespace by title.
    Q_INVOKABLE QString kvPut(const QString &title, const QString &key, const QString &value);
    // Keeps what it deleted (value, metadata, expiration) for restoreKv().
    Q_INVOKABLE QString kvDelete(const QString &title, const QString &key);
    // The Undo of kvDelete(). Refused when it was not deleted here, or the key has a value
    // again.
    Q_INVOKABLE QString restoreKv(const QString &title, const QString &key);
    Q_INVOKABLE QString kvValue(const QString &title, const QString &key) const;

    // Typed editors over the routing, plans and customers tables.
    // A route as the dispatcher will look it up: the host lowercased (the listener lowercases
    // it, as Cloudflare does, before any Worker sees request.url), the path as typed.
    Q_INVOKABLE static QString normalizeRoute(const QString &route);
    Q_INVOKABLE QString checkRoute(const QString &route, const QString &worker) const;
    // checkRoute for a key already in the table, which may have been written elsewhere with
    // capitals in its host: such a route can never match.
    Q_INVOKABLE QString checkStoredRoute(const QString &route, const QString &worker) const;
    // The Worker the routing table sends `route` to, or empty.
    Q_INVOKABLE QString routedWorker(const QString &route) const;
    Q_INVOKABLE QString setRoute(const QString &route, const QString &worker);
    Q_INVOKABLE QString checkPlan(const QString &plan, const QString &cpuMs,
                                  const QString &subRequests) const;
    Q_INVOKABLE QString setPlan(const QString &plan, const QString &cpuMs,
                                const QString &subRequests);
    Q_INVOKABLE QString checkCustomer(const QString &customer, const QString &plan) const;
    Q_INVOKABLE QString setCustomer(const QString &customer, const QString &plan);
    Q_INVOKABLE QStringList planNames() const;

    // Custom hostnames; `metadata` is JSON object text. Hostnames are stored lowercased, as
    // requests carry them.
    Q_INVOKABLE static QString normalizeHostname(const QString &hostname);
    Q_INVOKABLE QString checkHostnameMetadata(const QString &metadata) const;
    // A custom hostname only attaches request.cf.hostMetadata; which Worker serves it is still
    // the dispatcher's routing. Says where a request for `hostname` will go, so a hostname
    // without a route does not look done.
    Q_INVOKABLE QString hostnameRouteNote(const QString &hostname) const;
    Q_INVOKABLE QString putHostname(const QString &hostname, const QString &metadata);
    // Keeps the hostname's custom_metadata for restoreHostname().
    Q_INVOKABLE QString deleteHostname(const QString &hostname);
    // The Undo of deleteHostname(); refused when it was not deleted here or exists again.
    Q_INVOKABLE QString restoreHostname(const QString &hostname);

    // The line a `module:line:column: message` error points at, or 0.
    Q_INVOKABLE static int errorLine(const QString &message);
    // Its column, or 0.
    Q_INVOKABLE static int errorColumn(const QString &message);

Q_SIGNALS:
    void routingTableChanged();
    void plansTableChanged();
    void customersTableChanged();
    void routingNamespaceChanged();
    void namespacesChanged();

private:
    QString kvId(const QString &title, QString *error) const;

    platform::PlatformService &m_service;
    // What deleteScript() deleted, by namespace and name, until restored; a Worker's code is
    // small next to what the platform keeps anyway.
    QHash<QPair<QString, QString>, store::ScriptRecord> m_deletedScripts;
    struct DeletedNamespace
    {
        bool trusted = false;
        QList<store::ScriptRecord> scripts;
    };
    QHash<QString, DeletedNamespace> m_deletedNamespaces;
    QHash<QString, QJsonObject> m_deletedHostnames;
    // By KV namespace title and key.
    QHash<QPair<QString, QString>, store::KvValue> m_deletedKv;
    QString m_routingTable = QLatin1String(conventions::kRoutingTable);
    QString m_plansTable = QLatin1String(conventions::kPlansTable);
    QString m_customersTable = QLatin1String(conventions::kCustomersTable);
};

// The setPlatform of an object that follows the platform's changes: drops `receiver`'s
// connections from the old controller and its service, then `connectTo` makes those from the new
// one. False when `platform` is already current, so the setter neither reloads nor notifies.
bool followPlatform(
        QPointer<PlatformController> &current, PlatformController *platform, QObject *receiver,
        const std::function<void(PlatformController &, platform::PlatformService &)> &connectTo);

} // namespace switchyard::models
