// Tail Workers as a platform configures them on Cloudflare, through the dispatch listener and the
// admin API: a Worker's tail_consumers (upload metadata, settings PATCH, wrangler config) receive
// its events, the dispatcher's consumers also those of every user Worker it runs, and nothing is
// tailed that nobody named. Also what crosses the dispatch boundary with those events: console
// arguments as JSON, exception classes, and outbound Workers without get() options.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"
#include "../common/tracelog.h"

#include "dispatchercontroller.h"
#include "platform/dispatcher.h"
#include "platform/platformsetup.h"
#include "platform/trace.h"
#include "platform/wranglerconfig.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace switchyard;
using testing::moduleCode;
using testing::rawRequest;
using testing::RawResponse;

namespace {

const QByteArray kToken = "tail-test-token";
const QString kNamespace = QStringLiteral("production");

// Routes by the first label of the host; on an exception answers what it caught, or throws it on
// when the query says ?rethrow.
const QByteArray kDispatcher = R"js(
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      return await env.DISPATCHER.get(url.hostname.split(".")[0]).fetch(request);
    } catch (e) {
      if (url.searchParams.has("rethrow")) throw e;
      return new Response([e.name, e.message, e instanceof TypeError, e instanceof RangeError,
                           e instanceof EvalError].join("|"), { status: 500 });
    }
  },
};
)js";

const QByteArray kLogger = R"js(
export default {
  fetch() {
    console.log("hello", 42, { a: 1 });
    console.warn(undefined, 10n, [1, "x"], null, new Map(), new TypeError("t"), new Date(0));
    return new Response("logged");
  },
};
)js";

const QByteArray kThrower = R"js(
class QuotaError extends Error {}
export default {
  fetch(request) {
    const kind = new URL(request.url).pathname.slice(1);
    if (kind === "type") throw new TypeError("bad type");
    if (kind === "range") throw new RangeError("bad range");
    if (kind === "eval") throw new EvalError("bad eval");
    throw new QuotaError("over quota");
  },
};
)js";

const QByteArray kOutbound = R"js(
export default {
  fetch(request, env) {
    return new Response(`outbound: ${request.url} customer=${typeof env.customer}`);
  },
};
)js";

// The URL's slashes are escaped: moc reads two slashes in a raw string as a comment.
const QByteArray kProxy = R"js(
export default {
  async fetch() {
    return new Response(await (await fetch("https:\/\/api.example.com/x")).text());
  },
};
)js";

// Keeps every batch of events it gets, as JSON, under a key of its own name ("%1").
const char kTailer[] = R"js(
export default {
  async tail(events, env) {
    await env.LOG.put("%1:" + Date.now() + ":" + Math.random(), JSON.stringify(events));
  },
};
)js";

QByteArray tailer(const QString &name)
{
    return QString::fromUtf8(kTailer).arg(name).toUtf8();
}

QJsonObject envelope(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

class tst_TailConsumers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_v8 = std::make_unique<engine::V8Platform>(); }
    void cleanupTestCase() { m_v8.reset(); }
    void init();
    void cleanup() { m_stack.stop(); }

    void dispatcherConsumersGetItsUserWorkersEvents();
    void userWorkerConsumersAndNoImplicitOnes();
    void badTailConsumersRefused();
    void exceptionClassesCrossDispatch();
    void outboundWorkerRunsWithoutGetOptions();
    void wranglerConfigNamesConsumers();
    void guiShowsAndSetsConsumers();
    void migrationNamesStoredTailWorkers();

private:
    RawResponse api(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                    const QByteArray &contentType = "application/json")
    {
        return rawRequest(m_stack.adminPort(), method, "127.0.0.1",
                          "/client/v4/accounts/local" + path, body,
                          {{"Authorization", "Bearer " + kToken}, {"Content-Type", contentType}});
    }
    RawResponse get(const QByteArray &host, const QByteArray &target = "/")
    {
        return rawRequest(m_stack.port(), "GET", host, target);
    }
    void putTailer(const QString &name);
    // Every batch the tailers wrote, once every Invocation (tail ones too) has finished.
    QList<std::pair<QString, QJsonArray>> batches();
    QString kvId(const QString &title);

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::DispatchStack m_stack;
};

void tst_TailConsumers::init()
{
    m_stack.adminToken = QString::fromLatin1(kToken);
    const QString started = m_stack.start(*m_v8, kNamespace, kDispatcher, 2);
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QVERIFY(m_stack.service().createKvNamespace(QStringLiteral("LOG")));
}

QString tst_TailConsumers::kvId(const QString &title)
{
    const auto ns = m_stack.service().kvNamespaceByTitle(title);
    return ns ? ns->id : QString();
}

void tst_TailConsumers::putTailer(const QString &name)
{
    const QJsonArray bindings {QJsonObject {{QStringLiteral("type"), "kv_namespace"},
                                            {QStringLiteral("name"), "LOG"},
                                            {QStringLiteral("namespace_id"), kvId("LOG")}}};
    auto put = m_stack.service().putPlatformWorker(name, store::WorkerKind::Tail,
                                                   moduleCode(tailer(name), bindings));
    QVERIFY2(put, qPrintable(put.errorMessage()));
}

QList<std::pair<QString, QJsonArray>> tst_TailConsumers::batches()
{
    // A tail Invocation starts before the Invocation it tails is counted out, so once none is
    // in flight every tail() that will ever run has run.
    auto &dispatcher = m_stack.runtime().dispatcher();
    if (!QTest::qWaitFor([&] { return dispatcher.invocationsInFlight() == 0; }, 20000))
        qWarning("Invocations still in flight");
    QList<std::pair<QString, QJsonArray>> out;
    const QString log = kvId("LOG");
    const auto listed = m_stack.service().kvList(log);
    for (const auto &key : listed->keys)
        out.append(
                {key.name.section(u':', 0, 0),
                 QJsonDocument::fromJson(m_stack.service().kvGet(log, key.name)->value).array()});
    return out;
}

void tst_TailConsumers::dispatcherConsumersGetItsUserWorkersEvents()
{
    putTailer(QStringLiteral("tailer"));
    QVERIFY(m_stack.putUserWorker(QStringLiteral("logger"), kLogger).isEmpty());
    // Named in a settings PATCH, as wrangler and the SDK set them.
    const RawResponse patched = api("PATCH", "/workers/scripts/dispatcher/settings",
                                    "{\"tail_consumers\": [{\"service\": \"tailer\"}]}");
    QCOMPARE(patched.status, 200);
    const QJsonArray expected {QJsonObject {{QStringLiteral("service"), "tailer"}}};
    QCOMPARE(envelope(patched).value(u"result").toObject().value(u"tail_consumers").toArray(),
             expected);
    const RawResponse settings = api("GET", "/workers/scripts/dispatcher/settings");
    QCOMPARE(envelope(settings).value(u"result").toObject().value(u"tail_consumers").toArray(),
             expected);

    QCOMPARE(get("logger.localhost").body, QByteArray("logged"));
    const auto seen = batches();
    QCOMPARE(seen.size(), 1); // one tail() call for the dispatcher and the user Worker it ran
    QCOMPARE(seen.at(0).first, QStringLiteral("tailer"));
    const QJsonArray events = seen.at(0).second;
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).toObject().value(u"scriptName").toString(), QStringLiteral("dispatcher"));
    const QJsonObject user = events.at(1).toObject();
    QCOMPARE(user.value(u"scriptName").toString(), QStringLiteral("logger"));
    QCOMPARE(user.value(u"dispatchNamespace").toString(), kNamespace);
    const QJsonArray logs = user.value(u"logs").toArray();
    QCOMPARE(logs.size(), 2);
    QCOMPARE(logs.at(0).toObject().value(u"message").toArray(),
             QJsonDocument::fromJson("[\"hello\", 42, {\"a\": 1}]").array());
    QCOMPARE(logs.at(1).toObject().value(u"level").toString(), QStringLiteral("warn"));
    QCOMPARE(logs.at(1).toObject().value(u"message").toArray(),
             QJsonDocument::fromJson("[null, \"10\", [1, \"x\"], null, \"[object Map]\", "
                                     "\"TypeError: t\", \"1970-01-01T00:00:00.000Z\"]")
                     .array());

    // The same TraceItem as the admin API hands out the value the tail Worker stored.
    const RawResponse listed
            = api("GET", "/storage/kv/namespaces/" + kvId("LOG").toLatin1() + "/keys");
    const QString key = envelope(listed)
                                .value(u"result")
                                .toArray()
                                .at(0)
                                .toObject()
                                .value(u"name")
                                .toString();
    const RawResponse value = api("GET",
                                  "/storage/kv/namespaces/" + kvId("LOG").toLatin1() + "/values/"
                                          + QUrl::toPercentEncoding(key));
    QCOMPARE(QJsonDocument::fromJson(value.body)
                     .array()
                     .at(1)
                     .toObject()
                     .value(u"logs")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"message")
                     .toArray(),
             QJsonDocument::fromJson("[\"hello\", 42, {\"a\": 1}]").array());

    // Cleared again (null, as clients send for none): nothing is tailed.
    QCOMPARE(api("PATCH", "/workers/scripts/dispatcher/settings", "{\"tail_consumers\": null}")
                     .status,
             200);
    QVERIFY(m_stack.service()
                    .platformWorker(QStringLiteral("dispatcher"))
                    ->code.tailConsumers.isEmpty());
    QCOMPARE(get("logger.localhost").status, 200);
    QCOMPARE(batches().size(), 1);
}

void tst_TailConsumers::userWorkerConsumersAndNoImplicitOnes()
{
    // Two tail Workers: "own" is named by one user Worker, "idle" by nobody.
    putTailer(QStringLiteral("own"));
    putTailer(QStringLiteral("idle"));
    const QByteArray boundary = "----tails";
    const QByteArray upload = "--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
              "{\"main_module\": \"index.js\", \"tail_consumers\": [{\"service\": \"own\"}]}"
              "\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
              "Content-Type: application/javascript+module\r\n\r\n"
            + kLogger + "\r\n--" + boundary + "--\r\n";
    const RawResponse put = api("PUT", "/workers/dispatch/namespaces/production/scripts/owned",
                                upload, "multipart/form-data; boundary=" + boundary);
    QCOMPARE(put.status, 200);
    const RawResponse settings
            = api("GET", "/workers/dispatch/namespaces/production/scripts/owned/settings");
    QCOMPARE(envelope(settings).value(u"result").toObject().value(u"tail_consumers").toArray(),
             (QJsonArray {QJsonObject {{QStringLiteral("service"), "own"}}}));
    QVERIFY(m_stack.putUserWorker(QStringLiteral("plain"), kLogger).isEmpty());

    QCOMPARE(get("plain.localhost").status, 200);
    QCOMPARE(get("owned.localhost").status, 200);
    const auto seen = batches();
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen.at(0).first, QStringLiteral("own"));
    QCOMPARE(seen.at(0).second.size(), 1); // its own event only, not its dispatcher's
    QCOMPARE(seen.at(0).second.at(0).toObject().value(u"scriptName").toString(),
             QStringLiteral("owned"));

    // Named by both the dispatcher and the user Worker: the event arrives once, in the batch.
    QCOMPARE(api("PATCH", "/workers/scripts/dispatcher/settings",
                 "{\"tail_consumers\": [{\"service\": \"own\"}]}")
                     .status,
             200);
    QCOMPARE(get("owned.localhost").status, 200);
    const auto after = batches();
    QCOMPARE(after.size(), 2);
    int batched = 0;
    for (const auto &[name, events] : after) {
        QCOMPARE(name, QStringLiteral("own"));
        if (events.size() == 2)
            ++batched;
    }
    QCOMPARE(batched, 1);
}

void tst_TailConsumers::badTailConsumersRefused()
{
    const RawResponse notArray = api("PATCH", "/workers/scripts/dispatcher/settings",
                                     "{\"tail_consumers\": {\"service\": \"x\"}}");
    QCOMPARE(notArray.status, 400);
    QCOMPARE(envelope(notArray).value(u"errors").toArray().at(0).toObject().value(u"code").toInt(),
             10026);
    const RawResponse noService = api("PATCH", "/workers/scripts/dispatcher/settings",
                                      "{\"tail_consumers\": [{\"environment\": \"x\"}]}");
    QCOMPARE(noService.status, 400);
    QVERIFY(envelope(noService)
                    .value(u"errors")
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(u"message")
                    .toString()
                    .contains(QStringLiteral("tail_consumers[0].service")));
    QVERIFY(m_stack.service()
                    .platformWorker(QStringLiteral("dispatcher"))
                    ->code.tailConsumers.isEmpty());
    // A consumer that is not installed yet is accepted, as Cloudflare does; it gets events once
    // it is.
    QCOMPARE(api("PATCH", "/workers/scripts/dispatcher/settings",
                 "{\"tail_consumers\": [{\"service\": \"later\"}]}")
                     .status,
             200);
    QVERIFY(m_stack.putUserWorker(QStringLiteral("logger"), kLogger).isEmpty());
    QCOMPARE(get("logger.localhost").status, 200);
    QCOMPARE(batches().size(), 0);
    putTailer(QStringLiteral("later"));
    QCOMPARE(get("logger.localhost").status, 200);
    QCOMPARE(batches().size(), 1);
}

void tst_TailConsumers::exceptionClassesCrossDispatch()
{
    QVERIFY(m_stack.putUserWorker(QStringLiteral("thrower"), kThrower).isEmpty());
    QCOMPARE(get("thrower.localhost", "/type").body,
             QByteArray("TypeError|bad type|true|false|false"));
    QCOMPARE(get("thrower.localhost", "/range").body,
             QByteArray("RangeError|bad range|false|true|false"));
    QCOMPARE(get("thrower.localhost", "/eval").body,
             QByteArray("EvalError|bad eval|false|false|true"));
    // A class of the Worker's own arrives as an Error with its message, as in workerd.
    QCOMPARE(get("thrower.localhost", "/quota").body,
             QByteArray("Error|over quota|false|false|false"));

    // Uncaught in the dispatcher too: both TraceItems name the class.
    QVERIFY(QTest::qWaitFor(
            [&] { return m_stack.runtime().dispatcher().invocationsInFlight() == 0; }, 20000));
    testing::TraceLog traces(m_stack.service());
    const RawResponse r = get("thrower.localhost", "/type?rethrow");
    QCOMPARE(r.status, 500);
    QCOMPARE(r.body, QByteArray("Error 1101: Worker threw exception: TypeError: bad type\n"));
    QTRY_COMPARE_WITH_TIMEOUT(traces.size(), 2, 20000);
    for (const store::TraceRecord &trace : traces.traces()) {
        QCOMPARE(trace.outcome, QStringLiteral("exception"));
        QCOMPARE(trace.exceptions.at(0).toObject().value(u"name").toString(),
                 QStringLiteral("TypeError"));
        QCOMPARE(trace.exceptions.at(0).toObject().value(u"message").toString(),
                 QStringLiteral("bad type"));
    }
}

void tst_TailConsumers::outboundWorkerRunsWithoutGetOptions()
{
    // Cloudflare: the outbound Worker configured on the binding runs for every fetch() of the
    // user Workers it reaches, whether or not get() passed parameters; undeclared or unpassed
    // parameters are undefined.
    const QJsonObject outbound {
            {QStringLiteral("worker"), QJsonObject {{QStringLiteral("service"), "outbound"}}},
            {QStringLiteral("params"),
             QJsonArray {QJsonObject {{QStringLiteral("name"), "customer"}}}}};
    const QJsonArray bindings {QJsonObject {{QStringLiteral("type"), "dispatch_namespace"},
                                            {QStringLiteral("name"), "DISPATCHER"},
                                            {QStringLiteral("namespace"), kNamespace},
                                            {QStringLiteral("outbound"), outbound}}};
    auto &service = m_stack.service();
    QVERIFY(service.putPlatformWorker(QStringLiteral("dispatcher"), store::WorkerKind::Dispatcher,
                                      moduleCode(kDispatcher, bindings)));
    QVERIFY(service.putPlatformWorker(QStringLiteral("outbound"), store::WorkerKind::Outbound,
                                      moduleCode(kOutbound)));
    QVERIFY(m_stack.putUserWorker(QStringLiteral("proxy"), kProxy).isEmpty());
    QCOMPARE(get("proxy.localhost").body,
             QByteArray("outbound: https://api.example.com/x customer=undefined"));
}

void tst_TailConsumers::wranglerConfigNamesConsumers()
{
    QTemporaryDir dir;
    QFile main(dir.filePath(QStringLiteral("index.js")));
    QVERIFY(main.open(QIODevice::WriteOnly));
    main.write(kDispatcher);
    main.close();
    QFile toml(dir.filePath(QStringLiteral("wrangler.toml")));
    QVERIFY(toml.open(QIODevice::WriteOnly));
    toml.write("name = \"edge\"\nmain = \"index.js\"\n"
               "[[dispatch_namespaces]]\nbinding = \"DISPATCHER\"\nnamespace = \"production\"\n"
               "[[tail_consumers]]\nservice = \"tailer\"\n");
    toml.close();
    const auto config = platform::readWranglerConfig(toml.fileName());
    QVERIFY2(config.config, qPrintable(config.error));
    putTailer(QStringLiteral("tailer"));
    const auto installed = platform::installDispatcher(m_stack.service(), *config.config);
    QVERIFY2(installed, qPrintable(installed.errorMessage()));
    QCOMPARE(m_stack.service().platformWorker(QStringLiteral("edge"))->code.tailConsumers,
             (QJsonArray {QJsonObject {{QStringLiteral("service"), "tailer"}}}));
    QVERIFY(m_stack.putUserWorker(QStringLiteral("logger"), kLogger).isEmpty());
    QCOMPARE(get("logger.localhost").status, 200);
    const auto seen = batches();
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen.at(0).second.at(0).toObject().value(u"scriptName").toString(),
             QStringLiteral("edge"));
}

void tst_TailConsumers::migrationNamesStoredTailWorkers()
{
    // A store written before tail_consumers existed, when every tail Worker received every
    // trace: opening it names them as the dispatcher's consumers, so its traces keep arriving.
    QTemporaryDir dir;
    app::RuntimeStack::Config config;
    config.dataDir = dir.path();
    QString path;
    {
        app::RuntimeStack stack(*m_v8);
        QString error;
        QVERIFY2(stack.start(config, &error), qPrintable(error));
        auto &service = stack.service();
        QVERIFY(service.createNamespace(kNamespace));
        QVERIFY(service.putPlatformWorker(
                QStringLiteral("dispatcher"), store::WorkerKind::Dispatcher,
                moduleCode(kDispatcher,
                           {QJsonObject {{QStringLiteral("type"), "dispatch_namespace"},
                                         {QStringLiteral("name"), "DISPATCHER"},
                                         {QStringLiteral("namespace"), kNamespace}}})));
        QVERIFY(service.putPlatformWorker(QStringLiteral("tailer"), store::WorkerKind::Tail,
                                          moduleCode(tailer(QStringLiteral("tailer")))));
        QVERIFY(service.putPlatformWorker(QStringLiteral("audit"), store::WorkerKind::Tail,
                                          moduleCode(tailer(QStringLiteral("audit")))));
        path = stack.databasePath();
    }
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("ALTER TABLE scripts DROP COLUMN tail_consumers")));
        QVERIFY(q.exec(QStringLiteral("ALTER TABLE platform_workers DROP COLUMN tail_consumers")));
        // And what the later steps (v5 versions, v6 nodes) added, so all of them run again.
        for (const char *statement :
             {"DROP TABLE worker_deployments", "DROP TABLE worker_version_modules",
              "DROP TABLE worker_versions", "DROP TABLE nodes",
              "ALTER TABLE traces DROP COLUMN node", "ALTER TABLE analytics_rows DROP COLUMN node"})
            QVERIFY2(q.exec(QLatin1String(statement)), statement);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 3")));
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("old"));
    app::RuntimeStack reopened(*m_v8);
    QString error;
    QVERIFY2(reopened.start(config, &error), qPrintable(error));
    QCOMPARE(reopened.service().platformWorker(QStringLiteral("dispatcher"))->code.tailConsumers,
             (QJsonArray {QJsonObject {{QStringLiteral("service"), "audit"}},
                          QJsonObject {{QStringLiteral("service"), "tailer"}}}));
    QVERIFY(reopened.service()
                    .platformWorker(QStringLiteral("tailer"))
                    ->code.tailConsumers.isEmpty());
}

void tst_TailConsumers::guiShowsAndSetsConsumers()
{
    models::PlatformController platform(m_stack.service());
    models::DispatcherController dispatcher;
    dispatcher.setPlatform(&platform);
    QCOMPARE(dispatcher.tailConsumers(), QStringList());
    QCOMPARE(dispatcher.tailConsumersText(), QString());
    putTailer(QStringLiteral("tailer"));
    // What the admin API sets, the Dispatcher view shows at once.
    QCOMPARE(api("PATCH", "/workers/scripts/dispatcher/settings",
                 "{\"tail_consumers\": [{\"service\": \"tailer\"}, {\"service\": \"later\"}]}")
                     .status,
             200);
    QCOMPARE(dispatcher.tailConsumers(), (QStringList {"tailer", "later"}));
    QCOMPARE(dispatcher.tailConsumersText(), QStringLiteral("tailer, later (not installed)"));
    // And what the view sets, the API shows.
    QCOMPARE(dispatcher.setTailConsumers(QStringLiteral(" tailer,  audit ")), QString());
    QCOMPARE(envelope(api("GET", "/workers/scripts/dispatcher/settings"))
                     .value(u"result")
                     .toObject()
                     .value(u"tail_consumers")
                     .toArray(),
             (QJsonArray {QJsonObject {{QStringLiteral("service"), "tailer"}},
                          QJsonObject {{QStringLiteral("service"), "audit"}}}));
    QVERIFY(!dispatcher.setTailConsumers(QStringLiteral("Not A Name")).isEmpty());
    QCOMPARE(dispatcher.setTailConsumers(QString()), QString());
    QCOMPARE(dispatcher.tailConsumers(), QStringList());
}

QTEST_MAIN(tst_TailConsumers)
#include "tst_tailconsumers.moc"
