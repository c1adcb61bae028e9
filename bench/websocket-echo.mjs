// WebSocket echo round trips per second: `node websocket-echo.mjs PORT HOST CONNECTIONS SECONDS`
// opens CONNECTIONS sockets to 127.0.0.1:PORT (Host: HOST), each sending a 32-byte text message
// and waiting for its echo before the next, and prints "roundtrips/s N". Raw frames over
// node:net, so the same client measures every server.
import net from "node:net";
import crypto from "node:crypto";

const [port, host, connections = "16", seconds = "10"] = process.argv.slice(2);
const payload = Buffer.from("x".repeat(32));
function frame(data) {
  const mask = crypto.randomBytes(4);
  const out = Buffer.alloc(6 + data.length);
  out[0] = 0x81; out[1] = 0x80 | data.length; mask.copy(out, 2);
  for (let i = 0; i < data.length; i++) out[6 + i] = data[i] ^ mask[i % 4];
  return out;
}
let total = 0, measuring = false;
function open() {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), "127.0.0.1");
    let buf = Buffer.alloc(0), upgraded = false;
    s.on("error", reject);
    s.on("connect", () => s.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}\r\n\r\n`));
    s.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!buf.subarray(0, 12).toString().includes("101")) return reject(new Error(buf.toString()));
        upgraded = true; buf = buf.subarray(end + 4); resolve(s); s.write(frame(payload));
      }
      while (buf.length >= 2) {
        const len = buf[1] & 0x7f;
        if (len > 125 || buf.length < 2 + len) break;
        buf = buf.subarray(2 + len);
        if (measuring) total++;
        s.write(frame(payload));
      }
    });
  });
}
const sockets = await Promise.all(Array.from({ length: Number(connections) }, open));
await new Promise((r) => setTimeout(r, 1000)); // warm up
measuring = true;
const started = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
measuring = false;
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`roundtrips/s ${Math.round(total / elapsed)}`);
for (const s of sockets) s.destroy();
process.exit(0);
