#pragma once

// The application as a user starts it with --demo: the demo platform on a temporary data
// directory, both listeners on loopback ports, and its one window on screen. What the GUI suites
// share; errors come back as text for the test's QVERIFY2.
#include "application.h"

#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace switchyard::testing {

class DemoWindow
{
public:
    // `active`: wait until the window has keyboard focus, not only until it is exposed.
    QString start(bool active = false)
    {
        app::Options options;
        options.listen = {QHostAddress::LocalHost, 0};
        options.admin = {QHostAddress::LocalHost, 0};
        options.dataDir = m_dir.path();
        options.demo = true;
        m_app = std::make_unique<app::Application>(options);
        if (!m_app->start())
            return QStringLiteral("the application did not start");
        for (QWindow *w : QGuiApplication::topLevelWindows())
            if ((m_window = qobject_cast<QQuickWindow *>(w)))
                break;
        if (!m_window)
            return QStringLiteral("no window");
        if (active) {
            m_window->requestActivate();
            if (!QTest::qWaitForWindowActive(m_window))
                return QStringLiteral("the window did not become active");
        } else if (!QTest::qWaitForWindowExposed(m_window)) {
            return QStringLiteral("the window was not exposed");
        }
        return {};
    }

    void stop()
    {
        m_window = nullptr;
        m_app.reset();
    }

    app::Application &app() const { return *m_app; }
    QQuickWindow *window() const { return m_window; }
    QString dataDir() const { return m_dir.path(); }

    // A view by its objectName ("routingView", ...).
    QQuickItem *view(const char *objectName) const
    {
        return m_window->findChild<QQuickItem *>(QLatin1String(objectName));
    }
    // Switches the sidebar to the view at `index`.
    void show(int index) const
    {
        m_window->findChild<QQuickItem *>(QStringLiteral("navigation"))
                ->setProperty("currentIndex", index);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<app::Application> m_app;
    QQuickWindow *m_window = nullptr;
};

} // namespace switchyard::testing
