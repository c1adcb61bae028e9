#include "runtimestack.h"

#include "engine/engine.h"
#include "engine/outboundfetch.h"
#include "http/adminapi.h"
#include "http/adminauth.h"
#include "http/dispatchfront.h"
#include "platform/cachepolicy.h"
#include "platform/clock.h"
#include "platform/dispatcher.h"
#include "platform/platformservice.h"
#include "platform/scriptcache.h"
#include "store/batchwriter.h"
#include "store/cachestore.h"
#include "store/database.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QTimer>
#include <QUrl>

Q_LOGGING_CATEGORY(lcStack, "switchyard.app.stack")

namespace switchyard::app {

RuntimeStack::RuntimeStack(engine::V8Platform &v8) : m_v8(v8) { }

RuntimeStack::~RuntimeStack()
{
    // Stop taking requests first. The engine goes while the dispatcher and the service still
    // exist: it cancels what is still running, and those Invocations' traces go through them.
    // Then every trace reaches the disk.
    m_admin.reset();
    m_front.reset();
    m_engine.reset();
    if (m_service)
        m_service->flushAppends();
    m_dispatcher.reset();
    m_scripts.reset();
    m_service.reset();
    m_cache.reset();
    m_writer.reset();
    m_database.reset();
}

QString RuntimeStack::databasePath() const
{
    return m_database ? m_database->path() : QString();
}

QString RuntimeStack::storeDisplay() const
{
    return m_database ? m_database->location().display() : QString();
}

bool RuntimeStack::start(const Config &config, QString *error)
{
    if (!QDir().mkpath(config.dataDir)) {
        *error = QStringLiteral("cannot create the data directory %1").arg(config.dataDir);
        return false;
    }
    const store::StoreLocation location = config.store
            ? *config.store
            : store::StoreLocation::sqlite(
                    QDir(config.dataDir).filePath(QStringLiteral("switchyard.db")));
    m_database = store::Database::open(location, store::Database::Options {}, error);
    if (!m_database)
        return false;
    qCInfo(lcStack).noquote() << "store:" << location.display();
    m_nodeName = config.nodeName.isEmpty() ? QHostInfo::localHostName() : config.nodeName;
    m_startedAt = QDateTime::currentMSecsSinceEpoch();
    store::BatchWriter::Options writerOptions;
    writerOptions.nodeName = m_nodeName;
    m_writer = store::BatchWriter::start(location, writerOptions, error);
    if (!m_writer)
        return false;
    store::CacheStore::Options cacheOptions;
    if (config.cacheMaxBytes > 0)
        cacheOptions.maxBytes = config.cacheMaxBytes;
    m_cache = store::CacheStore::open(QDir(config.dataDir).filePath(QStringLiteral("cache.db")),
                                      cacheOptions, error);
    if (!m_cache)
        return false;
    m_clock = std::make_unique<platform::SystemClock>();
    m_service = std::make_unique<platform::PlatformService>(*m_database, *m_clock, m_writer.get());
    m_service->setCacheStore(m_cache.get());
    // A deleted Worker's (or namespace's) cached responses go with it: a later Worker of the
    // same name, perhaps another tenant's, must not find them.
    QObject::connect(m_service.get(), &platform::PlatformService::scriptChanged, m_service.get(),
                     [service = m_service.get(), cache = m_cache.get()](const QString &ns,
                                                                        const QString &name) {
                         if (!service->snapshot()->dispatchNamespace(ns))
                             cache->removePartition(platform::cachepolicy::partition(ns));
                         else if (!service->script(ns, name))
                             cache->removePartition(platform::cachepolicy::partition(ns, name));
                     });
    if (auto loaded = m_service->load(); !loaded) {
        *error = loaded.errorMessage();
        return false;
    }
    engine::EngineConfig engineConfig;
    engineConfig.executorThreads = config.executorThreads;
    engineConfig.memoryBudgetBytes = config.memoryBudgetBytes;
    if (config.instanceIdleTimeoutMs >= 0)
        engineConfig.idleTimeoutMs = config.instanceIdleTimeoutMs;
    if (config.instanceTrimAfterMs >= 0)
        engineConfig.trimAfterIdleMs = config.instanceTrimAfterMs;
    m_outboundPolicy = engineConfig.outboundPolicy;
    m_outboundPolicy->setAllowPrivateNetworks(config.allowPrivateOutbound);
    m_engine = std::make_unique<engine::Engine>(m_v8, engineConfig);
    if (!m_engine->preludeError().isNull()) {
        *error = QStringLiteral("the Web API prelude does not load: %1")
                         .arg(m_engine->preludeError());
        return false;
    }
    m_scripts = std::make_unique<platform::ScriptCache>(*m_engine);
    m_service->setScriptChecker(m_scripts.get());
    m_dispatcher = std::make_unique<platform::Dispatcher>(*m_engine, *m_service, *m_scripts);
    // The admin API listens first, so its port is refused to Workers before any Worker runs.
    if (config.admin && !startAdmin(config, error))
        return false;
    m_front = std::make_unique<http::DispatchFront>(*m_dispatcher, config.listenerLimits);
    m_port = m_front->listen(config.listen.address, config.listen.port, error);
    if (m_port == 0)
        return false;
    m_outboundPolicy->addPlatformListener(config.listen.address, m_port);

    QUrl address;
    address.setScheme(QStringLiteral("http"));
    address.setHost(config.listen.address.toString());
    address.setPort(m_port);
    address.setPath(QStringLiteral("/"));
    m_address = address.toString();
    m_heartbeat = std::make_unique<QTimer>();
    m_heartbeat->setInterval(config.heartbeatIntervalMs);
    QObject::connect(m_heartbeat.get(), &QTimer::timeout, [this] { heartbeat(); });
    m_heartbeat->start();
    heartbeat();
    return true;
}

void RuntimeStack::heartbeat()
{
    if (!m_service || !m_dispatcher)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const quint64 requests = m_dispatcher->requestsHandled();
    store::NodeRecord node;
    node.name = m_nodeName;
    node.address = m_address;
    node.version = QStringLiteral(SWITCHYARD_VERSION);
    node.startedAt = m_startedAt;
    if (m_lastHeartbeatAt > 0 && now > m_lastHeartbeatAt)
        node.requestsPerSecond
                = double(requests - m_lastRequests) * 1000.0 / double(now - m_lastHeartbeatAt);
    node.liveInstances = m_engine->instanceCount();
    node.lastHeartbeat = now;
    // A store that cannot be reached is the platform service's to report; the next beat
    // writes again.
    if (m_service->writeHeartbeat(node)) {
        m_lastRequests = requests;
        m_lastHeartbeatAt = now;
    }
}

bool RuntimeStack::shutdown(std::chrono::milliseconds grace)
{
    // A node that leaves says so; one that is killed keeps its row with an old heartbeat.
    if (m_heartbeat) {
        m_heartbeat->stop();
        if (m_service) {
            if (auto removed = m_service->removeNode(m_nodeName); !removed)
                qCInfo(lcStack).noquote()
                        << "the nodes table keeps this node:" << removed.errorMessage();
        }
    }
    // The listeners stop accepting, close idle connections and let requests in flight finish
    // (answering what is left at the deadline with 503); drained() once no connection is left.
    bool frontDrained = !m_front;
    bool adminDrained = !m_admin;
    QMetaObject::Connection frontDone, adminDone;
    if (m_front) {
        frontDone = QObject::connect(m_front.get(), &http::DispatchFront::drained,
                                     [&frontDrained] { frontDrained = true; });
        m_front->shutdown(grace);
    }
    if (m_admin) {
        adminDone = QObject::connect(m_admin.get(), &http::AdminApi::drained,
                                     [&adminDrained] { adminDrained = true; });
        m_admin->shutdown(grace);
    }

    auto idle = [&] {
        return frontDrained && adminDrained
                && (!m_dispatcher
                    || (m_dispatcher->requestsInFlight() == 0
                        && m_dispatcher->invocationsInFlight() == 0));
    };
    // Polled: the counters change on engine threads, and the wait must keep this thread's event
    // loop running (KV writes and the admin API are served here, drained() arrives here). The
    // listeners answer leftovers at `grace`; a little more lets those answers go out.
    QEventLoop loop;
    QTimer poll;
    QElapsedTimer waited;
    waited.start();
    const qint64 limit = grace.count() + 1000;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (idle() || waited.elapsed() >= limit)
            loop.quit();
    });
    if (!idle()) {
        if (m_dispatcher)
            qCDebug(lcStack) << "waiting up to" << grace.count() << "ms for"
                             << m_dispatcher->requestsInFlight() << "requests and"
                             << m_dispatcher->invocationsInFlight() << "invocations";
        poll.start(5);
        loop.exec();
    }
    const bool drained = idle();
    QObject::disconnect(frontDone);
    QObject::disconnect(adminDone);
    if (m_service)
        m_service->flushAppends();
    return drained;
}

bool RuntimeStack::startAdmin(const Config &config, QString *error)
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
    m_admin = std::make_unique<http::AdminApi>(
            *m_service, http::AdminApi::Config {m_adminToken, config.tailLifetime},
            config.listenerLimits);
    m_adminPort = m_admin->listen(config.admin->address, config.admin->port, error);
    if (m_adminPort == 0) {
        *error = QStringLiteral("admin API: %1").arg(*error);
        return false;
    }
    m_outboundPolicy->addControlPlane(config.admin->address, m_adminPort);
    return true;
}

} // namespace switchyard::app
