#pragma once

#include "store/records.h"

#include <QHash>

#include <atomic>
#include <memory>

namespace switchyard::platform {

// One consistent, immutable state of the platform (everything but KV entries). The dispatch path
// takes a snapshot once per request and reads it without locks; the platform service publishes a
// new one after each change, so a request sees either all of a change or none of it.
struct PlatformSnapshot
{
    quint64 generation = 0; // grows with every published change
    QHash<QString, std::shared_ptr<const store::NamespaceRecord>> namespaces; // by name
    // namespace name -> script name -> script
    QHash<QString, QHash<QString, std::shared_ptr<const store::ScriptRecord>>> scripts;
    QHash<QString, std::shared_ptr<const store::PlatformWorkerRecord>> platformWorkers; // by name
    QString activeDispatcher; // a platform Worker's name, or empty
    // Worker Versions (without their modules) and Deployments of each platform Worker, newest
    // first; the newest deployment is the one serving.
    QHash<QString, QList<std::shared_ptr<const store::WorkerVersionRecord>>> workerVersions;
    QHash<QString, QList<std::shared_ptr<const store::WorkerDeploymentRecord>>> workerDeployments;
    QHash<QString, std::shared_ptr<const store::CustomHostnameRecord>> customHostnames;
    QHash<QString, store::KvNamespaceRecord> kvNamespaces; // by id

    std::shared_ptr<const store::NamespaceRecord> dispatchNamespace(const QString &name) const
    {
        return namespaces.value(name);
    }
    std::shared_ptr<const store::ScriptRecord> script(const QString &ns, const QString &name) const
    {
        const auto it = scripts.constFind(ns);
        return it == scripts.cend() ? nullptr : it->value(name);
    }
    std::shared_ptr<const store::PlatformWorkerRecord> platformWorker(const QString &name) const
    {
        return platformWorkers.value(name);
    }
    std::shared_ptr<const store::PlatformWorkerRecord> dispatcher() const
    {
        return activeDispatcher.isEmpty() ? nullptr : platformWorkers.value(activeDispatcher);
    }
    std::shared_ptr<const store::CustomHostnameRecord> customHostname(const QString &host) const
    {
        return customHostnames.value(host);
    }
    std::optional<store::KvNamespaceRecord> kvNamespaceByTitle(const QString &title) const;
};

// Holds the current snapshot; readable from any thread.
class PlatformView
{
public:
    PlatformView() : m_current(std::make_shared<const PlatformSnapshot>()) { }

    std::shared_ptr<const PlatformSnapshot> snapshot() const { return m_current.load(); }
    // The platform service only.
    void publish(std::shared_ptr<const PlatformSnapshot> next) { m_current.store(std::move(next)); }

private:
    std::atomic<std::shared_ptr<const PlatformSnapshot>> m_current;
};

} // namespace switchyard::platform
