// Helpers shared by the engine's tests: fixture loading and waiting for an Invocation.
#pragma once

#include "engine/engine.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <mutex>

namespace enginetest {

using namespace switchyard::engine;

inline QString fixturePath(const QString &name)
{
    return QStringLiteral(SWITCHYARD_SOURCE_DIR "/tests/engine/fixtures/") + name;
}

inline QString readFixture(const QString &name)
{
    QFile file(fixturePath(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return QString::fromUtf8(file.readAll());
}

// A module Worker from fixture files; the first is the main module. Names are relative to `dir`.
inline ScriptSource modules(const QString &name, const QStringList &files, const QString &dir = {})
{
    QList<ScriptModule> list;
    for (const QString &file : files)
        list.append({file, readFixture(dir.isEmpty() ? file : dir + QLatin1Char('/') + file)});
    return ScriptSource::esModules(name, list, files.first());
}

// Compiles fixture modules, saying why in the log when they do not load (the caller asserts).
inline ScriptPtr compileFixture(Engine &engine, const char *name, const QStringList &files)
{
    ScriptError error;
    ScriptPtr script = engine.compile(modules(QLatin1String(name), files), &error);
    if (!script)
        qWarning() << error.message;
    return script;
}

inline EngineConfig standInConfig()
{
    EngineConfig config;
    config.executorThreads = 2;
    config.preludeDir = QStringLiteral(SWITCHYARD_SOURCE_DIR "/tests/engine/prelude/");
    // Workers here fetch LoopbackServer on 127.0.0.1, which the default policy refuses.
    config.outboundPolicy->setAllowPrivateNetworks(true);
    return config;
}

// Collects a callback's result from an engine thread; waiting keeps this thread's event loop
// going (a loopback server in the test may need it).
class Waiter
{
public:
    InvocationCallback callback()
    {
        return [this](const InvocationResult &result) {
            if (result.response && result.response->stream) {
                // A streamed body: the result counts once it has been read to its end.
                InvocationResult collected = result;
                collected.response->stream.reset();
                switchyard::engine::collectBody(result.response->stream, 256 << 20,
                                                [this, collected](QByteArray body, bool) mutable {
                                                    collected.response->body = std::move(body);
                                                    std::lock_guard lock(m_mutex);
                                                    m_results.append(collected);
                                                });
                return;
            }
            std::lock_guard lock(m_mutex);
            m_results.append(result);
        };
    }
    bool waitFor(int count, int timeoutMs = 20000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            {
                std::lock_guard lock(m_mutex);
                if (m_results.size() >= count)
                    return true;
            }
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            QThread::usleep(200);
        }
        return false;
    }
    int count()
    {
        std::lock_guard lock(m_mutex);
        return int(m_results.size());
    }
    QList<InvocationResult> results()
    {
        std::lock_guard lock(m_mutex);
        return m_results;
    }

private:
    std::mutex m_mutex;
    QList<InvocationResult> m_results;
};

inline RequestData get(const QString &url)
{
    RequestData request;
    request.url = url;
    return request;
}

inline InvocationResult invoke(Engine &engine, const ScriptPtr &script, RequestData request,
                               Limits limits = {}, BindingHost *host = nullptr,
                               QVariantList env = {})
{
    Waiter waiter;
    engine.invokeFetch(script, std::move(request), std::move(env), limits, host, waiter.callback());
    if (!waiter.waitFor(1)) {
        InvocationResult timeout;
        timeout.outcome = Outcome::Canceled;
        timeout.error = QStringLiteral("test-timeout: the test gave up waiting");
        return timeout;
    }
    return waiter.results().first();
}

inline QString bodyOf(const InvocationResult &result)
{
    if (!result.response)
        return QStringLiteral("<no response: %1 %2>")
                .arg(outcomeName(result.outcome), result.error);
    return QString::fromUtf8(result.response->body);
}

} // namespace enginetest

namespace switchyard::engine {
// QCOMPARE's message for an Outcome: its name, not its number.
inline char *toString(Outcome outcome)
{
    return qstrdup(outcomeName(outcome).latin1());
}
} // namespace switchyard::engine
