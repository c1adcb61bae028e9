#pragma once

#include "httpmessage.h"

#include "platform/result.h"

#include <QJsonObject>
#include <QJsonValue>

namespace switchyard::http::admin {

// Cloudflare's v4 error codes, where Cloudflare has one for the case; clients (wrangler) act on
// some of them, e.g. 10007 for "no such Worker" and 10021 for a script that does not load.
enum ErrorCode {
    kAuthError = 10000,
    kNotFound = 10007, // workers.api.error.script_not_found, and dispatch namespaces
    kKvKeyNotFound = 10009,
    kKvNamespaceNotFound = 10013,
    kAlreadyExists = 10014,
    kUnparsableBody = 10026, // "Could not parse request body"; also a field of the wrong type
    kScriptContentError = 10021,
    kInvalidInheritBinding = 10057,
    kBadRequest = 10001,
    kStorage = 10002,
    kNoRoute = 7000,
    kMethodNotAllowed = 10405,
};

// `{"success": true, "errors": [], "messages": [], "result": ..., "result_info": ...}`.
HttpResponse success(const QJsonValue &result, const QJsonObject &resultInfo = {},
                     int status = 200);

// `{"success": false, "errors": [{"code": ..., "message": ...}], ...}`.
HttpResponse failure(int status, int code, const QString &message);

// A platform service error in the envelope: Invalid 400, NotFound 404, Conflict 409, Storage 500,
// Unavailable (the shared store cannot be reached) 503.
// `notFoundCode` picks Cloudflare's code for what was not found (scripts and KV differ).
HttpResponse failure(const platform::Error &error, int invalidCode = kBadRequest,
                     int notFoundCode = kNotFound);

HttpResponse rawBody(int status, const QByteArray &contentType, const QByteArray &body);

} // namespace switchyard::http::admin
