// The Cache API as tenants meet it, through the real dispatch listener: put/match/delete, expiry
// by max-age, what the cache declines (no-store, private, Set-Cookie), conditional matches that
// answer 304, entries that survive a restart, the size bound's LRU eviction, isolation between
// the user Workers of an untrusted namespace (and sharing in a trusted one), the platform
// Worker's caches.default, and cache calls counted as subrequests. What workerd decides before a
// cache is reached (errors, method checks) is tests/fidelity/cases/cache.js.
#include "../common/dispatchstack.h"
#include "../common/rawhttp.h"

#include "engine/v8platform.h"
#include "platform/platformservice.h"
#include "store/cachestore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>

using namespace switchyard;
using switchyard::testing::rawRequest;
using switchyard::testing::RawResponse;

namespace {
constexpr const char *kNamespace = "tenants";
// Small enough that a few 30 kB entries exceed it.
constexpr qint64 kCacheBound = 64 * 1024;

// One handler for the user Workers and the dispatcher alike: the query says which cache
// (`cache=default` for caches.default), which key, and what to do; a match answers what it found
// in x- headers, since a cached 304 cannot be returned with a body. (No two slashes in a row:
// moc takes them for a comment even inside a raw string.)
constexpr char cacherJs[] = R"JS(
async function cacher(request) {
  const u = new URL(request.url);
  const q = (n, d) => { const v = u.searchParams.get(n); return v === null ? d : v; };
  const key = "https:\/\/cache.example/" + q("key", "k");
  try {
    const name = q("cache", "c");
    const cache = name === "default" ? caches.default : await caches.open(name);
    switch (q("op")) {
      case "put": {
        const size = Number(q("size", "0"));
        const body = size ? "x".repeat(size) : q("body", "cached body");
        await cache.put(key, new Response(body, { status: Number(q("status", "200")), headers: JSON.parse(q("headers", "{}")) }));
        return new Response("put");
      }
      case "match": {
        const r = await cache.match(new Request(key, { headers: JSON.parse(q("reqheaders", "{}")) }));
        if (!r) return new Response("miss", { status: 404 });
        return new Response(await r.text(), { headers: { "x-status": String(r.status),
          "x-cache-status": r.headers.get("cf-cache-status") || "", "x-etag": r.headers.get("etag") || "",
          "x-set-cookie": r.headers.get("set-cookie") || "none" } });
      }
      case "delete":
        return new Response(String(await cache.delete(key)));
      case "many": {
        let done = 0;
        for (let i = 0; i < Number(q("n", "1")); ++i) { await cache.match(key + i); ++done; }
        return new Response(String(done));
      }
    }
    return new Response("no op", { status: 400 });
  } catch (e) {
    return new Response(e.name + ": " + e.message, { status: 500 });
  }
}
)JS";

const QByteArray userCode = QByteArray(cacherJs) + "export default { fetch: cacher };";

// `platform.localhost` is answered by the dispatcher itself (a platform Worker); any other first
// label names a user Worker, run with the subrequest limit `x-subrequests` asks for.
constexpr char dispatcherJs[] = R"JS(
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    if (name === "platform") return cacher(request);
    const subRequests = Number(request.headers.get("x-subrequests") || 0) || undefined;
    try {
      return await env.DISPATCHER.get(name, {}, { limits: { subRequests } }).fetch(request);
    } catch (e) {
      return new Response(String(e && e.message), { status: 429 });
    }
  } };)JS";
const QByteArray dispatcherCode = QByteArray(cacherJs) + dispatcherJs;

QByteArray json(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    QJsonObject o;
    for (const auto &[k, v] : pairs)
        o.insert(QLatin1String(k), QLatin1String(v));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

class tst_Cache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void putMatchDelete();
    void hitCarriesCacheStatus();
    void maxAgeExpires();
    void declinedResponsesAreNotStored();
    void setCookieWithPrivateIsStoredWithout();
    void conditionalMatchAnswers304();
    void largerThanTheBoundIsNotStored();
    void leastRecentlyUsedIsEvicted();
    void survivesRestart();
    void untrustedWorkersHaveTheirOwnCache();
    void untrustedWorkersHaveNoDefaultCache();
    void trustedNamespaceSharesOneCache();
    void platformWorkerHasDefaultCache();
    void cacheCallsAreSubrequests();
    void deletedWorkerLeavesNothingBehind();

private:
    // A request to `worker` (a user Worker, or "platform") with `query` items.
    RawResponse call(const QByteArray &worker, const QList<QPair<QString, QString>> &query,
                     const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QUrlQuery q;
        q.setQueryItems(query);
        return rawRequest(m_stack.port(), "GET", worker + ".localhost",
                          "/?" + q.toString(QUrl::FullyEncoded).toUtf8(), {}, headers);
    }
    RawResponse put(const QByteArray &worker, const QString &key, const QByteArray &headers = "{}",
                    const QString &cache = QStringLiteral("c"), int size = 0)
    {
        return call(worker,
                    {{"op", "put"},
                     {"key", key},
                     {"cache", cache},
                     {"headers", QString::fromUtf8(headers)},
                     {"size", QString::number(size)}});
    }
    RawResponse match(const QByteArray &worker, const QString &key,
                      const QString &cache = QStringLiteral("c"),
                      const QByteArray &requestHeaders = "{}")
    {
        return call(worker,
                    {{"op", "match"},
                     {"key", key},
                     {"cache", cache},
                     {"reqheaders", QString::fromUtf8(requestHeaders)}});
    }

    std::unique_ptr<engine::V8Platform> m_v8;
    testing::DispatchStack m_stack;
};

void tst_Cache::initTestCase()
{
    m_v8 = std::make_unique<engine::V8Platform>();
    m_stack.cacheMaxBytes = kCacheBound;
    const QString error = m_stack.start(*m_v8, QString::fromLatin1(kNamespace), dispatcherCode);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char *name : {"alpha", "beta"}) {
        const QString put = m_stack.putUserWorker(QLatin1String(name), userCode);
        QVERIFY2(put.isEmpty(), qPrintable(put));
    }
}

void tst_Cache::cleanupTestCase()
{
    m_stack.stop();
}

void tst_Cache::putMatchDelete()
{
    QCOMPARE(put("alpha", "a").body, QByteArray("put"));
    RawResponse hit = match("alpha", "a");
    QCOMPARE(hit.status, 200);
    QCOMPARE(hit.body, QByteArray("cached body"));
    QCOMPARE(hit.header("x-status"), QByteArray("200"));
    QCOMPARE(call("alpha", {{"op", "delete"}, {"key", "a"}}).body, QByteArray("true"));
    QCOMPARE(match("alpha", "a").status, 404);
    QCOMPARE(call("alpha", {{"op", "delete"}, {"key", "a"}}).body, QByteArray("false"));
    // A named cache is its own: the same key in another one is not there.
    put("alpha", "a");
    QCOMPARE(match("alpha", "a", QStringLiteral("other")).status, 404);
}

void tst_Cache::hitCarriesCacheStatus()
{
    put("alpha", "status");
    QCOMPARE(match("alpha", "status").header("x-cache-status"), QByteArray("HIT"));
}

void tst_Cache::maxAgeExpires()
{
    put("alpha", "short", json({{"cache-control", "max-age=1"}}));
    QCOMPARE(match("alpha", "short").status, 200);
    QTest::qWait(2100);
    QCOMPARE(match("alpha", "short").status, 404);
    // s-maxage is the shared cache's and wins over max-age.
    put("alpha", "shared-age", json({{"cache-control", "max-age=600, s-maxage=1"}}));
    QCOMPARE(match("alpha", "shared-age").status, 200);
    QTest::qWait(2100);
    QCOMPARE(match("alpha", "shared-age").status, 404);
}

void tst_Cache::declinedResponsesAreNotStored()
{
    const QList<std::pair<QString, QByteArray>> declined {
            {"no-store", json({{"cache-control", "no-store"}})},
            {"no-cache", json({{"cache-control", "public, no-cache"}})},
            {"private", json({{"cache-control", "private, max-age=600"}})},
            {"max-age=0", json({{"cache-control", "max-age=0"}})},
            {"expired", json({{"expires", "Thu, 01 Jan 1970 00:00:00 GMT"}})},
            {"bad-expires", json({{"expires", "0"}})},
            {"set-cookie", json({{"set-cookie", "id=1"}, {"cache-control", "max-age=600"}})},
    };
    for (const auto &[key, headers] : declined) {
        QCOMPARE(put("alpha", key, headers).body, QByteArray("put"));
        QVERIFY2(match("alpha", key).status == 404, qPrintable(key));
    }
    // No Cache-Control: Cloudflare's default TTL by status, none for a 500.
    call("alpha", {{"op", "put"}, {"key", "error"}, {"status", "500"}});
    QCOMPARE(match("alpha", "error").status, 404);
    call("alpha", {{"op", "put"}, {"key", "not-found"}, {"status", "404"}});
    QCOMPARE(match("alpha", "not-found").header("x-status"), QByteArray("404"));
    put("alpha", "future", json({{"expires", "Fri, 01 Jan 2100 00:00:00 GMT"}}));
    QCOMPARE(match("alpha", "future").status, 200);
}

void tst_Cache::setCookieWithPrivateIsStoredWithout()
{
    put("alpha", "cookie",
        json({{"set-cookie", "id=1"}, {"cache-control", "private=Set-Cookie, max-age=600"}}));
    const RawResponse hit = match("alpha", "cookie");
    QCOMPARE(hit.status, 200);
    QCOMPARE(hit.header("x-set-cookie"), QByteArray("none"));
}

void tst_Cache::conditionalMatchAnswers304()
{
    put("alpha", "cond",
        json({{"etag", "\"v1\""},
              {"last-modified", "Tue, 01 Jan 2030 00:00:00 GMT"},
              {"cache-control", "max-age=600"}}));
    auto status = [&](const QByteArray &requestHeaders) {
        return match("alpha", "cond", QStringLiteral("c"), requestHeaders).header("x-status");
    };
    QCOMPARE(status(json({{"if-none-match", "\"v1\""}})), QByteArray("304"));
    QCOMPARE(status(json({{"if-none-match", "\"v0\", W/\"v1\""}})), QByteArray("304"));
    QCOMPARE(status(json({{"if-none-match", "*"}})), QByteArray("304"));
    QCOMPARE(status(json({{"if-none-match", "\"v2\""}})), QByteArray("200"));
    QCOMPARE(status(json({{"if-modified-since", "Wed, 02 Jan 2030 00:00:00 GMT"}})),
             QByteArray("304"));
    QCOMPARE(status(json({{"if-modified-since", "Tue, 01 Jan 2030 00:00:00 GMT"}})),
             QByteArray("304"));
    QCOMPARE(status(json({{"if-modified-since", "Mon, 31 Dec 2029 00:00:00 GMT"}})),
             QByteArray("200"));
    // If-None-Match decides when both are given.
    QCOMPARE(status(json({{"if-none-match", "\"v2\""},
                          {"if-modified-since", "Wed, 02 Jan 2030 00:00:00 GMT"}})),
             QByteArray("200"));
    const RawResponse notModified
            = match("alpha", "cond", QStringLiteral("c"), json({{"if-none-match", "\"v1\""}}));
    QCOMPARE(notModified.body, QByteArray());
    QCOMPARE(notModified.header("x-etag"), QByteArray("\"v1\""));
}

void tst_Cache::largerThanTheBoundIsNotStored()
{
    QCOMPARE(put("alpha", "huge", "{}", QStringLiteral("c"), 100 * 1024).body, QByteArray("put"));
    QCOMPARE(match("alpha", "huge").status, 404);
}

void tst_Cache::leastRecentlyUsedIsEvicted()
{
    // Two 30 kB entries fit the 64 KiB bound; a third makes room by evicting the least recently
    // used one (whatever earlier tests left goes before them).
    put("alpha", "lru-a", "{}", QStringLiteral("c"), 30000);
    put("alpha", "lru-b", "{}", QStringLiteral("c"), 30000);
    QCOMPARE(match("alpha", "lru-a").status, 200);
    put("alpha", "lru-c", "{}", QStringLiteral("c"), 30000);
    QCOMPARE(match("alpha", "lru-b").status, 404);
    QCOMPARE(match("alpha", "lru-a").status, 200);
    QCOMPARE(match("alpha", "lru-c").status, 200);
    m_stack.runtime().cacheStore().flush();
    QVERIFY(m_stack.runtime().cacheStore().totalBytes() <= kCacheBound);
}

void tst_Cache::survivesRestart()
{
    put("alpha", "kept");
    put("platform", "kept-platform", "{}", QStringLiteral("default"));
    const QString error = m_stack.restart(*m_v8);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(match("alpha", "kept").body, QByteArray("cached body"));
    QCOMPARE(match("platform", "kept-platform", QStringLiteral("default")).status, 200);
}

void tst_Cache::untrustedWorkersHaveTheirOwnCache()
{
    put("alpha", "mine", "{}", QStringLiteral("shared-name"));
    QCOMPARE(match("alpha", "mine", QStringLiteral("shared-name")).status, 200);
    QCOMPARE(match("beta", "mine", QStringLiteral("shared-name")).status, 404);
    QCOMPARE(call("beta", {{"op", "delete"}, {"key", "mine"}, {"cache", "shared-name"}}).body,
             QByteArray("false"));
    QCOMPARE(match("alpha", "mine", QStringLiteral("shared-name")).status, 200);
}

void tst_Cache::untrustedWorkersHaveNoDefaultCache()
{
    const RawResponse refused = put("alpha", "d", "{}", QStringLiteral("default"));
    QCOMPARE(refused.status, 500);
    QVERIFY2(refused.body.contains("caches.default is disabled"), refused.body.constData());
    QCOMPARE(match("alpha", "d", QStringLiteral("default")).status, 500);
}

void tst_Cache::trustedNamespaceSharesOneCache()
{
    QVERIFY(m_stack.service().setNamespaceTrusted(QString::fromLatin1(kNamespace), true));
    put("alpha", "ours", "{}", QStringLiteral("team"));
    QCOMPARE(match("beta", "ours", QStringLiteral("team")).status, 200);
    put("alpha", "ours-default", "{}", QStringLiteral("default"));
    QCOMPARE(match("beta", "ours-default", QStringLiteral("default")).status, 200);
    // The platform's own caches are not the namespace's.
    QCOMPARE(match("platform", "ours-default", QStringLiteral("default")).status, 404);
    QVERIFY(m_stack.service().setNamespaceTrusted(QString::fromLatin1(kNamespace), false));
    // Untrusted again, each Worker is back to its own cache.
    QCOMPARE(match("beta", "ours", QStringLiteral("team")).status, 404);
}

void tst_Cache::platformWorkerHasDefaultCache()
{
    QCOMPARE(put("platform", "p", "{}", QStringLiteral("default")).body, QByteArray("put"));
    QCOMPARE(match("platform", "p", QStringLiteral("default")).body, QByteArray("cached body"));
    QCOMPARE(match("platform", "p").status, 404); // a named cache is another
    QCOMPARE(match("alpha", "p").status, 404);
}

void tst_Cache::cacheCallsAreSubrequests()
{
    const RawResponse within
            = call("alpha", {{"op", "many"}, {"n", "3"}}, {{"x-subrequests", "3"}});
    QCOMPARE(within.body, QByteArray("3"));
    const RawResponse over = call("alpha", {{"op", "many"}, {"n", "4"}}, {{"x-subrequests", "3"}});
    QCOMPARE(over.status, 500);
    QCOMPARE(over.body, QByteArray("Error: Too many subrequests."));
}

void tst_Cache::deletedWorkerLeavesNothingBehind()
{
    put("beta", "left");
    QCOMPARE(match("beta", "left").status, 200);
    QVERIFY(m_stack.service().deleteScript(QString::fromLatin1(kNamespace),
                                           QStringLiteral("beta")));
    QCOMPARE(m_stack.putUserWorker(QStringLiteral("beta"), userCode), QString());
    QCOMPARE(match("beta", "left").status, 404);
}

QTEST_GUILESS_MAIN(tst_Cache)
#include "tst_cache.moc"
