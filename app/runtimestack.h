#pragma once

#include "options.h"

#include <QString>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace switchyard::engine {
class Engine;
class OutboundPolicy;
class V8Platform;
} // namespace switchyard::engine
namespace switchyard::store {
class Database;
class BatchWriter;
class CacheStore;
} // namespace switchyard::store
namespace switchyard::platform {
class Clock;
class Dispatcher;
class PlatformService;
class ScriptCache;
} // namespace switchyard::platform
namespace switchyard::http {
class AdminApi;
class DispatchFront;
} // namespace switchyard::http

namespace switchyard::app {

// Every object of the headless runtime, built in dependency order and torn down in reverse:
// store, platform service, engine, dispatcher, listener. The GUI and the tests build the same
// stack, so what the tests drive is what users run.
class RuntimeStack
{
public:
    struct Config
    {
        QString dataDir;
        // std::nullopt: switchyard.db in dataDir.
        std::optional<store::StoreLocation> store;
        // This node among those sharing the store; empty: the host name.
        QString nodeName;
        // How often the node's row in the store's nodes table is written.
        int heartbeatIntervalMs = 5000;
        Endpoint listen {QHostAddress::LocalHost, 0};
        int executorThreads = 0;
        // The admin API's address; std::nullopt runs none.
        std::optional<Endpoint> admin;
        // Empty: the token in <dataDir>/admin-token, generated there on first start.
        QString adminToken;
        // How long an admin API tail session (`wrangler tail`) lasts.
        std::chrono::milliseconds tailLifetime = std::chrono::hours(6);
        // Workers' fetch() may reach loopback and private networks (never the admin API).
        bool allowPrivateOutbound = false;
        // Connection cap and timeouts of both listeners.
        http::ListenerLimits listenerLimits;
        // Worker Instances' memory budget (0: a quarter of physical memory) and idle timeout
        // (0: none; negative: the engine's default). See EngineConfig.
        qint64 memoryBudgetBytes = 0;
        qint64 instanceIdleTimeoutMs = -1;
        // When an idle Instance is trimmed (EngineConfig::trimAfterIdleMs; 0: never; negative:
        // the engine's default).
        qint64 instanceTrimAfterMs = -1;
        // The Cache API's bound (<dataDir>/cache.db); 0: store::CacheStore's default.
        qint64 cacheMaxBytes = 0;
    };

    explicit RuntimeStack(engine::V8Platform &v8);
    ~RuntimeStack();

    // Opens the store (refusing a foreign or newer one), loads the platform, starts listening.
    bool start(const Config &config, QString *error);

    // Stops taking requests, waits up to `grace` (running this thread's event loop, which the
    // platform service needs) for requests in flight and their Invocations' waitUntil() work to
    // end, then writes every trace and data point to the store. Returns false when the grace
    // period ran out first; what is still running is then cancelled when the stack is destroyed.
    // The store is closed by the destructor. Main (the service's) thread.
    bool shutdown(std::chrono::milliseconds grace);

    platform::PlatformService &service() { return *m_service; }
    store::CacheStore &cacheStore() { return *m_cache; }
    platform::Dispatcher &dispatcher() { return *m_dispatcher; }
    engine::Engine &engine() { return *m_engine; }
    // What Workers' fetch() may reach; the stack adds its listeners when they are bound.
    engine::OutboundPolicy &outboundPolicy() { return *m_outboundPolicy; }
    quint16 port() const { return m_port; }
    quint16 adminPort() const { return m_adminPort; }
    QString adminToken() const { return m_adminToken; }
    // Where the admin token is kept; empty when it came from the command line.
    QString adminTokenPath() const { return m_adminTokenPath; }
    QString databasePath() const;
    // Where the store is, as logs and the GUI may show it (a PostgreSQL URL without password).
    QString storeDisplay() const;
    QString nodeName() const { return m_nodeName; }
    // Writes this node's row in the nodes table now (it is also written every
    // Config::heartbeatIntervalMs).
    void heartbeat();

private:
    bool startAdmin(const Config &config, QString *error);

    engine::V8Platform &m_v8;
    std::shared_ptr<engine::OutboundPolicy> m_outboundPolicy;
    std::unique_ptr<platform::Clock> m_clock;
    std::unique_ptr<store::Database> m_database;
    std::unique_ptr<store::BatchWriter> m_writer;
    std::unique_ptr<store::CacheStore> m_cache;
    std::unique_ptr<platform::PlatformService> m_service;
    std::unique_ptr<engine::Engine> m_engine;
    std::unique_ptr<platform::ScriptCache> m_scripts;
    std::unique_ptr<platform::Dispatcher> m_dispatcher;
    std::unique_ptr<http::DispatchFront> m_front;
    std::unique_ptr<http::AdminApi> m_admin;
    quint16 m_port = 0;
    quint16 m_adminPort = 0;
    QString m_adminToken;
    QString m_adminTokenPath;
    QString m_nodeName;
    QString m_address;
    qint64 m_startedAt = 0;
    quint64 m_lastRequests = 0;
    qint64 m_lastHeartbeatAt = 0;
    std::unique_ptr<QTimer> m_heartbeat;
};

} // namespace switchyard::app
