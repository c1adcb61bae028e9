#pragma once

#include "httplistener.h"

#include <QObject>

#include <chrono>
#include <memory>

namespace switchyard::platform {
class PlatformService;
}

namespace switchyard::http {

namespace admin {
struct ClientState;
class TailSessions;
} // namespace admin

// The admin REST API: the subset of Cloudflare's v4 API that Workers for Platforms uses, under
// /client/v4/accounts/{account_id}/ (any account id is accepted and echoed), with Cloudflare's
// envelope and bearer-token auth, so wrangler and curl drive Switchyard as they drive Cloudflare.
//
// Threads: the listener lives on this object's thread, which must be the platform service's, so
// every change runs on the service's thread without hopping (admin traffic is light; the
// dispatch listener has its own thread).
class AdminApi : public QObject
{
    Q_OBJECT
public:
    struct Config
    {
        QString token; // the bearer token every request must carry
        // How long a tail session (`wrangler tail`) lasts before its stream is closed.
        std::chrono::milliseconds tailLifetime = std::chrono::hours(6);
    };

    AdminApi(platform::PlatformService &service, Config config, ListenerLimits limits = {},
             QObject *parent = nullptr);
    ~AdminApi() override;

    // Returns the bound port, or 0 with `error` set.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error);
    // Graceful drain (HttpListener::shutdown); drained() once every connection is closed.
    void shutdown(std::chrono::milliseconds grace);

    // Answers one request; what the listener calls. Public for tests of routing without sockets.
    HttpResponse handle(const HttpRequest &request);

Q_SIGNALS:
    void drained();

private:
    platform::PlatformService &m_service;
    Config m_config;
    std::unique_ptr<HttpListener> m_listener;
    std::unique_ptr<admin::ClientState> m_clients;
    // After the listener: goes first, while the streams' connections are still there.
    std::unique_ptr<admin::TailSessions> m_tails;
};

} // namespace switchyard::http
