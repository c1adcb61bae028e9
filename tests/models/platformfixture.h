#pragma once

// A real platform service on a temporary SQLite file (no engine: scripts are not compiled), with
// the batch writer so traces and data points reach the file, as the app builds it.
#include "../common/workercode.h"
#include "platform/clock.h"
#include "platform/platformservice.h"
#include "store/batchwriter.h"
#include "store/database.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace switchyard::testing {

struct PlatformFixture
{
    QTemporaryDir dir;
    platform::SystemClock clock;
    std::unique_ptr<store::Database> database;
    std::unique_ptr<store::BatchWriter> writer;
    std::unique_ptr<platform::PlatformService> service;

    bool start()
    {
        QString error;
        const QString path = QDir(dir.path()).filePath(QStringLiteral("switchyard.db"));
        database = store::Database::open(path, &error);
        if (!database)
            return false;
        writer = store::BatchWriter::start(path, &error);
        if (!writer)
            return false;
        service = std::make_unique<platform::PlatformService>(*database, clock, writer.get());
        return service->load().ok();
    }
    QString path() const { return database->path(); }

    ~PlatformFixture()
    {
        if (service)
            service->flushAppends();
        service.reset();
        writer.reset();
        database.reset();
    }

    static store::WorkerCode code(const QByteArray &js = "export default { fetch() { return new "
                                                         "Response('hi') } }")
    {
        return moduleCode(js);
    }

    // The demo's shape: namespace production with Workers, USER_ROUTING / PLANS / CUSTOMERS KV.
    void seedSmallPlatform()
    {
        QVERIFY(service->createNamespace(QStringLiteral("production")));
        for (const char *name : {"site", "cpu-burner"}) {
            platform::PlatformService::ScriptUpload upload {
                    code(), QStringList {QStringLiteral("plan:free")}};
            QVERIFY(service->putScript(QStringLiteral("production"), QLatin1String(name), upload));
        }
        for (const char *title : {"USER_ROUTING", "PLANS", "CUSTOMERS"})
            QVERIFY(service->createKvNamespace(QLatin1String(title)));
        QVERIFY(service->kvPut(kv("USER_ROUTING"), QStringLiteral("localhost"), "site"));
        QVERIFY(service->kvPut(kv("PLANS"), QStringLiteral("free"),
                               R"({"cpuMs":10,"subRequests":5})"));
        QVERIFY(service->kvPut(kv("CUSTOMERS"), QStringLiteral("cpu-burner"), "free"));
    }
    QString kv(const char *title) const
    {
        return service->kvNamespaceByTitle(QLatin1String(title))->id;
    }
};

inline store::TraceRecord trace(const QString &script, const QString &ns, const QString &outcome,
                                int status = 200, qint64 cpu = 1, qint64 at = 0)
{
    store::TraceRecord t;
    t.scriptName = script;
    t.dispatchNamespace = ns;
    t.outcome = outcome;
    t.cpuTime = cpu;
    t.wallTime = cpu + 1;
    t.eventTimestamp = at ? at : QDateTime::currentMSecsSinceEpoch();
    QJsonObject request {
            {QStringLiteral("url"), QStringLiteral("http://%1.localhost/").arg(script)},
            {QStringLiteral("method"), QStringLiteral("GET")},
            {QStringLiteral("headers"), QJsonObject {}}};
    t.event = {{QStringLiteral("request"), request}};
    if (status)
        t.event.insert(QStringLiteral("response"),
                       QJsonObject {{QStringLiteral("status"), status}});
    return t;
}

} // namespace switchyard::testing
