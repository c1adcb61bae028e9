#pragma once

#include "adminscripts.h"
#include "adminworkerupload.h"

#include "platform/platformservice.h"

#include <QHash>
#include <QJsonArray>
#include <QString>

namespace switchyard::http::admin {

// What the admin API remembers only so that clients see Cloudflare's answers: settings that
// Switchyard has no use for (a Worker's workers.dev flags, cron triggers, routes). Lives as long
// as the AdminApi; nothing here reaches the store.
struct ClientState
{
    struct Subdomain
    {
        bool enabled = true;
        bool previewsEnabled = true;
    };
    QHash<QString, Subdomain> subdomains; // by platform Worker name
    QHash<QString, QJsonArray> schedules; // by platform Worker name, [{cron, created_on, ...}]
    QHash<QString, QJsonArray> routes; // by platform Worker name
};

// Who the admin token belongs to, as `GET /user` answers and versions and deployments record.
inline constexpr char kAdminEmail[] = "admin@switchyard.localhost";

// A version's or deployment's source ("wrangler" when wrangler sends it, else "api") and author.
platform::WorkerChangeMeta changeMeta(const AdminCall &call);

// workers/scripts/{name}/versions[/{id}] and .../deployments[/{id}] of an existing platform
// Worker; `call.path` is {name, "versions"|"deployments"[, id]}.
HttpResponse handleVersions(const AdminCall &call, const ScriptSlot &slot);
HttpResponse handleDeployments(const AdminCall &call, const ScriptSlot &slot);

} // namespace switchyard::http::admin
