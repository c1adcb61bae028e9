// oracle: node workerd
// WritableStream, TransformStream and piping (after WPT streams/writable-streams, piping,
// transform-streams): the order of sink calls, abort against pending writes, backpressure,
// pipeTo's prevent* options and signal, pipeThrough's checks, transformers.
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
// Composite checks keep only the name of an error (the single ones give workerd's message).
const err = async (f) => { try { await f(); return "ok"; } catch (e) { return e?.name ?? e; } };
const settle = (p) => p.then((v) => ["ok", v === undefined ? "undefined" : v], (e) => ["rejected", e?.name ?? e]);
const source = (chunks, extra = {}) => new ReadableStream({ start(c) { for (const x of chunks) c.enqueue(x); if (!extra.open) c.close(); }, ...extra });
function recorder(extra = {}) {
  const log = [];
  const ws = new WritableStream({
    write(chunk) { log.push("write " + chunk); return extra.write?.(chunk); },
    close() { log.push("close"); },
    abort(reason) { log.push("abort " + (reason?.message ?? reason)); },
  }, extra.strategy);
  return { ws, log };
}

export default { async fetch() { return observe({
  "writes run in order, one at a time": async () => {
    const log = [];
    const w = new WritableStream({ async write(c) { log.push("start " + c); await flush(); log.push("end " + c); } }).getWriter();
    await Promise.all([w.write(1), w.write(2), w.close()]);
    return log;
  },
  "abort with a write in flight and one queued": async () => {
    const log = [];
    const w = new WritableStream({
      write(c) { log.push("write " + c); return new Promise((r) => setTimeout(r, 5)); },
      abort(r) { log.push("abort " + r); },
    }).getWriter();
    const p1 = w.write(1).then(() => log.push("write 1 ok"), (e) => log.push("write 1 " + e));
    const p2 = w.write(2).then(() => log.push("write 2 ok"), (e) => log.push("write 2 " + e));
    await flush();
    const a = w.abort("R").then(() => log.push("abort done"));
    await Promise.all([p1, p2, a]);
    return log;
  },
  "abort before start settles": async () => {
    const log = [];
    let go;
    const w = new WritableStream({ start() { return new Promise((r) => { go = r; }); }, write(c) { log.push("write " + c); }, abort(r) { log.push("abort " + r); } }).getWriter();
    const p = settle(w.write("x"));
    const a = w.abort("early");
    go();
    await a;
    return [log, await p];
  },
  "write after abort": async () => { const w = new WritableStream().getWriter(); await w.abort(new RangeError("stop")); return settle(w.write(1)); },
  "closed after abort": async () => { const w = new WritableStream().getWriter(); w.abort(new RangeError("stop")); return settle(w.closed); },
  "abort twice": async () => { const w = new WritableStream().getWriter(); const a = w.abort("one"); const b = w.abort("two"); return [await settle(a), await settle(b)]; },
  "sink write throwing errors the stream": async () => {
    const w = new WritableStream({ write() { throw new SyntaxError("sink"); } }).getWriter();
    return [await settle(w.write(1)), await settle(w.write(2)), await settle(w.closed)];
  },
  "close waits for writes": async () => {
    const log = [];
    const w = new WritableStream({ async write(c) { await flush(); log.push("write " + c); }, close() { log.push("close"); } }).getWriter();
    w.write("a");
    await w.close();
    return log;
  },
  "write after close": async () => { const w = new WritableStream().getWriter(); w.close(); return settle(w.write(1)); },
  "close twice": async () => { const w = new WritableStream().getWriter(); w.close(); return settle(w.close()); },
  "close of a locked stream": async () => { const s = new WritableStream(); s.getWriter(); return settle(s.close()); },
  "abort of a locked stream": async () => { const s = new WritableStream(); s.getWriter(); return settle(s.abort()); },
  "writer of a locked stream": () => { const s = new WritableStream(); s.getWriter(); return s.getWriter(); },
  "released writer": async () => {
    const w = new WritableStream().getWriter();
    w.releaseLock();
    return [await settle(w.write(1)), await settle(w.close()), await settle(w.abort()), await settle(w.closed), await settle(w.ready), await err(() => w.desiredSize)];
  },
  "desiredSize and ready follow backpressure": async () => {
    let release;
    const w = new WritableStream({ write() { return new Promise((r) => { release = r; }); } }, { highWaterMark: 2 }).getWriter();
    await w.ready;
    const seen = [w.desiredSize];
    w.write("a"); seen.push(w.desiredSize);
    w.write("b"); seen.push(w.desiredSize);
    w.write("c"); seen.push(w.desiredSize);
    let ready = false;
    w.ready.then(() => { ready = true; });
    await flush();
    seen.push(ready);
    release(); await flush(); release(); await flush();
    seen.push(ready, w.desiredSize);
    return seen;
  },
  "size strategy on a WritableStream": async () => {
    const w = new WritableStream({ write() { return new Promise(() => {}); } }, { highWaterMark: 10, size: (c) => c.length }).getWriter();
    await w.ready;
    w.write("abc"); w.write("defgh");
    return w.desiredSize;
  },
  "size throwing rejects the write": async () => {
    const w = new WritableStream({}, { size() { throw new URIError("size"); } }).getWriter();
    return [await settle(w.write(1)), await settle(w.closed)];
  },
  "negative highWaterMark": () => new WritableStream({}, { highWaterMark: -1 }),
  "NaN highWaterMark": () => new ReadableStream({}, { highWaterMark: NaN }),
  "size not a function": () => new WritableStream({}, { size: 1 }),
  "controller signal aborts": async () => {
    let c;
    const w = new WritableStream({ start(x) { c = x; } }).getWriter();
    const before = c.signal.aborted;
    await w.abort("why");
    return [Object.prototype.toString.call(c.signal), before, c.signal.aborted, c.signal.reason];
  },
  "controller error": async () => {
    let c;
    const w = new WritableStream({ start(x) { c = x; } }).getWriter();
    c.error(new EvalError("ctl"));
    return [await settle(w.write(1)), await settle(w.closed)];
  },
  "underlying sink write not a function": () => new WritableStream({ write: 1 }),
  "pipeTo copies and closes": async () => { const { ws, log } = recorder(); await source(["a", "b"]).pipeTo(ws); return log; },
  "pipeTo preventClose": async () => { const { ws, log } = recorder(); await source(["a"]).pipeTo(ws, { preventClose: true }); return [log, ws.locked]; },
  "pipeTo error forward aborts": async () => {
    const { ws, log } = recorder();
    const s = new ReadableStream({ start(c) { c.enqueue("a"); c.error(new TypeError("src")); } });
    return [await settle(s.pipeTo(ws)), log];
  },
  "pipeTo error forward preventAbort": async () => {
    const { ws, log } = recorder();
    const s = new ReadableStream({ start(c) { c.error(new TypeError("src")); } });
    return [await settle(s.pipeTo(ws, { preventAbort: true })), log, ws.locked];
  },
  "pipeTo error backward cancels": async () => {
    let canceled;
    const s = new ReadableStream({ pull(c) { c.enqueue("x"); }, cancel(r) { canceled = r?.message; } });
    const ws = new WritableStream({ write() { throw new RangeError("dst"); } });
    return [await settle(s.pipeTo(ws)), canceled];
  },
  "pipeTo error backward preventCancel": async () => {
    let canceled = false;
    const s = new ReadableStream({ pull(c) { c.enqueue("x"); }, cancel() { canceled = true; } });
    const ws = new WritableStream({ write() { throw new RangeError("dst"); } });
    return [await settle(s.pipeTo(ws, { preventCancel: true })), canceled, s.locked];
  },
  "pipeTo a closed destination": async () => {
    let canceled;
    const ws = new WritableStream();
    await ws.close();
    const s = new ReadableStream({ cancel(r) { canceled = r?.name; } });
    return [await settle(s.pipeTo(ws)), canceled];
  },
  "pipeTo with an aborted signal": async () => {
    const { ws, log } = recorder();
    let canceled;
    const s = new ReadableStream({ cancel(r) { canceled = r?.name; } });
    const ac = new AbortController();
    ac.abort();
    return [await settle(s.pipeTo(ws, { signal: ac.signal })), log.length, canceled];
  },
  "pipeTo abort midway": async () => {
    const log = [];
    const ws = new WritableStream({ write(c) { log.push("write " + c); }, abort(r) { log.push("abort " + r); } });
    const ac = new AbortController();
    let n = 0;
    const s = new ReadableStream({ async pull(c) { await flush(); c.enqueue(n++); }, cancel(r) { log.push("cancel " + r); } }, { highWaterMark: 0 });
    const p = settle(s.pipeTo(ws, { signal: ac.signal }));
    await flush(); await flush();
    ac.abort("enough");
    return [await p, log.slice(-2).sort()];
  },
  "pipeTo abort midway order": async () => {
    const log = [];
    const ws = new WritableStream({ abort(r) { log.push("abort " + r); } });
    const ac = new AbortController();
    const s = new ReadableStream({ async pull(c) { await flush(); c.enqueue(0); }, cancel(r) { log.push("cancel " + r); } }, { highWaterMark: 0 });
    const p = s.pipeTo(ws, { signal: ac.signal }).catch(() => {});
    await flush(); await flush();
    ac.abort("enough");
    await p;
    return log;
  },
  "pipeTo abort with preventAbort and preventCancel": async () => {
    const log = [];
    const ws = new WritableStream({ abort(r) { log.push("abort " + r); } });
    const ac = new AbortController();
    const s = new ReadableStream({ async pull(c) { await flush(); c.enqueue(0); }, cancel(r) { log.push("cancel " + r); } }, { highWaterMark: 0 });
    const p = settle(s.pipeTo(ws, { signal: ac.signal, preventAbort: true, preventCancel: true }));
    await flush(); await flush();
    ac.abort("r");
    return [await p, log, s.locked, ws.locked];
  },
  "pipeTo signal not a signal": () => new ReadableStream().pipeTo(new WritableStream(), { signal: {} }),
  "pipeTo not a WritableStream": () => new ReadableStream().pipeTo({}),
  "pipeTo from a locked stream": async () => { const s = new ReadableStream(); s.getReader(); return s.pipeTo(new WritableStream()); },
  "pipeTo to a locked stream": async () => { const ws = new WritableStream(); ws.getWriter(); return new ReadableStream().pipeTo(ws); },
  "pipeTo options are read in order": async () => {
    const read = [];
    const options = {};
    for (const k of ["preventAbort", "preventCancel", "preventClose", "signal"]) Object.defineProperty(options, k, { get() { read.push(k); return undefined; } });
    await source([]).pipeTo(new WritableStream(), options);
    return read;
  },
  "pipeThrough returns the readable": async () => {
    const t = new TransformStream();
    const out = source(["a"]).pipeThrough(t);
    return [out === t.readable, (await out.getReader().read()).value];
  },
  "pipeThrough options are read in order": () => {
    const read = [];
    const options = {};
    for (const k of ["preventAbort", "preventCancel", "preventClose", "signal"]) Object.defineProperty(options, k, { get() { read.push(k); return undefined; } });
    source([]).pipeThrough(new TransformStream(), options);
    return read;
  },
  "pipeThrough reads writable before readable": () => {
    const read = [];
    const t = new TransformStream();
    const pair = { get writable() { read.push("writable"); return t.writable; }, get readable() { read.push("readable"); return t.readable; } };
    new ReadableStream().pipeThrough(pair);
    return read;
  },
  "pipeThrough without readable": () => new ReadableStream().pipeThrough({ writable: new WritableStream() }),
  "pipeThrough without writable": () => new ReadableStream().pipeThrough({ readable: new ReadableStream() }),
  "pipeThrough a locked source": () => { const s = new ReadableStream(); s.getReader(); return s.pipeThrough(new TransformStream()); },
  "pipeThrough a locked writable": () => { const t = new TransformStream(); t.writable.getWriter(); return new ReadableStream().pipeThrough(t); },
  "pipeThrough a bad signal": () => new ReadableStream().pipeThrough(new TransformStream(), { signal: "x" }),
  "transform and flush": async () => {
    const t = new TransformStream({ transform(c, ctl) { ctl.enqueue(c.toUpperCase()); ctl.enqueue("|"); }, flush(ctl) { ctl.enqueue("end"); } });
    const out = [];
    for await (const c of source(["a", "b"]).pipeThrough(t)) out.push(c);
    return out;
  },
  "transform throwing errors both sides": async () => {
    const t = new TransformStream({ transform() { throw new SyntaxError("tx"); } });
    const w = t.writable.getWriter();
    const read = settle(t.readable.getReader().read());
    return [await settle(w.write(1)), await read, await settle(w.closed)];
  },
  "controller terminate": async () => {
    const t = new TransformStream({ start(c) { c.enqueue("only"); c.terminate(); } });
    const r = t.readable.getReader();
    return [await r.read(), await r.read(), await settle(t.writable.getWriter().write(1))];
  },
  "TransformStream controller error": async () => {
    let c;
    const t = new TransformStream({ start(x) { c = x; } });
    c.error(new RangeError("tc"));
    return [await settle(t.readable.getReader().read()), await settle(t.writable.getWriter().closed)];
  },
  "cancel the readable side": async () => {
    const t = new TransformStream();
    await t.readable.cancel(new URIError("nope"));
    return settle(t.writable.getWriter().write(1));
  },
  "transformer cancel": async () => {
    const log = [];
    const t = new TransformStream({ cancel(r) { log.push("cancel " + r); } });
    await t.readable.cancel("why");
    return log;
  },
  "readableType not allowed": () => new TransformStream({ readableType: "bytes" }),
  "writableType not allowed": () => new TransformStream({ writableType: "bytes" }),
  "transform not a function": () => new TransformStream({ transform: 1 }),
  "TransformStream strategies": () => { const t = new TransformStream({}, { highWaterMark: 3 }, { highWaterMark: 5 }); return [t.writable.getWriter().desiredSize]; },
  "IdentityTransformStream passes bytes": async () => {
    const t = new IdentityTransformStream();
    const w = t.writable.getWriter();
    w.write(new Uint8Array([1, 2]));
    w.close();
    return Array.from(new Uint8Array(await new Response(t.readable).arrayBuffer()));
  },
  "WritableStream toStringTags": () => { const s = new WritableStream(); let c; new WritableStream({ start(x) { c = x; } }); return [s, s.getWriter(), c].map((o) => Object.prototype.toString.call(o)); },
  "TransformStream toStringTags": () => { let c; const t = new TransformStream({ start(x) { c = x; } }); return [t, c].map((o) => Object.prototype.toString.call(o)); },
}); } };
