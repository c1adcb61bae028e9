#include "application.h"
#include "datatransfer.h"
#include "options.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QStringList>

#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const auto parsed = switchyard::app::parseCommandLine(arguments);
    using Action = switchyard::app::ParseResult::Action;
    switch (parsed.action) {
    case Action::ShowHelp:
    case Action::ShowVersion:
        std::fputs(qPrintable(parsed.text), stdout);
        return 0;
    case Action::Fail:
        std::fprintf(stderr, "switchyard: %s\nTry 'switchyard --help'.\n", qPrintable(parsed.text));
        return 2;
    case Action::Run:
        break;
    }

    // Debug output is for whoever asks for it with QT_LOGGING_RULES; by default the app prints
    // only where it listens and what goes wrong.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("switchyard.*.debug=false"));

    if (parsed.options.command != switchyard::app::Options::Command::Run) {
        // The store's drivers and the platform service's timers need an application object.
        QCoreApplication core(argc, argv);
        // The command prints its own summary; the store's migration notes would bury it.
        if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
            QLoggingCategory::setFilterRules(QStringLiteral("switchyard.*.debug=false\n"
                                                            "switchyard.*.info=false"));
        return switchyard::app::runTransferCommand(parsed.options);
    }

    std::unique_ptr<QCoreApplication> qapp;
    if (parsed.options.headless)
        qapp = std::make_unique<QCoreApplication>(argc, argv);
    else {
        qapp = std::make_unique<QGuiApplication>(argc, argv);
        // Lets the desktop match the window to the installed switchyard.desktop and its icon.
        QGuiApplication::setDesktopFileName(QStringLiteral("switchyard"));
    }
    // Threads started from here on (the dispatch front, executors, the store's writer) run Qt's
    // own event dispatcher instead of GLib's: the same poll() with less around it per wake-up,
    // 2-3 % more forwarded requests per second (docs/benchmarks.md). The GUI thread keeps what its
    // platform plugin chose, which GLib-based integrations (GTK themes, dialogs) may need.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication::setApplicationName(QStringLiteral("switchyard"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHYARD_VERSION));

    switchyard::app::Application application(parsed.options);
    if (!application.start())
        return 1;
    // Whatever ended the event loop (a signal, the window, Quit), in-flight work and the store
    // are dealt with before the process exits.
    const int code = qapp->exec();
    application.shutdown();
    return code;
}
