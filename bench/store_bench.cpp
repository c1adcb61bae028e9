// Store and platform service costs on the request path: reading a KV entry from the in-memory view
// (target <= 2 us), a service write until a reader sees it (target <= 1 ms), and the Cache API's
// store: a hit and a put from the calling thread to its completion (the hop to the store's
// thread, SQLite, the hop back's callback). Prints a markdown table for docs/benchmarks.md.
//
// usage: bench_store [entries]   (default 100000)
#include "platform/clock.h"
#include "platform/platformservice.h"
#include "store/cachestore.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <thread>

using namespace switchyard;

namespace {

double percentile(std::vector<qint64> samples, double p)
{
    std::sort(samples.begin(), samples.end());
    return double(samples.at(size_t(p * double(samples.size() - 1)))) / 1000.0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int entries = argc > 1 ? std::max(1, atoi(argv[1])) : 100000;
    QTemporaryDir dir;
    QString error;
    auto database = store::Database::open(dir.filePath(QStringLiteral("bench.db")), &error);
    if (!database) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    platform::SystemClock clock;
    platform::PlatformService service(*database, clock);
    if (!service.load())
        return 1;
    const QString ns = service.createKvNamespace(QStringLiteral("BENCH")).value().id;

    QList<platform::PlatformService::KvBulkItem> items;
    for (int i = 0; i < entries; ++i)
        items.append({QStringLiteral("customer-%1").arg(i), QByteArray(64, 'v'), {}});
    for (qsizetype at = 0; at < items.size(); at += 10000) {
        if (!service.kvBulkPut(ns, items.mid(at, 10000)))
            return 1;
    }

    // Reads: one thread, then every core at once.
    const platform::KvView &view = service.kvView();
    QStringList keys;
    for (int i = 0; i < 1000; ++i)
        keys << QStringLiteral("customer-%1").arg((i * 7919) % entries);
    constexpr int reads = 1'000'000;
    QElapsedTimer timer;
    timer.start();
    qsizetype found = 0;
    for (int i = 0; i < reads; ++i)
        found += view.get(ns, keys.at(i % keys.size())) ? 1 : 0;
    const double singleNs = double(timer.nsecsElapsed()) / reads;

    const int threads = std::max(2u, std::thread::hardware_concurrency());
    std::atomic<qsizetype> foundParallel = 0;
    timer.restart();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            qsizetype local = 0;
            for (int i = 0; i < reads; ++i)
                local += view.get(ns, keys.at((i + t) % keys.size())) ? 1 : 0;
            foundParallel += local;
        });
    }
    for (auto &thread : pool)
        thread.join();
    const double parallelNs = double(timer.nsecsElapsed()) / reads; // per read, per thread

    // Write to visible: a reader thread spins on the key while the service writes it.
    std::vector<qint64> writeToVisible;
    std::vector<qint64> scriptPut;
    for (int i = 0; i < 2000; ++i) {
        const QString key = QStringLiteral("edit-%1").arg(i);
        std::atomic<qint64> seenAt = 0;
        QElapsedTimer clockStart;
        clockStart.start();
        std::thread reader([&] {
            while (!view.get(ns, key))
                std::this_thread::yield();
            seenAt = clockStart.nsecsElapsed();
        });
        if (!service.kvPut(ns, key, "route"))
            return 1;
        reader.join();
        writeToVisible.push_back(seenAt);
    }
    if (!service.createNamespace(QStringLiteral("bench")))
        return 1;
    store::WorkerCode code;
    code.modules = {{QStringLiteral("index.js"), QStringLiteral("application/javascript+module"),
                     QByteArray("export default { fetch() { return new Response('ok') } }")}};
    code.mainModule = QStringLiteral("index.js");
    for (int i = 0; i < 500; ++i) {
        timer.restart();
        if (!service.putScript(QStringLiteral("bench"), QStringLiteral("w%1").arg(i % 20),
                               {code, std::nullopt}))
            return 1;
        scriptPut.push_back(timer.nsecsElapsed());
    }

    // Cache API: 1,000 entries of 4 KB; a put, then hits in random order, each awaited.
    auto cache = store::CacheStore::open(dir.filePath(QStringLiteral("cache.db")), &error);
    if (!cache) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    auto await = [](auto start) {
        std::promise<void> finished;
        auto result = finished.get_future();
        start([&finished] { finished.set_value(); });
        result.wait();
    };
    const qint64 far = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
    std::vector<qint64> cachePut, cacheHit;
    constexpr int cacheEntries = 1000;
    for (int i = 0; i < cacheEntries; ++i) {
        store::CacheStore::Entry entry {
                200,
                QStringLiteral("OK"),
                {{QStringLiteral("content-type"), QStringLiteral("text/html")},
                 {QStringLiteral("cache-control"), QStringLiteral("max-age=3600")}},
                QByteArray(4096, 'c'),
                far};
        timer.restart();
        await([&](auto done) {
            cache->put({QStringLiteral("platform"), QStringLiteral("d"),
                        QStringLiteral("https://example.com/page/%1").arg(i)},
                       entry, [done](bool) { done(); });
        });
        cachePut.push_back(timer.nsecsElapsed());
    }
    qsizetype hits = 0;
    for (int i = 0; i < 10000; ++i) {
        timer.restart();
        await([&](auto done) {
            cache->match(
                    {QStringLiteral("platform"), QStringLiteral("d"),
                     QStringLiteral("https://example.com/page/%1").arg((i * 7919) % cacheEntries)},
                    QDateTime::currentMSecsSinceEpoch(),
                    [done, &hits](std::optional<store::CacheStore::Entry> e) {
                        hits += e ? 1 : 0;
                        done();
                    });
        });
        cacheHit.push_back(timer.nsecsElapsed());
    }

    printf("| measure | result | target |\n| --- | --- | --- |\n");
    printf("| KV read from memory, 1 thread (%d entries) | %.0f ns | <= 2 us |\n", entries,
           singleNs);
    printf("| KV read from memory, %d threads at once | %.0f ns per read per thread | <= 2 us |\n",
           threads, parallelNs);
    printf("| KV put -> visible to another thread, p50 / p99 | %.3f / %.3f ms | <= 1 ms |\n",
           percentile(writeToVisible, 0.5) / 1000.0, percentile(writeToVisible, 0.99) / 1000.0);
    printf("| script put (validate, commit, publish), p50 / p99 | %.3f / %.3f ms | <= 1 ms |\n",
           percentile(scriptPut, 0.5) / 1000.0, percentile(scriptPut, 0.99) / 1000.0);
    printf("| Cache API hit, 4 KB body (%d entries), store round trip p50 / p99 | %.3f / %.3f ms "
           "| |\n",
           cacheEntries, percentile(cacheHit, 0.5) / 1000.0, percentile(cacheHit, 0.99) / 1000.0);
    printf("| Cache API put, 4 KB body, committed, p50 / p99 | %.3f / %.3f ms | |\n",
           percentile(cachePut, 0.5) / 1000.0, percentile(cachePut, 0.99) / 1000.0);
    return found == reads && foundParallel == qsizetype(reads) * threads && hits == 10000 ? 0 : 1;
}
