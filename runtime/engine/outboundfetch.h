#pragma once

#include "invocation.h"

#include <QHostAddress>
#include <QReadWriteLock>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace switchyard::engine {

struct OutboundRequest
{
    QString method;
    QUrl url;
    HeaderList headers;
    std::optional<QByteArray> body;
    bool followRedirects = true;
    // Set by the platform, not the Worker: they replace the Worker's headers of the same name
    // (CF-EW-Via, the loop counter).
    HeaderList platformHeaders;
};

struct OutboundResponse
{
    QString networkError; // non-null: the fetch() promise rejects with TypeError(networkError)
    int status = 0;
    QString statusText;
    HeaderList headers;
    QByteArray body;
    // Non-null: the body arrives through this as the Worker reads it (`body` is empty). Qt reads
    // the connection only as far as the Worker has read, plus its buffer.
    BodyStreamPtr stream;
    QString url;
    bool redirected = false;
    // Non-null with status 101: a WebSocket upgrade the server accepted. The upstream
    // connection is the channel's client side; it reads no frames until a Worker side attaches.
    WebSocketChannelPtr webSocket;
};

// What tenant code may connect to with fetch(), decided on the addresses a host name resolves
// to (so a name that resolves to loopback is treated as loopback, and the connection then goes to
// the address that was checked, not to a second lookup). Thread-safe: the app fills in its
// listeners' endpoints once they are bound, executors read it on every subrequest and redirect.
//
// - The control plane (the admin API's port on any address of this host) is always refused.
// - The platform's own dispatch listener is always reachable: a Worker fetching another Worker
//   on the platform is legitimate (loops are stopped by CF-EW-Via).
// - Every other loopback, private, link-local, unspecified, multicast or reserved address (IPv4,
//   IPv6, and IPv4 in IPv6 forms such as ::ffff:127.0.0.1) is refused unless private networks
//   are allowed. Public addresses are reachable.
class OutboundPolicy
{
public:
    void setAllowPrivateNetworks(bool allow);
    bool allowsPrivateNetworks() const;
    // The admin API's listener.
    void addControlPlane(const QHostAddress &address, quint16 port);
    // A dispatch listener of this platform.
    void addPlatformListener(const QHostAddress &address, quint16 port);

    // Why a connection to address:port is refused, or std::nullopt when it is allowed.
    std::optional<QString> refusal(const QHostAddress &address, quint16 port) const;
    // Whether address:port is one of this platform's dispatch listeners.
    bool isPlatformListener(const QHostAddress &address, quint16 port) const;

    // Loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified, multicast, reserved
    // and documentation ranges, with IPv4 mapped, compatible, NAT64 and 6to4 IPv6 forms unwrapped.
    static bool isNonPublic(const QHostAddress &address);
    // An address this host answers on (loopback, unspecified, or one of its interfaces').
    static bool isThisHost(const QHostAddress &address);

private:
    struct Endpoint
    {
        QHostAddress address;
        quint16 port = 0;
    };
    static bool matches(const Endpoint &endpoint, const QHostAddress &address, quint16 port);

    mutable QReadWriteLock m_lock;
    bool m_allowPrivate = false;
    QList<Endpoint> m_control;
    QList<Endpoint> m_platform;
};

using OutboundPolicyPtr = std::shared_ptr<OutboundPolicy>;

// Resolves `url`'s host (RFC 6761's *.localhost as loopback) and checks every address it
// resolves to against `policy`; `done` then runs on `context`'s thread with the address to
// connect to, or with why not (a refusal, or a name that does not resolve).
void resolveOutbound(QObject *context, const OutboundPolicyPtr &policy, const QUrl &url,
                     quint16 port, std::function<void(QHostAddress, QString refusal)> done);

// One subrequest on the calling thread's network manager under `policy`; `done` runs on that
// thread. Redirects are followed here, each hop checked against the policy again.
void startOutboundFetch(QNetworkAccessManager *network, OutboundPolicyPtr policy,
                        const OutboundRequest &request, std::function<void(OutboundResponse)> done);

} // namespace switchyard::engine
