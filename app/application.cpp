#include "application.h"

#include "engine/v8platform.h"
#include "http/httplistener.h"
#include "serverstatus.h"

#include <QDir>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QThread>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>

Q_LOGGING_CATEGORY(lcApp, "switchyard.app")

// The QML modules are static libraries; their plugins must be pulled in by name.
Q_IMPORT_QML_PLUGIN(SwitchyardPlugin)
Q_IMPORT_QML_PLUGIN(Switchyard_ModelsPlugin)

namespace switchyard::app {

Application::Application(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{ }

Application::~Application() = default;

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
    if (!QDir().mkpath(m_options.dataDir)) {
        std::fprintf(stderr, "switchyard: cannot create data directory %s\n",
                     qPrintable(m_options.dataDir));
        return false;
    }
    m_v8 = std::make_unique<engine::V8Platform>();

    m_listener = std::make_unique<http::HttpListener>(
            [](http::HttpRequest, http::HttpListener::Reply reply) {
                reply({503,
                       {{"content-type", "text/plain;charset=UTF-8"}},
                       "No dispatch Worker is installed.\n"});
            });
    QString error;
    const quint16 port
            = m_listener->listenOn(m_options.listen.address, m_options.listen.port, &error);
    if (port == 0) {
        std::fprintf(stderr, "switchyard: dispatch listener: %s\n", qPrintable(error));
        return false;
    }
    const QUrl url = urlOf(m_options.listen.address, port);
    // Printed, not logged: scripts and people wait for this line to know the app is up.
    std::printf("switchyard: dispatching on %s (data in %s)\n", qPrintable(url.toString()),
                qPrintable(m_options.dataDir));
    std::fflush(stdout);

    m_status = std::make_unique<models::ServerStatus>(QString::fromLatin1(m_v8->version()));
    m_status->setListenUrl(url);
    if (!m_options.headless)
        return startGui();
    return true;
}

bool Application::startGui()
{
    m_qml = std::make_unique<QQmlApplicationEngine>();
    // Qt 6.4 does not add the qrc:/qt/qml import path by itself (6.5 does).
    m_qml->addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_qml->setInitialProperties({{QStringLiteral("status"), QVariant::fromValue(m_status.get())}});
    m_qml->load(QUrl(QStringLiteral("qrc:/qt/qml/Switchyard/Main.qml")));
    if (m_qml->rootObjects().isEmpty()) {
        std::fprintf(stderr, "switchyard: the window could not be created\n");
        return false;
    }
    return true;
}

} // namespace switchyard::app
