#include "adminscripts.h"

#include "adminenvelope.h"
#include "adminforms.h"
#include "adminworkerupload.h"
#include "multipart.h"

#include "platform/validation.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace switchyard::http::admin {

namespace {

bool isServiceWorker(const store::WorkerCode &code)
{
    return code.modules.size() == 1
            && code.modules.constFirst().contentType == QLatin1String("application/javascript");
}

QJsonArray stringArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

// A JSON object body, or the JSON in a multipart part named `partName` (the Cloudflare SDK sends
// settings as multipart with a "settings" part; curl users send plain JSON).
std::optional<QJsonObject> jsonBody(const HttpRequest &request, const QString &partName,
                                    QString *error)
{
    QByteArray text = request.body;
    if (const auto boundary = multipartBoundary(headerValue(request, "content-type"))) {
        const MultipartResult form = parseMultipart(request.body, *boundary);
        if (!form.error.isEmpty()) {
            *error = QStringLiteral("Malformed multipart body: %1").arg(form.error);
            return std::nullopt;
        }
        text.clear();
        for (const MultipartPart &part : form.parts) {
            if (part.name == partName)
                text = part.body;
        }
        if (text.isNull() && hasBracketFields(form.parts, partName)) {
            // The SDK's settings edit: settings[tags][], settings[bindings][][type], ...
            QString fieldError;
            const auto fields = bracketFields(form.parts, partName, &fieldError);
            if (!fields)
                *error = QStringLiteral("Malformed multipart body: %1").arg(fieldError);
            return fields;
        }
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (!document.isObject()) {
        *error = QStringLiteral("The body must be a JSON object (%1)")
                         .arg(parseError.error != QJsonParseError::NoError
                                      ? parseError.errorString()
                                      : QStringLiteral("got something else"));
        return std::nullopt;
    }
    return document.object();
}

HttpResponse contentResponse(const ScriptSlot &slot, bool raw)
{
    const store::WorkerCode &code = *slot.code;
    const auto main = std::find_if(code.modules.cbegin(), code.modules.cend(),
                                   [&](const auto &m) { return m.name == code.mainModule; });
    if (raw || isServiceWorker(code)) {
        HttpResponse response = rawBody(200, main->contentType.toUtf8(), main->code);
        response.headers.append({"cf-entrypoint", code.mainModule.toUtf8()});
        return response;
    }
    // As Cloudflare answers for module Workers: every module as a form part.
    const QByteArray boundary = "switchyard-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    QByteArray body;
    for (const store::ScriptModule &module : code.modules) {
        const QByteArray name = module.name.toUtf8().replace("\"", "%22");
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"; filename=\"" + name + "\"\r\nContent-Type: " + module.contentType.toUtf8()
                + "\r\n\r\n" + module.code + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    HttpResponse response = rawBody(200, "multipart/form-data; boundary=" + boundary, body);
    response.headers.append({"cf-entrypoint", code.mainModule.toUtf8()});
    return response;
}

HttpResponse saveAndAnswer(ScriptSlot &slot, const store::WorkerCode &code,
                           const std::optional<QStringList> &tags, const QJsonValue &answer)
{
    if (auto saved = slot.store(code, tags); !saved)
        return failure(saved.error(), kScriptContentError);
    return success(answer);
}

// The stored JSON of `code`'s bindings without those `drop` picks by their typed reading (the
// JSON is what gets stored, and the service reads it again then).
QJsonArray storedBindingsWithout(const store::WorkerCode &code,
                                 const std::function<bool(const store::Binding &)> &drop)
{
    QJsonArray kept;
    for (qsizetype i = 0; i < code.bindings.size(); ++i) {
        if (i >= code.typedBindings.size() || !drop(code.typedBindings.at(i)))
            kept.append(code.bindings.at(i));
    }
    return kept;
}

HttpResponse handleSecrets(const AdminCall &call, ScriptSlot &slot, const QStringList &sub)
{
    const store::WorkerCode &code = *slot.code;
    auto secretObject = [](const QString &name) {
        return QJsonObject {{QStringLiteral("name"), name},
                            {QStringLiteral("type"), QStringLiteral("secret_text")}};
    };
    auto isSecret = [](const store::Binding &b, const QString &name) {
        return b.as<store::Binding::SecretText>() && (name.isNull() || b.name == name);
    };
    if (sub.size() == 1) {
        if (call.method == "GET") {
            QJsonArray list;
            for (const store::Binding &b : code.typedBindings) {
                if (isSecret(b, QString()))
                    list.append(secretObject(b.name));
            }
            return success(list);
        }
        if (call.method != "PUT")
            return methodNotAllowed(call, "GET, PUT");
        QString error;
        const auto body = jsonBody(call.request, QStringLiteral("secret"), &error);
        if (!body)
            return failure(400, kBadRequest, error);
        const QString name = body->value(QLatin1String("name")).toString();
        const QString type
                = body->value(QLatin1String("type")).toString(QStringLiteral("secret_text"));
        if (type != QLatin1String("secret_text") || !body->value(QLatin1String("text")).isString())
            return failure(400, kBadRequest,
                           QStringLiteral("A secret needs {\"name\": ..., \"text\": \"...\", "
                                          "\"type\": \"secret_text\"}"));
        store::WorkerCode next = code;
        QJsonArray bindings
                = storedBindingsWithout(code, [&](const auto &b) { return b.name == name; });
        bindings.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("secret_text")},
                                     {QStringLiteral("name"), name},
                                     {QStringLiteral("text"), body->value(QLatin1String("text"))}});
        next.bindings = bindings;
        return saveAndAnswer(slot, next, std::nullopt, secretObject(name));
    }
    const QString name = sub.at(1);
    const bool found = std::any_of(code.typedBindings.cbegin(), code.typedBindings.cend(),
                                   [&](const auto &b) { return isSecret(b, name); });
    if (!found)
        return failure(404, kNotFound,
                       QStringLiteral("Worker \"%1\" has no secret \"%2\"").arg(slot.name, name));
    if (call.method == "GET")
        return success(secretObject(name));
    if (call.method != "DELETE")
        return methodNotAllowed(call, "GET, DELETE");
    store::WorkerCode next = code;
    next.bindings = storedBindingsWithout(code, [&](const auto &b) { return isSecret(b, name); });
    return saveAndAnswer(slot, next, std::nullopt, QJsonValue::Null);
}

HttpResponse handleSettings(const AdminCall &call, ScriptSlot &slot)
{
    if (call.method == "GET")
        return success(settingsObject(slot));
    if (call.method != "PATCH" && call.method != "PUT")
        return methodNotAllowed(call, "GET, PATCH");
    QString error;
    const auto settings = jsonBody(call.request, QStringLiteral("settings"), &error);
    if (!settings)
        return failure(400, kBadRequest, error);
    if (auto shape
        = platform::validation::checkMetadataShape(QStringLiteral("settings"), *settings))
        return failure(400, kUnparsableBody,
                       QStringLiteral("Could not parse request body: %1; nothing was changed")
                               .arg(*shape));
    WorkerUpload upload;
    upload.code = *slot.code;
    if (settings->contains(QLatin1String("bindings"))) {
        upload.code.bindings = settings->value(QLatin1String("bindings")).toArray();
        if (auto inherit = inheritBindings(upload, &*slot.code))
            return failure(400, kInvalidInheritBinding, *inherit);
    }
    if (settings->contains(QLatin1String("tail_consumers")))
        upload.code.tailConsumers = settings->value(QLatin1String("tail_consumers")).toArray();
    if (settings->contains(QLatin1String("compatibility_date")))
        upload.code.compatibilityDate
                = settings->value(QLatin1String("compatibility_date")).toString();
    if (settings->contains(QLatin1String("compatibility_flags"))) {
        upload.code.compatibilityFlags.clear();
        for (const QJsonValue f : settings->value(QLatin1String("compatibility_flags")).toArray())
            upload.code.compatibilityFlags.append(f.toString());
    }
    std::optional<QStringList> tags;
    if (settings->contains(QLatin1String("tags"))) {
        tags = QStringList();
        for (const QJsonValue t : settings->value(QLatin1String("tags")).toArray())
            tags->append(t.toString());
    }
    if (auto saved = slot.store(upload.code, tags); !saved)
        return failure(saved.error(), kScriptContentError);
    return success(settingsObject(slot));
}

} // namespace

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject scriptObject(const ScriptSlot &slot)
{
    const store::WorkerCode &code = *slot.code;
    // A version id that changes with every stored version, in the UUID form wrangler prints.
    const QString version
            = QUuid::createUuidV5(QUuid(), slot.contentHash + QByteArray::number(slot.modifiedAt))
                      .toString(QUuid::WithoutBraces);
    return {{QStringLiteral("id"), slot.name},
            {QStringLiteral("tag"), QString::fromLatin1(slot.contentHash.left(32))},
            {QStringLiteral("etag"), QString::fromLatin1(slot.contentHash)},
            {QStringLiteral("handlers"), QJsonArray {QStringLiteral("fetch")}},
            {QStringLiteral("created_on"), isoTime(slot.createdAt)},
            {QStringLiteral("modified_on"), isoTime(slot.modifiedAt)},
            {QStringLiteral("usage_model"), QStringLiteral("standard")},
            {QStringLiteral("compatibility_date"), code.compatibilityDate},
            {QStringLiteral("compatibility_flags"), stringArray(code.compatibilityFlags)},
            {QStringLiteral("tags"), stringArray(slot.tags)},
            {QStringLiteral("has_modules"), !isServiceWorker(code)},
            {QStringLiteral("has_assets"), false},
            {QStringLiteral("logpush"), false},
            {QStringLiteral("startup_time_ms"), 0},
            {QStringLiteral("deployment_id"), version}};
}

QJsonObject settingsObject(const ScriptSlot &slot)
{
    const store::WorkerCode &code = *slot.code;
    return {{QStringLiteral("bindings"), publicBindings(code.bindings)},
            {QStringLiteral("compatibility_date"), code.compatibilityDate},
            {QStringLiteral("compatibility_flags"), stringArray(code.compatibilityFlags)},
            {QStringLiteral("tags"), stringArray(slot.tags)},
            {QStringLiteral("logpush"), false},
            {QStringLiteral("placement"), QJsonObject()},
            {QStringLiteral("tail_consumers"), code.tailConsumers},
            {QStringLiteral("usage_model"), QStringLiteral("standard")},
            {QStringLiteral("observability"), QJsonObject {{QStringLiteral("enabled"), false}}}};
}

HttpResponse scriptNotFound(const ScriptSlot &slot)
{
    if (slot.dispatchNamespace.isEmpty())
        return failure(404, kNotFound,
                       QStringLiteral("This Worker does not exist on your account: no platform "
                                      "Worker \"%1\" (workers.api.error.script_not_found)")
                               .arg(slot.name));
    return failure(404, kNotFound,
                   QStringLiteral("This Worker does not exist: no script \"%1\" in dispatch "
                                  "namespace \"%2\" (workers.api.error.script_not_found)")
                           .arg(slot.name, slot.dispatchNamespace));
}

std::optional<HttpResponse> handleScriptSubresource(const AdminCall &call, ScriptSlot &slot,
                                                    const QStringList &sub)
{
    const QString what = sub.value(0);
    if (what != QLatin1String("content") && what != QLatin1String("settings")
        && what != QLatin1String("script-settings") && what != QLatin1String("bindings")
        && what != QLatin1String("secrets"))
        return std::nullopt;
    if (!slot.code)
        return scriptNotFound(slot);
    if (what == QLatin1String("content")) {
        if (sub.size() > 2 || (sub.size() == 2 && sub.at(1) != QLatin1String("v2")))
            return std::nullopt;
        if (call.method == "GET")
            return contentResponse(slot, call.queryFlag(QStringLiteral("raw")));
        if (call.method != "PUT")
            return methodNotAllowed(call, "GET, PUT");
        UploadParse parse = parseWorkerUpload(call.request);
        if (!parse.upload)
            return failure(400, parse.errorCode, parse.error);
        // New code, same configuration: content uploads keep bindings, compatibility and tags.
        store::WorkerCode next = *slot.code;
        next.modules = parse.upload->code.modules;
        next.mainModule = parse.upload->code.mainModule;
        if (auto saved = slot.store(next, std::nullopt); !saved)
            return failure(saved.error(), kScriptContentError);
        return success(scriptObject(slot));
    }
    if (sub.size() > 1 && what != QLatin1String("secrets"))
        return std::nullopt;
    if (what == QLatin1String("bindings")) {
        if (call.method != "GET")
            return methodNotAllowed(call, "GET");
        return success(publicBindings(slot.code->bindings));
    }
    if (what == QLatin1String("secrets")) {
        if (sub.size() > 2)
            return std::nullopt;
        return handleSecrets(call, slot, sub);
    }
    return handleSettings(call, slot);
}

std::optional<QList<ParsedTagFilter>> parseTagFilters(const QString &text, QString *error)
{
    QList<ParsedTagFilter> filters;
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype colon = item.lastIndexOf(QLatin1Char(':'));
        const QString suffix = colon < 0 ? QString() : item.mid(colon + 1);
        if (suffix == QLatin1String("yes") || suffix == QLatin1String("no"))
            filters.append({item.left(colon), suffix == QLatin1String("yes")});
        else if (colon >= 0 && suffix.isEmpty())
            filters.append({item.left(colon), true});
        else
            filters.append({item, true});
        if (filters.constLast().tag.isEmpty()) {
            *error = QStringLiteral("Tag filter \"%1\" names no tag; use tags=name:yes,other:no")
                             .arg(item);
            return std::nullopt;
        }
    }
    return filters;
}

} // namespace switchyard::http::admin
