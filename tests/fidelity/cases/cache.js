// oracle: workerd
// The Cache API's surface and the checks workerd makes before it reaches a cache. workerd run
// locally has no cache behind the API (every call that gets that far rejects "No Cache was
// configured"), so what a stored entry does (expiry, 304s, isolation) is tests/cache's business;
// here only what is decided in the runtime is compared. A user Worker in an untrusted namespace
// has no caches.default in Switchyard, so the checks use caches.open().
const url = "https://example.com/cached";
const open = () => caches.open("fidelity");
// How a call fails: "threw" synchronously, or the promise it returned ("promise").
const how = (f) => { try { const p = f(); if (p instanceof Promise) { p.catch(() => {}); return "promise"; } return typeof p; } catch (e) { return "threw " + e.name; } };
const rejects = async (f) => { try { await f(); return "resolved"; } catch (e) { return { name: e.name, message: e.message, type: e.constructor.name }; } };
export default {
  async fetch(request) {
    return observe({
      "globals": () => [typeof caches, typeof Cache, typeof CacheStorage, Object.prototype.toString.call(caches)],
      "caches is a CacheStorage": () => caches instanceof CacheStorage,
      "default is a Cache": () => caches.default instanceof Cache,
      "default is the same object": () => caches.default === caches.default,
      "CacheStorage methods": () => Object.getOwnPropertyNames(CacheStorage.prototype).sort(),
      "Cache methods": () => Object.getOwnPropertyNames(Cache.prototype).sort(),
      "new Cache": () => new Cache(),
      "new CacheStorage": () => new CacheStorage(),
      "open returns a Cache": async () => (await open()) instanceof Cache,
      "open twice, distinct objects": async () => (await open()) === (await open()),
      "open name 1023": async () => (await caches.open("n".repeat(1023))) instanceof Cache,
      "open name 1024": () => caches.open("n".repeat(1024)),
      "open no argument": () => rejects(() => caches.open()),
      "open returns a promise": () => { const p = caches.open("x"); return p instanceof Promise; },
      "storage has": () => caches.has("x"),
      "storage keys": () => caches.keys(),
      "storage delete": () => caches.delete("x"),
      "storage match": () => caches.match(url),
      "add": async () => (await open()).add(url),
      "addAll": async () => (await open()).addAll([url]),
      "keys": async () => (await open()).keys(),
      "matchAll": async () => (await open()).matchAll(),
      "put non-GET": async () => (await open()).put(new Request(url, { method: "POST", body: "x" }), new Response("x")),
      "put HEAD": async () => (await open()).put(new Request(url, { method: "HEAD" }), new Response("x")),
      "put 206": async () => (await open()).put(url, new Response("x", { status: 206 })),
      "put Vary star": async () => (await open()).put(url, new Response("x", { headers: { vary: "*" } })),
      "put Vary list with star": async () => (await open()).put(url, new Response("x", { headers: { vary: "accept, *" } })),
      "put error response": async () => (await open()).put(url, Response.error()),
      "put not a Response": async () => (await open()).put(url, "text"),
      "put no response": async () => (await open()).put(url),
      "put bad URL": async () => (await open()).put("not a url", new Response("x")),
      "put 304 resolves": async () => (await open()).put(url, new Response(null, { status: 304 })),
      "put used body": async () => { const r = new Response("x"); await r.text(); return (await open()).put(url, r); },
      "put non-GET before 206": async () => (await open()).put(new Request(url, { method: "DELETE" }), new Response("x", { status: 206 })),
      "put 206 before Vary": async () => (await open()).put(url, new Response("x", { status: 206, headers: { vary: "*" } })),
      "match non-GET": async () => (await open()).match(new Request(url, { method: "POST", body: "x" })),
      "match HEAD": async () => (await open()).match(new Request(url, { method: "HEAD" })),
      "match bad URL": async () => (await open()).match("not a url"),
      "match ignoreSearch": async () => (await open()).match(new Request(url, { method: "POST" }), { ignoreSearch: true }),
      "match ignoreVary": async () => (await open()).match(new Request(url, { method: "POST" }), { ignoreVary: true }),
      "match ignoreSearch false": async () => (await open()).match(new Request(url, { method: "POST" }), { ignoreSearch: false }),
      "delete non-GET": async () => (await open()).delete(new Request(url, { method: "PUT", body: "x" })),
      "delete bad URL": async () => (await open()).delete("not a url"),
      "delete no argument": async () => rejects(async () => (await open()).delete()),
      "match no argument": async () => rejects(async () => (await open()).match()),
      "default put non-GET": () => caches.default.put(new Request(url, { method: "POST", body: "x" }), new Response("x")),
      "has throws synchronously": () => how(() => caches.has("x")),
      "add throws synchronously": async () => { const c = await open(); return how(() => c.add(url)); },
      "open too long rejects": () => how(() => caches.open("n".repeat(2000))),
      "open no argument rejects": () => how(() => caches.open()),
      "match no argument rejects": async () => { const c = await open(); return how(() => c.match()); },
      "put not a Response rejects": async () => { const c = await open(); return how(() => c.put(url, 1)); },
      "put error response rejects": async () => { const c = await open(); return how(() => c.put(url, Response.error())); },
      "match ignoreSearch rejects": async () => { const c = await open(); return how(() => c.match(url, { ignoreSearch: true })); },
      "open number name": async () => (await caches.open(5)) instanceof Cache,
      "open null name": async () => (await caches.open(null)) instanceof Cache,
      "open object name": async () => (await caches.open({ toString() { return "o"; } })) instanceof Cache,
      "put no request": async () => rejects(async () => (await open()).put()),
      "match URL object, non-GET": async () => (await open()).match(new Request(new URL(url), { method: "PUT" })),
      "match ignoreSearch undefined": async () => (await open()).match(new Request(url, { method: "POST" }), { ignoreSearch: undefined }),
      "match options not an object": async () => (await open()).match(new Request(url, { method: "POST" }), 5),
      "match ignoreMethod false, non-GET": async () => (await open()).match(new Request(url, { method: "POST" }), { ignoreMethod: false }),
      "match cacheName option": async () => (await open()).match(new Request(url, { method: "POST" }), { cacheName: "x" }),
      "delete ignoreVary": async () => (await open()).delete(new Request(url, { method: "POST" }), { ignoreVary: true }),
      "put Vary other": async () => rejects(async () => (await open()).put(new Request(url, { method: "GET" }), new Response("x", { status: 206, headers: { vary: "accept" } }))),
      "put status 101 error shape": async () => rejects(async () => (await open()).put(new Request(url, { method: "PATCH" }), new Response("x"))),
      "put rejects, not throws": async () => { const c = await open(); let p; try { p = c.put(url, new Response("x", { status: 206 })); } catch (e) { return "threw"; } return rejects(() => p); },
    });
  },
};
