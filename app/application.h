#pragma once

#include "options.h"

#include <QObject>

#include <memory>

class QQmlApplicationEngine;

namespace switchyard::engine {
class V8Platform;
}
namespace switchyard::models {
class Appearance;
class ServerStatus;
class Workbench;
} // namespace switchyard::models

namespace switchyard::app {

// Builds every long-lived object in dependency order, wires them, and owns them. The one place
// that knows the whole graph; nothing below reaches for globals.
class RuntimeStack;
class SignalWatcher;

class Application : public QObject
{
    Q_OBJECT
public:
    explicit Application(Options options, QObject *parent = nullptr);
    ~Application() override;

    RuntimeStack *stack() const { return m_stack.get(); }

    // Prints what went wrong to stderr and returns false when the app cannot run.
    bool start();
    // After the event loop has returned (SIGTERM, SIGINT, the window closed, Quit): closes the
    // window, stops accepting, waits up to --shutdown-grace-ms for requests in flight, writes
    // every trace and data point and closes the store.
    void shutdown();

private:
    bool startGui();
    void scheduleScreenshots(const QString &directory);
    bool setUpPlatform();

    Options m_options;
    std::unique_ptr<engine::V8Platform> m_v8;
    std::unique_ptr<RuntimeStack> m_stack;
    std::unique_ptr<SignalWatcher> m_signals;
    std::unique_ptr<models::ServerStatus> m_status;
    std::unique_ptr<models::Workbench> m_workbench; // what the views reach the platform through
    std::unique_ptr<models::Appearance> m_appearance; // light, dark or the system's
    std::unique_ptr<QQmlApplicationEngine> m_qml;
};

} // namespace switchyard::app
