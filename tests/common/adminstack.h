#pragma once

// A whole platform on loopback for tests that meet the admin API where its clients do: a
// RuntimeStack with the admin listener on a temporary data directory, two executor threads, and
// requests that carry its bearer token. The data directory outlives restart(), so a suite can
// check what survives one. Errors come back as text for the test's QVERIFY2, since Qt Test's
// macros only work in the test function itself.
#include "rawhttp.h"

#include "runtimestack.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"
#include "platform/platformsetup.h"

#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace switchyard::testing {

class AdminStack
{
public:
    explicit AdminStack(QByteArray token) : m_token(std::move(token)) { }

    int executorThreads = 2;

    // On a new data directory, with the demo platform seeded when `seedDemo`. Returns an empty
    // string, or what failed.
    QString start(engine::V8Platform &v8, bool seedDemo = true)
    {
        m_dir = std::make_unique<QTemporaryDir>();
        if (QString error = restart(v8); !error.isEmpty())
            return error;
        if (!seedDemo)
            return {};
        const auto seeded = platform::seedDemoPlatform(service());
        return seeded ? QString() : seeded.errorMessage();
    }

    // Stops the stack and starts a new one on the same data directory.
    QString restart(engine::V8Platform &v8)
    {
        m_stack.reset();
        m_stack = std::make_unique<app::RuntimeStack>(v8);
        app::RuntimeStack::Config config;
        config.dataDir = m_dir->path();
        config.executorThreads = executorThreads;
        config.admin = app::Endpoint {QHostAddress::LocalHost, 0};
        config.adminToken = QString::fromLatin1(m_token);
        QString error;
        if (!m_stack->start(config, &error))
            return error;
        if (m_stack->adminPort() == 0)
            return QStringLiteral("the admin listener did not bind");
        return {};
    }

    void stop()
    {
        m_stack.reset();
        m_dir.reset();
    }

    // `path` from the API root ("/client/v4/..."). The stack's bearer token goes with it unless
    // `token` says otherwise: another token, or a null one for no Authorization header at all.
    RawResponse request(const QByteArray &method, const QByteArray &path,
                        const QByteArray &body = {},
                        QList<QPair<QByteArray, QByteArray>> headers = {},
                        const std::optional<QByteArray> &token = std::nullopt,
                        int timeoutMs = 20000) const
    {
        const QByteArray bearer = token.value_or(m_token);
        if (!bearer.isNull())
            headers.append({"Authorization", "Bearer " + bearer});
        return rawRequest(m_stack->adminPort(), method, "127.0.0.1", path, body, headers,
                          timeoutMs);
    }

    // A GET through the dispatch listener.
    RawResponse dispatch(const QByteArray &host, const QByteArray &path = "/") const
    {
        return rawRequest(m_stack->port(), "GET", host, path);
    }

    const QByteArray &token() const { return m_token; }
    app::RuntimeStack &stack() const { return *m_stack; }
    platform::PlatformService &service() const { return m_stack->service(); }
    QString dataDir() const { return m_dir->path(); }

private:
    QByteArray m_token;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<app::RuntimeStack> m_stack;
};

} // namespace switchyard::testing
