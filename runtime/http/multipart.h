#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace switchyard::http {

// One part of a multipart/form-data body (RFC 7578), as clients such as wrangler, curl -F and
// undici's FormData write them.
struct MultipartPart
{
    QString name; // the form field name from Content-Disposition
    QString filename; // empty when the part has none
    QByteArray contentType; // lowercased, parameters removed; empty when the part has none
    QByteArray body;
};

struct MultipartResult
{
    QList<MultipartPart> parts;
    QString error; // empty on success; otherwise says what is wrong and at which part
};

// The boundary parameter of a `multipart/form-data; boundary=...` Content-Type, or std::nullopt
// when the type is not multipart/form-data or has no usable boundary.
std::optional<QByteArray> multipartBoundary(const QByteArray &contentType);

// Splits `body` into its parts. Refuses what a careless parser would guess at: a missing
// closing delimiter, a part without a name, malformed part headers.
MultipartResult parseMultipart(const QByteArray &body, const QByteArray &boundary);

// The media type of a Content-Type value, lowercased, without parameters.
QByteArray mediaType(const QByteArray &contentType);

} // namespace switchyard::http
