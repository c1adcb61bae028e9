#include "outboundfetch.h"

#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

#include <array>

namespace switchyard::engine {

namespace {

// IPv4 carried in an IPv6 address: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64
// (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::). Anything else is returned as is.
QHostAddress unwrapIpv4(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return address;
    const Q_IPV6ADDR a = address.toIPv6Address();
    auto v4 = [&](int at) {
        return QHostAddress(quint32(a[at]) << 24 | quint32(a[at + 1]) << 16
                            | quint32(a[at + 2]) << 8 | quint32(a[at + 3]));
    };
    bool zero10 = true;
    for (int i = 0; i < 10; ++i)
        zero10 = zero10 && a[i] == 0;
    if (zero10 && a[10] == 0xff && a[11] == 0xff)
        return v4(12);
    // ::a.b.c.d, but not :: and ::1, which are IPv6's own unspecified and loopback.
    if (zero10 && a[10] == 0 && a[11] == 0 && (a[12] || a[13] || a[14] || a[15] > 1))
        return v4(12);
    static const std::array<quint8, 12> nat64 {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    bool isNat64 = true;
    for (int i = 0; i < 12; ++i)
        isNat64 = isNat64 && a[i] == nat64[size_t(i)];
    if (isNat64)
        return v4(12);
    if (a[0] == 0x20 && a[1] == 0x02)
        return v4(2);
    return address;
}

bool nonPublicIpv4(quint32 v)
{
    struct Range
    {
        quint32 base;
        int bits;
    };
    static const Range ranges[] = {
            {0x00000000, 8}, // 0.0.0.0/8 "this network", 0.0.0.0 reaches this host
            {0x0a000000, 8}, // 10/8
            {0x64400000, 10}, // 100.64/10 carrier-grade NAT
            {0x7f000000, 8}, // 127/8 loopback
            {0xa9fe0000, 16}, // 169.254/16 link-local (cloud metadata services)
            {0xac100000, 12}, // 172.16/12
            {0xc0000000, 24}, // 192.0.0/24 IETF protocol assignments
            {0xc0000200, 24}, // 192.0.2/24 documentation
            {0xc0a80000, 16}, // 192.168/16
            {0xc6120000, 15}, // 198.18/15 benchmarking
            {0xc6336400, 24}, // 198.51.100/24 documentation
            {0xcb007100, 24}, // 203.0.113/24 documentation
            {0xe0000000, 4}, // 224/4 multicast
            {0xf0000000, 4}, // 240/4 reserved, 255.255.255.255 broadcast
    };
    for (const Range &r : ranges) {
        const quint32 mask = r.bits == 0 ? 0 : ~quint32(0) << (32 - r.bits);
        if ((v & mask) == r.base)
            return true;
    }
    return false;
}

QString endpointText(const QHostAddress &address, quint16 port)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol
            ? QStringLiteral("[%1]:%2").arg(address.toString()).arg(port)
            : QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

bool isLoopbackName(const QString &host)
{
    return host == u"localhost" || host.endsWith(QStringLiteral(".localhost"));
}

} // namespace

void OutboundPolicy::setAllowPrivateNetworks(bool allow)
{
    QWriteLocker lock(&m_lock);
    m_allowPrivate = allow;
}

bool OutboundPolicy::allowsPrivateNetworks() const
{
    QReadLocker lock(&m_lock);
    return m_allowPrivate;
}

void OutboundPolicy::addControlPlane(const QHostAddress &address, quint16 port)
{
    QWriteLocker lock(&m_lock);
    m_control.append({unwrapIpv4(address), port});
}

void OutboundPolicy::addPlatformListener(const QHostAddress &address, quint16 port)
{
    QWriteLocker lock(&m_lock);
    m_platform.append({unwrapIpv4(address), port});
}

bool OutboundPolicy::isNonPublic(const QHostAddress &address)
{
    const QHostAddress a = unwrapIpv4(address);
    if (a.protocol() == QAbstractSocket::IPv4Protocol)
        return nonPublicIpv4(a.toIPv4Address());
    if (a.protocol() != QAbstractSocket::IPv6Protocol)
        return true; // not an IP address: nothing to connect to
    const Q_IPV6ADDR b = a.toIPv6Address();
    bool allZero = true;
    for (int i = 0; i < 15; ++i)
        allZero = allZero && b[i] == 0;
    if (allZero && b[15] <= 1)
        return true; // :: and ::1
    if ((b[0] & 0xfe) == 0xfc)
        return true; // fc00::/7 unique local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return true; // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return true; // fec0::/10 site-local
    if (b[0] == 0xff)
        return true; // multicast
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        return true; // 2001:db8::/32 documentation
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        return true; // 2001::/32 Teredo: the IPv4 behind it is not ours to check
    return false;
}

bool OutboundPolicy::isThisHost(const QHostAddress &address)
{
    const QHostAddress a = unwrapIpv4(address);
    if (a.isLoopback() || a == QHostAddress(QHostAddress::AnyIPv4)
        || a == QHostAddress(QHostAddress::AnyIPv6))
        return true;
    if (a.protocol() == QAbstractSocket::IPv4Protocol && (a.toIPv4Address() >> 24) == 0)
        return true; // 0.x.x.x: Linux connects it to this host
    const auto local = QNetworkInterface::allAddresses();
    return std::any_of(local.cbegin(), local.cend(), [&](const QHostAddress &mine) {
        return unwrapIpv4(mine).isEqual(a, QHostAddress::TolerantConversion);
    });
}

bool OutboundPolicy::matches(const Endpoint &endpoint, const QHostAddress &address, quint16 port)
{
    if (endpoint.port != port)
        return false;
    if (endpoint.address == QHostAddress(QHostAddress::AnyIPv4)
        || endpoint.address == QHostAddress(QHostAddress::AnyIPv6)
        || endpoint.address == QHostAddress(QHostAddress::Any))
        return isThisHost(address);
    return endpoint.address.isEqual(address, QHostAddress::TolerantConversion);
}

bool OutboundPolicy::isPlatformListener(const QHostAddress &address, quint16 port) const
{
    const QHostAddress a = unwrapIpv4(address);
    QReadLocker lock(&m_lock);
    return std::any_of(m_platform.cbegin(), m_platform.cend(),
                       [&](const Endpoint &platform) { return matches(platform, a, port); });
}

std::optional<QString> OutboundPolicy::refusal(const QHostAddress &address, quint16 port) const
{
    const QHostAddress a = unwrapIpv4(address);
    QReadLocker lock(&m_lock);
    for (const Endpoint &control : m_control) {
        // Whatever address the admin API is bound to, its port on this host is off limits: a
        // listener on 0.0.0.0 answers on every local address, and the cost of refusing another
        // local service on the same port is nil.
        if (control.port == port && isThisHost(a))
            return QStringLiteral("fetch() to %1 was refused: it is this platform's admin API, "
                                  "which Workers can never reach.")
                    .arg(endpointText(address, port));
    }
    for (const Endpoint &platform : m_platform) {
        if (matches(platform, a, port))
            return std::nullopt;
    }
    if (!m_allowPrivate && isNonPublic(a))
        return QStringLiteral("fetch() to %1 was refused: Workers cannot reach loopback, private "
                              "or link-local addresses, only public ones and this platform's "
                              "dispatch listener (switchyard --allow-private-outbound allows "
                              "private networks).")
                .arg(endpointText(address, port));
    return std::nullopt;
}

namespace {

void checkAddresses(const OutboundPolicyPtr &policy, const QList<QHostAddress> &addresses,
                    quint16 port, const std::function<void(QHostAddress, QString)> &done)
{
    // Any refused address refuses the name: a name that resolves to a public and a private
    // address must not be a way in.
    for (const QHostAddress &address : addresses) {
        if (auto refused = policy ? policy->refusal(address, port) : std::nullopt) {
            done({}, *refused);
            return;
        }
    }
    done(addresses.constFirst(), QString());
}

// How much of a streamed response body Qt reads ahead of the Worker, and the most one chunk holds.
constexpr qint64 kReplyReadAhead = 256 * 1024;
constexpr qint64 kReplyChunk = 64 * 1024;

// A response body read from its QNetworkReply as the Worker asks for it, on the reply's thread.
struct ReplyPump : std::enable_shared_from_this<ReplyPump>
{
    QPointer<QNetworkReply> reply;
    std::weak_ptr<BodyStream> stream;
    bool wanted = false;

    void feed()
    {
        if (!wanted)
            return;
        BodyStreamPtr body = stream.lock();
        if (!body) {
            cancel();
            return;
        }
        if (!reply) {
            wanted = false;
            body->fail(QStringLiteral("Network connection lost."));
            return;
        }
        if (reply->bytesAvailable() > 0) {
            wanted = false;
            body->push(reply->read(kReplyChunk));
            return;
        }
        if (!reply->isFinished())
            return; // readyRead or finished calls again
        wanted = false;
        // Qt reports 4xx and 5xx statuses as errors too (its 2xx and 4xx codes): those bodies are
        // whole. Only network, proxy and protocol errors cut one.
        const int error = reply->error();
        if ((error > 0 && error < QNetworkReply::ContentAccessDenied)
            || (error >= QNetworkReply::ProtocolUnknownError
                && error < QNetworkReply::InternalServerError))
            body->fail(QStringLiteral("Network connection lost."));
        else
            body->end();
        reply->deleteLater();
    }
    void cancel()
    {
        wanted = false;
        if (reply) {
            reply->disconnect();
            reply->abort();
            reply->deleteLater();
        }
    }
};

// One fetch() from its first request to its last redirect.
struct Fetch : std::enable_shared_from_this<Fetch>
{
    QNetworkAccessManager *network = nullptr;
    OutboundPolicyPtr policy;
    OutboundRequest request; // the current hop's: redirects change method, URL and body
    std::function<void(OutboundResponse)> done;
    int redirects = 0;

    // CF-EW-Via as the platform set it: the chain level of this subrequest.
    QString loopLevel() const
    {
        for (const auto &[name, value] : request.platformHeaders) {
            if (name.compare(u"cf-ew-via", Qt::CaseInsensitive) == 0)
                return value;
        }
        return QStringLiteral("0");
    }

    void fail(const QString &message)
    {
        OutboundResponse response;
        response.networkError = message;
        done(std::move(response));
    }

    // Resolves the host, checks every address it resolves to, then connects to a checked one.
    void start()
    {
        const quint16 port = quint16(
                request.url.port(request.url.scheme() == QLatin1String("https") ? 443 : 80));
        auto self = shared_from_this();
        resolveOutbound(network, policy, request.url, port,
                        [self, port](const QHostAddress &address, const QString &refusal) {
                            if (!refusal.isNull())
                                self->fail(refusal);
                            else
                                self->send(address, port);
                        });
    }

    void send(const QHostAddress &address, quint16 port)
    {
        QUrl target = request.url;
        target.setHost(address.toString());
        QNetworkRequest qrequest(target);
        if (request.url.scheme() == QLatin1String("https")
            && QHostAddress().setAddress(request.url.host()) == false) {
            qrequest.setPeerVerifyName(request.url.host());
        } else if (policy && policy->isPlatformListener(address, port)) {
            // A Worker that fetches through this platform's own listener waits on a request that
            // may itself fetch through it, and so on down a chain. Qt's manager opens at most six
            // connections per host and queues the rest, so sharing one pool across that chain
            // stalls it once six levels wait on a seventh (until every Worker in it hits its wall
            // limit). Qt keys its pools by the peer verify name too (unused over plain http):
            // one pool per level of the chain, so a level only ever waits on the next.
            qrequest.setPeerVerifyName(QStringLiteral("switchyard-level-%1").arg(loopLevel()));
        }
        qrequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                              QNetworkRequest::ManualRedirectPolicy);
        // Workers of different tenants share the manager: nothing may carry over between them.
        qrequest.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
        qrequest.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
        qrequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                              QNetworkRequest::AlwaysNetwork);
        qrequest.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
        qrequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        bool hasHost = false, hasAcceptEncoding = false;
        auto overridden = [&](const QString &name) {
            return std::any_of(
                    request.platformHeaders.cbegin(), request.platformHeaders.cend(),
                    [&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
        };
        for (const auto &[name, value] : request.headers) {
            if (overridden(name))
                continue;
            qrequest.setRawHeader(name.toUtf8(), value.toUtf8());
            hasHost = hasHost || name.compare(u"host", Qt::CaseInsensitive) == 0;
            hasAcceptEncoding = hasAcceptEncoding
                    || name.compare(u"accept-encoding", Qt::CaseInsensitive) == 0;
        }
        for (const auto &[name, value] : request.platformHeaders)
            qrequest.setRawHeader(name.toUtf8(), value.toUtf8());
        // The connection goes to the checked address; the server sees the name asked for.
        if (!hasHost)
            qrequest.setRawHeader("Host", request.url.authority(QUrl::FullyEncoded).toUtf8());
        // Without an Accept-Encoding of the Worker's own, Qt asks for gzip and inflates the body
        // itself; the headers that describe the compressed body must then go.
        const bool qtDecompresses = !hasAcceptEncoding;

        QNetworkReply *reply = request.body
                ? network->sendCustomRequest(qrequest, request.method.toUtf8(), *request.body)
                : network->sendCustomRequest(qrequest, request.method.toUtf8());
        auto self = shared_from_this();
        auto streaming = std::make_shared<bool>(false);
        QObject::connect(reply, &QNetworkReply::finished, reply,
                         [self, reply, qtDecompresses, streaming] {
                             if (*streaming)
                                 return;
                             reply->deleteLater();
                             self->received(reply, qtDecompresses);
                         });
        // Body bytes before the end: the response goes to the Worker now, its body as a stream.
        // A redirect to follow waits for its end as before.
        QObject::connect(
                reply, &QNetworkReply::readyRead, reply, [self, reply, qtDecompresses, streaming] {
                    if (*streaming || reply->isFinished())
                        return;
                    const int status
                            = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                    if (self->request.followRedirects && isRedirect(status))
                        return;
                    *streaming = true;
                    self->stream(reply, qtDecompresses);
                });
    }

    static bool isRedirect(int status)
    {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    void stream(QNetworkReply *reply, bool qtDecompresses)
    {
        OutboundResponse response = head(reply, qtDecompresses);
        reply->setReadBufferSize(kReplyReadAhead);
        auto body = std::make_shared<BodyStream>();
        auto pump = std::make_shared<ReplyPump>();
        pump->reply = reply;
        pump->stream = body;
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [pump] { pump->feed(); });
        QObject::connect(reply, &QNetworkReply::finished, reply, [pump] { pump->feed(); });
        // The reader may be on any thread; the reply is read on its own.
        QPointer<QNetworkAccessManager> manager = network;
        auto onReplyThread = [manager](std::function<void()> what) {
            if (manager)
                QMetaObject::invokeMethod(manager.data(), std::move(what), Qt::QueuedConnection);
        };
        body->setProducer({[onReplyThread, pump] {
                               onReplyThread([pump] {
                                   pump->wanted = true;
                                   pump->feed();
                               });
                           },
                           [onReplyThread, pump] {
                               onReplyThread([pump] { pump->cancel(); });
                           }});
        response.stream = std::move(body);
        done(std::move(response));
    }

    OutboundResponse head(QNetworkReply *reply, bool qtDecompresses)
    {
        OutboundResponse response;
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        response.statusText
                = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        for (const auto &[name, value] : reply->rawHeaderPairs()) {
            if (qtDecompresses
                && (name.compare("content-encoding", Qt::CaseInsensitive) == 0
                    || name.compare("content-length", Qt::CaseInsensitive) == 0))
                continue;
            // Qt folds repeated Set-Cookie headers into one, newline-separated.
            if (name.compare("set-cookie", Qt::CaseInsensitive) == 0) {
                for (const QByteArray &cookie : value.split('\n'))
                    response.headers.append({QString::fromLatin1(name), QString::fromUtf8(cookie)});
                continue;
            }
            response.headers.append({QString::fromLatin1(name), QString::fromUtf8(value)});
        }
        response.url = request.url.toString();
        response.redirected = redirects > 0;
        return response;
    }

    void received(QNetworkReply *reply, bool qtDecompresses)
    {
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            fail(QStringLiteral("Network connection lost. (%1)")
                         .arg(reply->errorString().replace(reply->url().host(),
                                                           request.url.host())));
            return;
        }
        if (request.followRedirects && followRedirect(reply, status.toInt()))
            return;
        OutboundResponse response = head(reply, qtDecompresses);
        response.body = reply->readAll();
        done(std::move(response));
    }

    // The fetch standard's HTTP-redirect fetch, each hop through start() and so the policy.
    bool followRedirect(QNetworkReply *reply, int status)
    {
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
            return false;
        const QByteArray location = reply->rawHeader("location");
        if (location.isEmpty())
            return false;
        const QUrl next = request.url.resolved(QUrl::fromEncoded(location));
        if (!next.isValid()
            || (next.scheme() != QLatin1String("http")
                && next.scheme() != QLatin1String("https"))) {
            fail(QStringLiteral("Fetch API cannot load: %1").arg(next.toString()));
            return true;
        }
        if (++redirects > 20) {
            fail(QStringLiteral("Too many redirects."));
            return true;
        }
        const QString method = request.method.toUpper();
        if ((status == 303 && method != QLatin1String("HEAD"))
            || ((status == 301 || status == 302) && method == QLatin1String("POST"))) {
            request.method = QStringLiteral("GET");
            request.body.reset();
            request.headers.removeIf([](const auto &h) {
                return h.first.compare(u"content-type", Qt::CaseInsensitive) == 0
                        || h.first.compare(u"content-length", Qt::CaseInsensitive) == 0;
            });
        }
        const bool sameOrigin = next.scheme() == request.url.scheme()
                && next.host() == request.url.host() && next.port() == request.url.port();
        if (!sameOrigin) {
            // A Host or Authorization meant for the first origin must not reach another.
            request.headers.removeIf([](const auto &h) {
                return h.first.compare(u"host", Qt::CaseInsensitive) == 0
                        || h.first.compare(u"authorization", Qt::CaseInsensitive) == 0;
            });
        }
        request.url = next;
        start();
        return true;
    }
};

} // namespace

void resolveOutbound(QObject *context, const OutboundPolicyPtr &policy, const QUrl &url,
                     quint16 port, std::function<void(QHostAddress, QString refusal)> done)
{
    const QString host = url.host().toLower();
    QHostAddress literal;
    // RFC 6761: *.localhost is loopback. Browsers and curl know it, glibc does not; Workers
    // of the demo call each other by such names.
    if (isLoopbackName(host)) {
        checkAddresses(policy, {QHostAddress(QHostAddress::LocalHost)}, port, done);
    } else if (literal.setAddress(url.host())) {
        checkAddresses(policy, {literal}, port, done);
    } else {
        const QString asked = url.host();
        QHostInfo::lookupHost(host, context,
                              [policy, port, done = std::move(done), asked](const QHostInfo &info) {
                                  if (info.error() != QHostInfo::NoError
                                      || info.addresses().isEmpty()) {
                                      done({},
                                           QStringLiteral("Network connection lost. (Host %1 "
                                                          "not found)")
                                                   .arg(asked));
                                      return;
                                  }
                                  checkAddresses(policy, info.addresses(), port, done);
                              });
    }
}

void startOutboundFetch(QNetworkAccessManager *network, OutboundPolicyPtr policy,
                        const OutboundRequest &request, std::function<void(OutboundResponse)> done)
{
    auto fetch = std::make_shared<Fetch>();
    fetch->network = network;
    fetch->policy = std::move(policy);
    fetch->request = request;
    fetch->done = std::move(done);
    fetch->start();
}

} // namespace switchyard::engine
