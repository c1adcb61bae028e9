// The Cache API's store on its own: a file that is not a cache of this version is started afresh
// (it only ever held cached responses), expired entries miss and go, and the size bound evicts
// the least recently used entry first. Through the dispatch listener: tests/cache.
#include "store/cachestore.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace switchyard::store;

namespace {
CacheStore::Entry entry(qsizetype bodySize, qint64 ttlMs = 60000)
{
    return {200,
            QStringLiteral("OK"),
            {{QStringLiteral("etag"), QStringLiteral("\"1\"")}},
            QByteArray(bodySize, 'b'),
            QDateTime::currentMSecsSinceEpoch() + ttlMs};
}

CacheStore::Key key(const QString &url)
{
    return {QStringLiteral("platform"), QStringLiteral("d"), url};
}

bool put(CacheStore &store, const QString &url, CacheStore::Entry e)
{
    std::promise<bool> stored;
    store.put(key(url), std::move(e), [&](bool ok) { stored.set_value(ok); });
    return stored.get_future().get();
}

std::optional<CacheStore::Entry> match(CacheStore &store, const QString &url)
{
    std::promise<std::optional<CacheStore::Entry>> found;
    store.match(key(url), QDateTime::currentMSecsSinceEpoch(),
                [&](std::optional<CacheStore::Entry> e) { found.set_value(std::move(e)); });
    return found.get_future().get();
}
} // namespace

class tst_CacheStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void garbageFileIsRecreated();
    void foreignDatabaseIsRecreated();
    void expiredEntryMisses();
    void boundEvictsLeastRecentlyUsed();
    void partitionRemoval();
};

void tst_CacheStore::roundTrip()
{
    QTemporaryDir dir;
    QString error;
    auto store = CacheStore::open(dir.filePath("cache.db"), &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(put(*store, "https://a/", entry(10)));
    const auto hit = match(*store, "https://a/");
    QVERIFY(hit);
    QCOMPARE(hit->body, QByteArray(10, 'b'));
    QCOMPARE(hit->headers.value(0).second, QStringLiteral("\"1\""));
    QCOMPARE(store->entryCount(), 1);
    // Replacing an entry replaces its size too.
    QVERIFY(put(*store, "https://a/", entry(20)));
    QCOMPARE(store->entryCount(), 1);
    QCOMPARE(store->totalBytes(), CacheStore::sizeOf(key("https://a/"), entry(20)));
}

void tst_CacheStore::garbageFileIsRecreated()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("cache.db");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'x'));
    file.close();
    QString error;
    auto store = CacheStore::open(path, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(put(*store, "https://a/", entry(10)));
    QVERIFY(match(*store, "https://a/"));
}

void tst_CacheStore::foreignDatabaseIsRecreated()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("cache.db");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), "foreign");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec("CREATE TABLE other (x)"));
        db.close();
    }
    QSqlDatabase::removeDatabase("foreign");
    QString error;
    auto store = CacheStore::open(path, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(put(*store, "https://a/", entry(10)));
    QVERIFY(match(*store, "https://a/"));
}

void tst_CacheStore::expiredEntryMisses()
{
    QTemporaryDir dir;
    QString error;
    auto store = CacheStore::open(dir.filePath("cache.db"), &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(put(*store, "https://old/", entry(10, -1)));
    QVERIFY(!match(*store, "https://old/"));
    QCOMPARE(store->entryCount(), 0);
    QCOMPARE(store->totalBytes(), 0);
}

void tst_CacheStore::boundEvictsLeastRecentlyUsed()
{
    QTemporaryDir dir;
    QString error;
    CacheStore::Options options;
    options.maxBytes = 10000;
    auto store = CacheStore::open(dir.filePath("cache.db"), options, &error);
    QVERIFY2(store, qPrintable(error));
    QVERIFY(!put(*store, "https://too-big/", entry(20000)));
    QVERIFY(put(*store, "https://a/", entry(3000)));
    QVERIFY(put(*store, "https://b/", entry(3000)));
    QVERIFY(put(*store, "https://c/", entry(3000)));
    QVERIFY(match(*store, "https://a/"));
    QVERIFY(put(*store, "https://d/", entry(3000)));
    QVERIFY(!match(*store, "https://b/"));
    QVERIFY(match(*store, "https://a/"));
    QVERIFY(match(*store, "https://c/"));
    QVERIFY(match(*store, "https://d/"));
    QVERIFY(store->totalBytes() <= options.maxBytes);
    // The bound and the use order survive reopening.
    store.reset();
    store = CacheStore::open(dir.filePath("cache.db"), options, &error);
    QVERIFY2(store, qPrintable(error));
    QCOMPARE(store->entryCount(), 3);
    QVERIFY(match(*store, "https://a/"));
    QVERIFY(put(*store, "https://e/", entry(3000)));
    QVERIFY(!match(*store, "https://c/"));
    QVERIFY(match(*store, "https://a/"));
}

void tst_CacheStore::partitionRemoval()
{
    QTemporaryDir dir;
    QString error;
    auto store = CacheStore::open(dir.filePath("cache.db"), &error);
    QVERIFY2(store, qPrintable(error));
    auto putIn = [&](const QString &partition) {
        std::promise<bool> stored;
        store->put({partition, QStringLiteral("d"), QStringLiteral("https://k/")}, entry(10),
                   [&](bool ok) { stored.set_value(ok); });
        return stored.get_future().get();
    };
    QVERIFY(putIn("ns/a"));
    QVERIFY(putIn("ns/a/w1"));
    QVERIFY(putIn("ns/a/w2"));
    QVERIFY(putIn("ns/ab/w1"));
    QVERIFY(putIn("ns/b/w1"));
    store->removePartition("ns/a/w1");
    store->flush();
    QCOMPARE(store->entryCount(), 4);
    store->removePartition("ns/a");
    store->flush();
    QCOMPARE(store->entryCount(), 2); // ns/ab and ns/b stay
}

QTEST_GUILESS_MAIN(tst_CacheStore)
#include "tst_cachestore.moc"
