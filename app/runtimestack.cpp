#include "runtimestack.h"

#include "engine/engine.h"
#include "http/adminapi.h"
#include "http/adminauth.h"
#include "http/dispatchfront.h"
#include "platform/clock.h"
#include "platform/dispatcher.h"
#include "platform/platformservice.h"
#include "platform/scriptcache.h"
#include "store/batchwriter.h"
#include "store/database.h"

#include <QDir>

namespace switchyard::app {

RuntimeStack::RuntimeStack(engine::V8Platform &v8) : m_v8(v8) { }

RuntimeStack::~RuntimeStack()
{
    // Stop taking requests first, then let traces reach the disk.
    m_admin.reset();
    m_front.reset();
    if (m_service)
        m_service->flushAppends();
    m_dispatcher.reset();
    m_engine.reset();
    m_scripts.reset();
    m_service.reset();
    m_writer.reset();
    m_database.reset();
}

QString RuntimeStack::databasePath() const
{
    return m_database ? m_database->path() : QString();
}

bool RuntimeStack::start(const Config &config, QString *error)
{
    if (!QDir().mkpath(config.dataDir)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(config.dataDir);
        return false;
    }
    const QString path = QDir(config.dataDir).filePath(QStringLiteral("switchyard.db"));
    m_database = store::Database::open(path, error);
    if (!m_database)
        return false;
    m_writer = store::BatchWriter::start(path, error);
    if (!m_writer)
        return false;
    m_clock = std::make_unique<platform::SystemClock>();
    m_service = std::make_unique<platform::PlatformService>(*m_database, *m_clock, m_writer.get());
    if (auto loaded = m_service->load(); !loaded) {
        *error = loaded.errorMessage();
        return false;
    }
    engine::EngineConfig engineConfig;
    engineConfig.executorThreads = config.executorThreads;
    m_engine = std::make_unique<engine::Engine>(m_v8, engineConfig);
    if (!m_engine->preludeError().isNull()) {
        *error = QStringLiteral("the Web API prelude does not load: %1")
                         .arg(m_engine->preludeError());
        return false;
    }
    m_scripts = std::make_unique<platform::ScriptCache>(*m_engine);
    m_service->setScriptChecker(m_scripts.get());
    m_dispatcher = std::make_unique<platform::Dispatcher>(*m_engine, *m_service, *m_scripts);
    m_front = std::make_unique<http::DispatchFront>(*m_dispatcher);
    m_port = m_front->listen(config.listen.address, config.listen.port, error);
    if (m_port == 0)
        return false;
    return !config.admin || startAdmin(config, path, error);
}

bool RuntimeStack::startAdmin(const Config &config, const QString &databasePath, QString *error)
{
    m_adminToken = config.adminToken;
    if (m_adminToken.isEmpty()) {
        const auto token = http::admin::loadOrCreateToken(config.dataDir, error);
        if (!token)
            return false;
        m_adminToken = *token;
        m_adminTokenPath = http::admin::tokenFilePath(config.dataDir);
    }
    // On this (the service's) thread: admin changes then need no thread hop.
    m_admin = std::make_unique<http::AdminApi>(*m_service,
                                               http::AdminApi::Config {m_adminToken, databasePath});
    m_adminPort = m_admin->listen(config.admin->address, config.admin->port, error);
    if (m_adminPort == 0)
        *error = QStringLiteral("admin API: %1").arg(*error);
    return m_adminPort != 0;
}

} // namespace switchyard::app
