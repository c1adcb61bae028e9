// Switchyard prelude: the Cache API (`caches`, Cache, CacheStorage) as workerd has it. Every check
// workerd makes before a request reaches its cache is made here, with workerd's messages; what is
// stored, for how long and for whom is the host's (runtime/platform), reached through the reserved
// binding name `__cache__` (CONTRACT.md). Each call that reaches the host is a subrequest.
(function (natives) {
  'use strict';
  const $ = natives.$;
  const BINDING = '__cache__';
  const cacheState = $.slot(); // Cache -> {name: string or null (caches.default)}
  let constructing = false;

  // jsg::Unimplemented / WontImplement: thrown synchronously, as workerd does.
  const notImplemented = (method, type) => new Error("Failed to execute '" + method + "' on '" + type + "': the method is not implemented.");
  function cGet(self) { const s = cacheState.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; }
  // jsg refuses a missing argument but converts an explicit undefined to "undefined".
  function missing(method, type, what) { return new TypeError("Failed to execute '" + method + "' on '" + type + "': parameter 1 is not of type '" + what + "'."); }
  function toRequest(input) { return $.isRequest(input) ? input : new $.Request(String(input)); }
  // CacheQueryOptions: only ignoreMethod; the fields workerd will not implement throw when given.
  function ignoresMethod(method, options) {
    if (options === undefined || options === null) return false;
    if (typeof options !== 'object' && typeof options !== 'function') throw new TypeError("Failed to execute '" + method + "' on 'Cache': parameter 2 is not of type 'CacheQueryOptions'.");
    const ignore = options.ignoreMethod;
    for (const f of ['ignoreSearch', 'ignoreVary', 'cacheName']) {
      if (options[f] !== undefined) throw new Error("The '" + f + "' field on 'CacheQueryOptions' is not implemented.");
    }
    return !!ignore;
  }

  class Cache {
    constructor(name) {
      if (!constructing) throw new TypeError('Illegal constructor');
      cacheState.set(this, { name });
    }
    add(request) { throw notImplemented('add', 'Cache'); }
    addAll(requests) { throw notImplemented('addAll', 'Cache'); }
    match(request, options = undefined) {
      const given = arguments.length;
      return new Promise((resolve) => {
        const st = cGet(this);
        if (given === 0) throw missing('match', 'Cache', 'Request or string');
        const ignoreMethod = ignoresMethod('match', options);
        const req = toRequest(request);
        if (!ignoreMethod && req.method !== 'GET') { resolve(undefined); return; }
        const h = req.headers;
        const found = natives.binding(BINDING, 'match', [st.name, req.url, h.get('if-none-match'), h.get('if-modified-since')]);
        resolve(Promise.resolve(found).then((res) => (res == null ? undefined : $.responseFromResult(res, ''))));
      });
    }
    put(request, response) {
      const given = arguments.length;
      return new Promise((resolve) => {
        const st = cGet(this);
        if (given === 0) throw missing('put', 'Cache', 'Request or string');
        if (!$.isResponse(response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
        if (response.type === 'error') throw new TypeError('Cache is unable to store an error response');
        const req = toRequest(request);
        if (req.method !== 'GET') throw new TypeError('Cannot cache response to non-GET request.');
        const status = response.status;
        if (status === 206) throw new TypeError('Cannot cache response to a range request (206 Partial Content).');
        const vary = response.headers.get('vary');
        if (vary !== null && vary.includes('*')) throw new TypeError("Cannot cache response with 'Vary: *' header.");
        // A cached 304 would answer later unconditional requests; workerd drops it silently.
        if (status === 304) { resolve(undefined); return; }
        if (response.webSocket) throw new TypeError('Cannot cache WebSocket upgrade response.');
        const url = req.url;
        const statusText = response.statusText;
        const pairs = $.headerPairs(response.headers);
        // The body is disturbed as put() returns, as in workerd.
        const body = $.consumeBody(response);
        resolve(body.then((bytes) => natives.binding(BINDING, 'put', [st.name, url, status, statusText, pairs, bytes])).then(() => undefined));
      });
    }
    delete(request, options = undefined) {
      const given = arguments.length;
      return new Promise((resolve) => {
        const st = cGet(this);
        if (given === 0) throw missing('delete', 'Cache', 'Request or string');
        const ignoreMethod = ignoresMethod('delete', options);
        const req = toRequest(request);
        if (!ignoreMethod && req.method !== 'GET') { resolve(false); return; }
        resolve(Promise.resolve(natives.binding(BINDING, 'delete', [st.name, req.url])).then((r) => r === true));
      });
    }
    matchAll(request, options) { throw notImplemented('matchAll', 'Cache'); }
    keys(request, options) { throw notImplemented('keys', 'Cache'); }
  }
  $.tag(Cache);
  function makeCache(name) {
    constructing = true;
    try { return new Cache(name); } finally { constructing = false; }
  }

  class CacheStorage {
    constructor() {
      if (!constructing) throw new TypeError('Illegal constructor');
      const defaultCache = makeCache(null);
      Object.defineProperty(this, 'default', { get() { return defaultCache; }, enumerable: true, configurable: false });
    }
    open(cacheName) {
      const given = arguments.length;
      return new Promise((resolve) => {
        if (given === 0) throw missing('open', 'CacheStorage', 'string');
        const name = String(cacheName);
        // workerd's bound, in UTF-8 bytes: the name travels in a header to its cache.
        if (natives.utf8Encode(name).length >= 1024) throw new TypeError('Cache name is too long.');
        resolve(makeCache(name));
      });
    }
    delete(cacheName) { throw notImplemented('delete', 'CacheStorage'); }
    match(request, options) { throw notImplemented('match', 'CacheStorage'); }
    has(cacheName) { throw notImplemented('has', 'CacheStorage'); }
    keys() { throw notImplemented('keys', 'CacheStorage'); }
  }
  $.tag(CacheStorage);

  let caches;
  constructing = true;
  try { caches = new CacheStorage(); } finally { constructing = false; }
  $.defineGlobal('Cache', Cache);
  $.defineGlobal('CacheStorage', CacheStorage);
  $.defineGlobal('caches', caches);
})(globalThis.__switchyard);
