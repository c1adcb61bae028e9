#include "adminworkerupload.h"

#include "adminenvelope.h"
#include "adminforms.h"
#include "multipart.h"

#include "platform/validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace switchyard::http::admin {

namespace {

const QString kModuleType = QStringLiteral("application/javascript+module");
const QString kServiceWorkerType = QStringLiteral("application/javascript");

UploadParse refuse(int code, const QString &message)
{
    UploadParse parse;
    parse.errorCode = code;
    parse.error = message;
    return parse;
}

// Module content types as the store keeps them. With main_module every JavaScript part is an ES
// module: `text/javascript` is what curl and older tools send, and Switchyard runs no CommonJS.
QString moduleType(const QByteArray &contentType)
{
    if (contentType == "text/javascript" || contentType == "application/javascript"
        || contentType.isEmpty())
        return kModuleType;
    return QString::fromLatin1(contentType);
}

} // namespace

QByteArray headerValue(const HttpRequest &request, const QByteArray &name)
{
    for (const auto &[n, v] : request.headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

UploadParse parseWorkerUpload(const HttpRequest &request)
{
    const QByteArray contentType = headerValue(request, "content-type");
    const QByteArray type = mediaType(contentType);
    if (type == "application/javascript" || type == "text/javascript") {
        // Cloudflare's oldest form: the body is the whole service-worker script.
        WorkerUpload upload;
        upload.code.modules = {{QStringLiteral("worker.js"), kServiceWorkerType, request.body}};
        upload.code.mainModule = QStringLiteral("worker.js");
        return {upload, 0, {}};
    }
    const auto boundary = multipartBoundary(contentType);
    if (!boundary)
        return refuse(kBadRequest,
                      QStringLiteral("Expected a multipart/form-data body with a boundary (got "
                                     "Content-Type \"%1\"); send a \"metadata\" part and one "
                                     "part per module")
                              .arg(QString::fromLatin1(contentType)));
    const MultipartResult form = parseMultipart(request.body, *boundary);
    if (!form.error.isEmpty())
        return refuse(kBadRequest,
                      QStringLiteral("Malformed multipart upload: %1; nothing was stored")
                              .arg(form.error));

    const MultipartPart *metadataPart = nullptr;
    for (const MultipartPart &part : form.parts) {
        if (part.name == QLatin1String("metadata"))
            metadataPart = &part;
    }
    QJsonObject metadata;
    if (metadataPart) {
        QJsonParseError jsonError;
        const QJsonDocument document = QJsonDocument::fromJson(metadataPart->body, &jsonError);
        if (jsonError.error != QJsonParseError::NoError || !document.isObject())
            return refuse(kBadRequest,
                          QStringLiteral("The \"metadata\" part is not a JSON object (%1 at "
                                         "offset %2)")
                                  .arg(jsonError.error != QJsonParseError::NoError
                                               ? jsonError.errorString()
                                               : QStringLiteral("not an object"))
                                  .arg(jsonError.offset));
        metadata = document.object();
    } else if (hasBracketFields(form.parts, QStringLiteral("metadata"))) {
        // The SDK's content upload spells the metadata as form fields: metadata[main_module].
        QString error;
        const auto fields = bracketFields(form.parts, QStringLiteral("metadata"), &error);
        if (!fields)
            return refuse(kUnparsableBody,
                          QStringLiteral("Could not parse request body: %1; nothing was stored")
                                  .arg(error));
        metadata = *fields;
    } else {
        return refuse(kScriptContentError,
                      QStringLiteral("The upload has no \"metadata\" part; send one with "
                                     "{\"main_module\": \"<module name>\"}"));
    }
    if (auto shape = platform::validation::checkMetadataShape(QStringLiteral("metadata"), metadata))
        return refuse(
                kUnparsableBody,
                QStringLiteral("Could not parse request body: %1; nothing was stored").arg(*shape));
    WorkerUpload upload;
    upload.metadata = metadata;
    const QJsonObject &m = upload.metadata;
    const QString mainModule = m.value(QLatin1String("main_module")).toString();
    const QString bodyPart = m.value(QLatin1String("body_part")).toString();
    if (mainModule.isEmpty() && bodyPart.isEmpty())
        return refuse(kScriptContentError,
                      QStringLiteral("The metadata names no main module: set \"main_module\" "
                                     "(ES modules) or \"body_part\" (a service-worker script)"));

    // Parts that bindings point at (text_blob, wasm_module, ...) are not modules.
    QSet<QString> bindingParts;
    const QJsonArray bindings = m.value(QLatin1String("bindings")).toArray();
    for (const QJsonValue b : bindings) {
        const QString part = b.toObject().value(QLatin1String("part")).toString();
        if (!part.isEmpty())
            bindingParts.insert(part);
    }
    // A module's name is its part's filename: wrangler names a part and its file alike, the
    // SDK names its parts "0", "1", ... (or "files[]") and the file after the module, and
    // Cloudflare accepts both. When the main module is a part name but no filename (curl's
    // `-F 'index.js=@src/worker.js'`), the part names are the module names.
    const QString wanted = bodyPart.isEmpty() ? mainModule : bodyPart;
    QList<const MultipartPart *> codeParts;
    for (const MultipartPart &part : form.parts) {
        if (&part == metadataPart || bindingParts.contains(part.name)
            || part.contentType == "application/source-map"
            || part.name.startsWith(QLatin1String("metadata[")))
            continue;
        codeParts.append(&part);
    }
    const bool byFilename
            = std::any_of(codeParts.cbegin(), codeParts.cend(),
                          [&](const MultipartPart *p) { return p->filename == wanted; })
            || std::none_of(codeParts.cbegin(), codeParts.cend(),
                            [&](const MultipartPart *p) { return p->name == wanted; });
    for (const MultipartPart *part : codeParts) {
        const QString name = byFilename && !part->filename.isEmpty() ? part->filename : part->name;
        if (!bodyPart.isEmpty()) {
            // A service-worker script is its one part; other parts would be bindings' blobs.
            if (name == bodyPart)
                upload.code.modules.append({name, kServiceWorkerType, part->body});
            continue;
        }
        if (std::any_of(upload.code.modules.cbegin(), upload.code.modules.cend(),
                        [&](const auto &m) { return m.name == name; }))
            return refuse(kScriptContentError,
                          QStringLiteral("The upload names module \"%1\" twice").arg(name));
        upload.code.modules.append({name, moduleType(part->contentType), part->body});
    }
    upload.code.mainModule = bodyPart.isEmpty() ? mainModule : bodyPart;
    const bool found
            = std::any_of(upload.code.modules.cbegin(), upload.code.modules.cend(),
                          [&](const auto &mod) { return mod.name == upload.code.mainModule; });
    if (!found)
        return refuse(kScriptContentError,
                      QStringLiteral("The %1 \"%2\" named in the metadata is not a part of the "
                                     "upload")
                              .arg(bodyPart.isEmpty() ? QStringLiteral("main_module")
                                                      : QStringLiteral("body_part"),
                                   upload.code.mainModule));
    upload.code.bindings = bindings;
    upload.code.tailConsumers = m.value(QLatin1String("tail_consumers")).toArray();
    upload.code.compatibilityDate = m.value(QLatin1String("compatibility_date")).toString();
    for (const QJsonValue flag : m.value(QLatin1String("compatibility_flags")).toArray())
        upload.code.compatibilityFlags.append(flag.toString());
    if (m.contains(QLatin1String("tags"))) {
        QStringList tags;
        for (const QJsonValue tag : m.value(QLatin1String("tags")).toArray())
            tags.append(tag.toString());
        upload.tags = tags;
    }
    for (const QJsonValue keep : m.value(QLatin1String("keep_bindings")).toArray())
        upload.keepBindings.append(keep.toString());
    return {upload, 0, {}};
}

std::optional<QString> inheritBindings(WorkerUpload &upload, const store::WorkerCode *previous)
{
    QJsonArray resolved;
    QSet<QString> names;
    for (const QJsonValue value : upload.code.bindings) {
        QJsonObject binding = value.toObject();
        const QString name = binding.value(QLatin1String("name")).toString();
        // Only a type and a name, as `wrangler secret bulk` sends back the bindings it keeps:
        // Cloudflare keeps the previous binding of that name and type.
        if (previous && binding.size() == 2 && binding.contains(QLatin1String("type"))
            && binding.contains(QLatin1String("name"))) {
            for (const QJsonValue p : previous->bindings) {
                const QJsonObject old = p.toObject();
                if (old.value(QLatin1String("name")).toString() == name
                    && old.value(QLatin1String("type")) == binding.value(QLatin1String("type")))
                    binding = old;
            }
        }
        if (binding.value(QLatin1String("type")).toString() == QLatin1String("inherit")) {
            QJsonObject old;
            if (previous) {
                for (const QJsonValue p : previous->bindings) {
                    if (p.toObject().value(QLatin1String("name")).toString() == name)
                        old = p.toObject();
                }
            }
            if (old.isEmpty())
                return QStringLiteral("Binding \"%1\" is of type inherit, but the Worker has no "
                                      "previous binding of that name")
                        .arg(name);
            binding = old;
        }
        names.insert(name);
        resolved.append(binding);
    }
    if (previous) {
        for (const QJsonValue p : previous->bindings) {
            const QJsonObject old = p.toObject();
            if (upload.keepBindings.contains(old.value(QLatin1String("type")).toString())
                && !names.contains(old.value(QLatin1String("name")).toString()))
                resolved.append(old);
        }
    }
    upload.code.bindings = resolved;
    return std::nullopt;
}

QJsonArray publicBindings(const QJsonArray &bindings)
{
    QJsonArray out;
    for (const QJsonValue value : bindings) {
        QJsonObject binding = value.toObject();
        if (binding.value(QLatin1String("type")).toString() == QLatin1String("secret_text"))
            binding.remove(QStringLiteral("text"));
        out.append(binding);
    }
    return out;
}

} // namespace switchyard::http::admin
