// bench/workers/hs256.js straight through the engine (no HTTP), one Instance, one request at a
// time: prints "<mode> <operations per second>" for verify and jwt, best of five one-second
// rounds, as bench/webcrypto-node.mjs does in Node.
#include "engine/engine.h"
#include "engine/v8platform.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>

#include <condition_variable>
#include <cstdio>
#include <mutex>

using namespace switchyard::engine;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("switchyard.*.debug=false"));
    QFile file(QStringLiteral(BENCH_SOURCE_DIR "/bench/workers/hs256.js"));
    if (!file.open(QIODevice::ReadOnly))
        return 1;
    V8Platform platform;
    Engine engine(platform);
    ScriptPtr script = engine.compile(ScriptSource::esModules(
            QStringLiteral("hs256"),
            {{QStringLiteral("index.js"), QString::fromUtf8(file.readAll())}},
            QStringLiteral("index.js")));
    constexpr int n = 2000;
    auto run = [&](const char *mode) {
        RequestData request;
        request.url = QStringLiteral("http://bench/?mode=%1&n=%2").arg(QLatin1String(mode)).arg(n);
        std::mutex mutex;
        std::condition_variable changed;
        bool done = false;
        QByteArray body;
        Limits limits;
        limits.cpuMs = 60000;
        limits.wallMs = 60000;
        engine.invokeFetch(script, request, {}, limits, nullptr, [&](const InvocationResult &r) {
            std::lock_guard lock(mutex);
            body = r.response ? r.response->body : r.error.toUtf8();
            done = true;
            changed.notify_all();
        });
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return done; });
        if (body.toInt() != n) {
            std::fprintf(stderr, "%s: %s\n", mode, body.constData());
            std::exit(1);
        }
    };
    for (const char *mode : {"verify", "jwt"}) {
        run(mode); // warm up
        double best = 0;
        for (int round = 0; round < 5; ++round) {
            QElapsedTimer clock;
            clock.start();
            long operations = 0;
            while (clock.elapsed() < 1000) {
                run(mode);
                operations += n;
            }
            best = std::max(best, operations / (clock.nsecsElapsed() / 1e9));
        }
        std::printf("%s %.0f\n", mode, best);
    }
    return 0;
}
