#pragma once

#include "httpmessage.h"

#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace switchyard::platform {
class PlatformService;
}

namespace switchyard::http::admin {

struct ClientState;

// One authenticated admin API request, routed to a resource group: `path` holds the decoded
// segments after the group's prefix (e.g. after `workers/dispatch/namespaces`).
struct AdminCall
{
    const HttpRequest &request;
    QByteArray method;
    QStringList path;
    QUrlQuery query;
    QString accountId;
    platform::PlatformService &service;
    ClientState *clients = nullptr; // what Switchyard keeps only for clients' sake (adminservices)

    QString queryValue(const QString &key) const
    {
        return query.queryItemValue(key, QUrl::FullyDecoded);
    }
    bool queryFlag(const QString &key) const
    {
        const QString v = queryValue(key).toLower();
        return v == QLatin1String("true") || v == QLatin1String("1") || v == QLatin1String("yes");
    }
};

// Resource groups; each answers every method and sub-path under its prefix.
HttpResponse handleDispatchNamespaces(const AdminCall &call);
HttpResponse handlePlatformWorkers(const AdminCall &call);
HttpResponse handleKv(const AdminCall &call);
HttpResponse handleAnalyticsSql(const AdminCall &call);
// workers/services/{name}, workers/subdomain and zones: what wrangler reads around a deploy.
HttpResponse handleServices(const AdminCall &call);
HttpResponse handleAccountSubdomain(const AdminCall &call);
HttpResponse handleZones(const AdminCall &call);
// zones/{zone_id}/custom_hostnames[/{id}]: `path` starts at the zone id.
HttpResponse handleCustomHostnames(const AdminCall &call);
// workers/scripts/{name}/{subdomain,schedules,routes,versions,deployments}; std::nullopt for
// every other path under workers/scripts.
std::optional<HttpResponse> handlePlatformWorkerExtras(const AdminCall &call);

// 405 in Cloudflare's envelope, naming what the path accepts.
HttpResponse methodNotAllowed(const AdminCall &call, const char *allowed);

} // namespace switchyard::http::admin
