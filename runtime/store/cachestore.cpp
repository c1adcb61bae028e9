#include "cachestore.h"

#include "logging.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <future>

namespace switchyard::store {

namespace {
// The file's own identity, so a stray SQLite file is never taken for a cache (and wiped).
constexpr int kApplicationId = 0x53594348; // "SYCH"
constexpr int kVersion = 1;
// Per entry, beyond its bytes: the row, its index entries.
constexpr qint64 kEntryOverhead = 256;

QByteArray headersToJson(const CacheStore::Headers &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray {name, value});
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

CacheStore::Headers headersFromJson(const QByteArray &json)
{
    CacheStore::Headers headers;
    for (const QJsonValue pair : QJsonDocument::fromJson(json).array()) {
        const QJsonArray p = pair.toArray();
        headers.append({p.at(0).toString(), p.at(1).toString()});
    }
    return headers;
}

bool exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcStore) << "cache:" << query.lastError().text();
    return false;
}
} // namespace

qint64 CacheStore::sizeOf(const Key &key, const Entry &entry)
{
    qint64 size = kEntryOverhead + entry.body.size() + entry.statusText.size()
            + (key.partition.size() + key.cache.size() + key.url.size()) * 2;
    for (const auto &[name, value] : entry.headers)
        size += name.size() + value.size() + 8;
    return size;
}

std::unique_ptr<CacheStore> CacheStore::open(const QString &path, QString *error)
{
    return open(path, Options {}, error);
}

std::unique_ptr<CacheStore> CacheStore::open(const QString &path, const Options &options,
                                             QString *error)
{
    std::unique_ptr<CacheStore> store(new CacheStore(path, options));
    std::promise<QString> opened;
    auto result = opened.get_future();
    store->m_thread = std::thread([raw = store.get(), &opened] {
        raw->run([&opened](QString e) { opened.set_value(std::move(e)); });
    });
    const QString failure = result.get();
    if (!failure.isEmpty()) {
        if (error)
            *error = failure;
        return nullptr; // the thread has ended
    }
    return store;
}

CacheStore::CacheStore(const QString &path, const Options &options)
    : m_path(path), m_options(options)
{ }

CacheStore::~CacheStore()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool CacheStore::openDatabase(QSqlDatabase &db, QString *error)
{
    auto scalar = [&](const QString &sql) -> std::optional<qint64> {
        QSqlQuery q(db);
        if (!q.exec(sql) || !q.next())
            return std::nullopt;
        return q.value(0).toLongLong();
    };
    auto run = [&](const QString &sql) {
        QSqlQuery q(db);
        if (q.exec(sql))
            return true;
        *error = QStringLiteral("cache %1: %2").arg(m_path, q.lastError().text());
        return false;
    };
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!db.open()) {
            *error = QStringLiteral("cannot open the cache %1: %2")
                             .arg(m_path, db.lastError().text());
            return false;
        }
        const auto id = scalar(QStringLiteral("PRAGMA application_id"));
        const auto version = scalar(QStringLiteral("PRAGMA user_version"));
        const auto tables = scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"));
        const bool fresh = tables && *tables == 0;
        const bool ours = id && *id == kApplicationId && version && *version == kVersion;
        if (fresh || ours)
            break;
        if (attempt == 1) {
            *error = QStringLiteral("cannot recreate the cache %1").arg(m_path);
            return false;
        }
        // Not a cache of this build (or not SQLite at all): what it held was only cached, so it
        // is started afresh.
        qCWarning(lcStore) << "cache: recreating" << m_path << "(not a cache file of version"
                           << kVersion << ")";
        db.close();
        for (const QString suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(m_path + suffix);
    }
    return run(QStringLiteral("PRAGMA journal_mode = WAL"))
            && run(QStringLiteral("PRAGMA synchronous = NORMAL"))
            && run(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId))
            && run(QStringLiteral("PRAGMA user_version = %1").arg(kVersion))
            // size and the times come before the blobs, so eviction and the size sum never read
            // a body's overflow pages.
            && run(QStringLiteral(
                    "CREATE TABLE IF NOT EXISTS entries ("
                    " id INTEGER PRIMARY KEY,"
                    " partition TEXT NOT NULL, cache TEXT NOT NULL, url TEXT NOT NULL,"
                    " size INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
                    " last_used INTEGER NOT NULL, status INTEGER NOT NULL,"
                    " status_text TEXT NOT NULL, headers BLOB NOT NULL,"
                    " body BLOB NOT NULL, UNIQUE (partition, cache, url))"))
            && run(QStringLiteral("CREATE INDEX IF NOT EXISTS entries_lru ON entries (last_used)"))
            && run(QStringLiteral(
                    "CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at)"));
}

void CacheStore::run(std::function<void(QString)> opened)
{
    const QString name = QStringLiteral("cache-") + QUuid::createUuid().toString(QUuid::Id128);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        QString error;
        if (!openDatabase(db, &error)) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            opened(error);
            return;
        }
        QSqlQuery totals(db);
        if (totals.exec(QStringLiteral(
                    "SELECT COALESCE(SUM(size), 0), count(*), COALESCE(MAX(last_used), 0) "
                    "FROM entries"))
            && totals.next()) {
            m_total = totals.value(0).toLongLong();
            m_count = totals.value(1).toLongLong();
            m_clock = totals.value(2).toLongLong();
        }
        opened({});

        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty())
                break;
            auto [job, bytes] = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_busy = true;
            lock.unlock();
            job(db);
            job = nullptr;
            lock.lock();
            m_queuedBytes -= bytes;
            m_busy = false;
            if (m_jobs.empty())
                m_idle.notify_all();
        }
        lock.unlock();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

bool CacheStore::enqueue(Job job, qint64 bytes)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return false;
        if (bytes > 0 && m_queuedBytes + bytes > m_options.maxQueuedBytes)
            return false;
        m_queuedBytes += bytes;
        m_jobs.emplace_back(std::move(job), bytes);
    }
    m_wake.notify_one();
    return true;
}

void CacheStore::flush()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_stopping || (m_jobs.empty() && !m_busy); });
}

void CacheStore::match(Key key, qint64 now, std::function<void(std::optional<Entry>)> done)
{
    auto job = [this, key = std::move(key), now, done](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, size, expires_at, status, status_text, headers, body "
                                 "FROM entries WHERE partition = ? AND cache = ? AND url = ?"));
        q.addBindValue(key.partition);
        q.addBindValue(key.cache);
        q.addBindValue(key.url);
        if (!exec(q) || !q.next())
            return done(std::nullopt);
        const qint64 id = q.value(0).toLongLong();
        const qint64 size = q.value(1).toLongLong();
        Entry entry;
        entry.expiresAt = q.value(2).toLongLong();
        if (entry.expiresAt <= now) {
            q.finish();
            QSqlQuery del(db);
            del.prepare(QStringLiteral("DELETE FROM entries WHERE id = ?"));
            del.addBindValue(id);
            if (exec(del)) {
                m_total -= size;
                m_count -= 1;
            }
            return done(std::nullopt);
        }
        entry.status = q.value(3).toInt();
        entry.statusText = q.value(4).toString();
        entry.headers = headersFromJson(q.value(5).toByteArray());
        entry.body = q.value(6).toByteArray();
        q.finish();
        QSqlQuery used(db);
        used.prepare(QStringLiteral("UPDATE entries SET last_used = ? WHERE id = ?"));
        used.addBindValue(++m_clock);
        used.addBindValue(id);
        exec(used);
        done(std::move(entry));
    };
    if (!enqueue(std::move(job)))
        done(std::nullopt);
}

void CacheStore::put(Key key, Entry entry, std::function<void(bool)> done)
{
    const qint64 size = sizeOf(key, entry);
    if (size > m_options.maxEntryBytes || size > m_options.maxBytes)
        return done(false);
    auto job = [this, key = std::move(key), entry = std::move(entry), size,
                done](QSqlDatabase &db) {
        if (!db.transaction())
            return done(false);
        QSqlQuery old(db);
        old.prepare(QStringLiteral(
                "SELECT id, size FROM entries WHERE partition = ? AND cache = ? AND url = ?"));
        old.addBindValue(key.partition);
        old.addBindValue(key.cache);
        old.addBindValue(key.url);
        qint64 replaced = -1;
        if (exec(old) && old.next())
            replaced = old.value(1).toLongLong();
        old.finish();
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
                "INSERT OR REPLACE INTO entries (partition, cache, url, size, expires_at, "
                "last_used, status, status_text, headers, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        q.addBindValue(key.partition);
        q.addBindValue(key.cache);
        q.addBindValue(key.url);
        q.addBindValue(size);
        q.addBindValue(entry.expiresAt);
        q.addBindValue(++m_clock);
        q.addBindValue(entry.status);
        q.addBindValue(entry.statusText);
        q.addBindValue(headersToJson(entry.headers));
        q.addBindValue(entry.body);
        if (!exec(q)) {
            db.rollback();
            return done(false);
        }
        if (!db.commit()) {
            db.rollback();
            return done(false);
        }
        if (replaced >= 0) {
            m_total -= replaced;
            m_count -= 1;
        }
        m_total += size;
        m_count += 1;
        if (m_total > m_options.maxBytes)
            evict(db, QDateTime::currentMSecsSinceEpoch());
        done(true);
    };
    if (!enqueue(std::move(job), size))
        done(false);
}

void CacheStore::evict(QSqlDatabase &db, qint64 now)
{
    // Expired entries first, then the least recently used, a batch per transaction.
    for (int pass = 0; pass < 2 && m_total > m_options.maxBytes; ++pass) {
        while (m_total > m_options.maxBytes) {
            QSqlQuery pick(db);
            pick.prepare(pass == 0 ? QStringLiteral("SELECT id, size FROM entries WHERE "
                                                    "expires_at <= ? ORDER BY expires_at LIMIT 256")
                                   : QStringLiteral("SELECT id, size FROM entries "
                                                    "ORDER BY last_used LIMIT 256"));
            if (pass == 0)
                pick.addBindValue(now);
            if (!exec(pick))
                return;
            QList<std::pair<qint64, qint64>> victims;
            qint64 freed = 0;
            while (pick.next() && m_total - freed > m_options.maxBytes) {
                victims.append({pick.value(0).toLongLong(), pick.value(1).toLongLong()});
                freed += victims.last().second;
            }
            pick.finish();
            if (victims.isEmpty())
                break;
            if (!db.transaction())
                return;
            QSqlQuery del(db);
            del.prepare(QStringLiteral("DELETE FROM entries WHERE id = ?"));
            for (const auto &[id, size] : victims) {
                del.bindValue(0, id);
                if (!exec(del)) {
                    db.rollback();
                    return;
                }
            }
            if (!db.commit()) {
                db.rollback();
                return;
            }
            m_total -= freed;
            m_count -= victims.size();
        }
    }
}

void CacheStore::remove(Key key, qint64 now, std::function<void(bool)> done)
{
    auto job = [this, key = std::move(key), now, done](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, size, expires_at FROM entries "
                                 "WHERE partition = ? AND cache = ? AND url = ?"));
        q.addBindValue(key.partition);
        q.addBindValue(key.cache);
        q.addBindValue(key.url);
        if (!exec(q) || !q.next())
            return done(false);
        const qint64 id = q.value(0).toLongLong();
        const qint64 size = q.value(1).toLongLong();
        const bool fresh = q.value(2).toLongLong() > now;
        q.finish();
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM entries WHERE id = ?"));
        del.addBindValue(id);
        if (!exec(del))
            return done(false);
        m_total -= size;
        m_count -= 1;
        done(fresh);
    };
    if (!enqueue(std::move(job)))
        done(false);
}

void CacheStore::removePartition(QString partition)
{
    enqueue([this, partition = std::move(partition)](QSqlDatabase &db) {
        // `/` sorts right after `.` and before `0`: the range holds exactly the partitions under
        // this one, without LIKE's wildcards in a tenant's name.
        const QString below = partition + QLatin1Char('/');
        const QString above = partition + QLatin1Char('0');
        QSqlQuery sum(db);
        sum.prepare(QStringLiteral("SELECT COALESCE(SUM(size), 0), count(*) FROM entries "
                                   "WHERE partition = ? OR (partition >= ? AND partition < ?)"));
        sum.addBindValue(partition);
        sum.addBindValue(below);
        sum.addBindValue(above);
        if (!exec(sum) || !sum.next())
            return;
        const qint64 size = sum.value(0).toLongLong();
        const qint64 count = sum.value(1).toLongLong();
        sum.finish();
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM entries "
                                   "WHERE partition = ? OR (partition >= ? AND partition < ?)"));
        del.addBindValue(partition);
        del.addBindValue(below);
        del.addBindValue(above);
        if (exec(del)) {
            m_total -= size;
            m_count -= count;
        }
    });
}

} // namespace switchyard::store
