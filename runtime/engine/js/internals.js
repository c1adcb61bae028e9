// Switchyard prelude 6/6 (must stay last): binding objects (KV, Analytics Engine, dispatch
// namespace, service Fetcher), FetchEvent + global addEventListener (service-worker syntax),
// ExecutionContext, and the internals object for the engine. Deletes globalThis.__switchyard and
// evaluates to the internals object.
(function (natives) {
  'use strict';
  const $ = natives.$;
  const call = (name, method, args) => natives.binding(name, method, args);

  // ---------------------------------------------------------------- Fetcher (service + dispatch)
  const fetcherState = $.slot(); // {binding, handle}
  let constructing = false;
  function guardCtor() { if (!constructing) throw new TypeError('Illegal constructor'); }
  function construct(C, ...args) { constructing = true; try { return new C(...args); } finally { constructing = false; } }
  class Fetcher {
    constructor(binding, handle) { guardCtor(); fetcherState.set(this, { binding, handle }); }
    fetch(input, init = undefined) {
      const st = fetcherState.get(this);
      if (!st) return Promise.reject(new TypeError('Illegal invocation'));
      // A dispatcher forwarding its own request as is (the common case): the host already has it,
      // so it is named rather than copied and read back. Its signal is never aborted. The host
      // answers undefined when the name is not its current Invocation's (a request kept from an
      // earlier one); then it goes the long way.
      const origin = init === undefined ? $.requestOrigin(input) : undefined;
      if (origin !== undefined) {
        let p;
        try { p = call(st.binding, 'fetch', [st.handle, origin]); } catch (e) { return Promise.reject(e); }
        if (p !== undefined) {
          const url = input.url;
          return Promise.resolve(p).then((res) => $.responseFromResult(res, url));
        }
      }
      return new Promise((resolve, reject) => {
        const request = new $.Request(input, init);
        const signal = request.signal;
        const p = $.serializeRequest(request).then((r) =>
          Promise.resolve(call(st.binding, 'fetch', [st.handle, r.method, r.url, r.headers, r.body]))
            .then((res) => $.responseFromResult(res, r.url)));
        $.withAbort(signal, p).then(resolve, reject);
      });
    }
    connect() { throw new Error('connect() is not supported by Switchyard.'); }
  }
  $.tag(Fetcher);

  // ---------------------------------------------------------------- KV
  const kvTypes = ['text', 'json', 'arrayBuffer', 'stream'];
  function kvType(options) {
    let type = 'text';
    if (typeof options === 'string') type = options;
    else if (options != null && typeof options === 'object' && options.type !== undefined) type = String(options.type);
    if (!kvTypes.includes(type)) throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
    return type;
  }
  function kvConvert(bytes, type) {
    const u8 = bytes instanceof Uint8Array ? bytes : $.toBytes(bytes);
    switch (type) {
      case 'text': return $.utf8Decode(u8);
      case 'json': return JSON.parse($.utf8Decode(u8));
      case 'arrayBuffer': return $.bytesToArrayBuffer($.copyBytes(u8));
      case 'stream': return $.streamFromBytes($.copyBytes(u8));
    }
    return undefined;
  }
  const kvName = $.slot();
  function kvGet(self) { const n = kvName.get(self); if (n === undefined) throw new TypeError('Illegal invocation'); return n; }
  const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  class KVNamespace {
    constructor(name) { guardCtor(); kvName.set(this, name); }
    get(key, options = undefined) {
      // On most dispatchers' path: one promise from the binding and one reaction, not a promise
      // resolved with another (two more microtask jobs). Errors still arrive as rejections.
      let pending;
      try {
        const name = kvGet(this); const type = kvType(options);
        pending = Promise.resolve(call(name, 'get', [String(key), 'value'])).then((v) => (v == null ? null : kvConvert(v, type)));
      } catch (e) { return Promise.reject(e); }
      return pending;
    }
    getWithMetadata(key, options = undefined) {
      return new Promise((resolve) => {
        const name = kvGet(this); const type = kvType(options);
        resolve(Promise.resolve(call(name, 'get', [String(key)])).then((r) => (r == null
          ? { value: null, metadata: null, cacheStatus: null }
          : { value: kvConvert(r.value, type), metadata: r.metadata === undefined ? null : r.metadata, cacheStatus: null })));
      });
    }
    put(key, value, options = undefined) {
      return new Promise((resolve) => {
        const name = kvGet(this);
        key = String(key);
        let bytesP;
        if (typeof value === 'string') bytesP = Promise.resolve(natives.utf8Encode(value));
        else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytesP = Promise.resolve($.copyBytes($.toBytes(value)));
        else if ($.isReadableStream(value)) bytesP = $.readAllBytes(value);
        else throw new TypeError('KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.');
        const opts = {};
        if (options != null) {
          if (typeof options !== 'object') throw new TypeError('KV put() options must be an object.');
          if (options.expiration !== undefined) opts.expiration = Number(options.expiration);
          if (options.expirationTtl !== undefined) opts.expirationTtl = Number(options.expirationTtl);
          if (options.metadata !== undefined) opts.metadata = plain(options.metadata);
        }
        resolve(bytesP.then((bytes) => call(name, 'put', [key, bytes, opts])).then(() => undefined));
      });
    }
    delete(key) {
      return new Promise((resolve) => {
        const name = kvGet(this);
        resolve(Promise.resolve(call(name, 'delete', [String(key)])).then(() => undefined));
      });
    }
    list(options = undefined) {
      return new Promise((resolve) => {
        const name = kvGet(this);
        const opts = {};
        if (options != null) {
          if (options.prefix != null) opts.prefix = String(options.prefix);
          if (options.limit != null) opts.limit = Number(options.limit);
          if (options.cursor != null) opts.cursor = String(options.cursor);
        }
        resolve(Promise.resolve(call(name, 'list', [opts])).then((r) => {
          const out = { keys: Array.isArray(r && r.keys) ? r.keys : [], list_complete: !!(r && r.list_complete), cacheStatus: null };
          if (r && r.cursor !== undefined && r.cursor !== null && r.cursor !== '') out.cursor = r.cursor;
          return out;
        }));
      });
    }
  }
  $.tag(KVNamespace);

  // ---------------------------------------------------------------- Analytics Engine
  const aeName = $.slot();
  class AnalyticsEngineDataset {
    constructor(name) { guardCtor(); aeName.set(this, name); }
    writeDataPoint(point = undefined) {
      const name = aeName.get(this);
      if (name === undefined) throw new TypeError('Illegal invocation');
      const p = {};
      if (point != null) {
        if (typeof point !== 'object') throw new TypeError('writeDataPoint() expects an object.');
        const conv = (v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? $.copyBytes($.toBytes(v)) : v == null ? null : v);
        if (point.blobs !== undefined) p.blobs = Array.from(point.blobs, conv);
        if (point.doubles !== undefined) p.doubles = Array.from(point.doubles); // the native validates types
        if (point.indexes !== undefined) p.indexes = Array.from(point.indexes, conv);
      }
      call(name, 'writeDataPoint', [p]);
    }
  }
  $.tag(AnalyticsEngineDataset);

  // ---------------------------------------------------------------- dispatch namespace
  const nsName = $.slot();
  class DispatchNamespace {
    constructor(name) { guardCtor(); nsName.set(this, name); }
    get(name, args = undefined, options = undefined) {
      const ns = nsName.get(this);
      if (ns === undefined) throw new TypeError('Illegal invocation');
      // Limits cross as numbers (null: not given) rather than a nested record: on most
      // dispatchers' path, and a record costs a map on the host side.
      let cpuMs = null, subRequests = null, outbound = null;
      if (options != null) {
        if (options.limits != null) {
          const l = options.limits;
          if (l.cpuMs !== undefined) cpuMs = Number(l.cpuMs);
          const sub = l.subRequests !== undefined ? l.subRequests : l.subrequests;
          if (sub !== undefined) subRequests = Number(sub);
        }
        if (options.outbound !== undefined) outbound = $.structuredClone(options.outbound);
      }
      // The host does not read `args` (Cloudflare reserves it); it is still checked to be
      // cloneable, except for the `{}` every seed example passes.
      const plainEmpty = args !== null && typeof args === 'object' && Object.getPrototypeOf(args) === Object.prototype && Reflect.ownKeys(args).length === 0;
      const handle = call(ns, 'get', [String(name), args === undefined || plainEmpty ? null : $.structuredClone(args), cpuMs, subRequests, outbound]);
      return construct(Fetcher, ns, handle);
    }
  }
  $.tag(DispatchNamespace);

  // ---------------------------------------------------------------- FetchEvent / service worker
  const feState = $.slot();
  class FetchEvent extends $.Event {
    constructor(type, init = undefined) {
      super(type, init);
      if (init == null || !$.isRequest(init.request)) throw new TypeError("Failed to construct 'FetchEvent': required member request is undefined.");
      feState.set(this, { request: init.request, responded: false, response: undefined, ctx: null });
    }
    get request() { return feState.get(this).request; }
    respondWith(response) {
      const s = feState.get(this);
      if (!s) throw new TypeError('Illegal invocation');
      if (s.responded) throw new DOMException('FetchEvent.respondWith() has already been called; it can only be called once.', 'InvalidStateError');
      if (!$.evState.get(this).dispatching) throw new DOMException('Too late to call FetchEvent.respondWith(). It must be called synchronously in the event handler.', 'InvalidStateError');
      s.responded = true;
      s.response = response;
      this.stopImmediatePropagation();
    }
    waitUntil(promise) { const s = feState.get(this); if (s.ctx) s.ctx.waitUntil(promise); }
    passThroughOnException() { const s = feState.get(this); if (s.ctx) s.ctx.passThroughOnException(); }
  }
  $.tag(FetchEvent);
  $.defineGlobal('FetchEvent', FetchEvent);
  const globalTarget = new $.EventTarget();
  $.defineGlobal('addEventListener', function addEventListener(type, listener, options = undefined) { globalTarget.addEventListener(type, listener, options); });
  $.defineGlobal('removeEventListener', function removeEventListener(type, listener, options = undefined) { globalTarget.removeEventListener(type, listener, options); });
  $.defineGlobal('dispatchEvent', function dispatchEvent(event) { return globalTarget.dispatchEvent(event); });

  // ---------------------------------------------------------------- ExecutionContext
  const ctxHandle = $.slot();
  class ExecutionContext {
    constructor(handle) { guardCtor(); ctxHandle.set(this, handle); }
    waitUntil(promise) {
      const h = ctxHandle.get(this);
      if (!h) throw new TypeError('Illegal invocation');
      if (!Array.isArray(h.waitUntil)) h.waitUntil = [];
      const p = Promise.resolve(promise);
      p.catch(() => {});
      h.waitUntil.push(p);
    }
    passThroughOnException() {
      const h = ctxHandle.get(this);
      if (!h) throw new TypeError('Illegal invocation');
      h.passThrough = true;
    }
  }
  $.tag(ExecutionContext);
  $.defineGlobal('ExecutionContext', ExecutionContext);

  // Binding classes are visible (workers sometimes do `instanceof`), but not constructible.
  $.defineGlobal('Fetcher', Fetcher);
  $.defineGlobal('KVNamespace', KVNamespace);
  $.defineGlobal('AnalyticsEngineDataset', AnalyticsEngineDataset);
  $.defineGlobal('DispatchNamespace', DispatchNamespace);

  // ---------------------------------------------------------------- internals
  function formatError(error) {
    if (error !== null && typeof error === 'object') {
      let name, message, stack;
      try { name = error.name === undefined ? 'Error' : String(error.name); } catch (_) { name = 'Error'; }
      try { message = error.message === undefined ? '' : String(error.message); } catch (_) { message = ''; }
      try { stack = typeof error.stack === 'string' ? error.stack : ''; } catch (_) { stack = ''; }
      if (!(error instanceof Error) && !(error instanceof DOMException) && message === '' && name === 'Error') {
        message = $.inspect(error);
      }
      return { name, message, stack };
    }
    let message;
    try { message = typeof error === 'string' ? error : $.inspect(error); } catch (_) { message = String(error); }
    return { name: 'Error', message, stack: '' };
  }
  const installedGlobals = new Set();
  const internals = Object.freeze({
    makeRequest(method, url, headers, body, cf, origin) { return $.makeIncomingRequest(method, url, headers, body, cf, origin); },
    readResponse(value, invocationId) { return $.readResponse(value, invocationId); },
    deliverWebSocket(key, kind, data, code, reason) { $.deliverWebSocket(key, kind, data, code, reason); },
    readBodyChunk(reader) { return $.readBodyChunk(reader); },
    cancelBody(reader, reason) { return $.cancelBody(reader, reason); },
    makeEnv(descriptors) {
      const env = {};
      for (const d of descriptors || []) {
        const name = String(d.name);
        let v;
        switch (d.type) {
          case 'plain_text': case 'secret_text': v = String(d.text); break;
          case 'json': v = d.value; break;
          case 'kv_namespace': v = construct(KVNamespace, name); break;
          case 'analytics_engine': v = construct(AnalyticsEngineDataset, name); break;
          case 'dispatch_namespace': v = construct(DispatchNamespace, name); break;
          case 'service': v = construct(Fetcher, name, 0); break;
          default: continue;
        }
        env[name] = v;
      }
      return env;
    },
    makeContext(handle) {
      if (!Array.isArray(handle.waitUntil)) handle.waitUntil = [];
      if (handle.passThrough === undefined) handle.passThrough = false;
      return construct(ExecutionContext, handle);
    },
    serviceWorkerFetch(request, env, ctx) {
      return new Promise((resolve, reject) => {
        const ev = new FetchEvent('fetch', { request });
        const s = feState.get(ev);
        s.ctx = ctx;
        let thrown = null;
        // listeners' exceptions: the first one rejects (workerd reports it as the invocation's exception)
        const saved = $.reportError;
        try {
          $.reportError = (e) => { if (thrown === null && !s.responded) thrown = { e }; else saved(e); };
          globalTarget.dispatchEvent(ev);
        } finally { $.reportError = saved; }
        if (thrown !== null && !s.responded) { reject(thrown.e); return; }
        if (!s.responded) { reject(new Error('No response! The fetch event handler did not call respondWith().')); return; }
        Promise.resolve(s.response).then(resolve, reject);
      });
    },
    hasServiceWorkerFetch() { return $.hasListeners(globalTarget, 'fetch'); },
    installGlobals(env) {
      // defines bindings the script's globals don't already have; names installed by an earlier
      // call are refreshed, so the engine may call this per invocation
      for (const k of Object.keys(env || {})) {
        if (!(k in globalThis) || installedGlobals.has(k)) { $.defineGlobal(k, env[k]); installedGlobals.add(k); }
      }
    },
    formatError,
    resetTimeOrigin() { $.resetTimeOrigin(); },
    prepareContext() { $.prepareContext(); },
  });
  $.internals = internals;
})(globalThis.__switchyard);
// Completion value: the internals object. Worker code never sees __switchyard.
(function (natives) { delete globalThis.__switchyard; const i = natives.$.internals; delete natives.$; return i; })(globalThis.__switchyard);
