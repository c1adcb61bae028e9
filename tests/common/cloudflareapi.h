#pragma once

// Reading Cloudflare's v4 envelope and writing the multipart uploads its clients send, for the
// tests that drive the admin API over raw HTTP.
#include "rawhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::testing {

inline const QList<QPair<QByteArray, QByteArray>> kJsonContent {
        {"Content-Type", "application/json"}};

inline QJsonObject envelope(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

inline QJsonValue result(const RawResponse &r)
{
    return envelope(r).value(u"result");
}

inline QJsonObject firstError(const RawResponse &r)
{
    return envelope(r).value(u"errors").toArray().at(0).toObject();
}

inline int errorCode(const RawResponse &r)
{
    return firstError(r).value(u"code").toInt();
}

inline QString errorMessage(const RawResponse &r)
{
    return firstError(r).value(u"message").toString();
}

// Cloudflare's error envelope, field by field: the status, success false, exactly one error with
// this code and a message, a messages array and a null result.
inline bool isCloudflareError(const RawResponse &r, int status, int code)
{
    const QJsonObject e = envelope(r);
    const QJsonArray errors = e.value(u"errors").toArray();
    return r.status == status && e.value(u"success") == QJsonValue(false) && errors.size() == 1
            && errors.at(0).toObject().value(u"code").toInt() == code
            && !errors.at(0).toObject().value(u"message").toString().isEmpty()
            && e.value(u"messages").isArray() && e.contains(u"result")
            && e.value(u"result").isNull();
}

struct FormPart
{
    QByteArray name;
    QByteArray filename; // empty: a plain field
    QByteArray contentType; // empty: none sent
    QByteArray body;
};

inline QByteArray multipartForm(const QByteArray &boundary, const QList<FormPart> &parts)
{
    QByteArray out;
    for (const FormPart &p : parts) {
        out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.isEmpty())
            out += "; filename=\"" + p.filename + "\"";
        if (!p.contentType.isEmpty())
            out += "\r\nContent-Type: " + p.contentType;
        out += "\r\n\r\n" + p.body + "\r\n";
    }
    return out + "--" + boundary + "--\r\n";
}

inline QList<QPair<QByteArray, QByteArray>> formContent(const QByteArray &boundary)
{
    return {{"Content-Type", "multipart/form-data; boundary=" + boundary}};
}

} // namespace switchyard::testing
