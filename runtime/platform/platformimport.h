#pragma once

#include "platformservice.h"
#include "result.h"

#include "store/records.h"

#include <QList>
#include <QString>

namespace switchyard::platform {

// Everything an export directory says, read and checked, before any store is touched.
struct ImportPlan
{
    struct KvNamespace
    {
        store::KvNamespaceRecord record;
        QString file; // relative to the directory, for messages
        QList<PlatformService::KvBulkItem> items;
        int expired = 0; // entries whose expiration had passed (or was within 60 s): left out
    };
    struct Worker
    {
        QString folder; // relative to the directory
        QString nameSpace; // empty: a platform Worker
        QString name;
        store::WorkerKind kind = store::WorkerKind::Other;
        QStringList tags;
        store::WorkerCode code;
    };
    QList<store::NamespaceRecord> namespaces;
    QList<KvNamespace> kvNamespaces;
    QList<Worker> platformWorkers;
    QList<Worker> scripts;
    QString activeDispatcher;
    QList<QPair<QString, QByteArray>> customHostnames; // hostname, custom_metadata JSON text
};

struct ImportSummary
{
    int platformWorkers = 0;
    int scripts = 0;
    int kvNamespaces = 0;
    qint64 kvEntries = 0;
    int kvExpired = 0;
    int customHostnames = 0;
};

// Reads an export directory (exportlayout.h). Refuses, naming the file and the line or field:
// malformed JSON or TOML, names that are not Cloudflare's (so `../x` never becomes a path),
// symbolic links or special files anywhere inside, module paths that leave their folder or take
// a reserved name, files past exportlayout's limits, KV entries past Cloudflare's, and secrets
// listed without a value in the Worker's .dev.vars.
Result<ImportPlan> readExportDirectory(const QString &directory);

// Writes `plan` through the service's typed mutations, which check it once more (bindings,
// compile errors when the service has a ScriptChecker). `service` must hold no platform yet.
// Not atomic by itself: the caller imports into a store nobody else uses and discards it on error.
Result<ImportSummary> applyImport(PlatformService &service, const ImportPlan &plan);

} // namespace switchyard::platform
