// workers/dispatch/namespaces: dispatch namespaces and the user Workers in them.
#include "admincall.h"
#include "adminenvelope.h"
#include "adminscripts.h"
#include "adminworkerupload.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace switchyard::http::admin {

namespace {

using platform::PlatformService;

QJsonObject namespaceObject(const PlatformService &service, const store::NamespaceRecord &ns)
{
    const auto scripts = service.listScripts(ns.name);
    // Stable per name, so clients that key on namespace_id keep working across restarts.
    const QString id
            = QUuid::createUuidV5(QUuid(), QByteArray("dispatch-namespace:") + ns.name.toUtf8())
                      .toString(QUuid::WithoutBraces);
    return {{QStringLiteral("namespace_id"), id},
            {QStringLiteral("namespace_name"), ns.name},
            {QStringLiteral("created_on"), isoTime(ns.createdAt)},
            {QStringLiteral("created_by"), QString()},
            {QStringLiteral("modified_on"), isoTime(ns.createdAt)},
            {QStringLiteral("modified_by"), QString()},
            {QStringLiteral("script_count"), scripts ? int(scripts.value().size()) : 0},
            {QStringLiteral("trusted_workers"), ns.trustedWorkers}};
}

std::optional<store::NamespaceRecord> findNamespace(const PlatformService &service,
                                                    const QString &name)
{
    for (const auto &ns : service.namespaces()) {
        if (ns.name == name)
            return ns;
    }
    return std::nullopt;
}

HttpResponse namespaceNotFound(const QString &name)
{
    return failure(404, kNotFound,
                   QStringLiteral("Dispatch namespace \"%1\" does not exist").arg(name));
}

std::optional<QJsonObject> jsonObjectBody(const HttpRequest &request)
{
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (!document.isObject())
        return std::nullopt;
    return document.object();
}

ScriptSlot slotFor(PlatformService &service, const QString &ns, const QString &name)
{
    ScriptSlot slot;
    slot.name = name;
    slot.dispatchNamespace = ns;
    auto refresh = [&service, ns, name](ScriptSlot &self) {
        self.code.reset();
        if (const auto script = service.script(ns, name)) {
            self.code = script->code;
            self.tags = script->tags;
            self.contentHash = script->contentHash;
            self.createdAt = script->createdAt;
            self.modifiedAt = script->modifiedAt;
        }
    };
    refresh(slot);
    slot.save = [&service, ns, name,
                 refresh](ScriptSlot &self, const store::WorkerCode &code,
                          const std::optional<QStringList> &tags) -> platform::Result<void> {
        auto put = service.putScript(ns, name, {code, tags});
        if (!put)
            return put.error();
        refresh(self);
        return {};
    };
    return slot;
}

QJsonObject dispatchScriptObject(const ScriptSlot &slot)
{
    return {{QStringLiteral("created_on"), isoTime(slot.createdAt)},
            {QStringLiteral("modified_on"), isoTime(slot.modifiedAt)},
            {QStringLiteral("dispatch_namespace"), slot.dispatchNamespace},
            {QStringLiteral("script"), scriptObject(slot)}};
}

HttpResponse uploadScript(const AdminCall &call, ScriptSlot &slot)
{
    UploadParse parse = parseWorkerUpload(call.request);
    if (!parse.upload)
        return failure(400, parse.errorCode, parse.error);
    if (auto inherit = inheritBindings(*parse.upload, slot.code ? &*slot.code : nullptr))
        return failure(400, kInvalidInheritBinding, *inherit);
    if (auto saved = slot.store(parse.upload->code, parse.upload->tags); !saved)
        return failure(saved.error(), kScriptContentError);
    return success(scriptObject(slot));
}

HttpResponse handleTags(const AdminCall &call, ScriptSlot &slot, const QStringList &sub)
{
    if (!slot.code)
        return scriptNotFound(slot);
    auto setTags = [&](const QStringList &tags) -> HttpResponse {
        auto tagged = call.service.setScriptTags(slot.dispatchNamespace, slot.name, tags);
        if (!tagged)
            return failure(tagged.error());
        return success(sub.size() == 1 ? QJsonValue(QJsonArray::fromStringList(tags))
                                       : QJsonValue(QJsonValue::Null));
    };
    if (sub.size() == 1) {
        if (call.method == "GET")
            return success(QJsonArray::fromStringList(slot.tags));
        if (call.method != "PUT")
            return methodNotAllowed(call, "GET, PUT");
        const QJsonDocument document = QJsonDocument::fromJson(call.request.body);
        if (!document.isArray())
            return failure(400, kBadRequest,
                           QStringLiteral("The body must be a JSON array of tags, e.g. "
                                          "[\"customer:acme\", \"plan:pro\"]"));
        QStringList tags;
        for (const QJsonValue t : document.array()) {
            if (!t.isString())
                return failure(400, kBadRequest, QStringLiteral("Every tag must be a string"));
            tags.append(t.toString());
        }
        return setTags(tags);
    }
    const QString tag = sub.at(1);
    QStringList tags = slot.tags;
    if (call.method == "PUT") {
        if (!tags.contains(tag))
            tags.append(tag);
    } else if (call.method == "DELETE") {
        if (!tags.removeAll(tag))
            return failure(404, kNotFound,
                           QStringLiteral("Script \"%1\" has no tag \"%2\"").arg(slot.name, tag));
    } else {
        return methodNotAllowed(call, "PUT, DELETE");
    }
    return setTags(tags);
}

HttpResponse handleScripts(const AdminCall &call, const QString &ns)
{
    QString error;
    const auto filters = parseTagFilters(call.queryValue(QStringLiteral("tags")), &error);
    if (!filters)
        return failure(400, kBadRequest, error);
    QList<PlatformService::TagFilter> tagFilters;
    for (const auto &f : *filters)
        tagFilters.append({f.tag, f.present});
    if (call.method == "GET") {
        auto listed = call.service.listScripts(ns, tagFilters);
        if (!listed)
            return failure(listed.error());
        QJsonArray list;
        for (const auto &script : listed.value())
            list.append(scriptObject(slotFor(call.service, ns, script->name)));
        return success(list);
    }
    if (call.method == "DELETE") {
        auto deleted = call.service.deleteScriptsByTags(ns, tagFilters);
        if (!deleted)
            return failure(deleted.error());
        return success(QJsonValue::Null);
    }
    return methodNotAllowed(call, "GET, DELETE");
}

HttpResponse handleScript(const AdminCall &call, const QString &ns, const QStringList &path)
{
    ScriptSlot slot = slotFor(call.service, ns, path.at(0));
    const QStringList sub = path.mid(1);
    if (sub.isEmpty()) {
        if (call.method == "PUT")
            return uploadScript(call, slot);
        if (!slot.code)
            return scriptNotFound(slot);
        if (call.method == "GET")
            return success(dispatchScriptObject(slot));
        if (call.method == "DELETE") {
            auto deleted = call.service.deleteScript(ns, slot.name);
            if (!deleted)
                return failure(deleted.error());
            return success(QJsonValue::Null);
        }
        return methodNotAllowed(call, "GET, PUT, DELETE");
    }
    if (sub.at(0) == QLatin1String("tags") && sub.size() <= 2)
        return handleTags(call, slot, sub);
    if (auto answered = handleScriptSubresource(call, slot, sub))
        return *answered;
    return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
}

// `wrangler dispatch-namespace rename`: the scripts move to the new name, and platform Workers
// that bind the old name bind the new one (Cloudflare binds a namespace, not its name). Done as
// create, copy, rebind, delete; a failing step undoes the ones before it.
HttpResponse renameNamespace(PlatformService &service, const store::NamespaceRecord &from,
                             const QString &to)
{
    if (findNamespace(service, to))
        return failure(409, kAlreadyExists,
                       QStringLiteral("A dispatch namespace named \"%1\" already exists").arg(to));
    auto created = service.createNamespace(to, from.trustedWorkers);
    if (!created)
        return failure(created.error());
    auto undo = [&] {
        (void)service.deleteNamespace(to);
    };
    const auto scripts = service.listScripts(from.name);
    if (!scripts) {
        undo();
        return failure(scripts.error());
    }
    for (const auto &script : scripts.value()) {
        if (auto put = service.putScript(to, script->name, {script->code, script->tags}); !put) {
            undo();
            return failure(put.error());
        }
    }
    QList<std::pair<QString, store::PlatformWorkerRecord>> rebound;
    auto undoRebind = [&] {
        for (const auto &[name, old] : rebound)
            (void)service.putPlatformWorker(name, old.kind, old.code);
    };
    for (const auto &worker : service.platformWorkers()) {
        store::WorkerCode code = worker->code;
        bool changed = false;
        QJsonArray bindings;
        for (const QJsonValue value : code.bindings) {
            QJsonObject b = value.toObject();
            if (b.value(QLatin1String("type")).toString() == QLatin1String("dispatch_namespace")
                && b.value(QLatin1String("namespace")).toString() == from.name) {
                b.insert(QStringLiteral("namespace"), to);
                changed = true;
            }
            bindings.append(b);
        }
        if (!changed)
            continue;
        code.bindings = bindings;
        if (auto put = service.putPlatformWorker(worker->name, worker->kind, code); !put) {
            undoRebind();
            undo();
            return failure(put.error());
        }
        rebound.append({worker->name, *worker});
    }
    if (auto deleted = service.deleteNamespace(from.name); !deleted) {
        undoRebind();
        undo();
        return failure(deleted.error());
    }
    return success(namespaceObject(service, created.value()));
}

} // namespace

HttpResponse handleDispatchNamespaces(const AdminCall &call)
{
    PlatformService &service = call.service;
    if (call.path.isEmpty()) {
        if (call.method == "GET") {
            QJsonArray list;
            for (const auto &ns : service.namespaces())
                list.append(namespaceObject(service, ns));
            return success(list);
        }
        if (call.method != "POST")
            return methodNotAllowed(call, "GET, POST");
        const auto body = jsonObjectBody(call.request);
        if (!body || !body->value(QLatin1String("name")).isString())
            return failure(400, kBadRequest,
                           QStringLiteral("The body must be a JSON object with a \"name\", e.g. "
                                          "{\"name\": \"production\"}"));
        auto created = service.createNamespace(
                body->value(QLatin1String("name")).toString(),
                body->value(QLatin1String("trusted_workers")).toBool(false));
        if (!created)
            return failure(created.error());
        return success(namespaceObject(service, created.value()));
    }
    const QString name = call.path.at(0);
    const auto ns = findNamespace(service, name);
    if (call.path.size() == 1) {
        if (!ns)
            return namespaceNotFound(name);
        if (call.method == "GET")
            return success(namespaceObject(service, *ns));
        if (call.method == "DELETE") {
            auto deleted = service.deleteNamespace(name);
            if (!deleted)
                return failure(deleted.error());
            return success(QJsonValue::Null);
        }
        if (call.method != "PUT" && call.method != "PATCH")
            return methodNotAllowed(call, "GET, PUT, PATCH, DELETE");
        const auto body = jsonObjectBody(call.request);
        if (!body)
            return failure(400, kBadRequest,
                           QStringLiteral("The body must be a JSON object, e.g. "
                                          "{\"trusted_workers\": true}"));
        if (body->contains(QLatin1String("name"))
            && body->value(QLatin1String("name")).toString() != name)
            return renameNamespace(service, *ns, body->value(QLatin1String("name")).toString());
        auto changed = service.setNamespaceTrusted(
                name, body->value(QLatin1String("trusted_workers")).toBool(ns->trustedWorkers));
        if (!changed)
            return failure(changed.error());
        return success(namespaceObject(service, changed.value()));
    }
    if (call.path.at(1) != QLatin1String("scripts"))
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    if (!ns)
        return namespaceNotFound(name);
    if (call.path.size() == 2)
        return handleScripts(call, name);
    return handleScript(call, name, call.path.mid(2));
}

} // namespace switchyard::http::admin
