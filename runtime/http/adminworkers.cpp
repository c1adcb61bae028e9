// workers/scripts: platform Workers (the dispatcher, outbound and tail Workers).
//
// Which kind a platform Worker is, and which dispatcher is active, is Switchyard's own setting:
// `?kind=dispatcher|outbound|tail|other` and `?active_dispatcher=true` on the upload, or the same
// two fields in a settings PATCH. Without `kind`, an existing Worker keeps its kind and a new one
// is a dispatcher when it binds a dispatch namespace, `other` otherwise. A dispatcher uploaded
// while none is active becomes the active one, so a first `wrangler deploy` just works.
#include "admincall.h"
#include "adminenvelope.h"
#include "adminscripts.h"
#include "adminservices.h"
#include "adminworkerupload.h"

#include "platform/platformservice.h"
#include "platform/validation.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchyard::http::admin {

namespace {

using platform::PlatformService;
namespace validation = platform::validation;

struct Placement
{
    std::optional<store::WorkerKind> kind;
    bool activate = false;
    PlatformService::ChangeMeta meta; // the version each save creates
};

ScriptSlot slotFor(PlatformService &service, const QString &name, Placement *placement)
{
    ScriptSlot slot;
    slot.name = name;
    auto refresh = [&service, name](ScriptSlot &self) {
        self.code.reset();
        if (const auto worker = service.platformWorker(name)) {
            self.code = worker->code;
            self.contentHash = worker->contentHash;
            self.createdAt = worker->createdAt;
            self.modifiedAt = worker->modifiedAt;
        }
    };
    refresh(slot);
    slot.save = [&service, name, refresh,
                 placement](ScriptSlot &self, const store::WorkerCode &code,
                            const std::optional<QStringList> &) -> platform::Result<void> {
        store::WorkerKind kind = store::WorkerKind::Other;
        if (placement && placement->kind) {
            kind = *placement->kind;
        } else if (const auto existing = service.platformWorker(name)) {
            kind = existing->kind;
        } else {
            // Read before the service checks them: bindings that do not read leave the kind
            // `other`, and the put below refuses them with the reason.
            store::Bindings bindings;
            validation::checkBindings({}, code.bindings, {}, &bindings);
            for (const store::Binding &b : bindings) {
                if (b.as<store::Binding::DispatchNamespace>())
                    kind = store::WorkerKind::Dispatcher;
            }
        }
        auto put = service.putPlatformWorker(
                name, kind, code, placement ? placement->meta : PlatformService::ChangeMeta {});
        if (!put)
            return put.error();
        const bool activate = (placement && placement->activate)
                || (kind == store::WorkerKind::Dispatcher && service.activeDispatcher().isEmpty());
        if (activate) {
            if (auto active = service.setActiveDispatcher(name); !active)
                return active.error();
        }
        refresh(self);
        return {};
    };
    return slot;
}

QJsonObject workerObject(const PlatformService &service, const ScriptSlot &slot)
{
    QJsonObject o = scriptObject(slot);
    if (const auto worker = service.platformWorker(slot.name))
        o.insert(QStringLiteral("kind"), store::workerKindName(worker->kind));
    o.insert(QStringLiteral("active_dispatcher"), service.activeDispatcher() == slot.name);
    return o;
}

std::optional<HttpResponse> readPlacement(const AdminCall &call, Placement *placement)
{
    const QString kind = call.queryValue(QStringLiteral("kind"));
    if (!kind.isEmpty()) {
        placement->kind = store::workerKindFromName(kind);
        if (!placement->kind)
            return failure(400, kBadRequest,
                           QStringLiteral("Unknown platform Worker kind \"%1\" (use dispatcher, "
                                          "outbound, tail or other)")
                                   .arg(kind));
    }
    placement->activate = call.queryFlag(QStringLiteral("active_dispatcher"));
    placement->meta = changeMeta(call);
    return std::nullopt;
}

} // namespace

HttpResponse handlePlatformWorkers(const AdminCall &call)
{
    PlatformService &service = call.service;
    if (call.path.isEmpty()) {
        if (call.method != "GET")
            return methodNotAllowed(call, "GET");
        QJsonArray list;
        for (const auto &worker : service.platformWorkers())
            list.append(workerObject(service, slotFor(service, worker->name, nullptr)));
        return success(list);
    }
    Placement placement;
    if (auto refused = readPlacement(call, &placement))
        return *refused;
    const QStringList sub = call.path.mid(1);
    // Settings, secrets and the like: a new version only when they change what is versioned.
    placement.meta.settingsOnly = !sub.isEmpty();
    ScriptSlot slot = slotFor(service, call.path.at(0), &placement);
    if (sub.isEmpty()) {
        if (call.method == "PUT") {
            UploadParse parse = parseWorkerUpload(call.request);
            if (!parse.upload)
                return failure(400, parse.errorCode, parse.error);
            if (auto inherit = inheritBindings(*parse.upload, slot.code ? &*slot.code : nullptr))
                return failure(400, kInvalidInheritBinding, *inherit);
            // `wrangler deploy --message/--tag`: the new version's annotations.
            const QJsonObject annotations
                    = parse.upload->metadata.value(QLatin1String("annotations")).toObject();
            for (auto it = annotations.constBegin(); it != annotations.constEnd(); ++it) {
                if (it.key() == QLatin1String("workers/message")
                    || it.key() == QLatin1String("workers/tag"))
                    placement.meta.annotations.insert(it.key(), it.value());
            }
            if (auto saved = slot.store(parse.upload->code, std::nullopt); !saved)
                return failure(saved.error(), kScriptContentError);
            return success(workerObject(service, slot));
        }
        if (!slot.code)
            return scriptNotFound(slot);
        if (call.method == "GET") {
            // Cloudflare's "download Worker": the code itself.
            const auto main
                    = std::find_if(slot.code->modules.cbegin(), slot.code->modules.cend(),
                                   [&](const auto &m) { return m.name == slot.code->mainModule; });
            return rawBody(200, main->contentType.toUtf8(), main->code);
        }
        if (call.method == "DELETE") {
            auto deleted = service.deletePlatformWorker(slot.name);
            if (!deleted)
                return failure(deleted.error());
            return success(QJsonValue::Null);
        }
        return methodNotAllowed(call, "GET, PUT, DELETE");
    }
    if (sub.size() == 1
        && (sub.at(0) == QLatin1String("settings") || sub.at(0) == QLatin1String("script-settings"))
        && (call.method == "PATCH" || call.method == "PUT") && slot.code) {
        // Switchyard's own settings ride along with Cloudflare's.
        const QJsonDocument document = QJsonDocument::fromJson(call.request.body);
        if (document.isObject()) {
            const QJsonObject o = document.object();
            if (o.contains(QLatin1String("kind"))) {
                placement.kind
                        = store::workerKindFromName(o.value(QLatin1String("kind")).toString());
                if (!placement.kind)
                    return failure(400, kBadRequest,
                                   QStringLiteral("Unknown platform Worker kind \"%1\"")
                                           .arg(o.value(QLatin1String("kind")).toString()));
            }
            if (o.value(QLatin1String("active_dispatcher")).toBool())
                placement.activate = true;
        }
    }
    if (auto answered = handleScriptSubresource(call, slot, sub)) {
        if (sub.at(0).endsWith(QLatin1String("settings")) && answered->status == 200) {
            // Add the kind to the settings answer.
            QJsonObject envelope = QJsonDocument::fromJson(answered->body).object();
            QJsonObject result = envelope.value(QLatin1String("result")).toObject();
            if (const auto worker = service.platformWorker(slot.name))
                result.insert(QStringLiteral("kind"), store::workerKindName(worker->kind));
            result.insert(QStringLiteral("active_dispatcher"),
                          service.activeDispatcher() == slot.name);
            return success(result);
        }
        return *answered;
    }
    return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
}

} // namespace switchyard::http::admin
