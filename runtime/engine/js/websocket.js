// Switchyard prelude: WebSocketPair, WebSocket, MessageEvent, CloseEvent and ErrorEvent as workerd
// has them. Both ends of a pair in one Worker talk in JavaScript: each end's messages go out one per
// macrotask, after the other end accepted, as workerd's pipe delivers them. An end handed to the
// engine in a `101` Response is coupled to a native socket (CONTRACT.md, "WebSockets"): its peer's
// messages go to `wsSend`/`wsClose`, and the engine delivers the client's with `wsDeliver`. An
// outbound socket (fetch() with `Upgrade: websocket`, or `new WebSocket(url)`) is coupled to its
// upstream the same way, and the upstream is read only once it is accepted (`wsAccept`).
(function (natives) {
  'use strict';
  const $ = natives.$;
  const { Event, evState } = $;

  // ---------------------------------------------------------------- events
  const msgData = $.slot();
  class MessageEvent extends Event {
    constructor(type, init = undefined) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'MessageEvent': 1 argument required, but only 0 present.");
      super(type, init);
      msgData.set(this, init == null || init.data === undefined ? null : init.data);
      // Instance properties, as workerd defines them.
      Object.defineProperty(this, 'data', { get: dataGetter, enumerable: true, configurable: false });
    }
  }
  function dataGetter() { return msgData.get(this); }
  $.tag(MessageEvent);
  const closeData = $.slot();
  class CloseEvent extends Event {
    constructor(type, init = undefined) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'CloseEvent': 1 argument required, but only 0 present.");
      super(type, init);
      init = init == null ? {} : init;
      closeData.set(this, { code: init.code === undefined ? 0 : Number(init.code), reason: init.reason === undefined ? '' : String(init.reason), wasClean: !!init.wasClean });
      for (const [name, get] of closeGetters) Object.defineProperty(this, name, { get, enumerable: true, configurable: false });
    }
  }
  const closeGetters = [['code', function () { return closeData.get(this).code; }], ['reason', function () { return closeData.get(this).reason; }], ['wasClean', function () { return closeData.get(this).wasClean; }]];
  $.tag(CloseEvent);
  const errorData = $.slot();
  class ErrorEvent extends Event {
    constructor(type, init = undefined) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'ErrorEvent': 1 argument required, but only 0 present.");
      super(type, init);
      init = init == null ? {} : init;
      errorData.set(this, { message: init.message === undefined ? '' : String(init.message), filename: init.filename === undefined ? '' : String(init.filename), lineno: init.lineno >>> 0, colno: init.colno >>> 0, error: init.error });
    }
    get message() { return errorData.get(this).message; }
    get filename() { return errorData.get(this).filename; }
    get lineno() { return errorData.get(this).lineno; }
    get colno() { return errorData.get(this).colno; }
    get error() { return errorData.get(this).error; }
  }
  $.tag(ErrorEvent);
  function trusted(event) { evState.get(event).isTrusted = true; return event; }

  // ---------------------------------------------------------------- WebSocket
  const NOT_ACCEPTED = 'You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.';
  const wsState = $.slot();
  let constructing = false;
  // {peer, accepted, released, closedOutgoing, closedIncoming, out: [], pumping, waiting: [],
  //  native: key of the native socket this end's peer was coupled to (0: none), remote: key of a
  //  native socket this end stands for (a binding's response), binaryType, outbound: this end is
  //  an upstream's (native is its key), client: made by `new WebSocket(url)`, connecting, url,
  //  protocol, cancelled: closed while connecting, fail(message): ends a connecting socket}
  function freshState() {
    return { peer: null, accepted: false, released: false, closedOutgoing: false, closedIncoming: false, out: [], pumping: false, waiting: [], native: 0, remote: 0, binaryType: 'arraybuffer', outbound: false, client: false, connecting: false, url: null, protocol: '' };
  }
  function wsGet(self) { const s = wsState.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; }
  function newSocket(fields) {
    constructing = true;
    let ws;
    try { ws = new WebSocket(); } finally { constructing = false; }
    wsState.set(ws, Object.assign(freshState(), fields));
    return ws;
  }

  // A listener that throws ends the delivery of events to that end, as in workerd, where it
  // ends the socket's read loop; the error is reported as uncaught, and a client on the other
  // side is closed with 1011 rather than left waiting.
  function dispatchOn(ws, event) {
    const s = wsState.get(ws);
    try {
      $.dispatchStrict(ws, trusted(event));
    } catch (e) {
      s.broken = true;
      $.reportError(e);
      if (s.native && !s.closedOutgoing) { s.closedOutgoing = true; natives.wsClose(s.native, 1011, ''); }
    }
  }
  function dispatchMessage(ws, data) { dispatchOn(ws, new MessageEvent('message', { data })); }
  function dispatchClose(ws, code, reason, wasClean) { dispatchOn(ws, new CloseEvent('close', { code, reason, wasClean })); }
  // One message (a string, an ArrayBuffer, or {close: code, reason}) arrived at `ws`.
  function receive(ws, msg) {
    const s = wsState.get(ws);
    if (s.closedIncoming || s.broken) return;
    if (!s.accepted) { s.waiting.push(msg); return; }
    if (msg !== null && typeof msg === 'object' && 'close' in msg) {
      // No close goes back by itself: the Worker answers with close() (workerd before the
      // web_socket_auto_reply_to_close flag, the default until 2026-04-07), so the close event
      // sees CLOSING unless this end closed first.
      s.closedIncoming = true;
      dispatchClose(ws, msg.close, msg.reason, msg.clean !== false);
      return;
    }
    dispatchMessage(ws, msg);
  }
  // Local pairs: the head of the queue goes to the peer once it accepted, one per macrotask.
  function pump(ws) {
    const s = wsState.get(ws);
    if (s.pumping || s.out.length === 0) return;
    if (s.native) {
      for (const m of s.out.splice(0)) {
        if (typeof m === 'object' && m !== null && !(m instanceof ArrayBuffer)) natives.wsClose(s.native, m.close, m.reason);
        else natives.wsSend(s.native, m);
      }
      return;
    }
    const peer = s.peer;
    const ps = peer && wsState.get(peer);
    if (!ps || !ps.accepted || ps.released) return; // waits for accept() (or a coupling)
    s.pumping = true;
    natives.setTimer(() => {
      s.pumping = false;
      const m = s.out.shift();
      if (m !== undefined) receive(peer, m);
      pump(ws);
    }, 0, false);
  }
  function toMessage(message) {
    if (message instanceof ArrayBuffer) return message.slice(0);
    if (ArrayBuffer.isView(message)) return $.copyBytes(new Uint8Array(message.buffer, message.byteOffset, message.byteLength)).buffer;
    return String(message);
  }

  class WebSocket extends $.EventTarget {
    constructor(url = undefined, protocols = undefined) {
      super();
      if (constructing) return;
      if (arguments.length === 0) throw new TypeError("Failed to construct 'WebSocket': constructor parameter 1 is not of type 'string'.");
      const href = $.parseURL(String(url));
      if (href === null) throw new $.DOMException('WebSocket Constructor: The url is invalid.', 'SyntaxError');
      if (!/^wss?:/.test(href)) throw new $.DOMException('WebSocket Constructor: The url scheme must be ws or wss.', 'SyntaxError');
      if (href.includes('#')) throw new $.DOMException('WebSocket Constructor: The url fragment must be empty.', 'SyntaxError');
      const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : Array.from(protocols, String);
      for (const p of list) {
        if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p)) throw new $.DOMException('WebSocket Constructor: One of the protocol header tokens is invalid.', 'SyntaxError');
      }
      if (new Set(list).size !== list.length) throw new $.DOMException('WebSocket Constructor: The protocols header cannot have repeating values.', 'SyntaxError');
      const s = Object.assign(freshState(), { client: true, connecting: true, url: href });
      wsState.set(this, s);
      const headers = [['upgrade', 'websocket']];
      if (list.length) headers.push(['sec-websocket-protocol', list.join(', ')]);
      // The upgrade is a fetch(): it counts as a subrequest (throwing here past the limit) and
      // obeys the same outbound rules.
      const pending = natives.fetch('GET', href.replace(/^ws/, 'http'), headers, null, 'manual');
      connect(this, s, pending);
    }
    accept(options = undefined) {
      const s = wsGet(this);
      if (s.client) throw new TypeError("Websockets obtained from the 'new WebSocket()' constructor cannot call accept");
      if (s.released) throw new TypeError("Can't accept() WebSocket that was already used in a response.");
      if (s.remote) throw new TypeError("Can't accept() a WebSocket another Worker answered with; return it in a Response instead.");
      if (s.accepted) return;
      s.accepted = true;
      if (s.outbound) natives.wsAccept(s.native);
      const waiting = s.waiting.splice(0);
      const self = this;
      if (waiting.length) natives.setTimer(() => { for (const m of waiting) receive(self, m); }, 0, false);
      if (s.peer) pump(s.peer);
    }
    send(message) {
      const s = wsGet(this);
      if (s.closedOutgoing) throw new TypeError("Can't call WebSocket send() after close().");
      if (s.released) return;
      if (!s.accepted) throw new TypeError(NOT_ACCEPTED);
      s.out.push(toMessage(message));
      pump(this);
    }
    close(code = undefined, reason = undefined) {
      const s = wsGet(this);
      if (s.connecting) {
        // workerd cancels the upgrade before looking at the arguments: the socket is released at
        // once (readyState OPEN, send() and close() ignored), and the cancelled connection then
        // ends in an error event and a 1006 close.
        s.connecting = false;
        s.released = true;
        s.cancelled = true;
        natives.setTimer(() => s.fail('Uncaught Error: Network connection lost.'), 0, false);
        return;
      }
      if (code !== undefined) {
        code = Math.trunc(Number(code)) || 0;
        if (!(code >= 1000 && code < 5000 && code !== 1004 && code !== 1005 && code !== 1006 && code !== 1015)) {
          throw new $.DOMException('Invalid WebSocket close code: ' + code + '.', 'InvalidAccessError');
        }
      }
      if (reason !== undefined) reason = String(reason).toWellFormed ? String(reason).toWellFormed() : String(reason);
      if (reason !== undefined && code === undefined) throw new $.DOMException('If you specify a WebSocket close reason, you must also specify a code.', 'InvalidAccessError');
      if (s.closedOutgoing || s.released) return;
      if (!s.accepted) throw new TypeError(NOT_ACCEPTED);
      s.out.push({ close: code === undefined ? 1005 : code, reason: reason === undefined ? '' : reason });
      s.closedOutgoing = true;
      pump(this);
    }
    serializeAttachment(value) { wsGet(this).attachment = natives.structuredClone(value, undefined, (m) => new $.DOMException(m, 'DataCloneError')); }
    deserializeAttachment() { const s = wsGet(this); return s.attachment === undefined ? null : natives.structuredClone(s.attachment, undefined, (m) => new $.DOMException(m, 'DataCloneError')); }
    get readyState() {
      const s = wsGet(this);
      if (s.connecting) return 0;
      if (s.closedIncoming && s.closedOutgoing) return 3;
      if (s.closedIncoming || s.closedOutgoing) return 2;
      return 1;
    }
    get url() { return wsGet(this).url; }
    get protocol() { return wsGet(this).protocol; }
    get extensions() { wsGet(this); return ''; }
    get binaryType() { return wsGet(this).binaryType; }
    set binaryType(v) { const s = wsGet(this); if (v === 'arraybuffer' || v === 'blob') s.binaryType = v; }
  }
  for (const [k, v] of [['CONNECTING', 0], ['OPEN', 1], ['CLOSING', 2], ['CLOSED', 3]]) {
    for (const name of [k, 'READY_STATE_' + k]) {
      Object.defineProperty(WebSocket, name, { value: v, enumerable: true });
      Object.defineProperty(WebSocket.prototype, name, { value: v, enumerable: true });
    }
  }
  $.tag(WebSocket);

  // `new WebSocket(url)`: the upgrade fetch()'s answer opens the socket (accepted at once) or
  // fails it with an error event and a 1006 close, as workerd does.
  function connect(ws, s, pending) {
    const failed = s.fail = (message) => {
      s.connecting = false;
      s.closedIncoming = true; s.closedOutgoing = true; s.out.length = 0;
      dispatchOn(ws, new ErrorEvent('error', { message }));
      dispatchClose(ws, 1006, 'Failed to establish websocket connection', false);
    };
    Promise.resolve(pending).then((res) => {
      if (typeof res.bodyStream === 'number') natives.bodyCancel(res.bodyStream);
      const key = res.outboundWebSocket;
      if (s.cancelled) {
        // Closed while connecting: the upstream that answered anyway is let go unread.
        if (res.status === 101 && typeof key === 'number' && key !== 0) natives.wsClose(key, 1005, '');
        return;
      }
      if (res.status !== 101 || typeof key !== 'number' || key === 0) {
        failed('WebSocket upgrade failed: the server answered ' + res.status + '.');
        return;
      }
      s.connecting = false;
      s.native = key;
      s.outbound = true;
      s.accepted = true;
      coupled.set(key, ws);
      s.protocol = null; // workerd's, when the server chose none
      for (const [name, value] of res.headers || []) {
        if (String(name).toLowerCase() === 'sec-websocket-protocol') s.protocol = String(value);
      }
      natives.wsAccept(key);
      dispatchOn(ws, new $.Event('open'));
      pump(ws);
    }, (e) => { if (!s.cancelled) failed(e && e.message ? String(e.message) : 'WebSocket connection failed.'); });
  }

  // A function rather than a class: called without `new` it throws workerd's message, not V8's.
  const pairState = $.slot();
  function WebSocketPair() {
    if (new.target === undefined) throw new TypeError("Failed to construct 'WebSocketPair': Please use the 'new' operator, this object constructor cannot be called as a function.");
    const a = newSocket({}), b = newSocket({});
    wsState.get(a).peer = b; wsState.get(b).peer = a;
    pairState.set(this, [a, b]);
    Object.defineProperty(this, '0', { value: a, enumerable: true });
    Object.defineProperty(this, '1', { value: b, enumerable: true });
  }
  Object.defineProperty(WebSocketPair.prototype, Symbol.iterator, {
    value: function* entries() { const p = pairState.get(this); if (!p) throw new TypeError('Illegal invocation'); yield p[0]; yield p[1]; },
    writable: true, configurable: true,
  });
  $.tag(WebSocketPair);

  // ---------------------------------------------------------------- the engine's side
  $.isWebSocket = (v) => wsState.has(v);
  // A Response's webSocket on its way out of Invocation `invocationId`: the key of the native
  // socket it stands for (a binding's response handed on), or of a new one its peer is now
  // coupled to, whose queued messages go out at once.
  const coupled = new Map(); // key -> the Worker's end (the peer of the end handed out)
  $.releaseWebSocket = function (ws, invocationId) {
    const s = wsState.get(ws);
    if (s.released) throw new TypeError("Can't return WebSocket that was already used in a response.");
    if (s.accepted) throw new TypeError("Can't return WebSocket in a Response after calling accept().");
    s.released = true;
    if (s.remote) return s.remote;
    if (s.outbound) {
      // Handed on unread: the engine relays the upstream to whoever reads the response.
      const key = s.native;
      coupled.delete(key);
      s.native = 0;
      return key;
    }
    const key = natives.wsOpen(invocationId);
    const peer = s.peer;
    if (peer && key) {
      wsState.get(peer).native = key;
      coupled.set(key, peer);
      pump(peer);
    }
    return key;
  };
  // A binding's response with a native socket: stands for it until handed on in a Response.
  $.remoteWebSocket = (key) => newSocket({ remote: key });
  // An upstream's socket from the fetch() that opened it (0: the Invocation is gone already).
  $.outboundWebSocket = function (key) {
    if (!key) return null;
    const ws = newSocket({ native: key, outbound: true });
    coupled.set(key, ws);
    return ws;
  };
  // kind: 'text' (data a string), 'binary' (a Uint8Array), 'close' (code, reason), 'gone' (the
  // client left without a close frame: a close event with 1006), 'ended' (the Invocation that
  // owned it is over: forgotten without events).
  $.deliverWebSocket = function (key, kind, data, code, reason) {
    const ws = coupled.get(key);
    if (!ws) return;
    const s = wsState.get(ws);
    if (kind === 'text') receive(ws, String(data));
    else if (kind === 'binary') receive(ws, data.buffer.byteLength === data.byteLength ? data.buffer : data.slice().buffer);
    else if (kind === 'close') { receive(ws, { close: code, reason: String(reason) }); coupled.delete(key); }
    else if (kind === 'ended') {
      coupled.delete(key);
      s.closedIncoming = true; s.closedOutgoing = true; s.native = 0; s.broken = true;
    } else if (kind === 'gone') {
      coupled.delete(key);
      if (s.closedIncoming) return;
      s.closedIncoming = true; s.closedOutgoing = true; s.native = 0;
      if (s.accepted) dispatchClose(ws, 1006, 'WebSocket disconnected without sending Close frame.', false);
    }
  };

  $.defineGlobal('MessageEvent', MessageEvent);
  $.defineGlobal('CloseEvent', CloseEvent);
  $.defineGlobal('ErrorEvent', ErrorEvent);
  $.defineGlobal('WebSocket', WebSocket);
  $.defineGlobal('WebSocketPair', WebSocketPair);
})(globalThis.__switchyard);
