// oracle: node workerd
// Byte streams (after WPT streams/readable-byte-streams): ReadableByteStreamController, BYOB
// readers and requests, respond/respondWithNewView, enqueue into pending reads, and their errors.
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
// Composite checks keep only the name of an error (the single ones give workerd's message).
const err = async (f) => { try { await f(); return "ok"; } catch (e) { return e?.name ?? e; } };
const view = (v) => v === undefined ? v : [Object.prototype.toString.call(v), v.byteOffset, v.byteLength, v.buffer.byteLength, Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))];
const result = (r) => ({ done: r.done, value: view(r.value) });

export default { async fetch() { return observe({
  "classes": () => [typeof ReadableByteStreamController, typeof ReadableStreamBYOBReader, typeof ReadableStreamBYOBRequest],
  "controller type": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }); return [Object.prototype.toString.call(c), c instanceof ReadableByteStreamController, c.desiredSize]; },
  "default desiredSize of a byte stream": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }, { highWaterMark: 16 }); return c.desiredSize; },
  "byob reader type": () => { const r = new ReadableStream({ type: "bytes" }).getReader({ mode: "byob" }); return [Object.prototype.toString.call(r), r instanceof ReadableStreamBYOBReader]; },
  "byob reader of a default stream": () => new ReadableStream().getReader({ mode: "byob" }),
  "byob reader constructor on a default stream": () => new ReadableStreamBYOBReader(new ReadableStream()),
  "reader mode not byob": () => new ReadableStream({ type: "bytes" }).getReader({ mode: "nope" }),
  "reader mode undefined": () => Object.prototype.toString.call(new ReadableStream({ type: "bytes" }).getReader({ mode: undefined })),
  "bad stream type": () => new ReadableStream({ type: "byte" }),
  "byob read filled by respond": async () => {
    const s = new ReadableStream({ type: "bytes", pull(c) { const v = c.byobRequest.view; v[0] = 1; v[1] = 2; c.byobRequest.respond(2); } });
    return result(await s.getReader({ mode: "byob" }).read(new Uint8Array(8)));
  },
  "byob request view shape": async () => {
    let seen;
    const s = new ReadableStream({ type: "bytes", pull(c) { seen = view(c.byobRequest.view); c.byobRequest.respond(1); } });
    await s.getReader({ mode: "byob" }).read(new Uint8Array(new ArrayBuffer(10), 2, 5));
    return seen;
  },
  "byob read into an offset view": async () => {
    const s = new ReadableStream({ type: "bytes", pull(c) { c.byobRequest.view[0] = 9; c.byobRequest.respond(1); } });
    return result(await s.getReader({ mode: "byob" }).read(new Uint8Array(new ArrayBuffer(10), 2, 5)));
  },
  "byob read detaches the given buffer": async () => {
    const s = new ReadableStream({ type: "bytes", pull(c) { c.byobRequest.respond(1); } });
    const buf = new Uint8Array(4);
    await s.getReader({ mode: "byob" }).read(buf);
    return [buf.byteLength, buf.buffer.byteLength];
  },
  "respondWithNewView": async () => {
    const s = new ReadableStream({ type: "bytes", pull(c) { const v = c.byobRequest.view; const nv = new Uint8Array(v.buffer, v.byteOffset, 3); nv.set([4, 5, 6]); c.byobRequest.respondWithNewView(nv); } });
    return result(await s.getReader({ mode: "byob" }).read(new Uint8Array(8)));
  },
  "enqueue fills a pending byob read": async () => {
    let c;
    const s = new ReadableStream({ type: "bytes", start(x) { c = x; } });
    const p = s.getReader({ mode: "byob" }).read(new Uint8Array(4));
    await flush();
    c.enqueue(new Uint8Array([7, 8, 9, 10, 11, 12]));
    return result(await p);
  },
  "queued bytes fill a byob read": async () => {
    const s = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.enqueue(new Uint8Array([4, 5])); } });
    const r = s.getReader({ mode: "byob" });
    return [result(await r.read(new Uint8Array(4))), result(await r.read(new Uint8Array(4)))];
  },
  "byob read of Uint16Array": async () => {
    const s = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 0, 2, 0, 3])); c.close(); } });
    const r = s.getReader({ mode: "byob" });
    return [result(await r.read(new Uint16Array(4))), await err(() => r.read(new Uint16Array(4)))];
  },
  "byob read of DataView": async () => {
    const s = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2])); } });
    return result(await s.getReader({ mode: "byob" }).read(new DataView(new ArrayBuffer(4))));
  },
  "byob read after close": async () => {
    const s = new ReadableStream({ type: "bytes", start(c) { c.close(); } });
    return result(await s.getReader({ mode: "byob" }).read(new Uint8Array(4)));
  },
  "close with a pending byob read": async () => {
    let c;
    const s = new ReadableStream({ type: "bytes", start(x) { c = x; } });
    const p = s.getReader({ mode: "byob" }).read(new Uint8Array(4));
    await flush();
    c.close();
    c.byobRequest.respond(0);
    return result(await p);
  },
  "byob read with an empty view": () => new ReadableStream({ type: "bytes" }).getReader({ mode: "byob" }).read(new Uint8Array(0)),
  "byob read with no view": async () => { const r = new ReadableStream({ type: "bytes" }).getReader({ mode: "byob" }); return r.read(); },
  "byob read with a plain object": () => new ReadableStream({ type: "bytes" }).getReader({ mode: "byob" }).read({}),
  "byob read on a released reader": async () => { const r = new ReadableStream({ type: "bytes" }).getReader({ mode: "byob" }); r.releaseLock(); return r.read(new Uint8Array(1)); },
  "releaseLock rejects pending byob reads": async () => {
    const r = new ReadableStream({ type: "bytes" }).getReader({ mode: "byob" });
    const p = err(() => r.read(new Uint8Array(1)));
    r.releaseLock();
    return [await p, await err(() => r.closed)];
  },
  "enqueue a string": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }); c.enqueue("abc"); },
  "enqueue an empty view": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }); c.enqueue(new Uint8Array(0)); },
  "enqueue after close": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }); c.close(); c.enqueue(new Uint8Array(1)); },
  "close twice": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }); c.close(); c.close(); },
  "respond more than the view": async () => {
    const s = new ReadableStream({ type: "bytes", pull(c) { try { c.byobRequest.respond(9); } catch (e) { c.error(e); } } });
    return s.getReader({ mode: "byob" }).read(new Uint8Array(4));
  },
  "default reader of a byte stream": async () => {
    const s = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2])); c.close(); } });
    const r = s.getReader();
    return [result(await r.read()), result(await r.read())];
  },
  "autoAllocateChunkSize": async () => {
    let seen;
    const s = new ReadableStream({ type: "bytes", autoAllocateChunkSize: 16, pull(c) { seen = view(c.byobRequest.view).slice(0, 4); c.byobRequest.view[0] = 3; c.byobRequest.respond(1); } });
    return [result(await s.getReader().read()), seen];
  },
  "autoAllocateChunkSize zero": () => new ReadableStream({ type: "bytes", autoAllocateChunkSize: 0 }),
  "byobRequest is null without a read": () => { let c; new ReadableStream({ type: "bytes", start(x) { c = x; } }); return c.byobRequest; },
  "error a byte stream": async () => {
    let c;
    const s = new ReadableStream({ type: "bytes", start(x) { c = x; } });
    const r = s.getReader({ mode: "byob" });
    const p = err(() => r.read(new Uint8Array(2)));
    c.error(new RangeError("broken"));
    return [await p, await err(() => r.closed)];
  },
  "cancel a byte stream": async () => {
    const log = [];
    const s = new ReadableStream({ type: "bytes", cancel(reason) { log.push("cancel " + reason); } });
    const r = s.getReader({ mode: "byob" });
    const p = r.read(new Uint8Array(2));
    await r.cancel("why");
    return [log, result(await p)];
  },
  "tee a byte stream": async () => {
    const s = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
    const [a, b] = s.tee();
    const ra = a.getReader({ mode: "byob" }), rb = b.getReader();
    return [result(await ra.read(new Uint8Array(2))), result(await rb.read()), result(await ra.read(new Uint8Array(2)))];
  },
  "Response body is a byte stream": async () => {
    const r = new Response("hello").body.getReader({ mode: "byob" });
    const out = await r.read(new Uint8Array(3));
    return result(out);
  },
  "byob body read to the end": async () => {
    const r = new Response("hello world").body.getReader({ mode: "byob" });
    let s = "";
    for (;;) { const { value, done } = await r.read(new Uint8Array(4)); if (done) break; s += new TextDecoder().decode(value); }
    return s;
  },
}); } };
