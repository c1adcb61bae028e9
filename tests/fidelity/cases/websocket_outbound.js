// oracle: workerd
// Outbound WebSockets as far as a case can see them without an upstream: `new WebSocket(url)`'s
// checks and messages, its state while connecting, and what a socket whose connection fails sees
// (port 9 on loopback: refused in workerd by its network rules, and in Switchyard by its outbound
// policy or the closed port). tests/dispatch/tst_outboundwebsocket carries sockets end to end.
const err = (f) => { try { f(); return "no error"; } catch (e) { return { name: e.name, message: e.message, type: e.constructor.name }; } };
const aerr = async (f) => { try { return ["ok", await f()]; } catch (e) { return { name: e.name, message: e.message, type: e.constructor.name }; } };
const target = "ws://127.0.0.1:9/socket";
export default {
  async fetch(request) {
    return observe({
      "ctor shape": () => { const ws = new WebSocket(target); return [ws.readyState, ws.url, ws.protocol, ws.extensions, ws.binaryType, ws instanceof EventTarget]; },
      "ctor with protocols": () => { const ws = new WebSocket(target, ["chat", "superchat"]); return [ws.readyState, ws.protocol]; },
      "ctor send while connecting": () => { const ws = new WebSocket(target); return err(() => ws.send("x")); },
      "ctor close while connecting": () => { const ws = new WebSocket(target); const before = ws.readyState; ws.close(1000, "bye"); return [before, ws.readyState, err(() => ws.close(1000)), err(() => ws.send("x")), ws.readyState]; },
      "ctor close then failed connection": async () => {
        const ws = new WebSocket(target);
        ws.close();
        return new Promise((resolve) => {
          const log = [ws.readyState];
          ws.addEventListener("error", (e) => log.push(["error", e.message, ws.readyState]));
          ws.addEventListener("close", (e) => { log.push(["close", e.code, e.wasClean, ws.readyState]); resolve(log); });
          setTimeout(() => resolve([...log, "timed out"]), 5000);
        });
      },
      "ctor accept": () => { const ws = new WebSocket(target); return err(() => ws.accept()); },
      "ctor bad protocol": () => err(() => new WebSocket(target, ["a b"])),
      "ctor repeated protocol": () => err(() => new WebSocket(target, ["a", "a"])),
      "ctor fragment": () => err(() => new WebSocket(target + "#frag")),
      "ctor relative url": () => err(() => new WebSocket("/socket")),
      "ctor https scheme": () => err(() => new WebSocket("https://127.0.0.1:9/")),
      "ctor failed connection": async () => {
        const ws = new WebSocket(target);
        return new Promise((resolve) => {
          const log = [];
          ws.addEventListener("open", () => log.push("open"));
          ws.addEventListener("error", (e) => log.push(["error", e.constructor.name, e.type]));
          ws.addEventListener("close", (e) => { log.push(["close", e.code, e.reason, e.wasClean, ws.readyState, e.constructor.name]); resolve(log); });
          setTimeout(() => resolve([...log, "timed out"]), 5000);
        });
      },
      "fetch ws scheme": () => aerr(() => fetch("ws://127.0.0.1:9/", { headers: { Upgrade: "websocket" } }).then((r) => r.status)),
      "fetch wss scheme": () => aerr(() => fetch("wss://127.0.0.1:9/", { headers: { Upgrade: "websocket" } }).then((r) => r.status)),
    });
  },
};
