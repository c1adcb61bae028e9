// Switchyard prelude 4/6: ReadableStream (default controller and reader, async iteration, tee,
// cancel, pipeTo/pipeThrough), a simple WritableStream (no backpressure) and TransformStream;
// TextEncoderStream, TextDecoderStream, CompressionStream and DecompressionStream (zlib natives).
// No BYOB readers.
(function (natives) {
  'use strict';
  const $ = natives.$;
  const streamState = $.slot();   // ReadableStream -> st
  const readerState = $.slot();   // reader -> rs
  const controllerState = $.slot(); // controller -> st

  function deferred() { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; }
  const ignore = (p) => { p.catch(() => {}); return p; };

  function desiredSize(st) {
    if (st.state === 'errored') return null;
    if (st.state === 'closed') return 0;
    return st.hwm - st.queueSize;
  }
  function shouldPull(st) {
    if (st.state !== 'readable' || st.closeRequested || !st.started) return false;
    if (st.reader && st.reader.requests.length > 0) return true;
    return desiredSize(st) > 0;
  }
  function callPullIfNeeded(st) {
    if (!shouldPull(st)) return;
    if (st.pulling) { st.pullAgain = true; return; }
    st.pulling = true;
    let r;
    try { r = st.pull ? st.pull.call(st.source, st.controller) : undefined; } catch (e) { r = Promise.reject(e); }
    Promise.resolve(r).then(() => {
      st.pulling = false;
      if (st.pullAgain) { st.pullAgain = false; callPullIfNeeded(st); }
    }, (e) => errorStream(st, e));
  }
  function finishClose(st) {
    st.state = 'closed';
    const rs = st.reader;
    if (rs) {
      for (const req of rs.requests.splice(0)) req.resolve({ value: undefined, done: true });
      rs.closed.resolve(undefined);
    }
  }
  function errorStream(st, e) {
    if (st.state !== 'readable') return;
    st.state = 'errored'; st.storedError = e; st.queue = []; st.queueSize = 0;
    const rs = st.reader;
    if (rs) {
      for (const req of rs.requests.splice(0)) req.reject(e);
      rs.closed.reject(e); ignore(rs.closed.promise);
    }
  }
  function enqueue(st, chunk) {
    if (st.closeRequested || st.state !== 'readable') throw new TypeError('Cannot enqueue to a closed or errored ReadableStream.');
    if (st.isBytes) {
      if (!ArrayBuffer.isView(chunk)) throw new TypeError('chunk must be an ArrayBufferView.');
      if (chunk.byteLength === 0) throw new TypeError('chunk must not be empty.');
    }
    const rs = st.reader;
    if (rs && rs.requests.length > 0) {
      rs.requests.shift().resolve({ value: chunk, done: false });
    } else {
      let size = 1;
      if (st.size) {
        try { size = Number(st.size(chunk)); } catch (e) { errorStream(st, e); throw e; }
        if (!(size >= 0) || size === Infinity) { const e = new RangeError('Invalid chunk size.'); errorStream(st, e); throw e; }
      } else if (st.isBytes) size = chunk.byteLength;
      st.queue.push({ chunk, size }); st.queueSize += size;
    }
    callPullIfNeeded(st);
  }
  function closeStream(st) {
    if (st.closeRequested || st.state !== 'readable') throw new TypeError('The ReadableStream is already closed.');
    st.closeRequested = true;
    if (st.queue.length === 0) finishClose(st);
  }
  function cancelStream(st, reason) {
    st.disturbed = true;
    if (st.state === 'closed') return Promise.resolve(undefined);
    if (st.state === 'errored') return Promise.reject(st.storedError);
    st.queue = []; st.queueSize = 0;
    finishClose(st);
    let r;
    try { r = st.cancel ? st.cancel.call(st.source, reason) : undefined; } catch (e) { return Promise.reject(e); }
    return Promise.resolve(r).then(() => undefined);
  }
  function readFrom(rs) {
    const st = rs.stream;
    st.disturbed = true;
    if (st.state === 'closed') return Promise.resolve({ value: undefined, done: true });
    if (st.state === 'errored') return Promise.reject(st.storedError);
    if (st.queue.length > 0) {
      const { chunk, size } = st.queue.shift();
      st.queueSize -= size;
      if (st.closeRequested && st.queue.length === 0) finishClose(st);
      else callPullIfNeeded(st);
      return Promise.resolve({ value: chunk, done: false });
    }
    const d = deferred();
    rs.requests.push(d);
    callPullIfNeeded(st);
    return d.promise;
  }

  class ReadableStreamDefaultController {
    constructor() { throw new TypeError('Illegal constructor'); }
    get desiredSize() { return desiredSize(controllerState.get(this)); }
    close() { closeStream(controllerState.get(this)); }
    enqueue(chunk = undefined) { enqueue(controllerState.get(this), chunk); }
    error(e = undefined) { errorStream(controllerState.get(this), e); }
  }
  $.tag(ReadableStreamDefaultController);

  function acquireReader(reader, stream) {
    const st = streamState.get(stream);
    if (!st) throw new TypeError('The "stream" argument must be a ReadableStream.');
    if (st.reader) throw new TypeError('This ReadableStream is currently locked to a reader.');
    const rs = { stream: st, requests: [], closed: deferred() };
    if (st.state === 'closed') rs.closed.resolve(undefined);
    else if (st.state === 'errored') { rs.closed.reject(st.storedError); ignore(rs.closed.promise); }
    st.reader = rs;
    readerState.set(reader, rs);
  }
  class ReadableStreamDefaultReader {
    constructor(stream) { acquireReader(this, stream); }
    get closed() { const rs = readerState.get(this); if (!rs) throw new TypeError('Illegal invocation'); return rs.closed.promise; }
    read() {
      const rs = readerState.get(this);
      if (!rs) return Promise.reject(new TypeError('Illegal invocation'));
      if (!rs.stream) return Promise.reject(new TypeError('This reader has been released.'));
      return readFrom(rs);
    }
    releaseLock() {
      const rs = readerState.get(this);
      if (!rs || !rs.stream) return;
      const e = new TypeError('This reader has been released.');
      for (const req of rs.requests.splice(0)) req.reject(e);
      if (rs.stream.state === 'readable') rs.closed.reject(e);
      else { rs.closed = deferred(); rs.closed.reject(e); }
      ignore(rs.closed.promise);
      rs.stream.reader = null; rs.stream = null;
    }
    cancel(reason = undefined) {
      const rs = readerState.get(this);
      if (!rs || !rs.stream) return Promise.reject(new TypeError('This reader has been released.'));
      return cancelStream(rs.stream, reason);
    }
  }
  $.tag(ReadableStreamDefaultReader);

  let constructingController = false;
  class ReadableStream {
    constructor(underlyingSource = undefined, strategy = undefined) {
      const source = underlyingSource == null ? {} : underlyingSource;
      if (typeof source !== 'object' && typeof source !== 'function') throw new TypeError('underlyingSource must be an object.');
      strategy = strategy == null ? {} : strategy;
      const type = source.type === undefined ? undefined : String(source.type);
      if (type !== undefined && type !== 'bytes') throw new RangeError('Invalid type: ' + type);
      const hwm = strategy.highWaterMark === undefined ? (type === 'bytes' ? 0 : 1) : Number(strategy.highWaterMark);
      if (!(hwm >= 0)) throw new RangeError('Invalid highWaterMark.');
      for (const k of ['start', 'pull', 'cancel']) {
        if (source[k] !== undefined && typeof source[k] !== 'function') throw new TypeError('underlyingSource.' + k + ' must be a function.');
      }
      const st = {
        state: 'readable', queue: [], queueSize: 0, reader: null, storedError: undefined, disturbed: false,
        started: false, pulling: false, pullAgain: false, closeRequested: false, hwm,
        size: type === 'bytes' ? undefined : strategy.size, isBytes: type === 'bytes',
        source, pull: source.pull, cancel: source.cancel, controller: null,
      };
      const controller = Object.create(ReadableStreamDefaultController.prototype);
      controllerState.set(controller, st);
      st.controller = controller;
      streamState.set(this, st);
      const startResult = source.start ? source.start.call(source, controller) : undefined;
      Promise.resolve(startResult).then(() => { st.started = true; callPullIfNeeded(st); }, (e) => errorStream(st, e));
    }
    get locked() { const st = streamState.get(this); if (!st) throw new TypeError('Illegal invocation'); return st.reader !== null; }
    cancel(reason = undefined) {
      const st = streamState.get(this);
      if (!st) return Promise.reject(new TypeError('Illegal invocation'));
      if (st.reader) return Promise.reject(new TypeError('This ReadableStream is currently locked to a reader.'));
      return cancelStream(st, reason);
    }
    getReader(options = undefined) {
      if (options != null && options.mode !== undefined) {
        if (String(options.mode) === 'byob') throw new TypeError('BYOB readers are not supported.');
        throw new RangeError('Invalid reader mode.');
      }
      return new ReadableStreamDefaultReader(this);
    }
    tee() {
      const st = streamState.get(this);
      if (!st) throw new TypeError('Illegal invocation');
      const reader = new ReadableStreamDefaultReader(this);
      let reading = false, canceled1 = false, canceled2 = false, reason1, reason2, closed = false;
      let c1, c2;
      const cancelDone = deferred();
      const pull = () => {
        if (reading || closed) return Promise.resolve();
        reading = true;
        return reader.read().then(({ value, done }) => {
          reading = false;
          if (done) {
            closed = true;
            if (!canceled1) try { c1.close(); } catch (_) { /* ignore */ }
            if (!canceled2) try { c2.close(); } catch (_) { /* ignore */ }
            cancelDone.resolve(undefined);
            return;
          }
          if (!canceled1) c1.enqueue(value);
          if (!canceled2) c2.enqueue(value);
        }, (e) => {
          reading = false; closed = true;
          try { c1.error(e); } catch (_) { /* ignore */ }
          try { c2.error(e); } catch (_) { /* ignore */ }
          cancelDone.resolve(undefined);
        });
      };
      const maybeCancel = () => {
        if (canceled1 && canceled2) reader.cancel([reason1, reason2]).then(cancelDone.resolve, cancelDone.reject);
      };
      const b1 = new ReadableStream({
        start(c) { c1 = c; }, pull,
        cancel(r) { canceled1 = true; reason1 = r; maybeCancel(); return cancelDone.promise; },
      });
      const b2 = new ReadableStream({
        start(c) { c2 = c; }, pull,
        cancel(r) { canceled2 = true; reason2 = r; maybeCancel(); return cancelDone.promise; },
      });
      return [b1, b2];
    }
    values(options = undefined) {
      const preventCancel = !!(options && options.preventCancel);
      const reader = this.getReader();
      let finished = false;
      const it = Object.create(AsyncIterProto);
      Object.defineProperty(it, 'next', {
        value: () => {
          if (finished) return Promise.resolve({ value: undefined, done: true });
          return reader.read().then((r) => {
            if (r.done) { finished = true; reader.releaseLock(); }
            return r;
          }, (e) => { finished = true; reader.releaseLock(); throw e; });
        },
      });
      Object.defineProperty(it, 'return', {
        value: (value) => {
          if (finished) return Promise.resolve({ value, done: true });
          finished = true;
          const p = preventCancel ? Promise.resolve() : reader.cancel(value);
          return p.then(() => { reader.releaseLock(); return { value, done: true }; });
        },
      });
      return it;
    }
    pipeTo(destination, options = undefined) {
      if (!streamState.has(this)) return Promise.reject(new TypeError('Illegal invocation'));
      if (!writableState.has(destination)) return Promise.reject(new TypeError('pipeTo() requires a WritableStream.'));
      if (this.locked) return Promise.reject(new TypeError('This ReadableStream is currently locked to a reader.'));
      if (destination.locked) return Promise.reject(new TypeError('This WritableStream is currently locked to a writer.'));
      const o = options == null ? {} : options;
      const reader = this.getReader();
      const writer = destination.getWriter();
      const signal = o.signal;
      return (async () => {
        let abortErr = null;
        let remove = null;
        if (signal !== undefined && signal !== null) {
          if (signal.aborted) abortErr = { e: signal.reason };
          else remove = $.onAbort(signal, (r) => { abortErr = { e: r }; reader.cancel(r).catch(() => {}); });
        }
        try {
          for (;;) {
            if (abortErr) throw abortErr.e;
            let r;
            try { r = await reader.read(); } catch (e) {
              if (abortErr) throw abortErr.e;
              if (!o.preventAbort) await writer.abort(e).catch(() => {});
              throw e;
            }
            if (abortErr) throw abortErr.e;
            if (r.done) break;
            try { await writer.write(r.value); } catch (e) {
              if (!o.preventCancel) await reader.cancel(e).catch(() => {});
              throw e;
            }
          }
          if (!o.preventClose) await writer.close();
        } catch (e) {
          if (abortErr && e === abortErr.e) {
            if (!o.preventAbort) await writer.abort(e).catch(() => {});
          }
          throw e;
        } finally {
          if (remove) remove();
          try { reader.releaseLock(); } catch (_) { /* ignore */ }
          try { writer.releaseLock(); } catch (_) { /* ignore */ }
        }
      })();
    }
    pipeThrough(transform, options = undefined) {
      if (transform == null || !writableState.has(transform.writable) || !streamState.has(transform.readable)) {
        throw new TypeError('pipeThrough() requires a {writable, readable} pair.');
      }
      const p = this.pipeTo(transform.writable, options);
      p.catch(() => {});
      return transform.readable;
    }
  }
  const AsyncIterProto = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, { value: ReadableStream.prototype.values, writable: true, configurable: true });
  $.tag(ReadableStream);
  $.defineGlobal('ReadableStream', ReadableStream);
  $.defineGlobal('ReadableStreamDefaultReader', ReadableStreamDefaultReader);
  $.defineGlobal('ReadableStreamDefaultController', ReadableStreamDefaultController);

  class CountQueuingStrategy {
    #hwm;
    constructor(init) { this.#hwm = Number(init && init.highWaterMark); }
    get highWaterMark() { return this.#hwm; }
    get size() { return () => 1; }
  }
  class ByteLengthQueuingStrategy {
    #hwm;
    constructor(init) { this.#hwm = Number(init && init.highWaterMark); }
    get highWaterMark() { return this.#hwm; }
    get size() { return (chunk) => chunk.byteLength; }
  }
  $.tag(CountQueuingStrategy); $.tag(ByteLengthQueuingStrategy);
  $.defineGlobal('CountQueuingStrategy', CountQueuingStrategy);
  $.defineGlobal('ByteLengthQueuingStrategy', ByteLengthQueuingStrategy);

  // ---- WritableStream (no backpressure: writes are queued and run one at a time) ----
  const writableState = $.slot(); // WritableStream -> ws
  // Errors that reject one write without erroring the stream (workerd's compression streams
  // refuse a chunk that is not bytes that way).
  const rejectedChunks = new WeakSet();
  const writerState = $.slot();   // writer -> {ws}
  function wsError(ws, e) {
    if (ws.state === 'errored' || ws.state === 'closed') return;
    ws.state = 'errored'; ws.storedError = e;
    ws.closed.reject(e); ignore(ws.closed.promise);
  }
  function wsEnqueue(ws, op) {
    // run `op` after all previous operations; failures error the stream
    const p = ws.chain.then(() => {
      if (ws.state === 'errored') throw ws.storedError;
      return op();
    });
    ws.chain = p.catch(() => {});
    return p;
  }
  class WritableStreamDefaultController {
    constructor() { throw new TypeError('Illegal constructor'); }
    error(e = undefined) { wsError(wcState.get(this), e); }
    get signal() { return wcState.get(this).signal; }
  }
  const wcState = $.slot();
  $.tag(WritableStreamDefaultController);
  class WritableStream {
    constructor(underlyingSink = undefined, strategy = undefined) {
      const sink = underlyingSink == null ? {} : underlyingSink;
      for (const k of ['start', 'write', 'close', 'abort']) {
        if (sink[k] !== undefined && typeof sink[k] !== 'function') throw new TypeError('underlyingSink.' + k + ' must be a function.');
      }
      const ws = { state: 'writable', storedError: undefined, writer: null, sink, closed: deferred(), chain: null, signal: $.newSignal(), closing: false };
      const controller = Object.create(WritableStreamDefaultController.prototype);
      wcState.set(controller, ws);
      ws.controller = controller;
      writableState.set(this, ws);
      let start;
      try { start = sink.start ? sink.start.call(sink, controller) : undefined; } catch (e) { start = Promise.reject(e); }
      ws.chain = Promise.resolve(start).then(() => {}, (e) => wsError(ws, e));
    }
    get locked() { const ws = writableState.get(this); if (!ws) throw new TypeError('Illegal invocation'); return ws.writer !== null; }
    getWriter() { return new WritableStreamDefaultWriter(this); }
    close() {
      const ws = writableState.get(this);
      if (ws.writer) return Promise.reject(new TypeError('This WritableStream is currently locked to a writer.'));
      return wsClose(ws);
    }
    abort(reason = undefined) {
      const ws = writableState.get(this);
      if (ws.writer) return Promise.reject(new TypeError('This WritableStream is currently locked to a writer.'));
      return wsAbort(ws, reason);
    }
  }
  function wsWrite(ws, chunk) {
    if (ws.state === 'errored') return Promise.reject(ws.storedError);
    if (ws.state !== 'writable' || ws.closing) return Promise.reject(new TypeError('This WritableStream is closed.'));
    return wsEnqueue(ws, () => (ws.sink.write ? ws.sink.write.call(ws.sink, chunk, ws.controller) : undefined))
      .then(() => undefined, (e) => { if (!rejectedChunks.has(e)) wsError(ws, e); throw e; });
  }
  function wsClose(ws) {
    if (ws.state === 'errored') return Promise.reject(ws.storedError);
    if (ws.state !== 'writable' || ws.closing) return Promise.reject(new TypeError('This WritableStream is closed.'));
    ws.closing = true;
    return wsEnqueue(ws, () => (ws.sink.close ? ws.sink.close.call(ws.sink) : undefined))
      .then(() => { ws.state = 'closed'; ws.closed.resolve(undefined); }, (e) => { wsError(ws, e); throw e; });
  }
  function wsAbort(ws, reason) {
    if (ws.state === 'closed' || ws.state === 'errored') return Promise.resolve(undefined);
    $.signalAbort(ws.signal, reason);
    const e = reason;
    wsError(ws, e);
    let r;
    try { r = ws.sink.abort ? ws.sink.abort.call(ws.sink, reason) : undefined; } catch (err) { return Promise.reject(err); }
    return Promise.resolve(r).then(() => undefined);
  }
  class WritableStreamDefaultWriter {
    constructor(stream) {
      const ws = writableState.get(stream);
      if (!ws) throw new TypeError('The "stream" argument must be a WritableStream.');
      if (ws.writer) throw new TypeError('This WritableStream is currently locked to a writer.');
      ws.writer = this;
      writerState.set(this, { ws });
    }
    get closed() { const w = writerState.get(this); return w.ws ? w.ws.closed.promise : Promise.reject(new TypeError('This writer has been released.')); }
    get ready() { return Promise.resolve(undefined); }
    get desiredSize() { const w = writerState.get(this); if (!w.ws) throw new TypeError('This writer has been released.'); return w.ws.state === 'writable' ? 1 : w.ws.state === 'closed' ? 0 : null; }
    write(chunk = undefined) { const w = writerState.get(this); return w.ws ? wsWrite(w.ws, chunk) : Promise.reject(new TypeError('This writer has been released.')); }
    close() { const w = writerState.get(this); return w.ws ? wsClose(w.ws) : Promise.reject(new TypeError('This writer has been released.')); }
    abort(reason = undefined) { const w = writerState.get(this); return w.ws ? wsAbort(w.ws, reason) : Promise.reject(new TypeError('This writer has been released.')); }
    releaseLock() { const w = writerState.get(this); if (w.ws) { w.ws.writer = null; w.ws = null; } }
  }
  $.tag(WritableStream); $.tag(WritableStreamDefaultWriter);
  $.defineGlobal('WritableStream', WritableStream);
  $.defineGlobal('WritableStreamDefaultWriter', WritableStreamDefaultWriter);
  $.defineGlobal('WritableStreamDefaultController', WritableStreamDefaultController);

  // ---- TransformStream ----
  const tcState = $.slot();
  class TransformStreamDefaultController {
    constructor() { throw new TypeError('Illegal constructor'); }
    enqueue(chunk = undefined) { tcState.get(this).rc.enqueue(chunk); }
    error(e = undefined) { const t = tcState.get(this); try { t.rc.error(e); } catch (_) { /* ignore */ } wsError(t.ws, e); }
    terminate() { const t = tcState.get(this); try { t.rc.close(); } catch (_) { /* ignore */ } wsError(t.ws, new TypeError('The TransformStream was terminated.')); }
    get desiredSize() { return tcState.get(this).rc.desiredSize; }
  }
  $.tag(TransformStreamDefaultController);
  const tsState = $.slot();
  class TransformStream {
    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const tr = transformer == null ? {} : transformer;
      for (const k of ['start', 'transform', 'flush', 'cancel']) {
        if (tr[k] !== undefined && typeof tr[k] !== 'function') throw new TypeError('transformer.' + k + ' must be a function.');
      }
      const controller = Object.create(TransformStreamDefaultController.prototype);
      const t = { rc: null, ws: null, pullWaiters: [] };
      tcState.set(controller, t);
      const wake = () => { const w = t.pullWaiters; t.pullWaiters = []; for (const resolve of w) resolve(); };
      const readable = new ReadableStream({
        start(c) { t.rc = c; },
        pull: wake,
        cancel(reason) { wake(); wsError(t.ws, reason); return tr.cancel ? tr.cancel.call(tr, reason) : undefined; },
      }, readableStrategy == null ? { highWaterMark: 0 } : readableStrategy);
      let startP;
      const writable = new WritableStream({
        start() { try { startP = tr.start ? tr.start.call(tr, controller) : undefined; } catch (e) { startP = Promise.reject(e); } return startP; },
        write(chunk) { return tr.transform ? tr.transform.call(tr, chunk, controller) : controller.enqueue(chunk); },
        close() {
          return Promise.resolve(tr.flush ? tr.flush.call(tr, controller) : undefined).then(() => { try { t.rc.close(); } catch (_) { /* ignore */ } });
        },
        abort(reason) { try { t.rc.error(reason); } catch (_) { /* ignore */ } },
      }, writableStrategy);
      t.ws = writableState.get(writable);
      tsState.set(this, { readable, writable });
    }
    get readable() { return tsState.get(this).readable; }
    get writable() { return tsState.get(this).writable; }
  }
  $.tag(TransformStream);
  $.defineGlobal('TransformStream', TransformStream);
  // Settles when the readable side of the controller's TransformStream is next pulled (or
  // cancelled): how a transformer of ours waits for its reader.
  $.transformPulled = (controller) => new Promise((resolve) => tcState.get(controller).pullWaiters.push(resolve));
  $.defineGlobal('TransformStreamDefaultController', TransformStreamDefaultController);
  // workerd's fixed-length/identity byte stream
  class IdentityTransformStream extends TransformStream { constructor() { super(); } }
  $.tag(IdentityTransformStream);
  $.defineGlobal('IdentityTransformStream', IdentityTransformStream);

  // ---- encoding and compression streams: TransformStreams whose transformer is ours ----
  const isBytes = (chunk) => chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk);
  // A chunk that is not bytes rejects its write; the stream goes on.
  const zlibChunk = (chunk) => {
    if (isBytes(chunk)) return $.toBytes(chunk);
    const e = new TypeError(typeof chunk === 'string'
      ? "This TransformStream is being used as a byte stream, but received a string on its writable side. If you wish to write a string, you'll probably want to explicitly UTF-8-encode it with TextEncoder."
      : 'This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.');
    rejectedChunks.add(e);
    throw e;
  };
  const decoderChunk = (chunk) => {
    if (isBytes(chunk)) return chunk;
    throw new TypeError('This TransformStream is being used as a byte stream, but received a value that is not a BufferSource.');
  };
  // A transform or flush that throws errors both sides, so a reader of the readable side sees it.
  const guarded = (fn) => function (...args) {
    try { fn(...args); } catch (e) { args[args.length - 1].error(e); throw e; }
  };

  const tesState = $.slot();
  class TextEncoderStream extends TransformStream {
    constructor() {
      let pendingHigh = null; // a lead surrogate that ended the previous chunk
      const encode = (s) => natives.utf8Encode(s);
      super({
        transform: guarded((chunk, c) => {
          let s = String(chunk);
          if (pendingHigh !== null) { s = pendingHigh + s; pendingHigh = null; }
          if (s.length > 0) {
            const last = s.charCodeAt(s.length - 1);
            if (last >= 0xd800 && last <= 0xdbff) { pendingHigh = s[s.length - 1]; s = s.slice(0, -1); }
          }
          if (s.length > 0) c.enqueue(encode(s));
        }),
        flush: guarded((c) => { if (pendingHigh !== null) c.enqueue(new Uint8Array([0xef, 0xbf, 0xbd])); }),
      });
      tesState.set(this, true);
    }
    get encoding() { if (!tesState.has(this)) throw new TypeError('Illegal invocation'); return 'utf-8'; }
  }
  $.tag(TextEncoderStream);
  $.defineGlobal('TextEncoderStream', TextEncoderStream);

  const tdsState = $.slot();
  class TextDecoderStream extends TransformStream {
    constructor(label = undefined, options = undefined) {
      const decoder = new $.TextDecoder(label, options);
      const streamOptions = { stream: true };
      super({
        transform: guarded((chunk, c) => {
          const s = decoder.decode(decoderChunk(chunk), streamOptions);
          if (s.length > 0) c.enqueue(s);
        }),
        flush: guarded((c) => { const s = decoder.decode(); if (s.length > 0) c.enqueue(s); }),
      });
      tdsState.set(this, decoder);
    }
    #decoder() { const d = tdsState.get(this); if (!d) throw new TypeError('Illegal invocation'); return d; }
    get encoding() { return this.#decoder().encoding; }
    get fatal() { return this.#decoder().fatal; }
    get ignoreBOM() { return this.#decoder().ignoreBOM; }
  }
  $.tag(TextDecoderStream);
  $.defineGlobal('TextDecoderStream', TextDecoderStream);

  // zlib behind natives.zlib*: each call answers a bounded piece of output, so what a small input
  // expands to is made (and counted against the memory limit) one ArrayBuffer at a time.
  const FORMATS = ['deflate', 'deflate-raw', 'gzip'];
  function zlibTransformer(what, format, compress) {
    if (format === undefined) throw new TypeError("Failed to construct '" + what + "': constructor parameter 1 is not of type 'string'.");
    format = String(format);
    if (!FORMATS.includes(format)) throw new TypeError("The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
    let handle = null;
    const open = () => (handle === null ? (handle = natives.zlibOpen(format, compress)) : handle);
    // Output waits for the reader (the readable's queue holds at most one piece), so a small
    // input that expands without end costs memory only as fast as it is consumed.
    const drain = async (c, input, finish) => {
      const h = open();
      let out = natives.zlibPush(h, input, finish);
      while (out !== null) {
        if (out.byteLength > 0) {
          c.enqueue(out);
          if (c.desiredSize < 0) await $.transformPulled(c);
        }
        out = natives.zlibPush(h, null, finish);
      }
    };
    const close = () => { if (handle !== null) natives.zlibClose(handle); };
    return {
      transform: (chunk, c) => {
        const bytes = zlibChunk(chunk);
        if (bytes.byteLength > 0) return drain(c, bytes, false).catch((e) => { c.error(e); throw e; });
      },
      flush: (c) => drain(c, null, true).catch((e) => { c.error(e); throw e; }),
      cancel: close,
    };
  }
  class CompressionStream extends TransformStream {
    constructor(format) { super(zlibTransformer('CompressionStream', format, true)); }
  }
  class DecompressionStream extends TransformStream {
    constructor(format) { super(zlibTransformer('DecompressionStream', format, false)); }
  }
  $.tag(CompressionStream); $.tag(DecompressionStream);
  $.defineGlobal('CompressionStream', CompressionStream);
  $.defineGlobal('DecompressionStream', DecompressionStream);

  // ---- helpers for bodies ----
  $.isReadableStream = (v) => streamState.has(v);
  $.isDisturbed = (s) => streamState.get(s).disturbed;
  $.isLocked = (s) => streamState.get(s).reader !== null;
  $.streamFromBytes = function (u8) {
    return new ReadableStream({
      type: 'bytes',
      start(c) { if (u8.byteLength > 0) c.enqueue(u8); c.close(); },
    });
  };
  // A Response body the engine sends as it is produced: it holds the reader and asks for one
  // chunk at a time (readBodyChunk -> Uint8Array, or null at the end), only when its reader
  // wants more, so a Worker's pull() runs no further ahead than the client reads.
  $.bodyReader = (stream) => new ReadableStreamDefaultReader(stream);
  $.readBodyChunk = function (reader) {
    const rs = readerState.get(reader);
    const next = () => readFrom(rs).then(({ value, done }) => {
      if (done) return null;
      let bytes;
      if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytes = $.toBytes(value);
      else if (typeof value === 'string') bytes = natives.utf8Encode(value);
      else throw new TypeError('This ReadableStream did not return bytes.');
      return bytes.byteLength === 0 ? next() : bytes;
    });
    return next();
  };
  $.cancelBody = (reader, reason) => cancelStream(readerState.get(reader).stream, reason);
  // A body another Worker produces while this one reads it (natives bodyRead/bodyCancel, by the
  // engine's key): pulled only when read, so it pushes back on its producer.
  $.nativeBodyStream = function (key) {
    return new ReadableStream({
      type: 'bytes',
      pull(c) { return natives.bodyRead(key).then((u8) => { if (u8 === null) c.close(); else c.enqueue(u8); }); },
      cancel() { natives.bodyCancel(key); },
    });
  };
  $.readAllBytes = async function (stream) {
    const reader = new ReadableStreamDefaultReader(stream);
    const chunks = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) chunks.push($.copyBytes($.toBytes(value)));
        else if (typeof value === 'string') chunks.push(natives.utf8Encode(value));
        else throw new TypeError('This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.');
      }
    } finally {
      try { reader.releaseLock(); } catch (_) { /* ignore */ }
    }
    return $.concatBytes(chunks);
  };
})(globalThis.__switchyard);
