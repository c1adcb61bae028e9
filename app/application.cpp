#include "application.h"

#include "appearance.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"
#include "platform/platformsetup.h"
#include "platform/wranglerconfig.h"
#include "runtimestack.h"
#include "serverstatus.h"
#include "signalwatcher.h"
#include "workbench.h"

#include <QDir>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>

Q_LOGGING_CATEGORY(lcApp, "switchyard.app")
Q_LOGGING_CATEGORY(lcGui, "switchyard.gui")

// The QML modules are static libraries; their plugins must be pulled in by name.
Q_IMPORT_QML_PLUGIN(SwitchyardPlugin)
Q_IMPORT_QML_PLUGIN(Switchyard_ModelsPlugin)

namespace switchyard::app {

Application::Application(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{ }

Application::~Application()
{
    // The window goes before the runtime it shows, the runtime before V8.
    m_signals.reset();
    m_qml.reset();
    m_workbench.reset();
    m_stack.reset();
    m_v8.reset();
}

static QUrl urlOf(const QHostAddress &address, quint16 port)
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(address.toString());
    url.setPort(port);
    url.setPath(QStringLiteral("/"));
    return url;
}

bool Application::start()
{
    QString error;
    m_signals = std::make_unique<SignalWatcher>();
    if (!m_signals->install(&error)) {
        std::fprintf(stderr, "switchyard: %s\n", qPrintable(error));
        return false;
    }
    connect(m_signals.get(), &SignalWatcher::terminationRequested, this,
            [this](int, const QString &name) {
                std::printf("switchyard: %s: shutting down (up to %d ms for requests in flight; "
                            "a second signal stops at once)\n",
                            qPrintable(name), m_options.shutdownGraceMs);
                std::fflush(stdout);
                QCoreApplication::exit(0);
            });
    m_v8 = std::make_unique<engine::V8Platform>();
    m_stack = std::make_unique<RuntimeStack>(*m_v8);
    RuntimeStack::Config config;
    config.dataDir = m_options.dataDir;
    config.store = m_options.store;
    config.nodeName = m_options.nodeName;
    config.listen = m_options.listen;
    config.admin = m_options.admin;
    config.adminToken = m_options.adminToken;
    config.allowPrivateOutbound = m_options.allowPrivateOutbound;
    config.listenerLimits = m_options.listenerLimits;
    config.memoryBudgetBytes = m_options.memoryBudgetMiB << 20;
    config.instanceIdleTimeoutMs = qint64(m_options.instanceIdleTimeoutSeconds) * 1000;
    config.cacheMaxBytes = qint64(m_options.cacheSizeMb) * 1024 * 1024;
    if (!m_stack->start(config, &error)) {
        std::fprintf(stderr, "switchyard: %s\n", qPrintable(error));
        return false;
    }
    if (!setUpPlatform())
        return false;
    const QUrl url = urlOf(m_options.listen.address, m_stack->port());
    // Printed, not logged: scripts and people wait for this line to know the app is up.
    std::printf("switchyard: dispatching on %s (data in %s)\n", qPrintable(url.toString()),
                qPrintable(m_options.store ? m_stack->storeDisplay() : m_options.dataDir));
    const QString tokenWhere = m_stack->adminTokenPath().isEmpty()
            ? QStringLiteral("token from --admin-token")
            : QStringLiteral("token in %1").arg(m_stack->adminTokenPath());
    std::printf("switchyard: admin API on %s/client/v4 (%s)\n",
                qPrintable(urlOf(m_options.admin.address, m_stack->adminPort())
                                   .toString(QUrl::RemovePath)),
                qPrintable(tokenWhere));
    std::fflush(stdout);

    m_status = std::make_unique<models::ServerStatus>(QString::fromLatin1(m_v8->version()));
    m_status->setListenUrl(url);
    m_status->watchStore(m_stack->service());
    if (!m_options.headless)
        return startGui();
    return true;
}

void Application::shutdown()
{
    if (!m_stack)
        return;
    // Nothing to show while the runtime drains; the views also stop watching traces.
    m_qml.reset();
    m_workbench.reset();
    const bool drained = m_stack->shutdown(std::chrono::milliseconds(m_options.shutdownGraceMs));
    if (!drained)
        std::fprintf(stderr,
                     "switchyard: requests still running after %d ms (--shutdown-grace-ms) were "
                     "cancelled\n",
                     m_options.shutdownGraceMs);
    m_stack.reset(); // cancels what still runs, writes its traces, closes the store
    std::printf("switchyard: stopped\n");
    std::fflush(stdout);
}

bool Application::setUpPlatform()
{
    auto &service = m_stack->service();
    if (m_options.demo) {
        const auto seeded = platform::seedDemoPlatform(service);
        if (!seeded) {
            std::fprintf(stderr, "switchyard: --demo: %s\n", qPrintable(seeded.errorMessage()));
            return false;
        }
        std::printf("switchyard: %s\n",
                    seeded.value() ? "seeded the demo platform"
                                   : "the store is not empty; the demo platform was not seeded");
    }
    if (!m_options.dispatcherConfig.isEmpty()) {
        const auto config = platform::readWranglerConfig(m_options.dispatcherConfig);
        if (!config.config) {
            std::fprintf(stderr, "switchyard: --dispatcher: %s\n", qPrintable(config.error));
            return false;
        }
        const auto installed = platform::installDispatcher(service, *config.config);
        if (!installed) {
            std::fprintf(stderr, "switchyard: --dispatcher: %s\n",
                         qPrintable(installed.errorMessage()));
            return false;
        }
        std::printf("switchyard: installed dispatcher %s from %s\n",
                    qPrintable(service.activeDispatcher()), qPrintable(m_options.dispatcherConfig));
    }
    return true;
}

bool Application::startGui()
{
    m_workbench = std::make_unique<models::Workbench>(m_stack->service(), m_stack->dispatcher());
    m_workbench->playground()->setDispatchPort(m_stack->port());
    // Fusion reads as a desktop tool on every platform; QT_QUICK_CONTROLS_STYLE still wins.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
    // A preference of the user, not of the platform, so beside other settings rather than in the
    // data dir: ~/.config/switchyard/switchyard.conf.
    m_appearance = std::make_unique<models::Appearance>(
            QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)
            + QStringLiteral("/switchyard.conf"));
    m_qml = std::make_unique<QQmlApplicationEngine>();
    // Qt 6.4 does not add the qrc:/qt/qml import path by itself (6.5 does).
    m_qml->addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_qml->setInitialProperties(
            {{QStringLiteral("status"), QVariant::fromValue(m_status.get())},
             {QStringLiteral("workbench"), QVariant::fromValue(m_workbench.get())},
             {QStringLiteral("appearance"), QVariant::fromValue(m_appearance.get())}});
    m_qml->load(QUrl(QStringLiteral("qrc:/qt/qml/Switchyard/Main.qml")));
    if (m_qml->rootObjects().isEmpty()) {
        std::fprintf(stderr, "switchyard: the window could not be created\n");
        return false;
    }
    // After the window exists: the controls' style takes its palettes from the platform when it
    // loads and follows only later changes of the application palette.
    m_appearance->apply(m_options.theme.isEmpty() ? m_appearance->kept() : m_options.theme);
    // Not a command-line option on purpose: it exists for scripts/screenshots.sh, not for users.
    if (const QString dir = qEnvironmentVariable("SWITCHYARD_SCREENSHOT_DIR"); !dir.isEmpty())
        scheduleScreenshots(dir);
    return true;
}

// Shows each view in turn, saves the window as <dir>/<NN>-<view>.png, then quits.
// SWITCHYARD_SCREENSHOT_DELAY_MS (default 3000) lets traffic reach the live views first.
void Application::scheduleScreenshots(const QString &directory)
{
    auto *window = qobject_cast<QQuickWindow *>(m_qml->rootObjects().constFirst());
    auto *navigation
            = window ? window->findChild<QQuickItem *>(QStringLiteral("navigation")) : nullptr;
    if (!navigation || !QDir().mkpath(directory)) {
        qCWarning(lcGui) << "cannot take screenshots into" << directory;
        return;
    }
    const QStringList names {
            QStringLiteral("overview"), QStringLiteral("namespaces"), QStringLiteral("dispatcher"),
            QStringLiteral("routing"),  QStringLiteral("plans"),      QStringLiteral("analytics"),
            QStringLiteral("tail"),     QStringLiteral("playground"), QStringLiteral("versions")};
    // SWITCHYARD_SCREENSHOT_SIZE=WxH shows the views at that size (scripts/screenshots.sh takes
    // the smallest supported size and a full-HD screen).
    if (const QStringList size = qEnvironmentVariable("SWITCHYARD_SCREENSHOT_SIZE").split(u'x');
        size.size() == 2 && size.at(0).toInt() > 0 && size.at(1).toInt() > 0)
        window->resize(size.at(0).toInt(), size.at(1).toInt());
    bool ok = false;
    const int delay = qEnvironmentVariableIntValue("SWITCHYARD_SCREENSHOT_DELAY_MS", &ok);
    auto *timer = new QTimer(this);
    timer->setInterval(700); // time for a view's first layout and one model flush
    auto index = std::make_shared<int>(-1);
    connect(timer, &QTimer::timeout, this, [=] {
        if (*index >= 0) {
            const QString path
                    = QDir(directory).filePath(QStringLiteral("%1-%2.png")
                                                       .arg(*index + 1, 2, 10, QLatin1Char('0'))
                                                       .arg(names.value(*index)));
            if (!window->grabWindow().save(path))
                qCWarning(lcGui) << "cannot write" << path;
            else
                std::printf("switchyard: wrote %s\n", qPrintable(path));
        }
        if (++*index >= names.size()) {
            timer->stop();
            std::fflush(stdout);
            QCoreApplication::quit();
            return;
        }
        navigation->setProperty("currentIndex", *index);
    });
    QTimer::singleShot(ok ? delay : 3000, timer, qOverload<>(&QTimer::start));
}

} // namespace switchyard::app
