#pragma once

// A whole platform on loopback for tests that meet Workers where users do, through the dispatch
// listener: a RuntimeStack on a temporary data directory, one dispatch namespace, and an active
// dispatcher that has it bound as DISPATCHER. Errors come back as text for the test's QVERIFY2,
// since Qt Test's macros only work in the test function itself.
#include "workercode.h"

#include "runtimestack.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace switchyard::testing {

class DispatchStack
{
public:
    // `executorThreads` 0 keeps the stack's default. Returns an empty string, or what failed.
    QString start(engine::V8Platform &v8, const QString &nameSpace,
                  const QByteArray &dispatcherCode, int executorThreads = 0,
                  const QJsonArray &extraBindings = {})
    {
        m_nameSpace = nameSpace;
        m_dir = std::make_unique<QTemporaryDir>();
        m_stack = std::make_unique<app::RuntimeStack>(v8);
        QString error;
        app::RuntimeStack::Config config;
        config.dataDir = m_dir->path();
        if (executorThreads > 0)
            config.executorThreads = executorThreads;
        config.cacheMaxBytes = cacheMaxBytes;
        m_config = config;
        if (configure)
            configure(config);
        if (!adminToken.isEmpty()) {
            config.admin = app::Endpoint {QHostAddress::LocalHost, 0};
            config.adminToken = adminToken;
        }
        if (!m_stack->start(config, &error))
            return error;
        if (!service().createNamespace(nameSpace))
            return QStringLiteral("cannot create the dispatch namespace");
        QJsonArray bindings {QJsonObject {{QStringLiteral("type"), "dispatch_namespace"},
                                          {QStringLiteral("name"), "DISPATCHER"},
                                          {QStringLiteral("namespace"), nameSpace}}};
        for (const QJsonValue &binding : extraBindings)
            bindings.append(binding);
        auto put = service().putPlatformWorker(QStringLiteral("dispatcher"),
                                               store::WorkerKind::Dispatcher,
                                               moduleCode(dispatcherCode, bindings));
        if (!put)
            return put.errorMessage();
        if (!service().setActiveDispatcher(QStringLiteral("dispatcher")))
            return QStringLiteral("cannot make the dispatcher active");
        return {};
    }

    // start() with the seed's custom-limits dispatcher (resources/templates/custom-limits.js) and
    // what it binds: DISPATCHER, a CUSTOMERS KV namespace (empty: every customer is on the free
    // plan) and the ANALYTICS dataset "violations". Returns an empty string, or what failed.
    QString startSeedCustomLimits(engine::V8Platform &v8, const QString &nameSpace)
    {
        // The dispatcher binds CUSTOMERS, which must exist first: start with a placeholder.
        if (QString error
            = start(v8, nameSpace, "export default { fetch() { return new Response(''); } };");
            !error.isEmpty())
            return error;
        if (!service().createKvNamespace(QStringLiteral("CUSTOMERS")))
            return QStringLiteral("cannot create the CUSTOMERS KV namespace");
        const QString customers = service().kvNamespaceByTitle(QStringLiteral("CUSTOMERS"))->id;
        QFile file(QStringLiteral(SWITCHYARD_SOURCE_DIR "/resources/templates/custom-limits.js"));
        if (!file.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read ") + file.fileName();
        const QJsonArray bindings {QJsonObject {{QStringLiteral("type"), "dispatch_namespace"},
                                                {QStringLiteral("name"), "DISPATCHER"},
                                                {QStringLiteral("namespace"), nameSpace}},
                                   QJsonObject {{QStringLiteral("type"), "kv_namespace"},
                                                {QStringLiteral("name"), "CUSTOMERS"},
                                                {QStringLiteral("namespace_id"), customers}},
                                   QJsonObject {{QStringLiteral("type"), "analytics_engine"},
                                                {QStringLiteral("name"), "ANALYTICS"},
                                                {QStringLiteral("dataset"), "violations"}}};
        auto put = service().putPlatformWorker(QStringLiteral("dispatcher"),
                                               store::WorkerKind::Dispatcher,
                                               moduleCode(file.readAll(), bindings));
        return put ? QString() : put.errorMessage();
    }

    // A user Worker (one ES module) in the namespace. Returns an empty string, or what failed.
    QString putUserWorker(const QString &name, const QByteArray &code)
    {
        platform::PlatformService::ScriptUpload upload {moduleCode(code), {}};
        auto put = service().putScript(m_nameSpace, name, upload);
        return put ? QString() : put.errorMessage();
    }

    // Stops the stack and starts another on the same data directory, as a restarted app would.
    // Returns an empty string, or what failed.
    QString restart(engine::V8Platform &v8)
    {
        m_stack.reset();
        m_stack = std::make_unique<app::RuntimeStack>(v8);
        QString error;
        return m_stack->start(m_config, &error) ? QString() : error;
    }

    // Stops the stack before its data directory goes.
    void stop()
    {
        m_stack.reset();
        m_dir.reset();
    }

    // Called on the stack's configuration before start() starts it (engine memory, ...).
    std::function<void(app::RuntimeStack::Config &)> configure;
    // Set before start() to run the admin API too, with this bearer token.
    QString adminToken;

    platform::PlatformService &service() { return m_stack->service(); }
    app::RuntimeStack &runtime() { return *m_stack; }
    quint16 port() const { return m_stack->port(); }
    quint16 adminPort() const { return m_stack->adminPort(); }

    // The Cache API's bound for the next start(); 0 keeps the stack's default.
    qint64 cacheMaxBytes = 0;

private:
    app::RuntimeStack::Config m_config;
    QString m_nameSpace;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<app::RuntimeStack> m_stack;
};

} // namespace switchyard::testing
