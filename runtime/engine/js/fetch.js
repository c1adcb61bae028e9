// Switchyard prelude 5/6: Headers, Blob, File, FormData, Request, Response, fetch().
(function (natives) {
  'use strict';
  const $ = natives.$;
  const BODY_USED = 'Body has already been used. It can only be used once. Use tee() first if you need to read it twice.';

  // ---------------------------------------------------------------- Headers
  // Scans are loops and indexOf, not regular expressions, which would be compiled in every new
  // context (core.js, "character scans"); each is written out where it runs on every request.
  const isAsciiAlnum = $.isAsciiAlnum;
  // RFC 9110 tchar: ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA
  function isTokenChar(c) {
    if (isAsciiAlnum(c)) return true;
    switch (c) {
      case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
      case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e: return true;
      default: return false;
    }
  }
  const isHttpWhitespace = (c) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const hasNulCrLf = (v) => v.indexOf('\n') !== -1 || v.indexOf('\r') !== -1 || v.indexOf('\0') !== -1;
  const isTabOrSpace = (c) => c === 0x09 || c === 0x20;
  const headersState = $.slot(); // Headers -> {map: Map<lname, string[]>, guard}
  function normalizeValue(v) {
    v = String(v);
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0xff) throw new TypeError('Cannot convert argument to a ByteString because the character at index ' + i + ' has a value of ' + v.charCodeAt(i) + ' which is greater than 255.');
    const n = v.length;
    if (n === 0 || (!isHttpWhitespace(v.charCodeAt(0)) && !isHttpWhitespace(v.charCodeAt(n - 1)))) return v;
    return $.trimChars(v, isHttpWhitespace);
  }
  function checkName(n) {
    n = String(n);
    if (n.length === 0) throw new TypeError('Invalid header name.');
    for (let i = 0; i < n.length; i++) if (!isTokenChar(n.charCodeAt(i))) throw new TypeError('Invalid header name.');
    return n.toLowerCase();
  }
  function checkValue(v) {
    v = normalizeValue(v);
    if (hasNulCrLf(v)) throw new TypeError('Invalid header value.');
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
    if (init === undefined) return;
    if (init === null || (typeof init !== 'object' && typeof init !== 'function')) throw new TypeError("Failed to construct 'Headers': constructor parameter 1 is not of type 'Headers or Sequence or object'.");
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
      if (it.i >= list.length) return { done: true }; // workerd's shape: no `value` at the end
      const e = list[it.i++];
      return { done: false, value: it.kind === 0 ? e[0] : it.kind === 1 ? e[1] : [e[0], e[1]] };
    }, writable: true, configurable: true,
  });
  Object.defineProperty(hIterProto, Symbol.toStringTag, { value: 'Headers Iterator', configurable: true });
  function headersIter(s, kind) { const it = Object.create(hIterProto); hIterState.set(it, { s, kind, i: 0 }); return it; }
  const needsCleaning = (v) => v.length > 0 && (isTabOrSpace(v.charCodeAt(0))
    || isTabOrSpace(v.charCodeAt(v.length - 1)) || hasNulCrLf(v));
  function headersFromPairs(pairs, guard) {
    const h = new Headers();
    const s = headersState.get(h);
    for (const [n, v] of pairs || []) {
      // be lenient with what the network gives us, but keep the invariants
      let ln; try { ln = checkName(n); } catch (_) { continue; }
      let val = String(v);
      if (needsCleaning(val)) val = $.trimChars(val.replace(/[\0\r\n]/g, ' '), isTabOrSpace);
      const list = s.map.get(ln); if (list) list.push(val); else s.map.set(ln, [val]);
    }
    s.guard = guard || 'none';
    return h;
  }
  const headerPairs = (h) => sortedEntries(headersState.get(h));
  const setGuard = (h, g) => { headersState.get(h).guard = g; };
  $.Headers = Headers; $.headersFromPairs = headersFromPairs; $.headerPairs = headerPairs;
  $.defineGlobal('Headers', Headers);

  // ---------------------------------------------------------------- Blob, File
  // A Blob's bytes are one Uint8Array (a slice shares its parent's), so they are ArrayBuffer
  // memory: counted against the Worker's limit by the engine's allocator like any other.
  const ILLEGAL = 'Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.';
  const blobState = $.slot(); // Blob -> {bytes: Uint8Array, type}
  const fileState = $.slot(); // File -> {name, lastModified}
  const toUSV = $.toUSV;
  // The type rule as workerd has it: a character outside U+0020..U+007F makes it empty (the File
  // API stops at U+007E), else lower-cased.
  const blobType = (t) => { t = String(t); return /[^\x20-\x7f]/.test(t) ? '' : t.toLowerCase(); };
  function blobBytes(parts, what) {
    if (parts === undefined) return new Uint8Array(0);
    if (!Array.isArray(parts)) throw new TypeError("Failed to construct '" + what + "': constructor parameter 1 is not of type 'Array'.");
    const chunks = [];
    for (const part of parts) {
      if (blobState.has(part)) chunks.push(blobState.get(part).bytes);
      else if (part instanceof ArrayBuffer || ArrayBuffer.isView(part)) {
        if (part.byteLength !== 0) chunks.push($.toBytes(part)); // a detached buffer adds nothing
      }
      else chunks.push($.utf8Encode(part));
    }
    if (chunks.length === 1) return $.copyBytes(chunks[0]);
    return $.concatBytes(chunks);
  }
  function blobOptions(options, what, position) {
    if (options === undefined || options === null) return '';
    if (typeof options !== 'object' && typeof options !== 'function') throw new TypeError("Failed to construct '" + what + "': constructor parameter " + position + " is not of type 'Options'.");
    if (options.endings !== undefined) throw new Error("The 'endings' field on 'Options' is not implemented.");
    return options.type === undefined ? '' : blobType(options.type);
  }
  function bGet(self) { const s = blobState.get(self); if (!s) throw new TypeError(ILLEGAL); return s; }
  function newBlob(bytes, type) {
    const b = Object.create(Blob.prototype);
    blobState.set(b, { bytes, type });
    return b;
  }
  class Blob {
    constructor(blobParts = undefined, options = undefined) {
      const type = blobOptions(options, 'Blob', 2);
      blobState.set(this, { bytes: blobBytes(blobParts, 'Blob'), type });
    }
    get size() { return bGet(this).bytes.byteLength; }
    get type() { return bGet(this).type; }
    slice(start = undefined, end = undefined, contentType = undefined) {
      const s = bGet(this);
      const size = s.bytes.byteLength;
      const rel = (v, dflt) => {
        if (v === undefined) return dflt;
        let n = Math.trunc(Number(v)); if (n !== n) n = 0;
        return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
      };
      const from = rel(start, 0), to = rel(end, size);
      return newBlob(s.bytes.subarray(from, Math.max(from, to)), contentType === undefined ? '' : blobType(contentType));
    }
    arrayBuffer() {
      try { return Promise.resolve($.bytesToArrayBuffer($.copyBytes(bGet(this).bytes))); } catch (e) { return Promise.reject(e); }
    }
    bytes() {
      try { return Promise.resolve($.copyBytes(bGet(this).bytes)); } catch (e) { return Promise.reject(e); }
    }
    text() {
      try { return Promise.resolve(natives.utf8Decode(bGet(this).bytes, false)); } catch (e) { return Promise.reject(e); }
    }
    stream() { return $.streamFromBytes($.copyBytes(bGet(this).bytes)); }
  }
  for (const k of ['size', 'type', 'slice', 'arrayBuffer', 'bytes', 'text', 'stream']) {
    const d = Object.getOwnPropertyDescriptor(Blob.prototype, k); d.enumerable = true; Object.defineProperty(Blob.prototype, k, d);
  }
  $.tag(Blob);
  class File extends Blob {
    constructor(fileBits, fileName, options = undefined) {
      if (arguments.length < 2) throw new TypeError("Failed to construct 'File': constructor parameter 2 is not of type 'string'.");
      const type = blobOptions(options, 'File', 3);
      super(undefined);
      const s = blobState.get(this);
      s.bytes = blobBytes(fileBits, 'File'); s.type = type;
      let lastModified = options == null || options.lastModified === undefined ? Date.now() : Number(options.lastModified);
      fileState.set(this, { name: toUSV(fileName), lastModified });
    }
    get name() { const f = fileState.get(this); if (!f) throw new TypeError(ILLEGAL); return f.name; }
    get lastModified() { const f = fileState.get(this); if (!f) throw new TypeError(ILLEGAL); return f.lastModified; }
  }
  for (const k of ['name', 'lastModified']) {
    const d = Object.getOwnPropertyDescriptor(File.prototype, k); d.enumerable = true; Object.defineProperty(File.prototype, k, d);
  }
  $.tag(File);
  function newFile(bytes, name, type, lastModified) {
    const f = Object.create(File.prototype);
    blobState.set(f, { bytes, type });
    fileState.set(f, { name, lastModified });
    return f;
  }
  $.defineGlobal('Blob', Blob);
  $.defineGlobal('File', File);
  $.isBlob = (v) => blobState.has(v);
  $.blobBytes = (v) => blobState.get(v).bytes;

  // ---------------------------------------------------------------- FormData
  const fdState = $.slot(); // FormData -> [[name, string | File], ...]
  // A Blob that is not a File enters as a File named after the entry unless a filename is given
  // (workerd; the spec says "blob").
  function fdEntry(self, what, args) {
    if (!fdState.has(self)) throw new TypeError(ILLEGAL);
    if (args.length < 2) throw new TypeError("Failed to execute '" + what + "' on 'FormData': parameter 2 is not of type 'File or Blob or string'.");
    const name = toUSV(args[0]);
    let value = args[1];
    if (blobState.has(value)) {
      if (fileState.has(value) && args[2] === undefined) return [name, value];
      const s = blobState.get(value);
      const fname = args[2] !== undefined ? toUSV(args[2]) : fileState.has(value) ? fileState.get(value).name : name;
      return [name, newFile(s.bytes, fname, s.type, fileState.has(value) ? fileState.get(value).lastModified : Date.now())];
    }
    return [name, toUSV(value)];
  }
  function fdName(self, what, args) {
    if (!fdState.has(self)) throw new TypeError(ILLEGAL);
    if (args.length < 1) throw new TypeError("Failed to execute '" + what + "' on 'FormData': parameter 1 is not of type 'string'.");
    return toUSV(args[0]);
  }
  class FormData {
    constructor(form = undefined) { fdState.set(this, []); }
    append(name, value) { fdState.get(this).push(fdEntry(this, 'append', arguments)); }
    delete(name) { name = fdName(this, 'delete', arguments); const l = fdState.get(this); for (let i = l.length - 1; i >= 0; i--) if (l[i][0] === name) l.splice(i, 1); }
    get(name) { name = fdName(this, 'get', arguments); const e = fdState.get(this).find((x) => x[0] === name); return e ? e[1] : null; }
    getAll(name) { name = fdName(this, 'getAll', arguments); return fdState.get(this).filter((x) => x[0] === name).map((x) => x[1]); }
    has(name) { name = fdName(this, 'has', arguments); return fdState.get(this).some((x) => x[0] === name); }
    set(name, value) {
      const entry = fdEntry(this, 'set', arguments);
      const l = fdState.get(this); const i = l.findIndex((x) => x[0] === entry[0]);
      if (i < 0) { l.push(entry); return; }
      l[i] = entry;
      for (let j = l.length - 1; j > i; j--) if (l[j][0] === entry[0]) l.splice(j, 1);
    }
    entries() { return fdIter(this, 2); }
    keys() { return fdIter(this, 0); }
    values() { return fdIter(this, 1); }
    forEach(cb, thisArg = undefined) {
      if (typeof cb !== 'function') throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'function'.");
      const l = fdState.get(this);
      for (let i = 0; i < l.length; i++) cb.call(thisArg, l[i][1], l[i][0], this);
    }
  }
  Object.defineProperty(FormData.prototype, Symbol.iterator, { value: FormData.prototype.entries, writable: true, configurable: true });
  $.tag(FormData);
  $.defineGlobal('FormData', FormData);
  const fdIterProto = Object.create(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  const fdIterState = $.slot();
  Object.defineProperty(fdIterProto, 'next', {
    value: function next() {
      const it = fdIterState.get(this);
      if (!it) throw new TypeError(ILLEGAL);
      const l = fdState.get(it.fd);
      if (it.i >= l.length) return { done: true }; // workerd's shape: no `value` at the end
      const e = l[it.i++];
      return { done: false, value: it.kind === 0 ? e[0] : it.kind === 1 ? e[1] : [e[0], e[1]] };
    }, writable: true, configurable: true,
  });
  Object.defineProperty(fdIterProto, Symbol.toStringTag, { value: 'EntryIterator', configurable: true });
  function fdIter(fd, kind) {
    if (!fdState.has(fd)) throw new TypeError(ILLEGAL);
    const it = Object.create(fdIterProto); fdIterState.set(it, { fd, kind, i: 0 }); return it;
  }
  // multipart/form-data as workerd writes it: names and filenames escape `"` and LF only, values
  // go as they are, and the closing delimiter has no line break after it.
  function encodeMultipart(fd) {
    const boundary = $.hex(crypto.getRandomValues(new Uint8Array(16)));
    const esc = (s) => s.replace(/"/g, '%22').replace(/\n/g, '%0A');
    const chunks = [];
    for (const [k, v] of fdState.get(fd)) {
      let head = '--' + boundary + '\r\nContent-Disposition: form-data; name="' + esc(k) + '"';
      if (typeof v === 'string') { chunks.push(natives.utf8Encode(head + '\r\n\r\n' + v + '\r\n')); continue; }
      head += '; filename="' + esc(fileState.get(v).name) + '"\r\nContent-Type: ' + (blobState.get(v).type || 'application/octet-stream') + '\r\n\r\n';
      chunks.push(natives.utf8Encode(head), blobState.get(v).bytes, natives.utf8Encode('\r\n'));
    }
    chunks.push(natives.utf8Encode('--' + boundary + '--'));
    return { bytes: $.concatBytes(chunks), type: 'multipart/form-data; boundary=' + boundary };
  }
  const FORM_TYPES = 'Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded';
  // bytes as a string of one char per byte, so part boundaries are found with indexOf
  function latin1(u8) {
    let s = '';
    for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode.apply(null, u8.subarray(i, i + 8192));
    return s;
  }
  function parseFormData(bytes, contentType) {
    const fd = new FormData();
    const ct = contentType || '';
    const essence = ct.split(';')[0].trim().toLowerCase();
    if (essence === 'application/x-www-form-urlencoded') {
      const l = fdState.get(fd);
      for (const [k, v] of $.formParse($.utf8Decode(bytes))) l.push([k, v]);
      return fd;
    }
    if (essence !== 'multipart/form-data') throw new TypeError(FORM_TYPES);
    const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(ct);
    const bnd = m ? (m[1] !== undefined ? m[1] : m[2]) : '';
    if (!bnd) throw new TypeError("No boundary string in Content-Type header. The multipart/form-data MIME type requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; boundary=\"abcd\"'. See RFC 7578, section 4.");
    const text = latin1(bytes);
    const delim = '--' + bnd;
    let pos = text.indexOf(delim);
    if (pos < 0 || (pos > 0 && text.slice(pos - 2, pos) !== '\r\n')) throw new TypeError('No initial boundary string (or you have a truncated message).');
    const l = fdState.get(fd);
    pos += delim.length;
    for (;;) {
      if (text.startsWith('--', pos)) break;
      const start = text.indexOf('\r\n', pos);
      if (start < 0) throw new TypeError('No subsequent boundary string after multipart message.');
      const next = text.indexOf('\r\n' + delim, start + 2);
      if (next < 0) throw new TypeError('No subsequent boundary string after multipart message.');
      const headEnd = text.indexOf('\r\n\r\n', start);
      const bodyStart = headEnd < 0 || headEnd + 4 > next + 2 ? next : headEnd + 4;
      const head = natives.utf8Decode(bytes.subarray(start + 2, Math.max(start + 2, bodyStart - 4)), false);
      let name = null, filename = null, type = '';
      for (const line of head.split('\r\n')) {
        const c = line.indexOf(':');
        if (c < 0) continue;
        const hn = line.slice(0, c).trim().toLowerCase(), hv = line.slice(c + 1).trim();
        if (hn === 'content-disposition' && /^form-data\s*(;|$)/i.test(hv)) {
          // parameter names are case-sensitive in workerd
          const nm = /;\s*name\s*=\s*(?:"([^"]*)"|([^;\s]*))/.exec(hv);
          const fm = /;\s*filename\s*=\s*(?:"([^"]*)"|([^;\s]*))/.exec(hv);
          if (!nm) throw new TypeError('Content-Disposition header in FormData part is missing a name.');
          name = nm[1] !== undefined ? nm[1] : nm[2];
          if (fm) filename = fm[1] !== undefined ? fm[1] : fm[2];
        } else if (hn === 'content-type') type = hv;
      }
      if (name === null) throw new TypeError('No valid Content-Disposition header found in FormData part.');
      const body = bytes.subarray(Math.min(bodyStart, next), next);
      l.push([name, !filename ? $.utf8Decode(body) : newFile($.copyBytes(body), filename, blobType(type), Date.now())]);
      pos = next + 2 + delim.length;
    }
    return fd;
  }
  // a MIME type as the Fetch spec serialises it after parsing (for Response.blob()'s type)
  function mimeSerialize(value) {
    if (value === null) return '';
    const parts = value.split(';');
    const essence = parts[0].trim().toLowerCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(essence)) return '';
    let out = essence;
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i].trim(); const eq = p.indexOf('=');
      if (eq <= 0) continue;
      out += ';' + p.slice(0, eq).trim().toLowerCase() + '=' + p.slice(eq + 1).trim();
    }
    return out;
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
    if (blobState.has(init)) { const s = blobState.get(init); return { bytes: $.copyBytes(s.bytes), type: s.type || null }; }
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
    if (b.isNull) return Promise.resolve(new Uint8Array(0)); // workerd: a null body is never used
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
    blob() {
      const type = mimeSerialize(this.headers.get('content-type'));
      return consumeBody(this).then((u8) => newBlob($.copyBytes(u8), type));
    },
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
  // reason-phrase: HTAB, SP, VCHAR, obs-text
  const notStatusTextChar = (c) => !(c === 0x09 || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff));
  const redirectStatus = [301, 302, 303, 307, 308];
  let internalCtor = false;
  // workerd fills in the reason phrase a Response was not given: the registered one, else the class's.
  const reasons = {
    101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information',
    204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported',
    226: 'IM Used', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
    304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
    405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
    409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large',
    414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed',
    418: "I'm a teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency',
    426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
    431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons', 500: 'Internal Server Error',
    501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
    505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
    510: 'Not Extended', 511: 'Network Authentication Required',
  };
  const classReasons = ['', 'Informational', 'Successful', 'Redirection', 'Client Error', 'Server Error'];
  function defaultStatusText(status) { return reasons[status] || classReasons[Math.floor(status / 100)] || ''; }
  class Response {
    constructor(body = null, init = undefined) {
      if (internalCtor) return;
      init = init == null ? {} : init;
      if (typeof init !== 'object') throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
      // WebIDL unsigned short conversion, then the range check
      let status = 200;
      if (init.status !== undefined) { const n = Math.trunc(Number(init.status)) || 0; status = ((n % 65536) + 65536) % 65536; }
      const webSocket = init.webSocket == null ? null : init.webSocket;
      if (webSocket !== null && !$.isWebSocket(webSocket)) throw new TypeError("Incorrect type for the 'webSocket' field on 'InitializerDict': the provided value is not of type 'WebSocket'.");
      if (webSocket !== null && status !== 101) throw new RangeError('Responses with a WebSocket must have status code 101.');
      if ((status < 200 || status > 599) && !(status === 101 && webSocket)) {
        throw new RangeError('Responses may only be constructed with status codes in the range 200 to 599, inclusive.');
      }
      const statusText = init.statusText === undefined ? defaultStatusText(status) : String(init.statusText);
      if (init.statusText !== undefined && $.someChar(statusText, notStatusTextChar)) throw new TypeError('Invalid statusText');
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
      return makeResponse({ status, statusText: defaultStatusText(status), headers }, null);
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
    let body = null, nativeStream = null;
    if (typeof res.bodyStream === 'number') {
      if (nullBodyStatus.includes(status)) natives.bodyCancel(res.bodyStream);
      else { nativeStream = $.nativeBodyStream(res.bodyStream); body = { stream: nativeStream }; }
    } else if (!nullBodyStatus.includes(status) && res.body != null) {
      body = { bytes: res.body instanceof Uint8Array ? res.body : $.toBytes(res.body) };
    }
    return makeResponse({
      status, statusText: res.statusText == null ? '' : String(res.statusText),
      headers: headersFromPairs(res.headers, 'immutable'),
      url: res.url == null ? (fallbackUrl || '') : String(res.url), redirected: !!res.redirected,
      origin: res.origin, originOf: res.originOf, nativeStream,
      webSocket: typeof res.webSocket === 'number' ? $.remoteWebSocket(res.webSocket)
        : typeof res.outboundWebSocket === 'number' ? $.outboundWebSocket(res.outboundWebSocket) : null,
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
    const untouchedStream = b.stream !== null && b.stream === s.nativeStream
      && !$.isDisturbed(b.stream) && !$.isLocked(b.stream);
    if (s.origin !== undefined && s.originOf === invocationId && !b.used && (b.stream === null || untouchedStream)) {
      b.used = true; b.bytes = null;
      return { origin: s.origin };
    }
    const pairs = headerPairs(s.headers);
    const webSocket = s.webSocket ? $.releaseWebSocket(s.webSocket, invocationId) : null;
    // A stream is sent as it is produced: the engine keeps the reader and pulls chunk by chunk.
    if (!b.isNull && b.stream !== null && !bodyUsed(b) && !$.isLocked(b.stream)) {
      b.used = true;
      const reader = $.bodyReader(b.stream);
      return { status: s.status, statusText: s.statusText, headers: pairs, body: null, stream: reader, webSocket };
    }
    const p = b.isNull ? Promise.resolve(new Uint8Array(0)) : consumeBody(value);
    return p.then((body) => ({ status: s.status, statusText: s.statusText, headers: pairs, body, webSocket }));
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
