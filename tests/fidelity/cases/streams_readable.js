// oracle: node workerd
// ReadableStream (after WPT streams/readable-streams): ReadableStream.from, tee and how errors
// and cancellation reach both branches, queuing strategies and size(), readers, async iteration,
// and the errors bad arguments get.
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
// Composite checks keep only the name of an error (the single ones give workerd's message).
const err = async (f) => { try { await f(); return "ok"; } catch (e) { return e?.name ?? e; } };
const readAll = async (stream) => { const out = []; for await (const chunk of stream) out.push(chunk); return out; };
const settle = (p) => p.then((v) => ["ok", v === undefined ? "undefined" : v], (e) => ["rejected", e?.name ?? e]);

export default { async fetch() { return observe({
  "from an array": () => readAll(ReadableStream.from([1, "two", 3])),
  "from a sync generator": () => readAll(ReadableStream.from((function* () { yield 1; yield 2; })())),
  "from an async generator": () => readAll(ReadableStream.from((async function* () { yield "a"; await flush(); yield "b"; })())),
  "from an iterable of promises": () => readAll(ReadableStream.from([Promise.resolve(1), 2])),
  "from a ReadableStream": async () => { const s = new ReadableStream({ start(c) { c.enqueue("x"); c.close(); } }); return readAll(ReadableStream.from(s)); },
  "from a string": () => readAll(ReadableStream.from("ab")),
  "from returns a ReadableStream": () => Object.prototype.toString.call(ReadableStream.from([])),
  "from a number": () => ReadableStream.from(5),
  "from null": () => ReadableStream.from(null),
  "from a plain object": () => ReadableStream.from({}),
  "from an iterator that throws": () => readAll(ReadableStream.from({ [Symbol.iterator]() { return { next() { throw new RangeError("nope"); } }; } })),
  "from cancel calls return": async () => {
    const log = [];
    const it = { [Symbol.asyncIterator]() { return { next: async () => ({ value: 1, done: false }), return: async (v) => { log.push("return " + v); return { done: true }; } }; } };
    const r = ReadableStream.from(it).getReader();
    await r.read();
    await r.cancel("stop");
    return log;
  },
  "from is static": () => [typeof ReadableStream.from, ReadableStream.from.length, ReadableStream.from.name],
  "tee copies every chunk": async () => {
    const s = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
    const [a, b] = s.tee();
    return [await readAll(a), await readAll(b)];
  },
  "tee error reaches both branches": async () => {
    let c;
    const s = new ReadableStream({ start(x) { c = x; } });
    const [a, b] = s.tee();
    const ra = a.getReader(), rb = b.getReader();
    c.enqueue("x");
    c.error(new TypeError("boom"));
    return [await settle(ra.read()), await settle(ra.read()), await settle(rb.read()), await settle(rb.closed)];
  },
  "tee error after one branch is canceled": async () => {
    let c;
    const s = new ReadableStream({ start(x) { c = x; } });
    const [a, b] = s.tee();
    const pa = settle(a.cancel("gone"));
    c.error(new RangeError("late"));
    return [await pa, await settle(b.getReader().closed)];
  },
  "tee cancel both gives the reasons": async () => {
    let reason;
    const s = new ReadableStream({ cancel(r) { reason = r; } });
    const [a, b] = s.tee();
    const p = Promise.all([a.cancel("one"), b.cancel("two")]);
    await p;
    return reason;
  },
  "tee cancel one keeps the other": async () => {
    const s = new ReadableStream({ start(c) { c.enqueue("a"); c.close(); } });
    const [a, b] = s.tee();
    const canceled = settle(a.cancel());
    return [await readAll(b), await canceled];
  },
  "tee locks the source": () => { const s = new ReadableStream(); s.tee(); return s.locked; },
  "tee of a locked stream": () => { const s = new ReadableStream(); s.getReader(); return s.tee(); },
  "tee does not read Object.prototype": () => {
    const names = ["highWaterMark", "size", "start", "type", "mode"];
    const touched = [];
    const s = new ReadableStream();
    for (const n of names) Object.defineProperty(Object.prototype, n, { get() { touched.push(n); return undefined; }, configurable: true });
    try { s.tee(); } finally { for (const n of names) delete Object.prototype[n]; }
    return touched;
  },
  "tee does not call the global ReadableStream": () => {
    const saved = globalThis.ReadableStream;
    const s = new saved();
    globalThis.ReadableStream = function () { throw new Error("global called"); };
    try { return s.tee().map((b) => b instanceof saved); } finally { globalThis.ReadableStream = saved; }
  },
  "default highWaterMark": () => { let c; new ReadableStream({ start(x) { c = x; } }); return c.desiredSize; },
  "CountQueuingStrategy": () => { const q = new CountQueuingStrategy({ highWaterMark: 4 }); return [q.highWaterMark, q.size(), q.size.name, Object.prototype.toString.call(q)]; },
  "ByteLengthQueuingStrategy": () => { const q = new ByteLengthQueuingStrategy({ highWaterMark: 8 }); return [q.highWaterMark, q.size(new Uint8Array(5)), q.size.name, Object.prototype.toString.call(q)]; },
  "CountQueuingStrategy needs an object": () => new CountQueuingStrategy(),
  "size shapes desiredSize": () => {
    let c;
    new ReadableStream({ start(x) { c = x; } }, { highWaterMark: 10, size: (chunk) => chunk.length });
    const seen = [c.desiredSize];
    c.enqueue("abcd"); seen.push(c.desiredSize);
    c.enqueue("abcdefgh"); seen.push(c.desiredSize);
    return seen;
  },
  "ByteLengthQueuingStrategy in a stream": () => {
    let c;
    new ReadableStream({ start(x) { c = x; } }, new ByteLengthQueuingStrategy({ highWaterMark: 6 }));
    c.enqueue(new Uint8Array(4));
    return c.desiredSize;
  },
  "pull respects highWaterMark": async () => {
    let pulls = 0;
    new ReadableStream({ pull(c) { pulls++; c.enqueue(pulls); } }, { highWaterMark: 3 });
    await flush();
    return pulls;
  },
  "pull not called before start settles": async () => {
    const log = [];
    let go;
    new ReadableStream({ start() { log.push("start"); return new Promise((r) => { go = r; }); }, pull() { log.push("pull"); } });
    await flush();
    log.push("resolve");
    go();
    await flush();
    return log;
  },
  "start rejecting errors the stream": async () => {
    const s = new ReadableStream({ start() { return Promise.reject(new SyntaxError("bad start")); } });
    return settle(s.getReader().read());
  },
  "pull throwing errors the stream": async () => {
    const s = new ReadableStream({ pull() { throw new URIError("bad pull"); } });
    return settle(s.getReader().read());
  },
  "enqueue after close": () => { let c; new ReadableStream({ start(x) { c = x; } }); c.close(); c.enqueue(1); },
  "close twice": () => { let c; new ReadableStream({ start(x) { c = x; } }); c.close(); c.close(); },
  "close after error": () => { let c; new ReadableStream({ start(x) { c = x; } }); c.error(new Error("e")); c.close(); },
  "error twice keeps the first": async () => { let c; const s = new ReadableStream({ start(x) { c = x; } }); c.error(new Error("first")); c.error(new Error("second")); return settle(s.getReader().read()); },
  "queued chunks before close are read": async () => {
    const s = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
    const r = s.getReader();
    return [await r.read(), await r.read(), await r.read()];
  },
  "underlying source start not a function": () => new ReadableStream({ start: 5 }),
  "underlying source pull not a function": () => new ReadableStream({ pull: "x" }),
  "underlying source not an object": () => new ReadableStream(5),
  "reader on a locked stream": () => { const s = new ReadableStream(); s.getReader(); return s.getReader(); },
  "reader constructor with a non-stream": () => new ReadableStreamDefaultReader({}),
  "cancel a locked stream": async () => { const s = new ReadableStream(); s.getReader(); return s.cancel(); },
  "read after releaseLock": async () => { const r = new ReadableStream().getReader(); r.releaseLock(); return r.read(); },
  "closed after releaseLock": async () => { const r = new ReadableStream().getReader(); r.releaseLock(); return r.closed; },
  "releaseLock rejects pending reads": async () => {
    const r = new ReadableStream().getReader();
    const p = settle(r.read());
    r.releaseLock();
    return p;
  },
  "releaseLock twice": () => { const r = new ReadableStream().getReader(); r.releaseLock(); r.releaseLock(); return "ok"; },
  "cancel runs the source's cancel": async () => {
    const log = [];
    const s = new ReadableStream({ start(c) { c.enqueue("queued"); }, cancel(r) { log.push("cancel " + r); } });
    const result = await s.cancel("reason");
    return [log, result === undefined, s.locked];
  },
  "cancel resolves to undefined even if cancel returns a value": async () => (await new ReadableStream({ cancel() { return 42; } }).cancel()) === undefined,
  "read after cancel": async () => { const s = new ReadableStream(); const r = s.getReader(); await r.cancel(); return r.read(); },
  "locked getter on a non-stream": () => Object.getOwnPropertyDescriptor(ReadableStream.prototype, "locked").get.call({}),
  "cancel on a non-stream": () => ReadableStream.prototype.cancel.call({}),
  "controller constructor": () => new ReadableStreamDefaultController(),
  "own properties of a stream": () => Object.keys(new ReadableStream()),
  "reader toStringTag": () => Object.prototype.toString.call(new ReadableStream().getReader()),
  "async iteration": async () => readAll(new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } })),
  "async iteration break cancels": async () => {
    const log = [];
    const s = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); }, cancel(r) { log.push(["cancel", r === undefined]); } });
    for await (const chunk of s) { log.push(chunk); break; }
    return [log, s.locked];
  },
  "async iteration preventCancel": async () => {
    const log = [];
    const s = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); }, cancel() { log.push("cancel"); } });
    for await (const chunk of s.values({ preventCancel: true })) { log.push(chunk); break; }
    const r = s.getReader();
    log.push((await r.read()).value);
    return log;
  },
  "async iteration of an errored stream": () => readAll(new ReadableStream({ start(c) { c.error(new EvalError("it")); } })),
  "values on a locked stream": () => { const s = new ReadableStream(); s.getReader(); return s.values(); },
}); } };
