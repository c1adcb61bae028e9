#include "adminapi.h"

#include "adminauth.h"
#include "admincall.h"
#include "adminenvelope.h"
#include "adminservices.h"
#include "admintails.h"
#include "logging.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QTcpServer>

namespace switchyard::http {

using namespace admin;

namespace admin {

HttpResponse methodNotAllowed(const AdminCall &call, const char *allowed)
{
    HttpResponse response
            = failure(405, kMethodNotAllowed,
                      QStringLiteral("Method %1 is not allowed here; use %2")
                              .arg(QString::fromLatin1(call.method), QLatin1String(allowed)));
    response.headers.append({"allow", QByteArray(allowed)});
    return response;
}

} // namespace admin

AdminApi::AdminApi(platform::PlatformService &service, Config config, ListenerLimits limits,
                   QObject *parent)
    : QObject(parent), m_service(service), m_config(std::move(config)),
      m_clients(std::make_unique<ClientState>())
{
    m_tails = std::make_unique<TailSessions>(m_service, m_config.tailLifetime);
    m_listener = std::make_unique<HttpListener>(
            [this](HttpRequest request, HttpListener::Reply reply) { reply(handle(request)); },
            limits);
    // Uploads compile Workers; give slow machines room before the listener's 504.
    m_listener->setResponseTimeout(std::chrono::seconds(120));
    connect(m_listener.get(), &HttpListener::drained, this, &AdminApi::drained);
}

AdminApi::~AdminApi() = default;

quint16 AdminApi::listen(const QHostAddress &address, quint16 port, QString *error)
{
    return m_listener->listenOn(address, port, error);
}

void AdminApi::shutdown(std::chrono::milliseconds grace)
{
    m_tails->closeAll();
    m_listener->shutdown(grace);
}

HttpResponse AdminApi::handle(const HttpRequest &request)
{
    // Segments split on the encoded path, so a KV key's %2F stays inside its segment.
    const QString encodedPath = request.url.path(QUrl::FullyEncoded);
    QStringList path;
    for (const QString &segment : encodedPath.split(QLatin1Char('/'), Qt::SkipEmptyParts))
        path << QUrl::fromPercentEncoding(segment.toLatin1());
    // A tail session's WebSocket: its id is its credential (wrangler sends no token there).
    if (path.size() == 2 && path.at(0) == QLatin1String("tail"))
        return m_tails->connectStream(request, path.at(1));
    if (path.size() < 2 || path.at(0) != QLatin1String("client")
        || path.at(1) != QLatin1String("v4"))
        return failure(404, kNoRoute,
                       QStringLiteral("No route for that URI; the API is under /client/v4"));

    const AuthVerdict verdict = checkBearer(request.headers, m_config.token);
    if (verdict != AuthVerdict::Ok) {
        qCInfo(lcHttp).noquote() << "admin API: refused" << request.method << encodedPath
                                 << (verdict == AuthVerdict::Missing ? "(no token)"
                                                                     : "(wrong token)");
        return failure(verdict == AuthVerdict::Missing ? 401 : 403, kAuthError,
                       verdict == AuthVerdict::Missing
                               ? QStringLiteral("Authentication error: send the admin token as "
                                                "\"Authorization: Bearer <token>\"")
                               : QStringLiteral("Authentication error: the bearer token is not "
                                                "valid for this Switchyard"));
    }

    AdminCall call {request,   request.method, {}, QUrlQuery(request.url), {},
                    m_service, m_clients.get()};
    const QStringList rest = path.mid(2);
    // Account-less endpoints that clients probe before they act.
    if (rest
        == QStringList {QStringLiteral("user"), QStringLiteral("tokens"), QStringLiteral("verify")})
        return success(QJsonObject {{QStringLiteral("id"), QStringLiteral("switchyard-admin")},
                                    {QStringLiteral("status"), QStringLiteral("active")}});
    // `wrangler whoami`: the admin token is a user API token of one user with one account.
    if (rest == QStringList {QStringLiteral("user")})
        return success(QJsonObject {{QStringLiteral("id"), QStringLiteral("switchyard-admin")},
                                    {QStringLiteral("email"), QString::fromLatin1(kAdminEmail)},
                                    {QStringLiteral("first_name"), QStringLiteral("Switchyard")},
                                    {QStringLiteral("last_name"), QStringLiteral("Admin")},
                                    {QStringLiteral("username"), QStringLiteral("admin")},
                                    {QStringLiteral("suspended"), false},
                                    {QStringLiteral("two_factor_authentication_enabled"), false},
                                    {QStringLiteral("has_pro_zones"), false},
                                    {QStringLiteral("has_business_zones"), false},
                                    {QStringLiteral("has_enterprise_zones"), false}});
    if (rest == QStringList {QStringLiteral("memberships")}) {
        const QJsonArray memberships {QJsonObject {
                {QStringLiteral("id"), QStringLiteral("switchyard-admin-local")},
                {QStringLiteral("status"), QStringLiteral("accepted")},
                {QStringLiteral("account"),
                 QJsonObject {{QStringLiteral("id"), QStringLiteral("local")},
                              {QStringLiteral("name"), QStringLiteral("Switchyard")}}},
                {QStringLiteral("roles"), QJsonArray {QStringLiteral("Administrator")}}}};
        return success(memberships,
                       {{QStringLiteral("page"), 1},
                        {QStringLiteral("per_page"), 20},
                        {QStringLiteral("count"), 1},
                        {QStringLiteral("total_count"), 1},
                        {QStringLiteral("total_pages"), 1}});
    }
    if (rest == QStringList {QStringLiteral("accounts")})
        return success(
                QJsonArray {QJsonObject {{QStringLiteral("id"), QStringLiteral("local")},
                                         {QStringLiteral("name"), QStringLiteral("Switchyard")}}});
    if (!rest.isEmpty() && rest.at(0) == QLatin1String("zones")) {
        call.path = rest.mid(1);
        if (call.path.size() >= 2 && call.path.at(1) == QLatin1String("custom_hostnames"))
            return handleCustomHostnames(call);
        return handleZones(call);
    }
    if (rest.size() < 3 || rest.at(0) != QLatin1String("accounts"))
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    call.accountId = rest.at(1);
    const QStringList resource = rest.mid(2);
    auto under = [&](std::initializer_list<const char *> prefix) {
        if (resource.size() < qsizetype(prefix.size()))
            return false;
        qsizetype i = 0;
        for (const char *p : prefix) {
            if (resource.at(i++) != QLatin1String(p))
                return false;
        }
        call.path = resource.mid(qsizetype(prefix.size()));
        return true;
    };
    HttpResponse response;
    if (under({"workers", "dispatch", "namespaces"})) {
        // .../namespaces/{ns}/scripts/{name}/tails: a Switchyard extension (Cloudflare tails
        // user Workers only through their dispatcher's tail).
        if (call.path.size() >= 4 && call.path.at(1) == QLatin1String("scripts")
            && call.path.at(3) == QLatin1String("tails"))
            response = m_tails->handle(call, call.path.at(0), call.path.at(2), call.path.mid(4));
        else
            response = handleDispatchNamespaces(call);
    } else if (under({"workers", "scripts"})) {
        if (call.path.size() >= 2 && call.path.at(1) == QLatin1String("tails")) {
            response = m_tails->handle(call, QString(), call.path.at(0), call.path.mid(2));
        } else {
            auto extra = handlePlatformWorkerExtras(call);
            response = extra ? *extra : handlePlatformWorkers(call);
        }
    } else if (under({"workers", "services"}))
        response = handleServices(call);
    else if (under({"workers", "subdomain"}))
        response = handleAccountSubdomain(call);
    else if (under({"storage", "kv", "namespaces"}))
        response = handleKv(call);
    else if (under({"analytics_engine", "sql"}))
        response = handleAnalyticsSql(call);
    else
        response = failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    qCDebug(lcHttp).noquote() << "admin API:" << request.method << encodedPath << "->"
                              << response.status;
    return response;
}

} // namespace switchyard::http
