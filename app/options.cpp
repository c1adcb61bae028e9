#include "options.h"

#include "engine/engine.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

namespace switchyard::app {

std::optional<Endpoint> parseEndpoint(const QString &text, QString *error)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0) {
        *error = QStringLiteral("\"%1\" is not HOST:PORT").arg(text);
        return std::nullopt;
    }
    QString host = text.left(colon);
    const QString portText = text.mid(colon + 1);
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535) {
        *error = QStringLiteral("\"%1\" in \"%2\" is not a port (0-65535)").arg(portText, text);
        return std::nullopt;
    }
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host.isEmpty() || host == u"localhost")
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host)) {
        *error = QStringLiteral("\"%1\" in \"%2\" is not an IP address").arg(host, text);
        return std::nullopt;
    }
    return Endpoint {address, quint16(port)};
}

QString defaultDataDir()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/switchyard");
}

ParseResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Switchyard: Cloudflare Workers for Platforms on your own machine.\n"
            "A dispatch Worker routes every request on --listen to user Workers in dispatch "
            "namespaces, under per-invocation CPU and subrequest limits."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run without a window (no display needed)."));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Dispatch listener address (default "
                                                   "127.0.0.1:8787)."),
                                    QStringLiteral("host:port"));
    const QCommandLineOption admin(QStringLiteral("admin"),
                                   QStringLiteral("Admin API address (default 127.0.0.1:8788)."),
                                   QStringLiteral("host:port"));
    const QCommandLineOption adminToken(QStringLiteral("admin-token"),
                                        QStringLiteral("Bearer token the admin API accepts "
                                                       "(default: generated into the data dir)."),
                                        QStringLiteral("token"));
    const QCommandLineOption dataDir(
            QStringLiteral("data-dir"),
            QStringLiteral("Where the database lives (default %1).").arg(defaultDataDir()),
            QStringLiteral("dir"));
    const QCommandLineOption storeUrl(
            QStringLiteral("store"),
            QStringLiteral("The store: sqlite:///path/file.db, or "
                           "postgresql://user:password@host:port/dbname for a PostgreSQL database "
                           "several nodes share (default: switchyard.db in the data dir). Without "
                           "a password in the URL, PostgreSQL's PGPASSWORD or ~/.pgpass is used."),
            QStringLiteral("url"));
    const QCommandLineOption nodeName(
            QStringLiteral("node-name"),
            QStringLiteral("This node's name among the nodes sharing a store: in the nodes "
                           "table, and on every trace and data point it writes (default: the "
                           "host name)."),
            QStringLiteral("name"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Seed the demo platform into an empty store."));
    const QCommandLineOption dispatcher(QStringLiteral("dispatcher"),
                                        QStringLiteral("Install the dispatch Worker described by "
                                                       "this wrangler.jsonc, .json or .toml."),
                                        QStringLiteral("path"));
    const QCommandLineOption shutdownGrace(
            QStringLiteral("shutdown-grace-ms"),
            QStringLiteral("On SIGTERM, SIGINT or when the window closes: stop accepting, then "
                           "wait this long for requests in flight and their waitUntil() work "
                           "before traces and data points are written and the store is closed "
                           "(default %1; a second signal stops at once).")
                    .arg(Options {}.shutdownGraceMs),
            QStringLiteral("ms"));
    const QCommandLineOption allowPrivateOutbound(
            QStringLiteral("allow-private-outbound"),
            QStringLiteral("Let Workers' fetch() reach loopback, private and link-local "
                           "addresses (default: only public addresses and the dispatch "
                           "listener; the admin API is never reachable)."));
    const http::ListenerLimits limits;
    const QCommandLineOption maxConnections(
            QStringLiteral("max-connections"),
            QStringLiteral("Open connections per listener (default %1, and at most half the open "
                           "file limit); past it the longest-idle keep-alive connection is "
                           "closed, else the new one.")
                    .arg(limits.maxConnections),
            QStringLiteral("n"));
    const QCommandLineOption headerTimeout(
            QStringLiteral("header-timeout-ms"),
            QStringLiteral("A request head must arrive within this (default %1; 408 if part of it "
                           "came).")
                    .arg(limits.headerTimeout.count()),
            QStringLiteral("ms"));
    const QCommandLineOption bodyTimeout(
            QStringLiteral("body-timeout-ms"),
            QStringLiteral("Longest pause between two reads of a request body (default %1; 408).")
                    .arg(limits.bodyTimeout.count()),
            QStringLiteral("ms"));
    const QCommandLineOption idleTimeout(
            QStringLiteral("idle-timeout-ms"),
            QStringLiteral("A keep-alive connection with no request for this long is closed "
                           "(default %1).")
                    .arg(limits.idleTimeout.count()),
            QStringLiteral("ms"));
    const QCommandLineOption memoryBudget(
            QStringLiteral("memory-budget"),
            QStringLiteral("Memory Worker Instances may hold; past it the least recently used "
                           "idle ones are evicted and start again on their next request (default "
                           "a quarter of physical memory, %1 MiB here).")
                    .arg(engine::defaultMemoryBudgetBytes() >> 20),
            QStringLiteral("MiB"));
    const QCommandLineOption instanceIdleTimeout(
            QStringLiteral("instance-idle-timeout"),
            QStringLiteral("A Worker Instance with no request, timer or waitUntil() work for this "
                           "long is evicted (default %1; 0: only for the memory budget).")
                    .arg(Options {}.instanceIdleTimeoutSeconds),
            QStringLiteral("seconds"));
    const QCommandLineOption cacheSize(
            QStringLiteral("cache-size-mb"),
            QStringLiteral("Bound of the Cache API's store, <data dir>/cache.db (default %1); "
                           "past it the least recently used entries are evicted.")
                    .arg(Options {}.cacheSizeMb),
            QStringLiteral("MB"));
    const QCommandLineOption theme(
            QStringLiteral("theme"),
            QStringLiteral("The window's look for this run: system, light or dark (default: the "
                           "choice made in the window, else the system's)."),
            QStringLiteral("mode"));
    parser.addPositionalArgument(
            QStringLiteral("command"),
            QStringLiteral("export DIR: write the platform in the store (--data-dir or --store) "
                           "into DIR, a folder wrangler deploys from, and exit. import DIR: read "
                           "such a folder into --data-dir, which must hold no store yet, and "
                           "exit."),
            QStringLiteral("[export|import DIR]"));
    parser.addOptions({help,
                       version,
                       headless,
                       listen,
                       admin,
                       adminToken,
                       dataDir,
                       storeUrl,
                       nodeName,
                       demo,
                       dispatcher,
                       shutdownGrace,
                       allowPrivateOutbound,
                       maxConnections,
                       headerTimeout,
                       bodyTimeout,
                       idleTimeout,
                       memoryBudget,
                       instanceIdleTimeout,
                       cacheSize,
                       theme});

    ParseResult result;
    if (!parser.parse(arguments)) {
        result.action = ParseResult::Action::Fail;
        result.text = parser.errorText();
        return result;
    }
    const QStringList positional = parser.positionalArguments();
    const bool transfer = !positional.isEmpty()
            && (positional.constFirst() == u"export" || positional.constFirst() == u"import");
    if (!positional.isEmpty() && (!transfer || positional.size() > 2)) {
        result.action = ParseResult::Action::Fail;
        result.text = QStringLiteral("Unexpected argument \"%1\"")
                              .arg(positional.value(transfer ? 2 : 0));
        return result;
    }
    if (transfer && positional.size() < 2) {
        result.action = ParseResult::Action::Fail;
        result.text = QStringLiteral("%1 needs a folder: switchyard %1 DIR")
                              .arg(positional.constFirst());
        return result;
    }
    if (transfer) {
        result.options.command = positional.constFirst() == u"export" ? Options::Command::Export
                                                                      : Options::Command::Import;
        result.options.transferDir = positional.at(1);
    }
    if (parser.isSet(help)) {
        result.action = ParseResult::Action::ShowHelp;
        // Without a QCoreApplication Qt cannot name the program; the binary is always switchyard.
        result.text = parser.helpText().replace(QStringLiteral("<executable_name>"),
                                                QStringLiteral("switchyard"));
        return result;
    }
    if (parser.isSet(version)) {
        result.action = ParseResult::Action::ShowVersion;
        result.text = QStringLiteral("switchyard %1\n").arg(QStringLiteral(SWITCHYARD_VERSION));
        return result;
    }

    Options &o = result.options;
    o.headless = parser.isSet(headless);
    o.demo = parser.isSet(demo);
    o.adminToken = parser.value(adminToken);
    o.dispatcherConfig = parser.value(dispatcher);
    o.dataDir = parser.isSet(dataDir) ? parser.value(dataDir) : defaultDataDir();
    o.allowPrivateOutbound = parser.isSet(allowPrivateOutbound);
    if (parser.isSet(theme)) {
        o.theme = parser.value(theme);
        if (o.theme != QLatin1String("system") && o.theme != QLatin1String("light")
            && o.theme != QLatin1String("dark")) {
            result.action = ParseResult::Action::Fail;
            result.text = QStringLiteral("--theme must be system, light or dark, not \"%1\"")
                                  .arg(o.theme);
            return result;
        }
    }
    if (parser.isSet(nodeName)) {
        o.nodeName = parser.value(nodeName).trimmed();
        if (o.nodeName.isEmpty() || o.nodeName.size() > 253) {
            result.action = ParseResult::Action::Fail;
            result.text = QStringLiteral("--node-name: a name of 1 to 253 characters is needed");
            return result;
        }
    }
    if (parser.isSet(storeUrl)) {
        QString error;
        o.store = store::StoreLocation::parse(parser.value(storeUrl), &error);
        if (!o.store) {
            result.action = ParseResult::Action::Fail;
            result.text = error;
            return result;
        }
    }
    // Whole numbers from `least` up: a zero cap or timeout would refuse every request, while a
    // zero grace period is a valid "do not wait".
    auto number = [&](const QCommandLineOption &option, const char *unit, int least, auto apply) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (ok && value >= least) {
            apply(value);
            return true;
        }
        result.action = ParseResult::Action::Fail;
        result.text = QStringLiteral("--%1: \"%2\" is not a number of %3 (%4 or more)")
                              .arg(option.names().constFirst(), parser.value(option),
                                   QLatin1String(unit))
                              .arg(least);
        return false;
    };
    using ms = std::chrono::milliseconds;
    http::ListenerLimits &l = o.listenerLimits;
    if (!number(shutdownGrace, "milliseconds", 0, [&](int v) { o.shutdownGraceMs = v; })
        || !number(maxConnections, "connections", 1, [&](int v) { l.maxConnections = v; })
        || !number(headerTimeout, "milliseconds", 1, [&](int v) { l.headerTimeout = ms(v); })
        || !number(bodyTimeout, "milliseconds", 1, [&](int v) { l.bodyTimeout = ms(v); })
        || !number(idleTimeout, "milliseconds", 1, [&](int v) { l.idleTimeout = ms(v); })
        || !number(memoryBudget, "MiB", 1, [&](int v) { o.memoryBudgetMiB = v; })
        || !number(instanceIdleTimeout, "seconds", 0,
                   [&](int v) { o.instanceIdleTimeoutSeconds = v; })
        || !number(cacheSize, "megabytes", 1, [&](int v) { o.cacheSizeMb = v; }))
        return result;
    for (const auto &[option, target] :
         {std::pair {&listen, &o.listen}, std::pair {&admin, &o.admin}}) {
        if (!parser.isSet(*option))
            continue;
        QString error;
        const auto endpoint = parseEndpoint(parser.value(*option), &error);
        if (!endpoint) {
            result.action = ParseResult::Action::Fail;
            result.text = QStringLiteral("--%1: %2").arg(option->names().constFirst(), error);
            return result;
        }
        *target = *endpoint;
    }
    return result;
}

} // namespace switchyard::app
