#pragma once

#include "admincall.h"

#include "platform/result.h"
#include "store/records.h"

#include <QJsonObject>

#include <functional>
#include <optional>

namespace switchyard::http::admin {

// One Worker as the script endpoints see it, wherever it lives: a script in a dispatch namespace
// or a platform Worker. `save` stores a changed version through the platform service.
struct ScriptSlot
{
    QString name;
    QString dispatchNamespace; // empty for platform Workers
    std::optional<store::WorkerCode> code; // std::nullopt: no such Worker yet
    QStringList tags;
    QByteArray contentHash;
    qint64 createdAt = 0;
    qint64 modifiedAt = 0;
    // Stores `code` (and `tags` unless std::nullopt) and refreshes `self` from what was stored.
    std::function<platform::Result<void>(ScriptSlot &self, const store::WorkerCode &code,
                                         const std::optional<QStringList> &tags)>
            save;

    platform::Result<void> store(const store::WorkerCode &next,
                                 const std::optional<QStringList> &nextTags)
    {
        return save(*this, next, nextTags);
    }
};

// Cloudflare's script object (what an upload answers and the list holds).
QJsonObject scriptObject(const ScriptSlot &slot);
// Cloudflare's script settings: bindings (secrets without values), compatibility, tags.
QJsonObject settingsObject(const ScriptSlot &slot);
QString isoTime(qint64 ms);

// The sub-resources every script has: content, settings, bindings, secrets. `sub` is the path
// after the script name; an empty optional means the sub-path is not one of these.
std::optional<HttpResponse> handleScriptSubresource(const AdminCall &call, ScriptSlot &slot,
                                                    const QStringList &sub);

// Cloudflare's `?tags=a:yes,b:no` (a bare tag means yes); std::nullopt with `error` set when a
// filter is malformed.
struct ParsedTagFilter
{
    QString tag;
    bool present = true;
};
std::optional<QList<ParsedTagFilter>> parseTagFilters(const QString &text, QString *error);

HttpResponse scriptNotFound(const ScriptSlot &slot);

} // namespace switchyard::http::admin
