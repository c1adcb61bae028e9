#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

class QSqlDatabase;

namespace switchyard::store {

// The Cache API's storage: a SQLite file of its own beside the platform's database, written by a
// thread of its own. It is disposable (deleting the file loses nothing but cached responses) and
// tenants write it at request rate, so it stays out of the platform database's write lock, its
// migration ladder and its size; a file this build does not recognise is simply recreated.
//
// Entries are keyed by (partition, cache, url): the partition is who may see them (the platform
// decides), the cache the name given to caches.open() (or the default cache). The total size is
// bounded: past `maxBytes`, expired entries go first, then the least recently used. What HTTP
// says about freshness is the caller's business; the store keeps an absolute expiry time.
class CacheStore
{
public:
    using Headers = QList<QPair<QString, QString>>;

    struct Options
    {
        // Bytes of every entry together (body, headers, key and a fixed overhead each).
        qint64 maxBytes = 256ll * 1024 * 1024;
        // An entry larger than this is not stored (Cloudflare's own limit is 512 MB; a Worker's
        // response body is bounded by its 128 MB memory budget long before).
        qint64 maxEntryBytes = 32ll * 1024 * 1024;
        // Bytes of puts waiting for the store's thread; past it a put is dropped, so a tenant
        // writing faster than the disk cannot grow the process.
        qint64 maxQueuedBytes = 128ll * 1024 * 1024;
    };

    struct Key
    {
        QString partition;
        QString cache;
        QString url;
    };

    struct Entry
    {
        int status = 200;
        QString statusText;
        Headers headers;
        QByteArray body;
        qint64 expiresAt = 0; // ms since the epoch
    };

    // Opens (creating, or recreating when it is not a cache file of this version) the file.
    static std::unique_ptr<CacheStore> open(const QString &path, QString *error);
    static std::unique_ptr<CacheStore> open(const QString &path, const Options &options,
                                            QString *error);
    // Finishes what is queued, then closes the file.
    ~CacheStore();
    CacheStore(const CacheStore &) = delete;
    CacheStore &operator=(const CacheStore &) = delete;

    // Each completes once, on the store's thread (or at once on the caller's when refused).
    // A fresh entry, counted as used; an expired one is deleted and misses.
    void match(Key key, qint64 now, std::function<void(std::optional<Entry>)> done);
    // False when not stored (too large, the queue full, a storage error).
    void put(Key key, Entry entry, std::function<void(bool stored)> done);
    // True when a fresh entry was there.
    void remove(Key key, qint64 now, std::function<void(bool removed)> done);
    // Every entry whose partition is `partition` or starts with `partition` + "/".
    void removePartition(QString partition);

    // Blocks until everything queued before the call is done.
    void flush();

    const Options &options() const { return m_options; }
    qint64 totalBytes() const { return m_total.load(); }
    qint64 entryCount() const { return m_count.load(); }
    QString path() const { return m_path; }

    // What an entry costs against maxBytes.
    static qint64 sizeOf(const Key &key, const Entry &entry);

private:
    using Job = std::function<void(QSqlDatabase &)>;

    explicit CacheStore(const QString &path, const Options &options);
    bool enqueue(Job job, qint64 bytes = 0);
    void run(std::function<void(QString)> opened);
    bool openDatabase(QSqlDatabase &db, QString *error);
    void evict(QSqlDatabase &db, qint64 now);

    const QString m_path;
    const Options m_options;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<std::pair<Job, qint64>> m_jobs;
    qint64 m_queuedBytes = 0;
    bool m_busy = false;
    bool m_stopping = false;
    // Store thread only, mirrored for readers.
    qint64 m_clock = 0; // last_used of the most recent use
    std::atomic<qint64> m_total {0};
    std::atomic<qint64> m_count {0};
    std::thread m_thread;
};

} // namespace switchyard::store
