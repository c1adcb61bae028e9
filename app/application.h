#pragma once

#include "options.h"

#include <QObject>

#include <memory>

class QQmlApplicationEngine;

namespace switchyard::engine {
class V8Platform;
}
namespace switchyard::http {
class HttpListener;
}
namespace switchyard::models {
class ServerStatus;
}

namespace switchyard::app {

// Builds every long-lived object in dependency order, wires them, and owns them. The one place
// that knows the whole graph; nothing below reaches for globals.
class Application : public QObject
{
    Q_OBJECT
public:
    explicit Application(Options options, QObject *parent = nullptr);
    ~Application() override;

    // Prints what went wrong to stderr and returns false when the app cannot run.
    bool start();

private:
    bool startGui();

    Options m_options;
    std::unique_ptr<engine::V8Platform> m_v8;
    std::unique_ptr<http::HttpListener> m_listener;
    std::unique_ptr<models::ServerStatus> m_status;
    std::unique_ptr<QQmlApplicationEngine> m_qml;
};

} // namespace switchyard::app
