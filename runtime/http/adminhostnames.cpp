// zones/{zone_id}/custom_hostnames: Cloudflare for SaaS custom hostnames, whose custom_metadata
// the dispatcher reads as request.cf.hostMetadata. Every zone id is accepted (the dispatch
// listener takes every host); a hostname's id is derived from the hostname, so it stays the same
// across restarts without being stored. Certificates are not issued: every hostname is active.
#include "admincall.h"
#include "adminenvelope.h"
#include "adminscripts.h"

#include "platform/platformservice.h"
#include "platform/validation.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

namespace switchyard::http::admin {

namespace {

// Cloudflare's codes and texts for the custom hostname endpoints.
constexpr int kUndecodableBody = 1400;
constexpr int kMetadataNotJson = 1401;
constexpr int kInvalidHostname = 1407;
constexpr int kNonAsciiHostname = 1408;
constexpr int kReservedTld = 1409;
constexpr int kExampleDomain = 1411;
constexpr int kWildcardMetadata = 1412;
constexpr int kDuplicateHostname = 1406;
constexpr int kBadValidationMethod = 1432;
constexpr int kBadValidationType = 1433;
constexpr int kBadSsl = 1434;
constexpr int kInvalidId = 1435;
constexpr int kHostnameNotFound = 1436;
constexpr int kOtherFilters = 1438;
constexpr int kHostnameChange = 1439;

const char kInvalidHostnameText[]
        = "Invalid custom hostname. Custom hostnames have to be smaller than 256 characters in "
          "length, cannot be IP addresses, cannot contain any special characters such as "
          "~`!@#$%^&*()=+{}[]\\";

// Hostname ids: a UUID derived from the hostname (version 5 in this namespace).
const QUuid kIdNamespace = QUuid::fromString(u"6c2f6e1a-3f0e-4f5a-9d0b-2b8f3c1e7a55");

QString hostnameId(const QString &hostname)
{
    return QUuid::createUuidV5(kIdNamespace, hostname).toString(QUuid::WithoutBraces);
}

QJsonObject hostnameObject(const store::CustomHostnameRecord &host)
{
    QJsonObject o {{QStringLiteral("id"), hostnameId(host.hostname)},
                   {QStringLiteral("hostname"), host.hostname},
                   {QStringLiteral("status"), QStringLiteral("active")},
                   {QStringLiteral("ssl"),
                    QJsonObject {{QStringLiteral("status"), QStringLiteral("active")},
                                 {QStringLiteral("method"), QStringLiteral("http")},
                                 {QStringLiteral("type"), QStringLiteral("dv")},
                                 {QStringLiteral("settings"), QJsonObject()}}},
                   {QStringLiteral("verification_errors"), QJsonArray()},
                   {QStringLiteral("created_at"), isoTime(host.createdAt)}};
    if (!host.metadata.isEmpty())
        o.insert(QStringLiteral("custom_metadata"), host.metadata);
    return o;
}

std::shared_ptr<const store::CustomHostnameRecord>
findById(const platform::PlatformService &service, const QString &id)
{
    for (const auto &host : service.snapshot()->customHostnames) {
        if (hostnameId(host->hostname) == id)
            return host;
    }
    return nullptr;
}

HttpResponse notFound()
{
    return failure(404, kHostnameNotFound, QStringLiteral("The custom hostname was not found."));
}

// Cloudflare's refusals of a hostname, in its order; std::nullopt when it may be used.
std::optional<HttpResponse> checkHostname(const QString &hostname)
{
    for (const QChar c : hostname) {
        if (c.unicode() > 0x7f)
            return failure(400, kNonAsciiHostname,
                           QStringLiteral("Custom hostnames with non-ASCII characters are not "
                                          "supported. Check your input and try again."));
    }
    const QString bare = hostname.startsWith(QLatin1String("*.")) ? hostname.mid(2) : hostname;
    if (hostname.isEmpty() || hostname.size() >= 256 || !QHostAddress(bare).isNull()
        || platform::validation::checkHostname(hostname))
        return failure(400, kInvalidHostname, QLatin1String(kInvalidHostnameText));
    const QString tld = hostname.section(u'.', -1);
    // `localhost` is Cloudflare's reserved top domain too, but here it is the one every browser
    // and curl reach without DNS set-up, so custom hostnames under it are allowed.
    if (tld == QLatin1String("test") || tld == QLatin1String("example")
        || tld == QLatin1String("invalid"))
        return failure(400, kReservedTld,
                       QStringLiteral("Reserved top domain custom hostnames, such as 'test', "
                                      "'example', 'invalid' or 'localhost', is not supported. "
                                      "Check your input and try again."));
    for (const char *domain : {"example.com", "example.net", "example.org"}) {
        if (hostname == QLatin1String(domain)
            || hostname.endsWith(QLatin1Char('.') + QLatin1String(domain)))
            return failure(400, kExampleDomain,
                           QStringLiteral("Custom hostnames ending in example.com, example.net, "
                                          "or example.org are prohibited. Check your input and "
                                          "try again."));
    }
    return std::nullopt;
}

// custom_metadata: a JSON object of at most 4 KB (as compact JSON), not on wildcard hostnames.
// On success `*metadata` is its compact text ("" when the object is empty or absent).
std::optional<HttpResponse> checkMetadata(const QString &hostname, const QJsonValue &value,
                                          QByteArray *metadata)
{
    metadata->clear();
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isObject())
        return failure(400, kMetadataNotJson,
                       QStringLiteral("Unable to encode the Custom Metadata as JSON. Check your "
                                      "input and try again. (custom_metadata must be a JSON "
                                      "object)"));
    const QJsonObject object = value.toObject();
    if (object.isEmpty())
        return std::nullopt;
    if (hostname.startsWith(QLatin1String("*.")))
        return failure(400, kWildcardMetadata,
                       QStringLiteral("Custom metadata for wildcard custom hostnames is not "
                                      "supported. Check your input and try again."));
    *metadata = QJsonDocument(object).toJson(QJsonDocument::Compact);
    // Cloudflare documents the 4 KB limit but no code of its own for it.
    if (metadata->size() > platform::validation::kMaxHostnameMetadataBytes)
        return failure(400, kMetadataNotJson,
                       QStringLiteral("Unable to encode the Custom Metadata as JSON. Check your "
                                      "input and try again. (custom_metadata is %1 bytes as "
                                      "JSON; at most %2 are allowed)")
                               .arg(metadata->size())
                               .arg(platform::validation::kMaxHostnameMetadataBytes));
    return std::nullopt;
}

std::optional<HttpResponse> checkSsl(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isObject())
        return failure(400, kBadSsl,
                       QStringLiteral("The SSL attribute is invalid. Refer to the API "
                                      "documentation, check your input and try again."));
    const QJsonObject ssl = value.toObject();
    const QJsonValue method = ssl.value(QLatin1String("method"));
    if (!method.isUndefined()
        && !QStringList {QStringLiteral("http"), QStringLiteral("txt"), QStringLiteral("email")}
                    .contains(method.toString()))
        return failure(400, kBadValidationMethod,
                       QStringLiteral("The validation method is not supported. Only http, email, "
                                      "or txt are accepted. Check your input and try again."));
    const QJsonValue type = ssl.value(QLatin1String("type"));
    if (!type.isUndefined() && type.toString() != QLatin1String("dv"))
        return failure(400, kBadValidationType,
                       QStringLiteral("The validation type is not supported. Only 'dv' is "
                                      "accepted. Check your input and try again."));
    return std::nullopt;
}

std::optional<QJsonObject> bodyObject(const AdminCall &call)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

HttpResponse undecodable()
{
    return failure(400, kUndecodableBody,
                   QStringLiteral("Unable to decode the JSON request body. Check your input and "
                                  "try again."));
}

HttpResponse create(const AdminCall &call)
{
    const auto body = bodyObject(call);
    if (!body)
        return undecodable();
    const QJsonValue hostnameValue = body->value(QLatin1String("hostname"));
    const QString hostname = hostnameValue.toString().toLower();
    if (!hostnameValue.isString())
        return failure(400, kInvalidHostname, QLatin1String(kInvalidHostnameText));
    if (auto refused = checkHostname(hostname))
        return *refused;
    if (auto refused = checkSsl(body->value(QLatin1String("ssl"))))
        return *refused;
    QByteArray metadata;
    if (auto refused
        = checkMetadata(hostname, body->value(QLatin1String("custom_metadata")), &metadata))
        return *refused;
    if (call.service.customHostname(hostname))
        return failure(409, kDuplicateHostname, QStringLiteral("Duplicate custom hostname found."));
    const auto put = call.service.putCustomHostname(hostname, metadata);
    if (!put)
        return failure(put.error(), kInvalidHostname);
    return success(hostnameObject(*put.value()), {}, 201);
}

HttpResponse list(const AdminCall &call)
{
    const QString id = call.queryValue(QStringLiteral("id"));
    const QString hostname = call.queryValue(QStringLiteral("hostname")).toLower();
    const QString contains = call.queryValue(QStringLiteral("hostname.contain")).toLower();
    if (!id.isEmpty() && (!hostname.isEmpty() || !contains.isEmpty()))
        return failure(400, kOtherFilters,
                       QStringLiteral("Cannot specify other filter parameters in addition to id. "
                                      "Only one must be specified. Check your input and try "
                                      "again."));
    QList<std::shared_ptr<const store::CustomHostnameRecord>> hosts;
    for (const auto &host : call.service.snapshot()->customHostnames) {
        if (!id.isEmpty() && hostnameId(host->hostname) != id)
            continue;
        if (!hostname.isEmpty() && host->hostname != hostname)
            continue;
        if (!contains.isEmpty() && !host->hostname.contains(contains))
            continue;
        hosts.append(host);
    }
    const bool descending = call.queryValue(QStringLiteral("direction")) == QLatin1String("desc");
    std::sort(hosts.begin(), hosts.end(), [&](const auto &a, const auto &b) {
        return descending ? a->hostname > b->hostname : a->hostname < b->hostname;
    });
    bool ok = false;
    int perPage = call.queryValue(QStringLiteral("per_page")).toInt(&ok);
    if (!ok || perPage < 1)
        perPage = 20;
    perPage = std::min(perPage, 50);
    int page = call.queryValue(QStringLiteral("page")).toInt(&ok);
    if (!ok || page < 1)
        page = 1;
    QJsonArray result;
    for (qsizetype i = qsizetype(page - 1) * perPage; i < hosts.size() && result.size() < perPage;
         ++i)
        result.append(hostnameObject(*hosts.at(i)));
    const int total = int(hosts.size());
    return success(result,
                   {{QStringLiteral("page"), page},
                    {QStringLiteral("per_page"), perPage},
                    {QStringLiteral("count"), int(result.size())},
                    {QStringLiteral("total_count"), total},
                    {QStringLiteral("total_pages"), std::max(1, (total + perPage - 1) / perPage)}});
}

HttpResponse edit(const AdminCall &call, const store::CustomHostnameRecord &host)
{
    const auto body = bodyObject(call);
    if (!body)
        return undecodable();
    const QJsonValue hostname = body->value(QLatin1String("hostname"));
    if (!hostname.isUndefined() && hostname.toString().toLower() != host.hostname)
        return failure(409, kHostnameChange,
                       QStringLiteral("Modifying the custom hostname is not supported. Check "
                                      "your input and try again."));
    if (auto refused = checkSsl(body->value(QLatin1String("ssl"))))
        return *refused;
    // What the PATCH leaves out stays as it was; custom_metadata, when sent, replaces it whole.
    QByteArray metadata = host.metadata.isEmpty()
            ? QByteArray()
            : QJsonDocument(host.metadata).toJson(QJsonDocument::Compact);
    if (body->contains(QLatin1String("custom_metadata"))) {
        if (auto refused = checkMetadata(host.hostname,
                                         body->value(QLatin1String("custom_metadata")), &metadata))
            return *refused;
    }
    const auto put = call.service.putCustomHostname(host.hostname, metadata);
    if (!put)
        return failure(put.error(), kInvalidHostname);
    return success(hostnameObject(*put.value()), {}, 202);
}

} // namespace

HttpResponse handleCustomHostnames(const AdminCall &call)
{
    // call.path: {zone_id}, "custom_hostnames"[, {id}]
    if (call.path.size() == 2) {
        if (call.method == "POST")
            return create(call);
        if (call.method == "GET")
            return list(call);
        return methodNotAllowed(call, "GET, POST");
    }
    if (call.path.size() != 3)
        return failure(404, kNoRoute, QStringLiteral("No route for that URI"));
    const QString id = call.path.at(2);
    if (QUuid::fromString(id).isNull())
        return failure(400, kInvalidId,
                       QStringLiteral("The custom hostname ID is invalid. Check your input and "
                                      "try again."));
    const auto host = findById(call.service, id);
    if (call.method != "GET" && call.method != "PATCH" && call.method != "DELETE")
        return methodNotAllowed(call, "GET, PATCH, DELETE");
    if (!host)
        return notFound();
    if (call.method == "GET")
        return success(hostnameObject(*host));
    if (call.method == "PATCH")
        return edit(call, *host);
    if (auto deleted = call.service.deleteCustomHostname(host->hostname); !deleted)
        return failure(deleted.error(), kInvalidHostname, kHostnameNotFound);
    return success(QJsonObject {{QStringLiteral("id"), id}});
}

} // namespace switchyard::http::admin
