#pragma once

#include "adminworkerupload.h"

#include <QHash>
#include <QJsonArray>
#include <QString>

namespace switchyard::http::admin {

// What the admin API remembers only so that clients see Cloudflare's answers: settings that
// Switchyard has no use for (a Worker's workers.dev flags, cron triggers, routes) and versions
// uploaded but not yet deployed. Lives as long as the AdminApi; nothing here reaches the store.
struct ClientState
{
    struct Subdomain
    {
        bool enabled = true;
        bool previewsEnabled = true;
    };
    struct StagedVersion
    {
        QString script;
        WorkerUpload upload;
        qint64 createdAt = 0;
        int number = 0;
    };
    QHash<QString, Subdomain> subdomains; // by platform Worker name
    QHash<QString, QJsonArray> schedules; // by platform Worker name, [{cron, created_on, ...}]
    QHash<QString, QJsonArray> routes; // by platform Worker name
    QHash<QString, StagedVersion> versions; // by version id
    int nextVersionNumber = 1;
};

} // namespace switchyard::http::admin
