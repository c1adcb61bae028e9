// Switchyard prelude 5/6: Headers, FormData, Request, Response, fetch().
(function (natives) {
  'use strict';
  const $ = natives.$;
  const BODY_USED = 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.';

  // ---------------------------------------------------------------- Headers
  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const headersState = $.slot(); // Headers -> {map: Map<lname, string[]>, guard}
  function normalizeValue(v) {
    v = String(v);
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0xff) throw new TypeError('Cannot convert argument to a ByteString because the character at index ' + i + ' has a value of ' + v.charCodeAt(i) + ' which is greater than 255.');
    return v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  }
  function checkName(n) {
    n = String(n);
    if (!tokenRe.test(n)) throw new TypeError('Invalid header name.');
    return n.toLowerCase();
  }
  function checkValue(v) {
    v = normalizeValue(v);
    if (/[\0\r\n]/.test(v)) throw new TypeError('Invalid header value.');
    return v;
  }
  function hGet(self) { const s = headersState.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; }
  function checkMutable(s) { if (s.guard === 'immutable') throw new TypeError("Can't modify immutable headers."); }
  function appendTo(s, name, value) {
    const n = checkName(name), v = checkValue(value);
    checkMutable(s);
    const list = s.map.get(n);
    if (list) list.push(v); else s.map.set(n, [v]);
  }
  function sortedEntries(s) {
    const names = Array.from(s.map.keys()).sort();
    const out = [];
    for (const n of names) {
      const vals = s.map.get(n);
      if (n === 'set-cookie') for (const v of vals) out.push([n, v]);
      else out.push([n, vals.join(', ')]);
    }
    return out;
  }
  function fillHeaders(s, init) {
    if (init === undefined || init === null) return;
    if (typeof init !== 'object' && typeof init !== 'function') throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
    if (headersState.has(init)) {
      for (const [n, vals] of headersState.get(init).map) for (const v of vals) appendTo(s, n, v);
      return;
    }
    const iter = init[Symbol.iterator];
    if (iter != null) {
      if (typeof iter !== 'function') throw new TypeError('Headers init is not iterable.');
      for (const pair of init) {
        if (pair === null || typeof pair !== 'object') throw new TypeError('Header pair must be an iterable [name, value].');
        const arr = Array.from(pair);
        if (arr.length !== 2) throw new TypeError('Header pair must contain exactly two items.');
        appendTo(s, arr[0], arr[1]);
      }
      return;
    }
    for (const k of Reflect.ownKeys(init)) {
      const d = Reflect.getOwnPropertyDescriptor(init, k);
      if (!d || !d.enumerable) continue;
      if (typeof k === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
      appendTo(s, k, init[k]);
    }
  }
  class Headers {
    constructor(init = undefined) {
      const s = { map: new Map(), guard: 'none' };
      headersState.set(this, s);
      fillHeaders(s, init);
    }
    append(name, value) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'append' on 'Headers': 2 arguments required.");
      appendTo(hGet(this), name, value);
    }
    delete(name) {
      const s = hGet(this); const n = checkName(name); checkMutable(s); s.map.delete(n);
    }
    get(name) {
      const s = hGet(this); const n = checkName(name);
      const list = s.map.get(n);
      return list ? list.join(', ') : null;
    }
    getAll(name) {
      const s = hGet(this); const n = checkName(name);
      if (n !== 'set-cookie') throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
      return (s.map.get(n) || []).slice();
    }
    getSetCookie() { return (hGet(this).map.get('set-cookie') || []).slice(); }
    has(name) { const s = hGet(this); return s.map.has(checkName(name)); }
    set(name, value) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'set' on 'Headers': 2 arguments required.");
      const s = hGet(this); const n = checkName(name), v = checkValue(value);
      checkMutable(s);
      s.map.set(n, [v]);
    }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function.');
      const s = hGet(this);
      for (let i = 0; ; i++) {
        const list = sortedEntries(s);
        if (i >= list.length) break;
        callback.call(thisArg, list[i][1], list[i][0], this);
      }
    }
    keys() { return headersIter(hGet(this), 0); }
    values() { return headersIter(hGet(this), 1); }
    entries() { return headersIter(hGet(this), 2); }
  }
  Object.defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, configurable: true });
  $.tag(Headers);
  const IterProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const hIterProto = Object.create(IterProto);
  const hIterState = $.slot();
  Object.defineProperty(hIterProto, 'next', {
    value: function next() {
      const it = hIterState.get(this);
      if (!it) throw new TypeError('Illegal invocation');
      const list = sortedEntries(it.s);
      if (it.i >= list.length) return { value: undefined, done: true };
      const e = list[it.i++];
      return { value: it.kind === 0 ? e[0] : it.kind === 1 ? e[1] : [e[0], e[1]], done: false };
    }, writable: true, configurable: true,
  });
  Object.defineProperty(hIterProto, Symbol.toStringTag, { value: 'Headers Iterator', configurable: true });
  function headersIter(s, kind) { const it = Object.create(hIterProto); hIterState.set(it, { s, kind, i: 0 }); return it; }
  const needsCleaning = /[\0\r\n]|^[\t ]|[\t ]$/;
  function headersFromPairs(pairs, guard) {
    const h = new Headers();
    const s = headersState.get(h);
    for (const [n, v] of pairs || []) {
      // be lenient with what the network gives us, but keep the invariants
      let ln; try { ln = checkName(n); } catch (_) { continue; }
      let val = String(v);
      if (needsCleaning.test(val)) val = val.replace(/[\0\r\n]/g, ' ').replace(/^[\t ]+|[\t ]+$/g, '');
      const list = s.map.get(ln); if (list) list.push(val); else s.map.set(ln, [val]);
    }
    s.guard = guard || 'none';
    return h;
  }
  const headerPairs = (h) => sortedEntries(headersState.get(h));
  const setGuard = (h, g) => { headersState.get(h).guard = g; };
  $.Headers = Headers; $.headersFromPairs = headersFromPairs; $.headerPairs = headerPairs;
  $.defineGlobal('Headers', Headers);

  // ---------------------------------------------------------------- FormData (string values)
  const fdState = $.slot();
  class FormData {
    constructor(form = undefined) {
      if (form !== undefined) throw new TypeError('FormData does not support a form element.');
      fdState.set(this, []);
    }
    append(name, value) { fdState.get(this).push([String(name), String(value)]); }
    delete(name) { name = String(name); const l = fdState.get(this); for (let i = l.length - 1; i >= 0; i--) if (l[i][0] === name) l.splice(i, 1); }
    get(name) { name = String(name); const e = fdState.get(this).find((x) => x[0] === name); return e ? e[1] : null; }
    getAll(name) { name = String(name); return fdState.get(this).filter((x) => x[0] === name).map((x) => x[1]); }
    has(name) { name = String(name); return fdState.get(this).some((x) => x[0] === name); }
    set(name, value) {
      name = String(name); value = String(value);
      const l = fdState.get(this); const i = l.findIndex((x) => x[0] === name);
      if (i < 0) { l.push([name, value]); return; }
      l[i] = [name, value];
      for (let j = l.length - 1; j > i; j--) if (l[j][0] === name) l.splice(j, 1);
    }
    forEach(cb, thisArg = undefined) { for (const [k, v] of fdState.get(this).slice()) cb.call(thisArg, v, k, this); }
    *entries() { const l = fdState.get(this); for (let i = 0; i < l.length; i++) yield [l[i][0], l[i][1]]; }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
  }
  Object.defineProperty(FormData.prototype, Symbol.iterator, { value: FormData.prototype.entries, writable: true, configurable: true });
  $.tag(FormData);
  $.defineGlobal('FormData', FormData);
  function encodeMultipart(fd) {
    const boundary = '----SwitchyardFormBoundary' + $.hex(crypto.getRandomValues(new Uint8Array(12)));
    const esc = (s) => s.replace(/\r\n|\r|\n/g, '\r\n').replace(/"/g, '%22').replace(/\r\n/g, '%0D%0A');
    let out = '';
    for (const [k, v] of fdState.get(fd)) {
      out += '--' + boundary + '\r\nContent-Disposition: form-data; name="' + esc(k) + '"\r\n\r\n' + v.replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n') + '\r\n';
    }
    out += '--' + boundary + '--\r\n';
    return { bytes: natives.utf8Encode(out), type: 'multipart/form-data; boundary=' + boundary };
  }
  function parseFormData(bytes, contentType) {
    const fd = new FormData();
    const ct = (contentType || '').toLowerCase();
    if (ct.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of $.formParse($.utf8Decode(bytes))) fd.append(k, v);
      return fd;
    }
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
    if (!ct.startsWith('multipart/form-data') || !m) throw new TypeError('Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded.');
    const boundary = '--' + (m[1] || m[2]).trim();
    const text = natives.utf8Decode(bytes, false);
    const parts = text.split(boundary);
    for (let i = 1; i < parts.length; i++) {
      let p = parts[i];
      if (p.startsWith('--')) break;
      p = p.replace(/^\r\n/, '').replace(/\r\n$/, '');
      const sep = p.indexOf('\r\n\r\n');
      if (sep < 0) continue;
      const head = p.slice(0, sep), body = p.slice(sep + 4);
      const nm = /name="([^"]*)"/i.exec(head);
      if (!nm) continue;
      fd.append(nm[1].replace(/%22/g, '"').replace(/%0D%0A/g, '\r\n'), body);
    }
    return fd;
  }

  // ---------------------------------------------------------------- bodies
  // body state: {bytes: Uint8Array|null, stream: ReadableStream|null, used, isNull}
  const bodyState = $.slot();
  function extractBody(init) {
    // -> {bytes|stream, type} or null
    if (init === undefined || init === null) return null;
    if (typeof init === 'string') return { bytes: natives.utf8Encode(init), type: 'text/plain;charset=UTF-8' };
    if (init instanceof ArrayBuffer || ArrayBuffer.isView(init)) return { bytes: $.copyBytes($.toBytes(init)), type: null };
    if ($.isURLSearchParams(init)) return { bytes: natives.utf8Encode(init.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    if ($.isReadableStream(init)) {
      if ($.isDisturbed(init) || $.isLocked(init)) throw new TypeError('This ReadableStream is disturbed (has already been read from), and cannot be used as a body.');
      return { stream: init, type: null };
    }
    if (fdState.has(init)) { const r = encodeMultipart(init); return { bytes: r.bytes, type: r.type }; }
    return { bytes: natives.utf8Encode(String(init)), type: 'text/plain;charset=UTF-8' };
  }
  function makeBodyState(extracted) {
    if (!extracted) return { isNull: true, bytes: null, stream: null, used: false };
    return { isNull: false, bytes: extracted.bytes || null, stream: extracted.stream || null, used: false };
  }
  function bodyUsed(b) { return b.used || (b.stream !== null && $.isDisturbed(b.stream)); }
  function bodyStream(b) {
    if (b.isNull) return null;
    if (!b.stream) { b.stream = $.streamFromBytes(b.bytes || new Uint8Array(0)); b.bytes = null; }
    return b.stream;
  }
  function consumeBody(self) {
    const b = bodyState.get(self);
    if (!b) return Promise.reject(new TypeError('Illegal invocation'));
    if (bodyUsed(b)) return Promise.reject(new TypeError(BODY_USED));
    if (b.isNull) { b.used = true; return Promise.resolve(new Uint8Array(0)); }
    if (b.stream) {
      if ($.isLocked(b.stream)) return Promise.reject(new TypeError('This ReadableStream is currently locked to a reader.'));
      b.used = true;
      return $.readAllBytes(b.stream);
    }
    b.used = true;
    const bytes = b.bytes; b.bytes = null;
    return Promise.resolve(bytes);
  }
  function cloneBody(b) {
    if (bodyUsed(b)) throw new TypeError(BODY_USED);
    if (b.isNull) return { isNull: true, bytes: null, stream: null, used: false };
    if (b.stream) {
      if ($.isLocked(b.stream)) throw new TypeError('This ReadableStream is currently locked to a reader.');
      const [x, y] = b.stream.tee();
      b.stream = x;
      return { isNull: false, bytes: null, stream: y, used: false };
    }
    return { isNull: false, bytes: b.bytes, stream: null, used: false };
  }
  const bodyMethods = {
    arrayBuffer() { return consumeBody(this).then((u8) => $.bytesToArrayBuffer($.copyBytes(u8))); },
    bytes() { return consumeBody(this).then((u8) => $.copyBytes(u8)); },
    text() { return consumeBody(this).then((u8) => $.utf8Decode(u8)); },
    json() { return consumeBody(this).then((u8) => JSON.parse($.utf8Decode(u8))); },
    formData() {
      const ct = this.headers.get('content-type');
      return consumeBody(this).then((u8) => parseFormData(u8, ct));
    },
    blob() { return Promise.reject(new TypeError('Blob is not supported by Switchyard; use arrayBuffer().')); },
  };
  function installBody(cls) {
    for (const k of Object.keys(bodyMethods)) {
      Object.defineProperty(cls.prototype, k, { value: bodyMethods[k], writable: true, configurable: true, enumerable: true });
    }
    Object.defineProperty(cls.prototype, 'body', {
      get() { const b = bodyState.get(this); if (!b) throw new TypeError('Illegal invocation'); return bodyStream(b); }, configurable: true, enumerable: true,
    });
    Object.defineProperty(cls.prototype, 'bodyUsed', {
      get() { const b = bodyState.get(this); if (!b) throw new TypeError('Illegal invocation'); return bodyUsed(b); }, configurable: true, enumerable: true,
    });
  }
  $.consumeBody = consumeBody;

  // ---------------------------------------------------------------- Request
  // {method, url, headers, redirect, signal, cf, origin}; `signal` is made when first asked for
  // (an incoming request's is never aborted); `origin`: see makeIncomingRequest.
  const requestState = $.slot();
  // Not the Fetch spec's normalisation but workerd's (compatibility flag upper_case_all_http_methods,
  // the default since 2024-10-14): any method its HTTP stack (kj::HttpMethod) knows is accepted in
  // any case and upper-cased ('patch' -> 'PATCH'); anything else, CONNECT and custom methods
  // included, throws with the name as given.
  const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'PURGE', 'OPTIONS', 'TRACE',
    'COPY', 'LOCK', 'MKCOL', 'MOVE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK', 'ACL',
    'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'MSEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE']);
  function normalizeMethod(m) {
    m = String(m);
    const up = m.replace(/[a-z]+/g, (s) => s.toUpperCase()); // ASCII only, like kj
    if (!knownMethods.has(up)) throw new TypeError('Invalid HTTP method string: ' + m);
    return up;
  }
  class Request {
    constructor(input, init = undefined) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present.");
      init = init == null ? {} : init;
      if (typeof init !== 'object') throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
      let src = null;
      let url, method = 'GET', redirect = 'follow', signal = null, cf, headersInit;
      if (requestState.has(input)) {
        src = requestState.get(input);
        url = src.url; method = src.method; redirect = src.redirect; signal = src.signal; cf = src.cf;
        headersInit = src.headers;
      } else {
        url = $.parseURL(String(input));
        if (url === null) throw new TypeError('Invalid URL: ' + String(input));
      }
      if (init.method !== undefined) method = normalizeMethod(init.method);
      if (init.redirect !== undefined) {
        redirect = String(init.redirect);
        if (redirect !== 'follow' && redirect !== 'manual' && redirect !== 'error') throw new TypeError("Failed to construct 'Request': The provided value '" + redirect + "' is not a valid enum value of type RequestRedirect.");
      }
      if (init.signal !== undefined) {
        if (init.signal !== null && !$.isAbortSignal(init.signal)) throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
        signal = init.signal;
      }
      if (init.cf !== undefined) cf = init.cf;
      if (init.headers !== undefined) headersInit = init.headers;
      const headers = new Headers(headersInit);
      let body;
      const inputBody = src ? bodyState.get(input) : null;
      if (init.body !== undefined && init.body !== null) {
        if (method === 'GET' || method === 'HEAD') throw new TypeError('Request with a GET or HEAD method cannot have a body.');
        const ex = extractBody(init.body);
        if (ex.type && !headers.has('content-type')) headers.set('content-type', ex.type);
        body = makeBodyState(ex);
      } else if (inputBody && !inputBody.isNull && init.body === undefined) {
        if (bodyUsed(inputBody)) throw new TypeError(BODY_USED);
        if (method === 'GET' || method === 'HEAD') throw new TypeError('Request with a GET or HEAD method cannot have a body.');
        // transfer the body: the input becomes used
        body = { isNull: false, bytes: inputBody.bytes, stream: inputBody.stream, used: false };
        inputBody.used = true; inputBody.bytes = null;
      } else body = makeBodyState(null);
      requestState.set(this, { method, url, headers, redirect, signal: signal || $.newSignal(), cf });
      bodyState.set(this, body);
    }
    get method() { return rGet(this).method; }
    get url() { return rGet(this).url; }
    get headers() { return rGet(this).headers; }
    get redirect() { return rGet(this).redirect; }
    get signal() { const s = rGet(this); return s.signal || (s.signal = $.newSignal()); }
    get cf() { return rGet(this).cf; }
    get fetcher() { return null; }
    get integrity() { return ''; }
    get keepalive() { return false; }
    clone() {
      const s = rGet(this);
      const r = Object.create(Request.prototype);
      const headers = new Headers(s.headers);
      setGuard(headers, headersState.get(s.headers).guard);
      requestState.set(r, { method: s.method, url: s.url, headers, redirect: s.redirect, signal: s.signal, cf: s.cf });
      bodyState.set(r, cloneBody(bodyState.get(this)));
      return r;
    }
  }
  function rGet(self) { const s = requestState.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; }
  for (const k of ['method', 'url', 'headers', 'redirect', 'signal', 'cf', 'fetcher', 'integrity', 'keepalive']) {
    const d = Object.getOwnPropertyDescriptor(Request.prototype, k); d.enumerable = true; Object.defineProperty(Request.prototype, k, d);
  }
  installBody(Request);
  $.tag(Request);
  $.defineGlobal('Request', Request);
  $.Request = Request;
  $.isRequest = (v) => requestState.has(v);
  // `origin` (optional) names the Invocation whose request this is: while it has no body, the host
  // holds the same request and a Fetcher can forward it by that name (requestOrigin).
  $.makeIncomingRequest = function (method, url, headerPairsIn, body, cf, origin) {
    const r = Object.create(Request.prototype);
    const headers = headersFromPairs(headerPairsIn, 'immutable');
    requestState.set(r, { method: String(method), url: String(url), headers, redirect: 'manual', signal: null, cf: cf === null ? undefined : cf, origin });
    const hasBody = body != null && !(method === 'GET' || method === 'HEAD');
    bodyState.set(r, makeBodyState(hasBody ? { bytes: body instanceof Uint8Array ? body : $.toBytes(body) } : null));
    return r;
  };
  // The Invocation id an incoming request came with, if forwarding it as is sends what the host
  // already has: its headers are immutable and its method and URL fixed, so only a body could
  // differ, and it has none. Otherwise undefined.
  $.requestOrigin = function (value) {
    const s = requestState.get(value);
    if (!s || s.origin === undefined) return undefined;
    return bodyState.get(value).isNull ? s.origin : undefined;
  };
  // -> Promise<{method, url, headers pairs, body Uint8Array|null, redirect, signal}>; consumes the body
  $.serializeRequest = function (req) {
    const s = rGet(req);
    const b = bodyState.get(req);
    const pairs = headerPairs(s.headers);
    const done = (body) => ({ method: s.method, url: s.url, headers: pairs, body, redirect: s.redirect, signal: s.signal });
    if (b.isNull) return Promise.resolve(done(null));
    return consumeBody(req).then((u8) => done(u8));
  };

  // ---------------------------------------------------------------- Response
  // {status, statusText, headers, type, url, redirected, webSocket, cf, origin, originOf}: a
  // Response a fetch-shaped binding made carries the host's key for the same response (`origin`)
  // and the Invocation that asked (`originOf`), see readResponse.
  const responseState = $.slot();
  const nullBodyStatus = [101, 103, 204, 205, 304];
  const redirectStatus = [301, 302, 303, 307, 308];
  let internalCtor = false;
  class Response {
    constructor(body = null, init = undefined) {
      if (internalCtor) return;
      init = init == null ? {} : init;
      if (typeof init !== 'object') throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
      // WebIDL unsigned short conversion, then the range check
      let status = 200;
      if (init.status !== undefined) { const n = Math.trunc(Number(init.status)) || 0; status = ((n % 65536) + 65536) % 65536; }
      const webSocket = init.webSocket == null ? null : init.webSocket;
      if ((status < 200 || status > 599) && !(status === 101 && webSocket)) {
        throw new RangeError("Failed to construct 'Response': The status provided (" + init.status + ') is outside the range [200, 599].');
      }
      const statusText = init.statusText === undefined ? '' : String(init.statusText);
      if (/[^\t\x20-\x7e\x80-\xff]/.test(statusText)) throw new TypeError('Invalid statusText');
      const headers = new Headers(init.headers);
      let b;
      if (body !== null && body !== undefined) {
        if (nullBodyStatus.includes(status)) throw new TypeError('Response with null body status (' + status + ') cannot have a body.');
        const ex = extractBody(body);
        if (ex.type && !headers.has('content-type')) headers.set('content-type', ex.type);
        b = makeBodyState(ex);
      } else b = makeBodyState(null);
      responseState.set(this, { status, statusText, headers, type: 'default', url: '', redirected: false, webSocket, cf: init.cf });
      bodyState.set(this, b);
    }
    static error() {
      const r = makeResponse({ status: 0, statusText: '', headers: new Headers(), type: 'error' }, null);
      setGuard(r.headers, 'immutable');
      return r;
    }
    static redirect(url, status = 302) {
      const href = $.parseURL(String(url));
      if (href === null) throw new TypeError('Invalid URL: ' + String(url));
      status = Number(status);
      if (!redirectStatus.includes(status)) throw new RangeError("Failed to execute 'redirect' on 'Response': Invalid status code " + status);
      const headers = new Headers([['location', href]]);
      setGuard(headers, 'immutable');
      return makeResponse({ status, statusText: '', headers }, null);
    }
    static json(data, init = undefined) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('The data is not JSON serializable.');
      init = init == null ? {} : init;
      const headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(text, Object.assign({}, init, { headers }));
    }
    get status() { return sGet(this).status; }
    get statusText() { return sGet(this).statusText; }
    get ok() { const s = sGet(this).status; return s >= 200 && s <= 299; }
    get redirected() { return sGet(this).redirected; }
    get url() { return sGet(this).url; }
    get type() { return sGet(this).type; }
    get headers() { return sGet(this).headers; }
    get webSocket() { return sGet(this).webSocket; }
    get cf() { return sGet(this).cf; }
    clone() {
      const s = sGet(this);
      if (s.webSocket) throw new TypeError('Cannot clone a response to a WebSocket handshake.');
      const headers = new Headers(s.headers);
      setGuard(headers, headersState.get(s.headers).guard);
      const r = makeResponse(Object.assign({}, s, { headers, origin: undefined, originOf: undefined }), null);
      bodyState.set(r, cloneBody(bodyState.get(this)));
      return r;
    }
  }
  function sGet(self) { const s = responseState.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; }
  function makeResponse(fields, extracted) {
    internalCtor = true;
    let r;
    try { r = new Response(); } finally { internalCtor = false; }
    responseState.set(r, Object.assign({ status: 200, statusText: '', headers: new Headers(), type: 'default', url: '', redirected: false, webSocket: null, cf: undefined }, fields));
    bodyState.set(r, makeBodyState(extracted));
    return r;
  }
  for (const k of ['status', 'statusText', 'ok', 'redirected', 'url', 'type', 'headers', 'webSocket', 'cf']) {
    const d = Object.getOwnPropertyDescriptor(Response.prototype, k); d.enumerable = true; Object.defineProperty(Response.prototype, k, d);
  }
  installBody(Response);
  $.tag(Response);
  $.defineGlobal('Response', Response);
  $.Response = Response;
  $.isResponse = (v) => responseState.has(v);
  // result of the fetch native / fetcher binding -> Response (immutable headers, like workerd)
  $.responseFromResult = function (res, fallbackUrl) {
    const status = Number(res.status);
    const body = nullBodyStatus.includes(status) || res.body == null ? null : { bytes: res.body instanceof Uint8Array ? res.body : $.toBytes(res.body) };
    return makeResponse({
      status, statusText: res.statusText == null ? '' : String(res.statusText),
      headers: headersFromPairs(res.headers, 'immutable'),
      url: res.url == null ? (fallbackUrl || '') : String(res.url), redirected: !!res.redirected,
      origin: res.origin, originOf: res.originOf,
    }, body);
  };
  $.readResponse = function (value, invocationId) {
    if (!responseState.has(value)) {
      return Promise.reject(new TypeError("Incorrect type for the 'fetch' handler's return value: expected a Response."));
    }
    const s = responseState.get(value);
    const b = bodyState.get(value);
    // A binding's response handed back untouched by the Invocation that fetched it: the host
    // still holds it (status, headers and body cannot have changed), so only its key goes back.
    if (s.origin !== undefined && s.originOf === invocationId && !b.used && b.stream === null) {
      b.used = true; b.bytes = null;
      return { origin: s.origin };
    }
    const pairs = headerPairs(s.headers);
    const p = b.isNull ? Promise.resolve(new Uint8Array(0)) : consumeBody(value);
    return p.then((body) => ({ status: s.status, statusText: s.statusText, headers: pairs, body, webSocket: null }));
  };

  // ---------------------------------------------------------------- fetch
  function withAbort(signal, promise) {
    if (!signal) return promise;
    return new Promise((resolve, reject) => {
      if (signal.aborted) { reject(signal.reason); return; }
      const remove = $.onAbort(signal, (reason) => reject(reason));
      promise.then((v) => { remove(); resolve(v); }, (e) => { remove(); reject(e); });
    });
  }
  $.withAbort = withAbort;
  function fetch(input, init = undefined) {
    return new Promise((resolve, reject) => {
      const request = new Request(input, init);
      const signal = request.signal;
      if (signal.aborted) { reject(signal.reason); return; }
      const p = $.serializeRequest(request).then((r) => {
        signal.throwIfAborted();
        const scheme = r.url.slice(0, r.url.indexOf(':'));
        if (scheme !== 'http' && scheme !== 'https') throw new TypeError('Fetch API cannot load: ' + r.url);
        const mode = r.redirect === 'follow' ? 'follow' : 'manual';
        return Promise.resolve(natives.fetch(r.method, r.url, r.headers, r.body, mode)).then((res) => {
          const response = $.responseFromResult(res, r.url);
          if (r.redirect === 'error' && redirectStatus.includes(response.status)) {
            throw new TypeError("Fetch API cannot load: redirect mode is 'error' and the response is a redirect (" + response.status + ').');
          }
          return response;
        });
      });
      withAbort(signal, p).then(resolve, reject);
    });
  }
  $.defineGlobal('fetch', fetch);
  // what console.log shows for prelude objects: header entries, or the enumerable accessors
  $.platformInspect = function (v, proto) {
    if (headersState.has(v)) return sortedEntries(headersState.get(v));
    if ($.isURLSearchParams(v) || fdState.has(v)) return Array.from(v.entries());
    const out = [];
    for (const k of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, k);
      if (!d || !d.get || !d.enumerable || k === 'body') continue;
      try { out.push([k, d.get.call(v)]); } catch (_) { /* skip */ }
    }
    return out;
  };
})(globalThis.__switchyard);
