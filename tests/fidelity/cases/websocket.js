// oracle: workerd
// WebSockets inside one Worker: WebSocketPair, accept(), send(), close(), the events each end sees
// and in which order, and the checks workerd makes with its messages. Nothing here touches the
// network (tests/dispatch/tst_websocket carries a socket end to end).
const err = (f) => { try { f(); return "no error"; } catch (e) { return { name: e.name, message: e.message, type: e.constructor.name }; } };
// The events `ws` sees until it closes, each as [type, data or code/reason/wasClean, readyState].
function record(ws, log, name) {
  return new Promise((resolve) => {
    ws.addEventListener("message", (e) => {
      const d = e.data;
      log.push([name, "message", typeof d === "string" ? d : Object.prototype.toString.call(d) + ":" + Array.from(new Uint8Array(d)).join(","), ws.readyState, e.constructor.name]);
    });
    ws.addEventListener("close", (e) => { log.push([name, "close", e.code, e.reason, e.wasClean, ws.readyState, e.constructor.name]); resolve(); });
    ws.addEventListener("error", (e) => { log.push([name, "error", e.message]); resolve(); });
  });
}
const pair = () => { const p = new WebSocketPair(); return [p[0], p[1]]; };
const tick = () => new Promise((r) => setTimeout(r, 10));
// A check whose events never come answers "timed out" instead of hanging the request.
const within = (p, log) => Promise.race([p, new Promise((r) => setTimeout(() => r("timed out"), 200))]).then((v) => v === "timed out" ? [...log, "timed out"] : log);
export default {
  async fetch(request) {
    return observe({
      "globals": () => [typeof WebSocketPair, typeof WebSocket],
      "pair shape": () => { const p = new WebSocketPair(); return [Object.keys(p), p[0] instanceof WebSocket, p[1] instanceof WebSocket, p[0] === p[1], p[0] === p[0], String(p)]; },
      "pair iterates": () => { const p = new WebSocketPair(); const [a, b] = p; return [a === p[0], b === p[1], [...p].length]; },
      "pair without new": () => err(() => WebSocketPair()),
      "constants": () => [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, WebSocket.READY_STATE_OPEN],
      "prototype members": () => Object.getOwnPropertyNames(WebSocket.prototype).sort(),
      "is an EventTarget": () => new WebSocketPair()[0] instanceof EventTarget,
      "fresh end": () => { const [a] = pair(); return [a.readyState, a.url, a.protocol, a.extensions, a.binaryType, String(a)]; },
      "send before accept": () => { const [a] = pair(); return err(() => a.send("x")); },
      "close before accept": () => { const [a] = pair(); return err(() => a.close()); },
      "close 1000 before accept": () => { const [a] = pair(); return err(() => a.close(1000)); },
      "accept twice": () => { const [a] = pair(); a.accept(); a.accept(); return a.readyState; },
      "close code 999": () => { const [a] = pair(); a.accept(); return err(() => a.close(999)); },
      "close code 1004": () => { const [a] = pair(); a.accept(); return err(() => a.close(1004)); },
      "close code 1005": () => { const [a] = pair(); a.accept(); return err(() => a.close(1005)); },
      "close code 1006": () => { const [a] = pair(); a.accept(); return err(() => a.close(1006)); },
      "close code 1015": () => { const [a] = pair(); a.accept(); return err(() => a.close(1015)); },
      "close code 5000": () => { const [a] = pair(); a.accept(); return err(() => a.close(5000)); },
      "close code validated before accept": () => { const [a] = pair(); return err(() => a.close(999)); },
      "close reason without code": () => { const [a] = pair(); a.accept(); return err(() => a.close(undefined, "why")); },
      "close reason 124 bytes": () => { const [a] = pair(); a.accept(); return err(() => a.close(1000, "x".repeat(124))); },
      "close 4999 ok": () => { const [a] = pair(); a.accept(); a.close(4999, "fine"); return a.readyState; },
      "close twice": () => { const [a] = pair(); a.accept(); a.close(1000); return err(() => a.close(1000)); },
      "send after close": () => { const [a] = pair(); a.accept(); a.close(1000); return err(() => a.send("x")); },
      "send a number": async () => { const [a, b] = pair(); a.accept(); b.accept(); const log = []; const done = record(b, log, "b"); a.send(42); a.close(1000); return within(done, log); },
      "messages and close": async () => {
        const [a, b] = pair(); const log = [];
        a.accept(); b.accept();
        const da = record(a, log, "a"), db = record(b, log, "b");
        a.send("hello");
        a.send(new Uint8Array([1, 2, 3]).buffer);
        a.send(new Uint8Array([9, 8, 7, 6]).subarray(1, 3));
        a.send(new DataView(new Uint8Array([5, 6]).buffer));
        log.push(["sent", a.readyState, b.readyState]);
        await Promise.resolve();
        log.push(["microtask"]);
        b.send("reply");
        a.close(1000, "bye");
        log.push(["closed", a.readyState, b.readyState]);
        return within(Promise.all([da, db]).then(() => log.push(["end", a.readyState, b.readyState])), log);
      },
      "close without code": async () => {
        const [a, b] = pair(); const log = [];
        a.accept(); b.accept();
        const da = record(a, log, "a"), db = record(b, log, "b");
        b.close();
        return within(Promise.all([da, db]), log);
      },
      "messages wait for accept": async () => {
        const [a, b] = pair(); const log = [];
        a.accept();
        a.send("early"); a.send("second");
        await tick();
        log.push(["accepting"]);
        b.accept();
        const db = record(b, log, "b");
        await tick();
        a.close(3001, "done");
        return within(db, log);
      },
      "message event shape": async () => {
        const [a, b] = pair(); a.accept(); b.accept();
        const e = await new Promise((r) => { b.addEventListener("message", r); a.send("x"); });
        return [e.type, e.data, e instanceof Event, e.target === b, typeof MessageEvent, e instanceof MessageEvent];
      },
      "close event shape": async () => {
        const [a, b] = pair(); a.accept(); b.accept();
        const e = await new Promise((r) => { b.addEventListener("close", r); a.close(4000, "r"); });
        return [e.type, e.code, e.reason, e.wasClean, e instanceof Event, typeof CloseEvent, e instanceof CloseEvent];
      },
      "binaryType": () => { const [a] = pair(); const out = [a.binaryType]; a.binaryType = "blob"; out.push(a.binaryType); out.push(err(() => { a.binaryType = "nope"; })); out.push(a.binaryType); return out; },
      "listener that throws": async () => {
        const [a, b] = pair(); a.accept(); b.accept(); const log = [];
        b.addEventListener("message", () => { log.push("first"); throw new Error("listener threw"); });
        b.addEventListener("message", (e) => log.push("second " + e.data));
        a.send("x"); a.close(1000);
        return within(new Promise((r) => b.addEventListener("close", r)), log);
      },
      "close replied by the receiver": async () => {
        const [a, b] = pair(); a.accept(); b.accept(); const log = [];
        b.addEventListener("close", (e) => { log.push(["b close", e.code, b.readyState]); b.close(e.code, e.reason); log.push(["b replied", b.readyState]); });
        const da = new Promise((r) => a.addEventListener("close", (e) => { log.push(["a close", e.code, e.reason, a.readyState]); r(); }));
        a.close(1001, "going");
        return within(da, log);
      },
      "response 101": () => { const [a] = pair(); const r = new Response(null, { status: 101, webSocket: a }); return [r.status, r.webSocket === a, r.ok, r.statusText]; },
      "response 101 without socket": () => err(() => new Response(null, { status: 101 })),
      "response 200 with socket": () => { const [a] = pair(); const r = new Response(null, { status: 200, webSocket: a }); return [r.status, r.webSocket === a]; },
      "response webSocket not a socket": () => err(() => new Response(null, { status: 101, webSocket: {} })),
      "response clone with socket": () => { const [a] = pair(); return err(() => new Response(null, { status: 101, webSocket: a }).clone()); },
      "plain response webSocket": () => new Response("x").webSocket,
      "new WebSocket bad scheme": () => err(() => new WebSocket("http://example.com/")),
      "new WebSocket no url": () => err(() => new WebSocket()),
    });
  },
};
