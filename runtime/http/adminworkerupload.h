#pragma once

#include "httpmessage.h"

#include "store/records.h"

#include <QJsonObject>

#include <optional>

namespace switchyard::http::admin {

// A Worker upload as Cloudflare's script endpoints take it: multipart/form-data with a
// `metadata` JSON part (`main_module` for ES modules, `body_part` for a service-worker script,
// `bindings`, `compatibility_date`, `compatibility_flags`, `tags`, `keep_bindings`,
// `tail_consumers`) and one part
// per module. Source maps (`application/source-map`) are accepted and dropped: Switchyard reports
// errors against the uploaded code. A bare `application/javascript` body is a service-worker
// script with no metadata.
struct WorkerUpload
{
    store::WorkerCode code;
    std::optional<QStringList> tags; // std::nullopt: the metadata had no "tags"
    QStringList keepBindings; // binding types to carry over from the version being replaced
    QJsonObject metadata; // all of it, for fields beyond the common ones
};

struct UploadParse
{
    std::optional<WorkerUpload> upload;
    int errorCode = 0; // a Cloudflare error code when `upload` is empty
    QString error;
};

UploadParse parseWorkerUpload(const HttpRequest &request);

// Resolves what the upload takes from the `previous` version (null when there is none): the
// bindings of the types in keep_bindings that the upload does not name, and `{"type":
// "inherit"}` bindings (wrangler's `bindings_inherit=strict`). Returns an error message when an
// inherited binding does not exist.
std::optional<QString> inheritBindings(WorkerUpload &upload, const store::WorkerCode *previous);

// Bindings as the API shows them: secret values are never sent back.
QJsonArray publicBindings(const QJsonArray &bindings);

QByteArray headerValue(const HttpRequest &request, const QByteArray &name);

} // namespace switchyard::http::admin
