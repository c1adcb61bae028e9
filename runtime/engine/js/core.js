// Switchyard prelude 1/6: shared helpers, DOMException, Event/EventTarget, AbortController,
// timers, queueMicrotask, console, navigator, performance, atob/btoa, structuredClone (over the
// structuredClone native), crypto.
// Classic script. Internal state lives in closures, $.slot()s and #private fields; the files share
// helpers through `__switchyard.$` which disappears with `__switchyard` in the last file.
(function (natives) {
  'use strict';
  const $ = natives.$ = {};
  $.natives = natives;

  // Per-object internal state with a WeakMap's get/set/has, kept on the object under a private
  // name. V8 keeps WeakMap entries in ephemeron tables that every scavenge walks and rehashes;
  // with several per Request and Response that was a fifth of a small request's GC time. A
  // private field is an ordinary (invisible) property, gone with its object.
  $.slot = function () {
    class Base { constructor(o) { return o; } }
    class Slot extends Base {
      #v;
      constructor(o, v) { super(o); this.#v = v; }
      static has(o) { return (typeof o === 'object' ? o !== null : typeof o === 'function') && #v in o; }
      static get(o) { return Slot.has(o) ? o.#v : undefined; }
      static set(o, v) {
        if (#v in o) o.#v = v; else new Slot(o, v);
      }
    }
    return { has: Slot.has, get: Slot.get, set: Slot.set };
  };

  const defineGlobal = $.defineGlobal = function (name, value) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  };
  // Make class prototype members non-enumerable is the default for class syntax; add the tag.
  // prototype -> class name of every platform class, for structuredClone's refusals
  const platformProtos = new Map();
  const tag = $.tag = function (cls, name) {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: name || cls.name, configurable: true });
    platformProtos.set(cls.prototype, name || cls.name);
  };
  const hide = $.hide = function (obj, names) {
    for (const n of names) {
      const d = Object.getOwnPropertyDescriptor(obj, n);
      if (d) { d.enumerable = false; Object.defineProperty(obj, n, d); }
    }
  };

  // ---- character scans ----
  // For the request path's checks of headers and URLs, instead of regular expressions: V8
  // compiles a regular expression to machine code in every isolate that runs it twice, and the
  // ones the request path used cost every new Worker's context ~2 ms of start-up CPU, most of it
  // the code pages' permission changes (docs/benchmarks.md, "Regular expressions and the warm
  // pool"). `pred` is given UTF-16 code units, as a regular expression without the u flag sees.
  $.someChar = function (s, pred) {
    for (let i = 0; i < s.length; i++) if (pred(s.charCodeAt(i))) return true;
    return false;
  };
  // Non-empty and every unit matching: /^[...]+$/.
  $.madeOf = function (s, pred) {
    if (s.length === 0) return false;
    for (let i = 0; i < s.length; i++) if (!pred(s.charCodeAt(i))) return false;
    return true;
  };
  // Without the matching units at either end: s.replace(/^[...]+|[...]+$/g, '').
  $.trimChars = function (s, pred) {
    let a = 0, b = s.length;
    while (a < b && pred(s.charCodeAt(a))) a++;
    while (b > a && pred(s.charCodeAt(b - 1))) b--;
    return a === 0 && b === s.length ? s : s.slice(a, b);
  };
  const isAsciiAlpha = (c) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  const isAsciiDigit = (c) => c >= 0x30 && c <= 0x39;
  $.isAsciiAlpha = isAsciiAlpha;
  $.isAsciiDigit = isAsciiDigit;
  $.isAsciiHex = (c) => isAsciiDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  $.isAsciiAlnum = (c) => isAsciiAlpha(c) || isAsciiDigit(c);
  $.isNonAscii = (c) => c > 0x7f;
  // USVString conversion: lone surrogates become U+FFFD. Strings without any are the rule.
  $.toUSV = function (s) {
    s = String(s);
    let i = 0;
    for (; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 0xd800 && c <= 0xdfff) break; }
    if (i === s.length) return s;
    return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  };

  // ---- byte helpers ----
  $.toBytes = function (source, what) {
    // BufferSource -> Uint8Array view (no copy)
    if (source instanceof ArrayBuffer) return new Uint8Array(source);
    if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer) return new Uint8Array(source);
    throw new TypeError((what || 'Argument') + ' must be an ArrayBuffer or ArrayBufferView.');
  };
  $.isBufferSource = function (v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  };
  $.copyBytes = function (u8) { const c = new Uint8Array(u8.byteLength); c.set(u8); return c; };
  $.concatBytes = function (chunks) {
    let n = 0; for (const c of chunks) n += c.byteLength;
    const out = new Uint8Array(n); let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.byteLength; }
    return out;
  };
  $.utf8Encode = function (s) { return natives.utf8Encode(String(s)); };
  $.utf8Decode = function (u8) {
    let s = natives.utf8Decode(u8, false);
    if (s.charCodeAt(0) === 0xFEFF) s = s.slice(1);
    return s;
  };
  $.bytesToArrayBuffer = function (u8) {
    if (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength && u8.buffer instanceof ArrayBuffer) return u8.buffer;
    return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
  };

  // ---- DOMException ----
  const legacyCodes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  const domState = $.slot();
  class DOMException {
    constructor(message = '', name = 'Error') {
      // options-bag form: new DOMException(msg, {name, cause})
      let cause, hasCause = false;
      if (name !== null && typeof name === 'object') {
        if ('cause' in name) { cause = name.cause; hasCause = true; }
        name = name.name === undefined ? 'Error' : name.name;
      }
      domState.set(this, { message: String(message), name: String(name) });
      if (hasCause) Object.defineProperty(this, 'cause', { value: cause, writable: true, configurable: true });
      if (Error.captureStackTrace) Error.captureStackTrace(this, DOMException);
    }
    get name() { const s = domState.get(this); if (!s) throw new TypeError('Illegal invocation'); return s.name; }
    get message() { const s = domState.get(this); if (!s) throw new TypeError('Illegal invocation'); return s.message; }
    get code() { const s = domState.get(this); if (!s) throw new TypeError('Illegal invocation'); return legacyCodes[s.name] || 0; }
  }
  Object.setPrototypeOf(DOMException.prototype, Error.prototype);
  tag(DOMException);
  const codeNames = [['INDEX_SIZE_ERR', 1], ['DOMSTRING_SIZE_ERR', 2], ['HIERARCHY_REQUEST_ERR', 3],
    ['WRONG_DOCUMENT_ERR', 4], ['INVALID_CHARACTER_ERR', 5], ['NO_DATA_ALLOWED_ERR', 6],
    ['NO_MODIFICATION_ALLOWED_ERR', 7], ['NOT_FOUND_ERR', 8], ['NOT_SUPPORTED_ERR', 9],
    ['INUSE_ATTRIBUTE_ERR', 10], ['INVALID_STATE_ERR', 11], ['SYNTAX_ERR', 12],
    ['INVALID_MODIFICATION_ERR', 13], ['NAMESPACE_ERR', 14], ['INVALID_ACCESS_ERR', 15],
    ['VALIDATION_ERR', 16], ['TYPE_MISMATCH_ERR', 17], ['SECURITY_ERR', 18], ['NETWORK_ERR', 19],
    ['ABORT_ERR', 20], ['URL_MISMATCH_ERR', 21], ['QUOTA_EXCEEDED_ERR', 22], ['TIMEOUT_ERR', 23],
    ['INVALID_NODE_TYPE_ERR', 24], ['DATA_CLONE_ERR', 25]];
  for (const [k, v] of codeNames) {
    Object.defineProperty(DOMException, k, { value: v, enumerable: true });
    Object.defineProperty(DOMException.prototype, k, { value: v, enumerable: true });
  }
  defineGlobal('DOMException', DOMException);
  $.DOMException = DOMException;

  // ---- Event / EventTarget ----
  const evState = $.slot();
  class Event {
    constructor(type, init = undefined) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
      init = init == null ? {} : init;
      evState.set(this, {
        type: String(type), bubbles: !!init.bubbles, cancelable: !!init.cancelable, composed: !!init.composed,
        defaultPrevented: false, stop: false, stopImmediate: false, target: null, currentTarget: null,
        dispatching: false, phase: 0, timeStamp: natives.now ? natives.now() : Date.now(), isTrusted: false,
      });
    }
    get type() { return evState.get(this).type; }
    get bubbles() { return evState.get(this).bubbles; }
    get cancelable() { return evState.get(this).cancelable; }
    get composed() { return evState.get(this).composed; }
    get defaultPrevented() { return evState.get(this).defaultPrevented; }
    get returnValue() { return !evState.get(this).defaultPrevented; }
    set returnValue(v) { if (!v) this.preventDefault(); }
    get cancelBubble() { return evState.get(this).stop; }
    set cancelBubble(v) { if (v) evState.get(this).stop = true; }
    get target() { return evState.get(this).target; }
    get srcElement() { return evState.get(this).target; }
    get currentTarget() { return evState.get(this).currentTarget; }
    get eventPhase() { return evState.get(this).phase; }
    get timeStamp() { return evState.get(this).timeStamp; }
    get isTrusted() { return evState.get(this).isTrusted; }
    composedPath() { const s = evState.get(this); return s.dispatching && s.currentTarget ? [s.currentTarget] : []; }
    preventDefault() { const s = evState.get(this); if (s.cancelable) s.defaultPrevented = true; }
    stopPropagation() { evState.get(this).stop = true; }
    stopImmediatePropagation() { const s = evState.get(this); s.stop = true; s.stopImmediate = true; }
  }
  for (const [k, v] of [['NONE', 0], ['CAPTURING_PHASE', 1], ['AT_TARGET', 2], ['BUBBLING_PHASE', 3]]) {
    Object.defineProperty(Event, k, { value: v, enumerable: true });
    Object.defineProperty(Event.prototype, k, { value: v, enumerable: true });
  }
  tag(Event);

  const listenersOf = $.slot();
  // workerd's own events (a WebSocket's) stop at the first listener that throws, and the error
  // goes to whoever delivered the event.
  let strictDispatch = false;
  $.dispatchStrict = function (target, event) {
    strictDispatch = true;
    try { return target.dispatchEvent(event); } finally { strictDispatch = false; }
  };
  function reportError(e) {
    try { natives.log('error', 'Uncaught ' + $.formatForLog([e])); } catch (_) { /* ignore */ }
  }
  $.reportError = reportError;
  class EventTarget {
    constructor() { listenersOf.set(this, new Map()); }
    addEventListener(type, listener, options = undefined) {
      const map = listenersOf.get(this);
      if (!map) throw new TypeError('Illegal invocation');
      if (listener == null) return;
      if (typeof listener !== 'function' && typeof listener !== 'object') throw new TypeError("The \"listener\" argument must be a function or an object.");
      let capture = false, once = false, signal;
      if (typeof options === 'boolean') capture = options;
      else if (options != null) { capture = !!options.capture; once = !!options.once; signal = options.signal; }
      if (signal !== undefined && signal.aborted) return;
      type = String(type);
      let list = map.get(type);
      if (!list) map.set(type, list = []);
      if (list.some((l) => l.listener === listener && l.capture === capture)) return;
      const entry = { listener, capture, once, removed: false };
      list.push(entry);
      if (signal !== undefined) signal.addEventListener('abort', () => this.removeEventListener(type, listener, { capture }));
    }
    removeEventListener(type, listener, options = undefined) {
      const map = listenersOf.get(this);
      if (!map) throw new TypeError('Illegal invocation');
      const capture = typeof options === 'boolean' ? options : !!(options && options.capture);
      const list = map.get(String(type));
      if (!list) return;
      const i = list.findIndex((l) => l.listener === listener && l.capture === capture);
      if (i >= 0) { list[i].removed = true; list.splice(i, 1); }
    }
    dispatchEvent(event) {
      const map = listenersOf.get(this);
      if (!map) throw new TypeError('Illegal invocation');
      const s = evState.get(event);
      if (!s) throw new TypeError("The \"event\" argument must be an instance of Event.");
      if (s.dispatching) throw new DOMException('The event is already being dispatched.', 'InvalidStateError');
      s.dispatching = true; s.target = this; s.currentTarget = this; s.phase = 2;
      const list = (map.get(s.type) || []).slice();
      for (const l of list) {
        if (l.removed) continue;
        if (l.once) this.removeEventListener(s.type, l.listener, { capture: l.capture });
        try {
          if (typeof l.listener === 'function') l.listener.call(this, event);
          else if (typeof l.listener.handleEvent === 'function') l.listener.handleEvent(event);
        } catch (e) {
          if (strictDispatch) { s.dispatching = false; s.currentTarget = null; s.phase = 0; throw e; }
          $.reportError(e);
        }
        if (s.stopImmediate) break;
      }
      s.dispatching = false; s.currentTarget = null; s.phase = 0;
      return !s.defaultPrevented;
    }
  }
  tag(EventTarget);
  defineGlobal('Event', Event);
  defineGlobal('EventTarget', EventTarget);
  $.Event = Event; $.EventTarget = EventTarget; $.evState = evState;
  $.hasListeners = function (target, type) { const l = listenersOf.get(target).get(type); return !!(l && l.length); };

  // ---- AbortSignal / AbortController ----
  const signalState = $.slot();
  let constructingSignal = false;
  function newSignal() {
    constructingSignal = true;
    try { return new AbortSignal(); } finally { constructingSignal = false; }
  }
  function signalAbort(signal, reason) {
    const s = signalState.get(signal);
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason === undefined ? new DOMException('The operation was aborted', 'AbortError') : reason;
    const algs = s.algorithms.splice(0);
    for (const a of algs) { try { a(s.reason); } catch (e) { reportError(e); } }
    signal.dispatchEvent(new Event('abort'));
    for (const dep of s.dependents) { const d = dep.deref ? dep.deref() : dep; if (d) signalAbort(d, s.reason); }
  }
  class AbortSignal extends EventTarget {
    constructor() {
      if (!constructingSignal) throw new TypeError('Illegal constructor');
      super();
      signalState.set(this, { aborted: false, reason: undefined, algorithms: [], onabort: null, dependents: [] });
    }
    get aborted() { return signalState.get(this).aborted; }
    get reason() { return signalState.get(this).reason; }
    get onabort() { return signalState.get(this).onabort; }
    set onabort(v) {
      const s = signalState.get(this);
      s.onabort = typeof v === 'function' ? v : null;
      if (s.onabort && !s.onabortRegistered) {
        // event handler attributes are listeners registered when first set (spec order)
        s.onabortRegistered = true;
        this.addEventListener('abort', (ev) => { if (s.onabort) s.onabort.call(this, ev); });
      }
    }
    throwIfAborted() { const s = signalState.get(this); if (s.aborted) throw s.reason; }
    static abort(reason = undefined) { const s = newSignal(); signalAbort(s, reason); return s; }
    static timeout(ms) {
      ms = Number(ms);
      if (!(ms >= 0) || ms > Number.MAX_SAFE_INTEGER) throw new TypeError('The "delay" argument must be a non-negative number.');
      const s = newSignal();
      natives.setTimer(() => signalAbort(s, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms, false);
      return s;
    }
    static any(signals) {
      const out = newSignal();
      const list = Array.from(signals);
      for (const sig of list) {
        if (!signalState.has(sig)) throw new TypeError('AbortSignal.any requires an iterable of AbortSignal objects.');
        if (sig.aborted) { signalAbort(out, sig.reason); return out; }
      }
      for (const sig of list) signalState.get(sig).dependents.push(out);
      return out;
    }
  }
  tag(AbortSignal);
  const ctrlSignal = $.slot();
  class AbortController {
    constructor() { ctrlSignal.set(this, newSignal()); }
    get signal() { const s = ctrlSignal.get(this); if (!s) throw new TypeError('Illegal invocation'); return s; }
    abort(reason = undefined) { signalAbort(this.signal, reason); }
  }
  tag(AbortController);
  defineGlobal('AbortSignal', AbortSignal);
  defineGlobal('AbortController', AbortController);
  $.isAbortSignal = (v) => signalState.has(v);
  $.onAbort = function (signal, fn) {
    const s = signalState.get(signal); s.algorithms.push(fn);
    return () => { const i = s.algorithms.indexOf(fn); if (i >= 0) s.algorithms.splice(i, 1); };
  };
  $.newSignal = newSignal; $.signalAbort = signalAbort;

  // ---- timers, queueMicrotask ----
  function toDelay(d) { d = Number(d); return d > 0 && d <= 0x7fffffff ? d : 0; }
  defineGlobal('setTimeout', function setTimeout(callback, delay = 0, ...args) {
    // A string would be code to evaluate: workerd refuses it like any non-function.
    if (typeof callback !== 'function') throw new TypeError("Failed to execute 'setTimeout' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'function'.");
    return natives.setTimer(() => { callback.apply(globalThis, args); }, toDelay(delay), false);
  });
  defineGlobal('setInterval', function setInterval(callback, delay = 0, ...args) {
    // A string would be code to evaluate: workerd refuses it like any non-function.
    if (typeof callback !== 'function') throw new TypeError("Failed to execute 'setInterval' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'function'.");
    return natives.setTimer(() => { callback.apply(globalThis, args); }, toDelay(delay), true);
  });
  const clear = function (id) {
    if (id == null) return;
    const n = Number(id);
    if (n > 0 && Number.isInteger(n)) natives.clearTimer(n);
  };
  defineGlobal('clearTimeout', function clearTimeout(id) { clear(id); });
  defineGlobal('clearInterval', function clearInterval(id) { clear(id); });
  const resolved = Promise.resolve();
  defineGlobal('queueMicrotask', function queueMicrotask(callback) {
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function.');
    resolved.then(() => { try { callback(); } catch (e) { reportError(e); } });
  });

  // ---- console ----
  const objToString = Object.prototype.toString;
  function quote(s) {
    const q = s.includes("'") ? (s.includes('"') ? (s.includes('`') ? "'" : '`') : '"') : "'";
    let out = '';
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === q || ch === '\\') out += '\\' + ch;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\r') out += '\\r';
      else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
      else out += ch;
    }
    return q + out + q;
  }
  function keyString(k) {
    if (typeof k === 'symbol') return '[' + k.toString() + ']';
    return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
  }
  function inspect(v, depth, seen) {
    switch (typeof v) {
      case 'string': return depth === 0 ? v : quote(v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return v + 'n';
      case 'boolean': case 'undefined': return String(v);
      case 'symbol': return v.toString();
      case 'function': {
        const src = Function.prototype.toString.call(v);
        if (src.startsWith('class')) return '[class ' + (v.name || '(anonymous)') + ']';
        return v.name ? '[Function: ' + v.name + ']' : '[Function (anonymous)]';
      }
    }
    if (v === null) return 'null';
    if (seen.includes(v)) return '[Circular]';
    if (v instanceof Error || v instanceof DOMException) {
      const st = v.stack;
      if (typeof st === 'string' && st) return st;
      return String(v.name) + ': ' + String(v.message);
    }
    if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Promise) return 'Promise { <unknown> }';
    const nested = depth >= 3;
    const sub = (x) => inspect(x, depth + 1, seen.concat([v]));
    const wrap = (prefix, items, open, close) => {
      if (items.length === 0) return prefix + open + close;
      const body = items.join(', ');
      return prefix + open + ' ' + body + ' ' + close;
    };
    if (v instanceof Map) {
      if (nested) return '[Map]';
      const items = []; for (const [k, x] of v) items.push(sub(k) + ' => ' + sub(x));
      return wrap('Map(' + v.size + ') ', items, '{', '}');
    }
    if (v instanceof Set) {
      if (nested) return '[Set]';
      const items = []; for (const x of v) items.push(sub(x));
      return wrap('Set(' + v.size + ') ', items, '{', '}');
    }
    if (v instanceof ArrayBuffer) {
      const b = new Uint8Array(v); const hex = [];
      for (let i = 0; i < Math.min(b.length, 50); i++) hex.push(b[i].toString(16).padStart(2, '0'));
      return 'ArrayBuffer { [Uint8Contents]: <' + hex.join(' ') + (b.length > 50 ? ' ...' : '') + '>, byteLength: ' + b.length + ' }';
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = objToString.call(v).slice(8, -1);
      const items = []; for (let i = 0; i < Math.min(v.length, 100); i++) items.push(sub(v[i]));
      if (v.length > 100) items.push('... ' + (v.length - 100) + ' more items');
      return wrap(name + '(' + v.length + ') ', items, '[', ']');
    }
    if (Array.isArray(v)) {
      if (nested) return '[Array]';
      const items = []; let holes = 0;
      const flush = () => { if (holes) { items.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>'); holes = 0; } };
      for (let i = 0; i < v.length && items.length < 100; i++) {
        if (!(i in v)) { holes++; continue; }
        flush(); items.push(sub(v[i]));
      }
      flush();
      if (v.length > 100) items.push('... ' + (v.length - 100) + ' more items');
      for (const k of Object.keys(v)) if (!/^\d+$/.test(k)) items.push(keyString(k) + ': ' + sub(v[k]));
      return wrap('', items, '[', ']');
    }
    const proto = Object.getPrototypeOf(v);
    let prefix = '';
    const ctor = proto && Object.prototype.hasOwnProperty.call(proto, 'constructor') ? proto.constructor : null;
    const tagName = v[Symbol.toStringTag];
    if (proto === null) prefix = '[Object: null prototype] ';
    else if (ctor && ctor !== Object && typeof ctor === 'function' && ctor.name) prefix = ctor.name + ' ';
    else if (typeof tagName === 'string' && tagName !== 'Object') prefix = 'Object [' + tagName + '] ';
    if (nested) return '[' + (prefix ? prefix.trim() : 'Object') + ']';
    const items = [];
    if (proto && proto !== Object.prototype && Object.prototype.hasOwnProperty.call(proto, Symbol.toStringTag) && $.platformInspect) {
      // prelude classes keep their state private: show their public view instead
      const extra = $.platformInspect(v, proto);
      if (extra) for (const [k, x] of extra) items.push(keyString(k) + ': ' + sub(x));
    }
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (!d || !d.enumerable) continue;
      if (d.get || d.set) items.push(keyString(k) + ': [' + (d.get && d.set ? 'Getter/Setter' : d.get ? 'Getter' : 'Setter') + ']');
      else items.push(keyString(k) + ': ' + sub(d.value));
    }
    return wrap(prefix, items, '{', '}');
  }
  function formatForLog(args) {
    const parts = [];
    let i = 0;
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      const fmt = args[0]; i = 1; let out = '';
      for (let j = 0; j < fmt.length; j++) {
        const ch = fmt[j];
        if (ch === '%' && j + 1 < fmt.length) {
          const n = fmt[j + 1];
          if (n === '%') { out += '%'; j++; continue; }
          if ('sdifjoOc'.includes(n) && i < args.length) {
            const a = args[i++]; j++;
            if (n === 's') out += typeof a === 'string' ? a : (typeof a === 'bigint' ? a + 'n' : (typeof a === 'object' && a !== null ? inspect(a, 1, []) : inspect(a, 0, [])));
            else if (n === 'd' || n === 'i') out += typeof a === 'bigint' ? a + 'n' : typeof a === 'symbol' ? 'NaN' : String(n === 'i' ? parseInt(a) : Number(a));
            else if (n === 'f') out += typeof a === 'symbol' ? 'NaN' : String(parseFloat(a));
            else if (n === 'j') { try { out += JSON.stringify(a); } catch (_) { out += '[Circular]'; } }
            else if (n === 'c') { /* CSS ignored */ }
            else out += inspect(a, 1, []);
            continue;
          }
        }
        out += ch;
      }
      parts.push(out);
    }
    for (; i < args.length; i++) parts.push(inspect(args[i], 0, []));
    return parts.join(' ');
  }
  $.formatForLog = formatForLog;
  $.inspect = (v) => inspect(v, 1, []);
  // What a TraceItem's logs[].message holds: the arguments themselves, as JSON, so log pipelines
  // get ["hello", 42, {"a": 1}] rather than one formatted line. workerd's rule: null, numbers,
  // booleans, strings, undefined, arrays, plain objects and objects with a toJSON() method are
  // JSON (undefined becomes null); anything else is its String(); what cannot be written is {}.
  const jsonStringify = JSON.stringify;
  const objectProto = Object.prototype;
  const getProto = Object.getPrototypeOf;
  function logValueJson(v) {
    try {
      const t = typeof v;
      let json = v === null || t === 'number' || t === 'boolean' || t === 'string' || t === 'undefined' || Array.isArray(v);
      if (!json && (t === 'object' || t === 'function')) {
        const proto = getProto(v);
        json = proto === objectProto || proto === null || typeof v.toJSON === 'function';
      }
      if (!json) return jsonStringify(String(v));
      const text = jsonStringify(v);
      return text === undefined ? 'null' : text;
    } catch (_) {
      return '{}'; // a cycle, a BigInt inside, a Symbol, a throwing toJSON or getter
    }
  }
  function logJson(args) {
    let out = '[';
    for (let i = 0; i < args.length; i++) out += (i ? ',' : '') + logValueJson(args[i]);
    return out + ']';
  }
  const consoleObj = {};
  const counts = new Map(), timers = new Map();
  const mk = (level) => function (...args) { natives.log(level, formatForLog(args), logJson(args)); };
  const methods = {
    log: mk('log'), info: mk('info'), warn: mk('warn'), error: mk('error'), debug: mk('debug'),
    trace: function (...args) { natives.log('log', 'Trace' + (args.length ? ': ' + formatForLog(args) : '')); },
    dir: function (v) { natives.log('log', inspect(v, 1, [])); },
    assert: function (cond, ...args) { if (!cond) natives.log('error', 'Assertion failed' + (args.length ? ': ' + formatForLog(args) : '')); },
    count: function (label = 'default') { label = String(label); const n = (counts.get(label) || 0) + 1; counts.set(label, n); natives.log('info', label + ': ' + n); },
    countReset: function (label = 'default') { counts.delete(String(label)); },
    time: function (label = 'default') { timers.set(String(label), natives.now()); },
    timeLog: function (label = 'default', ...args) { label = String(label); if (timers.has(label)) natives.log('info', label + ': ' + (natives.now() - timers.get(label)) + 'ms' + (args.length ? ' ' + formatForLog(args) : '')); },
    timeEnd: function (label = 'default') { label = String(label); if (timers.has(label)) { natives.log('info', label + ': ' + (natives.now() - timers.get(label)) + 'ms'); timers.delete(label); } },
    table: mk('log'), group: mk('log'), groupCollapsed: mk('log'), groupEnd: function () {},
  };
  for (const k of Object.keys(methods)) Object.defineProperty(consoleObj, k, { value: methods[k], writable: true, enumerable: true, configurable: true });
  Object.defineProperty(consoleObj, Symbol.toStringTag, { value: 'console', configurable: true });
  defineGlobal('console', consoleObj);

  defineGlobal('self', globalThis);

  // ---- navigator, performance ----
  let constructingMisc = false;
  class Navigator {
    constructor() { if (!constructingMisc) throw new TypeError('Illegal constructor'); }
    get userAgent() { return 'Cloudflare-Workers'; }
    get hardwareConcurrency() { return 1; }
  }
  tag(Navigator);
  let timeOrigin = natives.now();
  // the engine may run this file before the Instance exists (internals.resetTimeOrigin)
  $.resetTimeOrigin = function () { timeOrigin = natives.now(); };
  class Performance {
    constructor() { if (!constructingMisc) throw new TypeError('Illegal constructor'); }
    get timeOrigin() { return timeOrigin; }
    now() { return natives.now() - timeOrigin; }
    toJSON() { return { timeOrigin }; }
  }
  tag(Performance);
  constructingMisc = true;
  defineGlobal('navigator', new Navigator());
  defineGlobal('performance', new Performance());
  constructingMisc = false;
  defineGlobal('Navigator', Navigator);
  defineGlobal('Performance', Performance);

  // ---- atob / btoa ----
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const B64REV = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) B64REV[B64.charCodeAt(i)] = i;
  $.base64Encode = function (bytes) {
    let out = '';
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
    }
    if (i < bytes.length) {
      const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
      out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + '=';
    }
    return out;
  };
  defineGlobal('btoa', function btoa(data) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required, but only 0 present.");
    const s = String(data);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new DOMException('Cannot encode non-Latin1 string.', 'InvalidCharacterError');
      bytes[i] = c;
    }
    return $.base64Encode(bytes);
  });
  // forgiving-base64 decode -> Uint8Array or null on failure
  $.base64Decode = function (s) {
    s = s.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1) return null;
    const out = new Uint8Array(Math.floor(s.length * 3 / 4));
    let buf = 0, bits = 0, o = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const v = c < 128 ? B64REV[c] : -1;
      if (v < 0) return null;
      buf = (buf << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; out[o++] = (buf >> bits) & 0xff; }
    }
    return out;
  };
  defineGlobal('atob', function atob(data) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required, but only 0 present.");
    const bytes = $.base64Decode(String(data));
    if (bytes === null) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    let out = '';
    for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096));
    return out;
  });

  // ---- structuredClone ----
  // V8's serializer does the cloning (natives.structuredClone), as in workerd. It would copy the
  // prelude's platform objects as plain objects, which workerd refuses: they are found first.
  // Only data properties are followed here, so no getter of the value runs twice.
  const cloneNative = natives.structuredClone;
  const makeCloneError = (message) => new DOMException(message, 'DataCloneError');
  const rpcOnly = new Set(['Response', 'ReadableStream']);
  function refusePlatformObjects(root) {
    if (root === null || typeof root !== 'object') return;
    const seen = new Set();
    const todo = [root];
    while (todo.length) {
      const v = todo.pop();
      if (seen.has(v)) continue;
      seen.add(v);
      for (let p = Object.getPrototypeOf(v); p !== null; p = Object.getPrototypeOf(p)) {
        const name = platformProtos.get(p);
        if (name === undefined) continue;
        if (name === 'DOMException') break;
        throw makeCloneError(rpcOnly.has(name) ? 'ReadableStream can only be serialized for RPC.'
          : 'Could not serialize object of type "' + name + '". This type does not support serialization.');
      }
      const push = (x) => { if (x !== null && typeof x === 'object') todo.push(x); };
      if (v instanceof Map) { for (const [k, x] of mapEntries.call(v)) { push(k); push(x); } continue; }
      if (v instanceof Set) { for (const x of setValues.call(v)) push(x); continue; }
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
      const descs = Object.getOwnPropertyDescriptors(v);
      for (const k in descs) if (descs[k].enumerable) push(descs[k].value);
    }
  }
  const mapEntries = Map.prototype.entries, setValues = Set.prototype.values;
  $.structuredClone = (v) => { refusePlatformObjects(v); return cloneNative(v, undefined, makeCloneError); };
  defineGlobal('structuredClone', function structuredClone(value, options = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': parameter 1 is not of type 'JsValue'.");
    let transfer;
    if (options !== undefined && options !== null) {
      if (typeof options !== 'object' && typeof options !== 'function') throw new TypeError("Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': parameter 2 is not of type 'StructuredCloneOptions'.");
      transfer = options.transfer;
      if (transfer !== undefined && !Array.isArray(transfer)) throw new TypeError("Incorrect type for the 'transfer' field on 'StructuredCloneOptions': the provided value is not of type 'Array'.");
    }
    refusePlatformObjects(value);
    return cloneNative(value, transfer, makeCloneError);
  });

  // ---- crypto ----
  const intArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, BigInt64Array, BigUint64Array];
  function getRandomValues(array) {
    if (!ArrayBuffer.isView(array) || !intArrays.some((T) => array instanceof T)) {
      throw new DOMException("The data argument must be an integer-type TypedArray.", 'TypeMismatchError');
    }
    if (array.byteLength > 65536) {
      throw new DOMException('The ArrayBufferView\'s byte length (' + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536).', 'QuotaExceededError');
    }
    natives.randomFill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }
  $.getRandomValues = getRandomValues;
  const HEX = []; for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));
  $.hex = (u8) => { let s = ''; for (let i = 0; i < u8.length; i++) s += HEX[u8[i]]; return s; };
  function randomUUID() {
    const b = new Uint8Array(16); natives.randomFill(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = $.hex(b);
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  $.randomUUID = randomUUID;
  // SubtleCrypto, Crypto and the `crypto` global are crypto.js's.

  // Array.prototype.fill on a long array is one loop inside V8 that nothing interrupts: on an
  // array in dictionary mode (`new Array(100e6).fill(0)`) it allocated gigabytes past the heap
  // limit, and V8 aborted the process, before the engine could stop it. Past a million elements
  // (and for any receiver that is not an array) the specification's steps run here instead,
  // where the engine's termination applies between any two of them.
  {
    const nativeFill = Array.prototype.fill;
    const apply = Reflect.apply;
    const isArray = Array.isArray;
    const longFill = 1 << 20;
    const toInteger = (v) => { const n = Math.trunc(+v); return n !== n ? 0 : n; };
    const toLength = (v) => { const n = toInteger(v); return n <= 0 ? 0 : Math.min(n, Number.MAX_SAFE_INTEGER); };
    const { fill } = {
      fill(value) {
        if (this === null || this === undefined) return apply(nativeFill, this, arguments);
        const o = Object(this);
        if (isArray(o) && o.length <= longFill) return apply(nativeFill, o, arguments);
        const len = toLength(o.length);
        const start = toInteger(arguments[1]);
        let k = start < 0 ? Math.max(len + start, 0) : Math.min(start, len);
        const end = arguments[2] === undefined ? len : toInteger(arguments[2]);
        const last = end < 0 ? Math.max(len + end, 0) : Math.min(end, len);
        for (; k < last; ++k) o[k] = value;
        return o;
      },
    };
    Object.defineProperty(Array.prototype, 'fill', { value: fill, writable: true, enumerable: false, configurable: true });
  }
})(globalThis.__switchyard);
