#pragma once

#include "admincall.h"
#include "httpmessage.h"

#include "platform/livetails.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace switchyard::platform {
class PlatformService;
}

namespace switchyard::http::admin {

class TailStream;

// `wrangler tail`: Cloudflare's tail sessions. `POST .../workers/scripts/{name}/tails` (and, as a
// Switchyard extension, `.../workers/dispatch/namespaces/{ns}/scripts/{name}/tails`) takes the
// filters and answers {id, url, expires_at}; `GET .../tails` lists a Worker's sessions and
// `DELETE .../tails/{id}` ends one. The url is a WebSocket (subprotocol trace-v1) on the admin
// listener that carries the Worker's TraceItems, one JSON text message each. Its id is 128
// random bits and the only credential the WebSocket needs, as on Cloudflare (wrangler sends no
// token there); the POST needs the admin token like every other call.
//
// Threads: this object's (the admin listener's); the streams take events from engine threads.
class TailSessions : public QObject
{
public:
    // Cloudflare: "A maximum of 10 clients can view a Worker's logs at one time."
    static constexpr int kMaxPerWorker = 10;
    // What one client that does not keep up may leave queued before events are dropped (and the
    // stream says it is sampling, as Cloudflare's does).
    static constexpr qsizetype kMaxQueuedEvents = 1000;
    static constexpr qsizetype kMaxQueuedBytes = 4 * 1024 * 1024;
    // A session whose WebSocket is not opened within this ends (wrangler opens it at once).
    static constexpr qint64 kConnectWithinMs = 60000;

    TailSessions(platform::PlatformService &service, std::chrono::milliseconds lifetime,
                 QObject *parent = nullptr);
    ~TailSessions() override;

    // `rest` is the path after the Worker's name and "tails" (empty, or the session id).
    HttpResponse handle(const AdminCall &call, const QString &dispatchNamespace,
                        const QString &scriptName, const QStringList &rest);
    // GET /tail/{id} with a WebSocket upgrade: the session's stream; no token.
    HttpResponse connectStream(const HttpRequest &request, const QString &id);
    // Closes every stream (the listener is draining).
    void closeAll();
    int count() const { return int(m_sessions.size()); }

private:
    struct Session
    {
        QString id;
        QString dispatchNamespace;
        QString scriptName;
        platform::LiveTailFilters filters;
        QString url;
        QDateTime createdAt;
        QDateTime expiresAt;
        std::shared_ptr<TailStream> stream; // once connected; the session ends with it
        quint64 subscription = 0;
    };

    HttpResponse create(const AdminCall &call, const QString &dispatchNamespace,
                        const QString &scriptName);
    void end(const QString &id, int code, const QByteArray &reason);
    void expire();
    static QJsonObject describe(const Session &session);

    platform::PlatformService &m_service;
    std::chrono::milliseconds m_lifetime;
    QHash<QString, Session> m_sessions;
    QTimer m_expiry;
};

} // namespace switchyard::http::admin
