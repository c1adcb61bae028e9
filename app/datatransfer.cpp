#include "datatransfer.h"

#include "engine/engine.h"
#include "engine/v8platform.h"
#include "platform/clock.h"
#include "platform/platformservice.h"
#include "platform/scriptcache.h"
#include "store/database.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace switchyard::app {

namespace {

using platform::Error;
using platform::ErrorKind;

const QString kStoreFile = QStringLiteral("switchyard.db");

Error failure(const QString &message)
{
    return {ErrorKind::Invalid, message};
}

} // namespace

platform::Result<platform::ExportSummary>
exportStore(const QString &dataDir, const std::optional<store::StoreLocation> &store,
            const QString &directory)
{
    const QString file = QDir(dataDir).filePath(kStoreFile);
    if (!store && !QFileInfo::exists(file))
        return failure(
                QStringLiteral("%1: no store to export (give --data-dir or --store)").arg(file));
    const store::StoreLocation location = store ? *store : store::StoreLocation::sqlite(file);
    QString error;
    auto database = store::Database::open(location, store::Database::Options {}, &error);
    if (!database)
        return failure(error);
    platform::SystemClock clock;
    platform::PlatformService service(*database, clock);
    if (auto loaded = service.load(); !loaded)
        return loaded.error();
    return platform::exportPlatform(service, directory);
}

platform::Result<platform::ImportSummary>
importDirectory(const QString &directory, const QString &dataDir, engine::V8Platform *v8)
{
    const QString target = QDir(dataDir).absoluteFilePath(kStoreFile);
    if (QFileInfo::exists(target))
        return failure(QStringLiteral("%1 already holds a store (%2): import builds a new "
                                      "platform and never merges into one; choose an empty "
                                      "--data-dir, or move that store away first")
                               .arg(dataDir, kStoreFile));
    // Every file is read and checked before anything is written.
    auto plan = platform::readExportDirectory(directory);
    if (!plan)
        return plan.error();
    if (!QDir().mkpath(dataDir))
        return failure(QStringLiteral("%1: cannot create the data directory").arg(dataDir));
    QTemporaryDir staging(QDir(dataDir).filePath(QStringLiteral(".import-XXXXXX")));
    if (!staging.isValid())
        return failure(QStringLiteral("%1: %2").arg(dataDir, staging.errorString()));
    const QString staged = QDir(staging.path()).filePath(kStoreFile);

    platform::Result<platform::ImportSummary> summary = failure(QString());
    {
        QString error;
        auto database = store::Database::open(staged, &error);
        if (!database)
            return failure(error);
        std::unique_ptr<engine::Engine> engine;
        std::unique_ptr<platform::ScriptCache> checker;
        platform::SystemClock clock;
        auto service = std::make_unique<platform::PlatformService>(*database, clock);
        if (auto loaded = service->load(); !loaded)
            return loaded.error();
        if (v8) {
            engine::EngineConfig config;
            config.executorThreads = 1;
            engine = std::make_unique<engine::Engine>(*v8, config);
            checker = std::make_unique<platform::ScriptCache>(*engine);
            service->setScriptChecker(checker.get());
        }
        summary = platform::applyImport(*service, plan.value());
        service.reset();
        checker.reset();
        engine.reset();
        if (!summary)
            return summary;
        // One self-contained file to move: the log folded in and gone. The server turns WAL on
        // again when it opens the store.
        try {
            database->exec(QStringLiteral("PRAGMA journal_mode = DELETE"));
        } catch (const store::SqlError &e) {
            return failure(QStringLiteral("%1: %2").arg(staged, e.message()));
        }
    }
    // link() fails if the name exists, so a store created meanwhile is never replaced.
    if (::link(QFile::encodeName(staged).constData(), QFile::encodeName(target).constData()) != 0)
        return failure(QStringLiteral("%1: cannot put the imported store in place: %2")
                               .arg(target, QString::fromLocal8Bit(std::strerror(errno))));
    return summary;
}

int runTransferCommand(const Options &options)
{
    if (options.command == Options::Command::Export) {
        const auto summary = exportStore(options.dataDir, options.store, options.transferDir);
        if (!summary) {
            std::fprintf(stderr, "switchyard export: %s\n", qPrintable(summary.errorMessage()));
            return 1;
        }
        std::printf("exported %d platform Workers, %d user Workers, %d KV namespaces (%lld "
                    "entries) and %d custom hostnames into %s\n",
                    summary->platformWorkers, summary->scripts, summary->kvNamespaces,
                    qlonglong(summary->kvEntries), summary->customHostnames,
                    qPrintable(options.transferDir));
        if (summary->secretsLeftOut > 0)
            std::printf("%d secret values were not written: the manifest and each wrangler.toml "
                        "name them; set them with `wrangler secret put`, or in .dev.vars before "
                        "`switchyard import`\n",
                        summary->secretsLeftOut);
        return 0;
    }
    if (options.store) {
        std::fprintf(stderr,
                     "switchyard import: writes a new SQLite store into --data-dir; "
                     "--store is not supported (import into a data dir, then serve it)\n");
        return 2;
    }
    engine::V8Platform v8;
    const auto summary = importDirectory(options.transferDir, options.dataDir, &v8);
    if (!summary) {
        std::fprintf(stderr, "switchyard import: %s\nNothing was written.\n",
                     qPrintable(summary.errorMessage()));
        return 1;
    }
    std::printf("imported %d platform Workers, %d user Workers, %d KV namespaces (%lld entries, "
                "%d already expired left out) and %d custom hostnames into %s\n",
                summary->platformWorkers, summary->scripts, summary->kvNamespaces,
                qlonglong(summary->kvEntries), summary->kvExpired, summary->customHostnames,
                qPrintable(QDir(options.dataDir).filePath(kStoreFile)));
    return 0;
}

} // namespace switchyard::app
