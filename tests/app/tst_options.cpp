#include "options.h"

#include <QTest>

using namespace switchyard::app;
using Action = ParseResult::Action;

class tst_Options : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void parse_data();
    void parse();
    void endpoint_data();
    void endpoint();
    void instanceMemoryOptions();
    void store_data();
    void store();
    void nodeName();
};

void tst_Options::defaults()
{
    const auto r = parseCommandLine({QStringLiteral("switchyard")});
    QCOMPARE(r.action, Action::Run);
    QCOMPARE(r.options.headless, false);
    QCOMPARE(r.options.listen.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(r.options.listen.port, 8787);
    QCOMPARE(r.options.admin.port, 8788);
    QVERIFY(r.options.dataDir.endsWith(QStringLiteral("switchyard")));
}

void tst_Options::parse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<Action>("action");
    QTest::addColumn<QString>("check"); // a field=value pair, or text the output must contain

    QTest::newRow("help") << QStringList {"--help"} << Action::ShowHelp << "--dispatcher";
    QTest::newRow("help lists listen") << QStringList {"-h"} << Action::ShowHelp << "--listen";
    QTest::newRow("version") << QStringList {"--version"} << Action::ShowVersion
                             << "switchyard " SWITCHYARD_VERSION;
    QTest::newRow("headless") << QStringList {"--headless"} << Action::Run << "headless=1";
    QTest::newRow("listen") << QStringList {"--listen", "127.0.0.1:9000"} << Action::Run
                            << "listen=127.0.0.1:9000";
    QTest::newRow("listen ipv6") << QStringList {"--listen", "[::1]:0"} << Action::Run
                                 << "listen=::1:0";
    QTest::newRow("data dir") << QStringList {"--data-dir", "/tmp/x"} << Action::Run
                              << "dataDir=/tmp/x";
    QTest::newRow("demo") << QStringList {"--demo"} << Action::Run << "demo=1";
    QTest::newRow("bad port") << QStringList {"--listen", "127.0.0.1:99999"} << Action::Fail
                              << "--listen: \"99999\" in \"127.0.0.1:99999\" is not a port";
    QTest::newRow("bad host") << QStringList {"--admin", "nohost:80"} << Action::Fail
                              << "--admin: \"nohost\" in \"nohost:80\" is not an IP address";
    QTest::newRow("no colon") << QStringList {"--listen", "8787"} << Action::Fail
                              << "is not HOST:PORT";
    QTest::newRow("unknown") << QStringList {"--frobnicate"} << Action::Fail
                             << "Unknown option 'frobnicate'";
    QTest::newRow("positional") << QStringList {"extra"} << Action::Fail
                                << "Unexpected argument \"extra\"";
    QTest::newRow("export") << QStringList {"export", "out", "--data-dir", "/tmp/x"} << Action::Run
                            << "export=out";
    QTest::newRow("import") << QStringList {"--data-dir", "/tmp/y", "import", "in"} << Action::Run
                            << "import=in";
    QTest::newRow("export without a folder")
            << QStringList {"export"} << Action::Fail << "export needs a folder";
    QTest::newRow("import with two folders")
            << QStringList {"import", "a", "b"} << Action::Fail << "Unexpected argument \"b\"";
    QTest::newRow("help lists export")
            << QStringList {"--help"} << Action::ShowHelp << "export DIR";
    QTest::newRow("help lists timeouts")
            << QStringList {"--help"} << Action::ShowHelp << "--header-timeout-ms <ms>";
    QTest::newRow("max connections")
            << QStringList {"--max-connections", "64"} << Action::Run << "maxConnections=64";
    QTest::newRow("header timeout")
            << QStringList {"--header-timeout-ms", "1500"} << Action::Run << "headerTimeout=1500";
    QTest::newRow("body timeout") << QStringList {"--body-timeout-ms", "2500"} << Action::Run
                                  << "bodyTimeout=2500";
    QTest::newRow("idle timeout") << QStringList {"--idle-timeout-ms", "3500"} << Action::Run
                                  << "idleTimeout=3500";
    QTest::newRow("zero connections")
            << QStringList {"--max-connections", "0"} << Action::Fail
            << "--max-connections: \"0\" is not a number of connections (1 or more)";
    QTest::newRow("timeout not a number")
            << QStringList {"--idle-timeout-ms", "soon"} << Action::Fail
            << "--idle-timeout-ms: \"soon\" is not a number of milliseconds (1 or more)";
    QTest::newRow("cache size") << QStringList {"--cache-size-mb", "64"} << Action::Run
                                << "cacheSizeMb=64";
    QTest::newRow("cache size zero")
            << QStringList {"--cache-size-mb", "0"} << Action::Fail
            << "--cache-size-mb: \"0\" is not a number of megabytes (1 or more)";
    QTest::newRow("missing value")
            << QStringList {"--listen"} << Action::Fail << "Missing value after '--listen'";
    QTest::newRow("theme dark") << QStringList {"--theme", "dark"} << Action::Run << "theme=dark";
    QTest::newRow("theme default") << QStringList {} << Action::Run << "theme=";
    QTest::newRow("theme unknown") << QStringList {"--theme", "sepia"} << Action::Fail
                                   << "--theme must be system, light or dark, not \"sepia\"";
}

void tst_Options::parse()
{
    QFETCH(QStringList, args);
    QFETCH(Action, action);
    QFETCH(QString, check);
    args.prepend(QStringLiteral("switchyard"));
    const auto r = parseCommandLine(args);
    QCOMPARE(r.action, action);
    if (action != Action::Run) {
        QVERIFY2(r.text.contains(check), qPrintable(r.text));
        return;
    }
    const auto &o = r.options;
    const QString field = check.section(u'=', 0, 0), value = check.section(u'=', 1);
    if (field == u"headless")
        QCOMPARE(o.headless, value == u"1");
    else if (field == u"demo")
        QCOMPARE(o.demo, value == u"1");
    else if (field == u"dataDir")
        QCOMPARE(o.dataDir, value);
    else if (field == u"listen")
        QCOMPARE(QStringLiteral("%1:%2").arg(o.listen.address.toString()).arg(o.listen.port),
                 value);
    else if (field == u"maxConnections")
        QCOMPARE(o.listenerLimits.maxConnections, value.toInt());
    else if (field == u"headerTimeout")
        QCOMPARE(o.listenerLimits.headerTimeout.count(), value.toInt());
    else if (field == u"bodyTimeout")
        QCOMPARE(o.listenerLimits.bodyTimeout.count(), value.toInt());
    else if (field == u"idleTimeout")
        QCOMPARE(o.listenerLimits.idleTimeout.count(), value.toInt());
    else if (field == u"cacheSizeMb")
        QCOMPARE(o.cacheSizeMb, value.toInt());
    else if (field == u"theme")
        QCOMPARE(o.theme, value);
    else if (field == u"export" || field == u"import") {
        QCOMPARE(o.command,
                 field == u"export" ? Options::Command::Export : Options::Command::Import);
        QCOMPARE(o.transferDir, value);
    } else
        QFAIL("unknown check");
}

void tst_Options::endpoint_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::newRow("ipv4") << "127.0.0.1:8787" << true << "127.0.0.1" << 8787;
    QTest::newRow("localhost") << "localhost:1" << true << "127.0.0.1" << 1;
    QTest::newRow("empty host") << ":80" << true << "127.0.0.1" << 80;
    QTest::newRow("any") << "0.0.0.0:80" << true << "0.0.0.0" << 80;
    QTest::newRow("ipv6") << "[::1]:443" << true << "::1" << 443;
    QTest::newRow("port text") << "1.2.3.4:http" << false << "" << 0;
    QTest::newRow("negative") << "1.2.3.4:-1" << false << "" << 0;
    QTest::newRow("empty") << "" << false << "" << 0;
}

void tst_Options::endpoint()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, address);
    QFETCH(int, port);
    QString error;
    const auto e = parseEndpoint(text, &error);
    QCOMPARE(e.has_value(), ok);
    if (!ok) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QCOMPARE(e->address.toString(), address);
    QCOMPARE(int(e->port), port);
}

void tst_Options::instanceMemoryOptions()
{
    const auto defaults = parseCommandLine({QStringLiteral("switchyard")});
    QCOMPARE(defaults.options.memoryBudgetMiB, 0); // a quarter of physical memory
    QCOMPARE(defaults.options.instanceIdleTimeoutSeconds, 300);

    const auto set = parseCommandLine(
            {QStringLiteral("switchyard"), QStringLiteral("--memory-budget"), QStringLiteral("512"),
             QStringLiteral("--instance-idle-timeout"), QStringLiteral("0")});
    QCOMPARE(set.action, Action::Run);
    QCOMPARE(set.options.memoryBudgetMiB, 512);
    QCOMPARE(set.options.instanceIdleTimeoutSeconds, 0);

    const auto zero = parseCommandLine(
            {QStringLiteral("switchyard"), QStringLiteral("--memory-budget"), QStringLiteral("0")});
    QCOMPARE(zero.action, Action::Fail);
    QCOMPARE(zero.text,
             QStringLiteral("--memory-budget: \"0\" is not a number of MiB (1 or more)"));
    const auto negative
            = parseCommandLine({QStringLiteral("switchyard"),
                                QStringLiteral("--instance-idle-timeout"), QStringLiteral("-5")});
    QCOMPARE(negative.action, Action::Fail);
    QVERIFY2(negative.text.contains(QStringLiteral("(0 or more)")), qPrintable(negative.text));

    const auto help = parseCommandLine({QStringLiteral("switchyard"), QStringLiteral("--help")});
    QVERIFY(help.text.contains(QStringLiteral("--memory-budget <MiB>")));
    QVERIFY(help.text.contains(QStringLiteral("--instance-idle-timeout <seconds>")));
}

void tst_Options::store_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("display"); // where the store is; empty: refused
    QTest::addColumn<QString>("error");
    QTest::newRow("default") << QStringList {} << QString() << QString();
    QTest::newRow("sqlite") << QStringList {"--store", "sqlite:///srv/sy/platform.db"}
                            << "/srv/sy/platform.db" << QString();
    QTest::newRow("postgresql") << QStringList {"--store",
                                                "postgresql://sy:hunter2@10.1.2.3:5433/platform"}
                                << "postgresql://sy@10.1.2.3:5433/platform" << QString();
    QTest::newRow("not a url") << QStringList {"--store", "/srv/sy/platform.db"} << QString()
                               << "--store: expected sqlite:///path or postgresql://";
    QTest::newRow("bad postgresql") << QStringList {"--store", "postgresql://sy:hunter2@h/"}
                                    << QString() << "must name one database";
}

void tst_Options::store()
{
    QFETCH(QStringList, args);
    QFETCH(QString, display);
    QFETCH(QString, error);
    args.prepend(QStringLiteral("switchyard"));
    const auto r = parseCommandLine(args);
    if (!error.isEmpty()) {
        QCOMPARE(r.action, Action::Fail);
        QVERIFY2(r.text.contains(error), qPrintable(r.text));
        QVERIFY2(!r.text.contains(QLatin1String("hunter2")), qPrintable(r.text));
        return;
    }
    QCOMPARE(r.action, Action::Run);
    if (display.isEmpty()) {
        QVERIFY(!r.options.store);
        return;
    }
    QVERIFY(r.options.store);
    QCOMPARE(r.options.store->display(), display);
    QVERIFY(!r.options.store->display().contains(QLatin1String("hunter2")));
}

void tst_Options::nodeName()
{
    // Empty by default: the runtime stack then uses the host name.
    QCOMPARE(parseCommandLine({QStringLiteral("switchyard")}).options.nodeName, QString());
    const auto named = parseCommandLine({QStringLiteral("switchyard"),
                                         QStringLiteral("--node-name"), QStringLiteral("edge-1")});
    QCOMPARE(named.action, Action::Run);
    QCOMPARE(named.options.nodeName, QStringLiteral("edge-1"));
    const auto blank = parseCommandLine(
            {QStringLiteral("switchyard"), QStringLiteral("--node-name"), QStringLiteral(" ")});
    QCOMPARE(blank.action, Action::Fail);
    QVERIFY2(blank.text.contains(QLatin1String("--node-name")), qPrintable(blank.text));
}

QTEST_GUILESS_MAIN(tst_Options)
#include "tst_options.moc"
