// What wrangler reads and writes around `wrangler deploy` of a platform Worker, beyond the upload
// itself: workers/services/{name}, the account's and each Worker's workers.dev subdomain, cron
// triggers (schedules), routes and the zones they name, and the versions + deployments pair that
// wrangler uses to redeploy an existing Worker.
//
// Switchyard has no workers.dev, no cron scheduler and no zones (its dispatch listener takes every
// host), so those answer as Cloudflare does and change nothing: subdomain flags, schedules and
// routes are remembered for the next GET only. Versions and deployments are in adminversions.cpp.
#include "adminservices.h"

#include "admincall.h"
#include "adminenvelope.h"
#include "adminscripts.h"
#include "adminworkerupload.h"

#include "platform/platformservice.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace switchyard::http::admin {

namespace {

using platform::PlatformService;

const QString kEnvironment = QStringLiteral("production");

ScriptSlot platformSlot(const PlatformService &service, const QString &name)
{
    ScriptSlot slot;
    slot.name = name;
    if (const auto worker = service.platformWorker(name)) {
        slot.code = worker->code;
        slot.contentHash = worker->contentHash;
        slot.createdAt = worker->createdAt;
        slot.modifiedAt = worker->modifiedAt;
    }
    return slot;
}

std::optional<QJsonValue> jsonBody(const HttpRequest &request)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;
    if (document.isArray())
        return document.array();
    return document.object();
}

HttpResponse notJson(const QString &shape)
{
    return failure(400, kUnparsableBody,
                   QStringLiteral("Could not parse request body: expected %1").arg(shape));
}

QString nowIso()
{
    return isoTime(QDateTime::currentMSecsSinceEpoch());
}

HttpResponse handleSubdomain(const AdminCall &call, const QString &name)
{
    ClientState::Subdomain &state = call.clients->subdomains[name];
    if (call.method == "POST" || call.method == "PUT") {
        const auto body = jsonBody(call.request);
        if (!body || !body->isObject())
            return notJson(QStringLiteral("{\"enabled\": true|false, \"previews_enabled\": "
                                          "true|false}"));
        const QJsonObject o = body->toObject();
        state.enabled = o.value(QLatin1String("enabled")).toBool(state.enabled);
        // Cloudflare: previews follow `enabled` unless named.
        state.previewsEnabled = o.value(QLatin1String("previews_enabled")).toBool(state.enabled);
    } else if (call.method == "DELETE") {
        state.enabled = false;
        state.previewsEnabled = false;
        return success(QJsonValue::Null);
    } else if (call.method != "GET") {
        return methodNotAllowed(call, "GET, POST, DELETE");
    }
    return success(QJsonObject {{QStringLiteral("enabled"), state.enabled},
                                {QStringLiteral("previews_enabled"), state.previewsEnabled}});
}

HttpResponse handleSchedules(const AdminCall &call, const QString &name)
{
    if (call.method == "PUT" || call.method == "POST") {
        const auto body = jsonBody(call.request);
        if (!body || !body->isArray())
            return notJson(QStringLiteral("a JSON array of {\"cron\": \"...\"}"));
        QJsonArray schedules;
        const QString now = nowIso();
        for (const QJsonValue v : body->toArray()) {
            const QString cron = v.toObject().value(QLatin1String("cron")).toString();
            if (cron.isEmpty())
                return failure(400, kBadRequest,
                               QStringLiteral("Every schedule needs a \"cron\" expression"));
            schedules.append(QJsonObject {{QStringLiteral("cron"), cron},
                                          {QStringLiteral("created_on"), now},
                                          {QStringLiteral("modified_on"), now}});
        }
        call.clients->schedules.insert(name, schedules);
    } else if (call.method != "GET") {
        return methodNotAllowed(call, "GET, PUT");
    }
    return success(
            QJsonObject {{QStringLiteral("schedules"), call.clients->schedules.value(name)}});
}

QString zoneId(const QString &zoneName)
{
    return QUuid::createUuidV5(QUuid(), QByteArray("zone:") + zoneName.toUtf8())
            .toString(QUuid::Id128);
}

HttpResponse handleRoutes(const AdminCall &call, const QString &name)
{
    if (call.method == "PUT") {
        const auto body = jsonBody(call.request);
        if (!body || !body->isArray())
            return notJson(QStringLiteral("a JSON array of {\"pattern\": \"...\"}"));
        QJsonArray routes;
        for (const QJsonValue v : body->toArray()) {
            const QJsonObject in = v.toObject();
            const QString pattern = in.value(QLatin1String("pattern")).toString();
            if (pattern.isEmpty())
                return failure(400, kBadRequest, QStringLiteral("Every route needs a \"pattern\""));
            QJsonObject route {{QStringLiteral("id"),
                                QUuid::createUuidV5(QUuid(), (name + pattern).toUtf8())
                                        .toString(QUuid::Id128)},
                               {QStringLiteral("pattern"), pattern},
                               {QStringLiteral("script"), name}};
            if (in.contains(QLatin1String("zone_name")))
                route.insert(QStringLiteral("zone_name"), in.value(QLatin1String("zone_name")));
            routes.append(route);
        }
        call.clients->routes.insert(name, routes);
        return success(routes);
    }
    if (call.method != "GET")
        return methodNotAllowed(call, "GET, PUT");
    return success(call.clients->routes.value(name));
}

} // namespace

HttpResponse handleServices(const AdminCall &call)
{
    if (call.path.isEmpty())
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    const QString name = call.path.at(0);
    QStringList sub = call.path.mid(1);
    // environments/production/... is the legacy spelling of the Worker itself.
    if (sub.size() >= 2 && sub.at(0) == QLatin1String("environments")) {
        if (sub.at(1) != kEnvironment)
            return failure(404, 10090,
                           QStringLiteral("This Worker has no environment \"%1\"; Switchyard "
                                          "has only \"production\"")
                                   .arg(sub.at(1)));
        sub = sub.mid(2);
    }
    const ScriptSlot slot = platformSlot(call.service, name);
    if (!slot.code)
        return scriptNotFound(slot);
    if (!sub.isEmpty()) {
        AdminCall forwarded {call.request, call.method,    QStringList {name} + sub,
                             call.query,   call.accountId, call.service,
                             call.clients};
        if (auto extra = handlePlatformWorkerExtras(forwarded))
            return *extra;
        return handlePlatformWorkers(forwarded);
    }
    if (call.method == "DELETE") {
        // `wrangler delete`: the service is the Worker.
        AdminCall forwarded {call.request,   call.method,  QStringList {name}, call.query,
                             call.accountId, call.service, call.clients};
        return handlePlatformWorkers(forwarded);
    }
    if (call.method != "GET")
        return methodNotAllowed(call, "GET, DELETE");
    QJsonObject script = scriptObject(slot);
    script.insert(QStringLiteral("last_deployed_from"), QStringLiteral("wrangler"));
    const QJsonObject environment {{QStringLiteral("environment"), kEnvironment},
                                   {QStringLiteral("created_on"), isoTime(slot.createdAt)},
                                   {QStringLiteral("modified_on"), isoTime(slot.modifiedAt)},
                                   {QStringLiteral("script"), script}};
    return success(QJsonObject {{QStringLiteral("id"), name},
                                {QStringLiteral("default_environment"), environment},
                                {QStringLiteral("environments"), QJsonArray {environment}},
                                {QStringLiteral("created_on"), isoTime(slot.createdAt)},
                                {QStringLiteral("modified_on"), isoTime(slot.modifiedAt)}});
}

HttpResponse handleAccountSubdomain(const AdminCall &call)
{
    if (!call.path.isEmpty())
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    if (call.method != "GET" && call.method != "PUT")
        return methodNotAllowed(call, "GET, PUT");
    // No workers.dev here: one fixed name, so wrangler can print the URL it would have used.
    return success(QJsonObject {{QStringLiteral("subdomain"), QStringLiteral("switchyard")}});
}

HttpResponse handleZones(const AdminCall &call)
{
    if (call.method != "GET")
        return methodNotAllowed(call, "GET");
    if (call.path.isEmpty()) {
        // Every zone exists: the dispatch listener takes every host.
        const QString name = call.queryValue(QStringLiteral("name"));
        QJsonArray zones;
        if (!name.isEmpty())
            zones.append(
                    QJsonObject {{QStringLiteral("id"), zoneId(name)},
                                 {QStringLiteral("name"), name},
                                 {QStringLiteral("status"), QStringLiteral("active")},
                                 {QStringLiteral("account"),
                                  QJsonObject {{QStringLiteral("id"),
                                                call.queryValue(QStringLiteral("account.id"))}}}});
        return success(zones,
                       {{QStringLiteral("page"), 1},
                        {QStringLiteral("per_page"), 20},
                        {QStringLiteral("count"), int(zones.size())},
                        {QStringLiteral("total_count"), int(zones.size())}});
    }
    if (call.path.size() == 3 && call.path.at(1) == QLatin1String("workers")
        && call.path.at(2) == QLatin1String("routes")) {
        QJsonArray routes;
        for (const QJsonArray &list : std::as_const(call.clients->routes)) {
            for (const QJsonValue r : list)
                routes.append(r);
        }
        return success(routes);
    }
    return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
}

std::optional<HttpResponse> handlePlatformWorkerExtras(const AdminCall &call)
{
    if (call.path.size() < 2 || call.path.size() > 3 || !call.clients)
        return std::nullopt;
    const QString what = call.path.at(1);
    const bool versioned
            = what == QLatin1String("versions") || what == QLatin1String("deployments");
    if (call.path.size() == 3 && !versioned)
        return std::nullopt;
    if (what != QLatin1String("subdomain") && what != QLatin1String("schedules")
        && what != QLatin1String("routes") && !versioned)
        return std::nullopt;
    const ScriptSlot slot = platformSlot(call.service, call.path.at(0));
    if (!slot.code)
        return scriptNotFound(slot);
    if (what == QLatin1String("subdomain"))
        return handleSubdomain(call, slot.name);
    if (what == QLatin1String("schedules"))
        return handleSchedules(call, slot.name);
    if (what == QLatin1String("routes"))
        return handleRoutes(call, slot.name);
    if (what == QLatin1String("versions"))
        return handleVersions(call, slot);
    return handleDeployments(call, slot);
}

} // namespace switchyard::http::admin
