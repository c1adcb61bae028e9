#pragma once

#include "http/requestguard.h"
#include "store/storelocation.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::app {

struct Endpoint
{
    QHostAddress address;
    quint16 port = 0;
};

// Everything the command line can say. Defaults are what `switchyard` with no options does.
struct Options
{
    // `switchyard export DIR` / `switchyard import DIR`: write the platform the store holds into
    // a folder wrangler deploys from, or read one into a new data dir; Run: serve.
    enum class Command { Run, Export, Import };
    Command command = Command::Run;
    QString transferDir; // the folder of export and import
    bool headless = false;
    Endpoint listen {QHostAddress::LocalHost, 8787};
    Endpoint admin {QHostAddress::LocalHost, 8788};
    QString adminToken;
    QString dataDir;
    // --store: std::nullopt is the SQLite file in dataDir.
    std::optional<store::StoreLocation> store;
    // --node-name: empty is the host name.
    QString nodeName;
    bool demo = false;
    QString dispatcherConfig;
    // How long SIGTERM, SIGINT or closing the window waits for requests in flight and their
    // waitUntil() work before the store is closed.
    int shutdownGraceMs = 30000;
    // Workers' fetch() may reach loopback and private networks (the admin API never).
    bool allowPrivateOutbound = false;
    // Connection cap and timeouts of both listeners (dispatch and admin).
    http::ListenerLimits listenerLimits;
    // Idle Worker Instances are evicted, least recently used first, to keep their memory under
    // this. 0: a quarter of the physical memory.
    qint64 memoryBudgetMiB = 0;
    // An Instance with nothing in flight for this long is evicted. 0: never for idling alone.
    int instanceIdleTimeoutSeconds = 300;
    // The Cache API's bound on disk (<data dir>/cache.db), least recently used entries go first.
    int cacheSizeMb = 256;
    // The window's look for this run: "system", "light" or "dark"; empty: the choice kept from
    // the window's last run, else the system's.
    QString theme;
};

struct ParseResult
{
    enum class Action { Run, ShowHelp, ShowVersion, Fail };
    Action action = Action::Run;
    Options options;
    QString text; // help or version text, or the error
};

// Parses `arguments` (argv including the program name). Pure: prints nothing, exits nothing.
ParseResult parseCommandLine(const QStringList &arguments);

// "HOST:PORT", "[::1]:PORT" or ":PORT"; port 0 lets the OS pick.
std::optional<Endpoint> parseEndpoint(const QString &text, QString *error);

QString defaultDataDir();

} // namespace switchyard::app
