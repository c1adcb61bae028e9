#include "adminenvelope.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchyard::http::admin {

static HttpResponse json(int status, const QJsonObject &object)
{
    return {status,
            {{"content-type", "application/json"}},
            QJsonDocument(object).toJson(QJsonDocument::Compact)};
}

HttpResponse success(const QJsonValue &result, const QJsonObject &resultInfo, int status)
{
    QJsonObject o {{QStringLiteral("success"), true},
                   {QStringLiteral("errors"), QJsonArray()},
                   {QStringLiteral("messages"), QJsonArray()},
                   {QStringLiteral("result"), result}};
    if (!resultInfo.isEmpty())
        o.insert(QStringLiteral("result_info"), resultInfo);
    return json(status, o);
}

HttpResponse failure(int status, int code, const QString &message)
{
    const QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return json(status,
                {{QStringLiteral("success"), false},
                 {QStringLiteral("errors"), QJsonArray {error}},
                 {QStringLiteral("messages"), QJsonArray()},
                 {QStringLiteral("result"), QJsonValue::Null}});
}

HttpResponse failure(const platform::Error &error, int invalidCode, int notFoundCode)
{
    switch (error.kind) {
    case platform::ErrorKind::Invalid:
        return failure(400, invalidCode, error.message);
    case platform::ErrorKind::NotFound:
        return failure(404, notFoundCode, error.message);
    case platform::ErrorKind::Conflict:
        return failure(409, kAlreadyExists, error.message);
    case platform::ErrorKind::Unavailable:
        return failure(503, kStorage, error.message);
    case platform::ErrorKind::Storage:
        break;
    }
    return failure(500, kStorage, error.message);
}

HttpResponse rawBody(int status, const QByteArray &contentType, const QByteArray &body)
{
    return {status, {{"content-type", contentType}}, body};
}

} // namespace switchyard::http::admin
