// oracle: node workerd
// A Worker that replaces Object.prototype.then or Promise.prototype.then (after WPT
// streams/piping/then-interception and readable-streams/patched-global) must not see or change
// what the streams pass between themselves: piping, tee, bodies and transforms go on unchanged,
// and a thenable hook sees no internal object. The first use of a stream in this Worker happens
// only after the tampering, so the streams are loaded while it is in place.
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
function recorder() {
  const events = [];
  return { events, ws: new WritableStream({ write(c) { events.push("write", c); }, close() { events.push("close"); } }) };
}
// Object.prototype.then as a getter: records every object a promise was resolved with.
function watchThen() {
  const seen = [];
  Object.defineProperty(Object.prototype, "then", {
    get() { seen.push(Object.prototype.toString.call(this) + " " + Object.keys(this).sort().join(",")); return undefined; },
    configurable: true,
  });
  return { seen, stop() { delete Object.prototype.then; } };
}
// Promise.prototype.then replaced: counts the calls the Worker's own code does not make.
function hijackPromiseThen() {
  const original = Promise.prototype.then;
  const calls = { n: 0 };
  Promise.prototype.then = function (...args) { calls.n++; return Reflect.apply(original, this, args); };
  return { calls, stop() { Promise.prototype.then = original; } };
}

let first = true;
export default { async fetch() {
  // Tampered before the Worker's first stream: the lazily loaded streams must not pick it up.
  const early = first ? hijackPromiseThen() : null;
  first = false;
  const earlyResult = await (async () => {
    try {
      const { events, ws } = recorder();
      const rs = new ReadableStream({ start(c) { c.enqueue("a"); c.close(); } });
      await rs.pipeTo(ws);
      return events;
    } finally { early?.stop(); }
  })();
  return observe({
    "Promise.prototype.then replaced before the first stream": () => earlyResult,
    "Object.prototype.then function during pipeTo": async () => {
      const intercepted = [];
      let calls = 0;
      Object.prototype.then = function (resolve) {
        if (!this.done) intercepted.push(this.value);
        const r = Object.create(null);
        r.done = ++calls === 3;
        r.value = calls;
        resolve(r);
        if (r.done) delete Object.prototype.then;
      };
      try {
        const { events, ws } = recorder();
        await new ReadableStream({ start(c) { c.enqueue("a"); c.close(); } }).pipeTo(ws);
        return [intercepted, events];
      } finally { delete Object.prototype.then; }
    },
    "Object.prototype.then getter during pipeTo": async () => {
      const { events, ws } = recorder();
      const rs = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
      const w = watchThen();
      try { await rs.pipeTo(ws); } finally { w.stop(); }
      return [w.seen, events];
    },
    "Object.prototype.then getter during tee and pipeTo": async () => {
      const { events, ws } = recorder();
      const [a, b] = new ReadableStream({ start(c) { c.enqueue("a"); c.close(); } }).tee();
      const w = watchThen();
      try { await a.pipeTo(ws); } finally { w.stop(); }
      b.cancel();
      return [w.seen, events];
    },
    "Object.prototype.then getter during pipeThrough": async () => {
      const out = [];
      const w = watchThen();
      try {
        const t = new TransformStream({ transform(c, ctl) { ctl.enqueue(c + "!"); } });
        await new ReadableStream({ start(c) { c.enqueue("x"); c.close(); } }).pipeThrough(t).pipeTo(new WritableStream({ write(c) { out.push(c); } }));
      } finally { w.stop(); }
      return [w.seen, out];
    },
    "Object.prototype.then getter during a writer's writes": async () => {
      const log = [];
      const w = watchThen();
      try {
        const writer = new WritableStream({ write(c) { log.push(c); } }).getWriter();
        await writer.write(1);
        await writer.write(2);
        await writer.close();
      } finally { w.stop(); }
      return [w.seen, log];
    },
    "Object.prototype.then function does not break a Response body": async () => {
      Object.prototype.then = function (resolve) { delete Object.prototype.then; resolve("hijacked"); };
      try {
        const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("body")); c.close(); } });
        return await new Response(body).text();
      } finally { delete Object.prototype.then; }
    },
    "Promise.prototype.then replaced during pipeTo": async () => {
      const { events, ws } = recorder();
      const rs = new ReadableStream({ start(c) { c.enqueue("a"); c.close(); } });
      const h = hijackPromiseThen();
      let p;
      try { p = rs.pipeTo(ws); } finally { h.stop(); }
      await p;
      await flush();
      return [events, h.calls.n];
    },
    "Promise.prototype.then replaced during tee": async () => {
      const h = hijackPromiseThen();
      let branches;
      try { branches = new ReadableStream({ start(c) { c.enqueue(1); c.close(); } }).tee(); } finally { h.stop(); }
      const out = [];
      for (const b of branches) for await (const x of b) out.push(x);
      return [out, h.calls.n];
    },
    "Promise.prototype.then throwing during a read": async () => {
      const original = Promise.prototype.then;
      const r = new ReadableStream({ start(c) { c.enqueue("v"); } }).getReader();
      Promise.prototype.then = function () { throw new Error("then called"); };
      let p;
      try { p = r.read(); } finally { Promise.prototype.then = original; }
      return p;
    },
    "global ReadableStream replaced": async () => {
      const saved = ReadableStream;
      const rs = new saved({ start(c) { c.enqueue("a"); c.close(); } });
      globalThis.ReadableStream = function () { throw new Error("global called"); };
      globalThis.WritableStream = function () { throw new Error("global called"); };
      try {
        const [a] = rs.tee();
        const chunks = [];
        await a.pipeThrough(new TransformStream()).pipeTo(new (Object.getPrototypeOf(new TransformStream().writable).constructor)({ write(c) { chunks.push(c); } }));
        return chunks;
      } finally { globalThis.ReadableStream = saved; delete globalThis.WritableStream; }
    },
  });
} };
