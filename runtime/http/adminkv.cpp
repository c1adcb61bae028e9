// storage/kv/namespaces: KV namespaces, values, metadata, key listing and bulk writes.
#include "admincall.h"
#include "adminenvelope.h"
#include "adminforms.h"
#include "adminworkerupload.h"
#include "multipart.h"

#include "platform/platformservice.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchyard::http::admin {

namespace {

using platform::PlatformService;

QJsonObject namespaceObject(const store::KvNamespaceRecord &ns)
{
    return {{QStringLiteral("id"), ns.id},
            {QStringLiteral("title"), ns.title},
            {QStringLiteral("supports_url_encoding"), true}};
}

HttpResponse kvFailure(const platform::Error &error)
{
    return failure(error, kBadRequest, kKvNamespaceNotFound);
}

std::optional<QJsonObject> objectBody(const HttpRequest &request)
{
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    return document.isObject() ? std::optional(document.object()) : std::nullopt;
}

// A JSON number given as a number or a numeric string (`"expiration": "1700000000"`).
std::optional<qint64> integerField(const QJsonValue &value, bool *ok)
{
    *ok = true;
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (value.isDouble())
        return qint64(value.toDouble());
    if (value.isString()) {
        const qint64 parsed = value.toString().toLongLong(ok);
        if (*ok)
            return parsed;
    }
    *ok = false;
    return std::nullopt;
}

HttpResponse putValue(const AdminCall &call, const QString &id, const QString &key)
{
    PlatformService::KvPutOptions options;
    bool ok = true;
    for (const auto &[field, target] :
         {std::pair {QStringLiteral("expiration"), &options.expiration},
          std::pair {QStringLiteral("expiration_ttl"), &options.expirationTtl}}) {
        const QString text = call.queryValue(field);
        if (text.isEmpty())
            continue;
        *target = text.toLongLong(&ok);
        if (!ok)
            return failure(400, kBadRequest,
                           QStringLiteral("Query parameter %1 must be an integer number of "
                                          "seconds, got \"%2\"")
                                   .arg(field, text));
    }
    QByteArray value = call.request.body;
    // Cloudflare's multipart form: a "value" part and an optional "metadata" part.
    if (const auto boundary = multipartBoundary(headerValue(call.request, "content-type"))) {
        const MultipartResult form = parseMultipart(call.request.body, *boundary);
        if (!form.error.isEmpty())
            return failure(400, kBadRequest,
                           QStringLiteral("Malformed multipart body: %1").arg(form.error));
        bool hasValue = false;
        for (const MultipartPart &part : form.parts) {
            if (part.name == QLatin1String("value")) {
                value = part.body;
                hasValue = true;
            } else if (part.name == QLatin1String("metadata")) {
                options.metadata = part.body;
            }
        }
        if (!hasValue)
            return failure(400, kBadRequest,
                           QStringLiteral("The multipart body has no \"value\" part"));
        if (options.metadata.isEmpty()
            && hasBracketFields(form.parts, QStringLiteral("metadata"))) {
            // The SDK spells an object's fields as metadata[a], metadata[b][] form fields.
            QString error;
            const auto fields = bracketFields(form.parts, QStringLiteral("metadata"), &error);
            if (!fields)
                return failure(400, kBadRequest,
                               QStringLiteral("Malformed multipart body: %1").arg(error));
            options.metadata = QJsonDocument(*fields).toJson(QJsonDocument::Compact);
        }
    } else if (const QString metadata = call.queryValue(QStringLiteral("metadata"));
               !metadata.isEmpty()) {
        options.metadata = metadata.toUtf8();
    }
    if (auto put = call.service.kvPut(id, key, value, options); !put)
        return kvFailure(put.error());
    return success(QJsonObject());
}

HttpResponse bulkWrite(const AdminCall &call, const QString &id)
{
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body);
    if (!document.isArray())
        return failure(400, kBadRequest,
                       QStringLiteral("The body must be a JSON array of {\"key\", \"value\", "
                                      "\"expiration\", \"expiration_ttl\", \"metadata\", "
                                      "\"base64\"} objects"));
    QList<PlatformService::KvBulkItem> items;
    const QJsonArray array = document.array();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject o = array.at(i).toObject();
        const QString where = QStringLiteral("Bulk item #%1").arg(i + 1);
        if (!o.value(QLatin1String("key")).isString()
            || !o.value(QLatin1String("value")).isString())
            return failure(
                    400, kBadRequest,
                    QStringLiteral("%1: needs a string \"key\" and a string \"value\"").arg(where));
        PlatformService::KvBulkItem item;
        item.key = o.value(QLatin1String("key")).toString();
        const QString value = o.value(QLatin1String("value")).toString();
        if (o.value(QLatin1String("base64")).toBool()) {
            const auto decoded = QByteArray::fromBase64Encoding(
                    value.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return failure(400, kBadRequest,
                               QStringLiteral("%1: \"value\" is not valid base64").arg(where));
            item.value = *decoded;
        } else {
            item.value = value.toUtf8();
        }
        bool ok = true;
        item.options.expiration = integerField(o.value(QLatin1String("expiration")), &ok);
        bool ttlOk = true;
        item.options.expirationTtl = integerField(o.value(QLatin1String("expiration_ttl")), &ttlOk);
        if (!ok || !ttlOk)
            return failure(400, kBadRequest,
                           QStringLiteral("%1: expiration and expiration_ttl must be integers")
                                   .arg(where));
        if (o.contains(QLatin1String("metadata")))
            item.options.metadata = QJsonDocument(QJsonArray {o.value(QLatin1String("metadata"))})
                                            .toJson(QJsonDocument::Compact)
                                            .chopped(1)
                                            .mid(1);
        items.append(item);
    }
    if (auto put = call.service.kvBulkPut(id, items); !put)
        return kvFailure(put.error());
    return success(QJsonObject {{QStringLiteral("successful_key_count"), int(items.size())},
                                {QStringLiteral("unsuccessful_keys"), QJsonArray()}});
}

HttpResponse bulkDelete(const AdminCall &call, const QString &id)
{
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body);
    if (!document.isArray())
        return failure(400, kBadRequest,
                       QStringLiteral("The body must be a JSON array of key names"));
    QStringList keys;
    for (const QJsonValue k : document.array()) {
        // Cloudflare takes names, and newer clients send {"name": ...} objects.
        keys.append(k.isObject() ? k.toObject().value(QLatin1String("name")).toString()
                                 : k.toString());
    }
    if (auto deleted = call.service.kvBulkDelete(id, keys); !deleted)
        return kvFailure(deleted.error());
    return success(QJsonObject {{QStringLiteral("successful_key_count"), int(keys.size())},
                                {QStringLiteral("unsuccessful_keys"), QJsonArray()}});
}

HttpResponse listKeys(const AdminCall &call, const QString &id)
{
    int limit = 1000;
    if (const QString text = call.queryValue(QStringLiteral("limit")); !text.isEmpty()) {
        bool ok = false;
        limit = text.toInt(&ok);
        if (!ok)
            return failure(400, kBadRequest,
                           QStringLiteral("limit must be an integer, got \"%1\"").arg(text));
    }
    auto listed = call.service.kvList(id, call.queryValue(QStringLiteral("prefix")), limit,
                                      call.queryValue(QStringLiteral("cursor")));
    if (!listed)
        return kvFailure(listed.error());
    QJsonArray keys;
    for (const auto &key : listed->keys) {
        QJsonObject o {{QStringLiteral("name"), key.name}};
        if (key.expiration)
            o.insert(QStringLiteral("expiration"), double(*key.expiration));
        if (!key.metadata.isNull())
            o.insert(QStringLiteral("metadata"),
                     QJsonDocument::fromJson("[" + key.metadata + "]").array().at(0));
        keys.append(o);
    }
    return success(keys,
                   {{QStringLiteral("count"), int(keys.size())},
                    {QStringLiteral("cursor"), listed->cursor}});
}

std::optional<store::KvNamespaceRecord> findNamespace(const PlatformService &service,
                                                      const QString &id)
{
    for (const auto &ns : service.kvNamespaces()) {
        if (ns.id == id)
            return ns;
    }
    return std::nullopt;
}

// POST bulk/get {"keys": [...], "type": "text"|"json", "withMetadata": bool}: Cloudflare's
// answer, {"values": {key: value or null}}, each value with its metadata when asked.
HttpResponse bulkGet(const AdminCall &call, const QString &id)
{
    const auto body = objectBody(call.request);
    if (!body || !body->value(QLatin1String("keys")).isArray())
        return failure(400, kBadRequest,
                       QStringLiteral("The body must be a JSON object with \"keys\": [...]"));
    const QJsonArray keys = body->value(QLatin1String("keys")).toArray();
    constexpr qsizetype kMaxKeys = 100;
    if (keys.isEmpty() || keys.size() > kMaxKeys)
        return failure(400, kBadRequest,
                       QStringLiteral("Bulk get takes 1 to %1 keys, got %2")
                               .arg(kMaxKeys)
                               .arg(keys.size()));
    const QString type = body->value(QLatin1String("type")).toString(QStringLiteral("text"));
    if (type != QLatin1String("text") && type != QLatin1String("json"))
        return failure(400, kBadRequest,
                       QStringLiteral("type must be \"text\" or \"json\", got \"%1\"").arg(type));
    const bool withMetadata = body->value(QLatin1String("withMetadata")).toBool();
    QJsonObject values;
    for (const QJsonValue k : keys) {
        if (!k.isString())
            return failure(400, kBadRequest, QStringLiteral("Every key must be a string"));
        const auto stored = call.service.kvGet(id, k.toString());
        if (!stored) {
            values.insert(k.toString(), QJsonValue::Null);
            continue;
        }
        QJsonValue value = QString::fromUtf8(stored->value);
        if (type == QLatin1String("json")) {
            QJsonParseError error;
            const QJsonDocument document
                    = QJsonDocument::fromJson("[" + stored->value + "]", &error);
            if (error.error != QJsonParseError::NoError)
                return failure(
                        400, kBadRequest,
                        QStringLiteral("The value of key \"%1\" is not JSON").arg(k.toString()));
            value = document.array().at(0);
        }
        if (!withMetadata) {
            values.insert(k.toString(), value);
            continue;
        }
        QJsonObject entry {
                {QStringLiteral("value"), value},
                {QStringLiteral("metadata"),
                 stored->metadata.isNull()
                         ? QJsonValue(QJsonValue::Null)
                         : QJsonDocument::fromJson("[" + stored->metadata + "]").array().at(0)}};
        if (stored->expiration)
            entry.insert(QStringLiteral("expiration"), double(*stored->expiration));
        values.insert(k.toString(), entry);
    }
    return success(QJsonObject {{QStringLiteral("values"), values}});
}

} // namespace

HttpResponse handleKv(const AdminCall &call)
{
    PlatformService &service = call.service;
    if (call.path.isEmpty()) {
        if (call.method == "GET") {
            auto all = service.kvNamespaces();
            // Cloudflare's paging (clients read pages until one comes back empty): page from 1,
            // per_page 20 by default and at most 1000; order=id|title, direction=asc|desc.
            bool pageOk = true, perPageOk = true;
            const QString pageText = call.queryValue(QStringLiteral("page"));
            const QString perPageText = call.queryValue(QStringLiteral("per_page"));
            const int page = pageText.isEmpty() ? 1 : pageText.toInt(&pageOk);
            const int perPage = perPageText.isEmpty() ? 20 : perPageText.toInt(&perPageOk);
            if (!pageOk || !perPageOk || page < 1 || perPage < 1 || perPage > 1000)
                return failure(400, kBadRequest,
                               QStringLiteral("page must be 1 or more and per_page 1 to 1000"));
            const bool byTitle = call.queryValue(QStringLiteral("order")) == QLatin1String("title");
            const bool descending
                    = call.queryValue(QStringLiteral("direction")) == QLatin1String("desc");
            std::stable_sort(all.begin(), all.end(), [&](const auto &a, const auto &b) {
                const QString &x = byTitle ? a.title : a.id;
                const QString &y = byTitle ? b.title : b.id;
                return descending ? y < x : x < y;
            });
            QJsonArray list;
            const qsizetype first = qsizetype(page - 1) * perPage;
            for (qsizetype i = first; i < all.size() && i < first + perPage; ++i)
                list.append(namespaceObject(all.at(i)));
            return success(
                    list,
                    {{QStringLiteral("page"), page},
                     {QStringLiteral("per_page"), perPage},
                     {QStringLiteral("count"), int(list.size())},
                     {QStringLiteral("total_count"), int(all.size())},
                     {QStringLiteral("total_pages"), int((all.size() + perPage - 1) / perPage)}});
        }
        if (call.method != "POST")
            return methodNotAllowed(call, "GET, POST");
        const auto body = objectBody(call.request);
        if (!body || !body->value(QLatin1String("title")).isString())
            return failure(400, kBadRequest,
                           QStringLiteral("The body must be a JSON object with a \"title\""));
        auto created = service.createKvNamespace(body->value(QLatin1String("title")).toString());
        if (!created)
            return kvFailure(created.error());
        return success(namespaceObject(created.value()));
    }
    const QString id = call.path.at(0);
    const auto ns = findNamespace(service, id);
    if (!ns)
        return failure(
                404, kKvNamespaceNotFound,
                QStringLiteral("KV namespace \"%1\" does not exist (namespace not found)").arg(id));
    const QString what = call.path.value(1);
    if (call.path.size() == 1) {
        if (call.method == "GET")
            return success(namespaceObject(*ns));
        if (call.method == "DELETE") {
            if (auto deleted = service.deleteKvNamespace(id); !deleted)
                return kvFailure(deleted.error());
            return success(QJsonValue::Null);
        }
        if (call.method != "PUT")
            return methodNotAllowed(call, "GET, PUT, DELETE");
        const auto body = objectBody(call.request);
        if (!body || !body->value(QLatin1String("title")).isString())
            return failure(400, kBadRequest,
                           QStringLiteral("The body must be a JSON object with a \"title\""));
        auto renamed
                = service.renameKvNamespace(id, body->value(QLatin1String("title")).toString());
        if (!renamed)
            return kvFailure(renamed.error());
        return success(namespaceObject(renamed.value()));
    }
    if (what == QLatin1String("keys") && call.path.size() == 2) {
        if (call.method != "GET")
            return methodNotAllowed(call, "GET");
        return listKeys(call, id);
    }
    if (what == QLatin1String("bulk")) {
        const QString sub = call.path.value(2);
        if (call.path.size() == 2 && call.method == "PUT")
            return bulkWrite(call, id);
        if (sub == QLatin1String("get") && call.path.size() == 3 && call.method == "POST")
            return bulkGet(call, id);
        if ((call.path.size() == 2 && call.method == "DELETE")
            || (sub == QLatin1String("delete") && call.method == "POST"))
            return bulkDelete(call, id);
        return methodNotAllowed(call, "PUT, DELETE (or POST .../bulk/delete)");
    }
    if ((what == QLatin1String("values") || what == QLatin1String("metadata"))
        && call.path.size() >= 3) {
        // Keys may contain "/": everything after values/ is the key.
        const QString key = call.path.mid(2).join(QLatin1Char('/'));
        if (what == QLatin1String("values") && call.method == "PUT")
            return putValue(call, id, key);
        if (what == QLatin1String("values") && call.method == "DELETE") {
            if (auto deleted = service.kvDelete(id, key); !deleted)
                return kvFailure(deleted.error());
            return success(QJsonValue::Null);
        }
        if (call.method != "GET")
            return methodNotAllowed(call,
                                    what == QLatin1String("values") ? "GET, PUT, DELETE" : "GET");
        const auto value = service.kvGet(id, key);
        if (!value)
            return failure(
                    404, kKvKeyNotFound,
                    QStringLiteral("key not found: \"%1\" in KV namespace %2").arg(key, ns->title));
        if (what == QLatin1String("metadata"))
            return success(
                    value->metadata.isNull()
                            ? QJsonValue(QJsonValue::Null)
                            : QJsonDocument::fromJson("[" + value->metadata + "]").array().at(0));
        HttpResponse response = rawBody(200, "application/octet-stream", value->value);
        if (value->expiration)
            response.headers.append({"expiration", QByteArray::number(*value->expiration)});
        return response;
    }
    return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
}

} // namespace switchyard::http::admin
