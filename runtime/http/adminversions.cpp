// workers/scripts/{name}/versions and .../deployments: Worker Versions and Deployments of
// platform Workers, as Cloudflare's API has them. Every upload is a version; a deployment serves
// one version, or splits requests between two by percentage. Everything is stored by the
// platform service, so the dispatch path, the GUI and every node see a deployment at once.
//
// Scripts in dispatch namespaces have no versions: Cloudflare's API has no versions or
// deployments resource for them, and each upload serves at once.
#include "admincall.h"
#include "adminenvelope.h"
#include "adminscripts.h"
#include "adminservices.h"
#include "adminworkerupload.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace switchyard::http::admin {

namespace {

using platform::PlatformService;

QJsonObject annotationsOf(const QJsonObject &metadata)
{
    return metadata.value(QLatin1String("annotations")).toObject();
}

QJsonObject versionObject(const store::WorkerVersionRecord &version)
{
    const QString created = isoTime(version.createdAt);
    return {{QStringLiteral("id"), version.id},
            {QStringLiteral("number"), version.number},
            {QStringLiteral("metadata"),
             QJsonObject {{QStringLiteral("author_email"), version.author},
                          {QStringLiteral("author_id"), QString()},
                          {QStringLiteral("created_on"), created},
                          {QStringLiteral("modified_on"), created},
                          {QStringLiteral("source"), version.source},
                          {QStringLiteral("has_preview"), false},
                          {QStringLiteral("hasPreview"), false}}},
            {QStringLiteral("annotations"), version.annotations},
            {QStringLiteral("resources"),
             QJsonObject {
                     {QStringLiteral("bindings"), publicBindings(version.code.bindings)},
                     {QStringLiteral("script"),
                      QJsonObject {
                              {QStringLiteral("etag"), QString::fromLatin1(version.contentHash)},
                              {QStringLiteral("handlers"), QJsonArray {QStringLiteral("fetch")}},
                              {QStringLiteral("last_deployed_from"), version.source}}},
                     {QStringLiteral("script_runtime"),
                      QJsonObject {{QStringLiteral("compatibility_date"),
                                    version.code.compatibilityDate},
                                   {QStringLiteral("compatibility_flags"),
                                    QJsonArray::fromStringList(version.code.compatibilityFlags)},
                                   {QStringLiteral("usage_model"), QStringLiteral("standard")}}}}},
            {QStringLiteral("startup_time_ms"), 0}};
}

QJsonObject deploymentObject(const store::WorkerDeploymentRecord &deployment)
{
    QJsonArray versions;
    for (const store::DeploymentShare &share : deployment.versions)
        versions.append(QJsonObject {{QStringLiteral("version_id"), share.versionId},
                                     {QStringLiteral("percentage"), share.percentage}});
    return {{QStringLiteral("id"), deployment.id},
            {QStringLiteral("source"), deployment.source},
            {QStringLiteral("strategy"), QStringLiteral("percentage")},
            {QStringLiteral("author_email"), deployment.author},
            {QStringLiteral("created_on"), isoTime(deployment.createdAt)},
            {QStringLiteral("annotations"), deployment.annotations},
            {QStringLiteral("versions"), versions}};
}

// Cloudflare answers an unknown version with 404 and its own code and message.
constexpr int kVersionNotFound = kNotFound;
constexpr int kDeploymentNotFound = kNotFound;
// Cloudflare's code for a refused deployment body is not documented; the generic bad request.
constexpr int kInvalidDeployment = kBadRequest;

HttpResponse versionNotFound(const QString &)
{
    return failure(404, kVersionNotFound, QStringLiteral("workers.api.error.version_not_found"));
}

HttpResponse deploymentNotFound(const QString &)
{
    return failure(404, kDeploymentNotFound,
                   QStringLiteral("workers.api.error.deployment_not_found"));
}

bool isUuid(const QString &text)
{
    return text.size() == 36 && !QUuid::fromString(text).isNull();
}

HttpResponse uploadVersion(const AdminCall &call, const ScriptSlot &slot)
{
    UploadParse parse = parseWorkerUpload(call.request);
    if (!parse.upload)
        return failure(400, parse.errorCode, parse.error);
    if (auto inherit = inheritBindings(*parse.upload, &*slot.code))
        return failure(400, kInvalidInheritBinding, *inherit);
    PlatformService::ChangeMeta meta = changeMeta(call);
    meta.annotations = annotationsOf(parse.upload->metadata);
    auto added = call.service.addPlatformWorkerVersion(slot.name, parse.upload->code, meta);
    if (!added)
        return failure(added.error(), kScriptContentError);
    return success(versionObject(*added.value()));
}

HttpResponse listVersions(const AdminCall &call, const ScriptSlot &slot)
{
    const auto versions = call.service.platformWorkerVersions(slot.name);
    bool ok = false;
    int page = call.queryValue(QStringLiteral("page")).toInt(&ok);
    if (!ok || page < 1)
        page = 1;
    int perPage = call.queryValue(QStringLiteral("per_page")).toInt(&ok);
    if (!ok || perPage < 1)
        perPage = 10;
    perPage = std::min(perPage, PlatformService::kVersionsKept);
    QJsonArray items;
    for (qsizetype i = qsizetype(page - 1) * perPage; i < versions.size() && items.size() < perPage;
         ++i)
        items.append(versionObject(*versions.at(i)));
    return success(
            QJsonObject {{QStringLiteral("items"), items}},
            {{QStringLiteral("page"), page},
             {QStringLiteral("per_page"), perPage},
             {QStringLiteral("count"), int(items.size())},
             {QStringLiteral("total_count"), int(versions.size())},
             {QStringLiteral("total_pages"), int((versions.size() + perPage - 1) / perPage)}});
}

HttpResponse createDeployment(const AdminCall &call, const ScriptSlot &slot)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return failure(400, kUnparsableBody,
                       QStringLiteral("Could not parse request body: expected {\"strategy\": "
                                      "\"percentage\", \"versions\": [{\"version_id\": \"...\", "
                                      "\"percentage\": 100}]}"));
    const QJsonObject body = document.object();
    const QString strategy
            = body.value(QLatin1String("strategy")).toString(QStringLiteral("percentage"));
    if (strategy != QLatin1String("percentage"))
        return failure(400, kBadRequest,
                       QStringLiteral("Unsupported deployment strategy \"%1\"; the only "
                                      "strategy is \"percentage\"")
                               .arg(strategy.left(64)));
    const QJsonValue versionsValue = body.value(QLatin1String("versions"));
    if (!versionsValue.isArray())
        return failure(400, kUnparsableBody,
                       QStringLiteral("\"versions\" must be an array of {\"version_id\", "
                                      "\"percentage\"}"));
    const QJsonArray versions = versionsValue.toArray();
    if (versions.isEmpty() || versions.size() > 2)
        return failure(400, kInvalidDeployment,
                       QStringLiteral("A deployment must have one or two versions, not %1")
                               .arg(versions.size()));
    QList<store::DeploymentShare> shares;
    for (const QJsonValue v : versions) {
        const QJsonObject o = v.toObject();
        const QString id = o.value(QLatin1String("version_id")).toString();
        if (!isUuid(id))
            return versionNotFound(id);
        if (!o.value(QLatin1String("percentage")).isDouble())
            return failure(400, kInvalidDeployment,
                           QStringLiteral("Version %1 needs a numeric \"percentage\"").arg(id));
        if (!call.service.platformWorkerVersion(slot.name, id))
            return versionNotFound(id);
        shares.append({id, o.value(QLatin1String("percentage")).toDouble()});
    }
    PlatformService::ChangeMeta meta = changeMeta(call);
    const QJsonValue annotations = body.value(QLatin1String("annotations"));
    if (!annotations.isUndefined() && !annotations.isNull() && !annotations.isObject())
        return failure(400, kUnparsableBody, QStringLiteral("\"annotations\" must be an object"));
    // `workers/triggered_by` is the platform's to set; clients send only a message.
    const QJsonValue message = annotations.toObject().value(QLatin1String("workers/message"));
    if (message.isString() && !message.toString().isEmpty())
        meta.annotations.insert(QStringLiteral("workers/message"), message);
    auto deployed = call.service.deployPlatformWorker(slot.name, shares, meta);
    if (!deployed)
        return failure(deployed.error(), kInvalidDeployment, kVersionNotFound);
    return success(deploymentObject(*deployed.value()));
}

} // namespace

PlatformService::ChangeMeta changeMeta(const AdminCall &call)
{
    PlatformService::ChangeMeta meta;
    meta.author = QString::fromLatin1(kAdminEmail);
    for (const auto &[name, value] : call.request.headers) {
        if (name.compare("user-agent", Qt::CaseInsensitive) == 0
            && value.toLower().contains("wrangler"))
            meta.source = QStringLiteral("wrangler");
    }
    return meta;
}

HttpResponse handleVersions(const AdminCall &call, const ScriptSlot &slot)
{
    // path: {name}, "versions" [, {id}]
    if (call.path.size() == 2) {
        if (call.method == "POST")
            return uploadVersion(call, slot);
        if (call.method == "GET")
            return listVersions(call, slot);
        return methodNotAllowed(call, "GET, POST");
    }
    if (call.path.size() != 3)
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    if (call.method != "GET")
        return methodNotAllowed(call, "GET");
    const auto version = call.service.platformWorkerVersion(slot.name, call.path.at(2));
    if (!version)
        return versionNotFound(call.path.at(2));
    return success(versionObject(*version));
}

HttpResponse handleDeployments(const AdminCall &call, const ScriptSlot &slot)
{
    // path: {name}, "deployments" [, {id}]
    if (call.path.size() == 2) {
        if (call.method == "POST")
            return createDeployment(call, slot);
        if (call.method != "GET")
            return methodNotAllowed(call, "GET, POST");
        QJsonArray deployments;
        for (const auto &deployment : call.service.platformWorkerDeployments(slot.name))
            deployments.append(deploymentObject(*deployment));
        return success(QJsonObject {{QStringLiteral("deployments"), deployments}});
    }
    if (call.path.size() != 3)
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    const QString id = call.path.at(2);
    if (call.method == "DELETE") {
        auto deleted = call.service.deletePlatformWorkerDeployment(slot.name, id);
        if (!deleted)
            return failure(deleted.error(), kInvalidDeployment, kDeploymentNotFound);
        return success(QJsonValue::Null);
    }
    if (call.method != "GET")
        return methodNotAllowed(call, "GET, DELETE");
    for (const auto &deployment : call.service.platformWorkerDeployments(slot.name)) {
        if (deployment->id == id)
            return success(deploymentObject(*deployment));
    }
    return deploymentNotFound(id);
}

} // namespace switchyard::http::admin
