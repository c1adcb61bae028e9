// Runs the prelude (runtime/engine/js/prelude.txt) and every fixture in tests/webapi/fixtures in
// fresh Node `vm` contexts, with a fake `__switchyard` natives object written in Node.
//
//   node tests/webapi/run-in-node.mjs [fixture-name-filter...]
//
// Every context only has what V8 gives plus what the prelude defines (no Node globals). Fixtures are
// ES module Workers (`export default { fetch }`) answering `{passed, failed: [...]}`; a fixture
// without `export default` is run as a service-worker (classic) script through
// internals.serviceWorkerFetch. The env each fixture gets is described in fixtures/README.md.
// Prints one line per fixture and a summary `N passed, M failed`; exits non-zero on any failure.
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (!vm.SourceTextModule) {
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const jsDir = path.resolve(here, '../../runtime/engine/js');
// Files the build makes from npm packages (js/vendor) are in the build tree: SWITCHYARD_PRELUDE_VENDOR_DIR
// (CMake sets it for the test), else build/runtime/engine/js-vendor.
const vendorDir = process.env.SWITCHYARD_PRELUDE_VENDOR_DIR || path.resolve(here, '../../build/runtime/engine/js-vendor');
const readPreludeFile = (f) => {
  const local = path.join(jsDir, f);
  const file = fs.existsSync(local) ? local : path.join(vendorDir, f);
  if (!fs.existsSync(file)) {
    console.error(`run-in-node: ${f} is made by the build (runtime/engine/js/vendor); build first or set SWITCHYARD_PRELUDE_VENDOR_DIR`);
    process.exit(2);
  }
  return fs.readFileSync(file, 'utf8');
};
const preludeLines = fs.readFileSync(path.join(jsDir, 'prelude.txt'), 'utf8').split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
const preludeSources = preludeLines.filter((l) => !l.startsWith('lazy ')).map((f) => [f, readPreludeFile(f)]);
const lazySources = new Map(preludeLines.filter((l) => l.startsWith('lazy ')).map((l) => l.slice(5).trim()).map((f) => [f, readPreludeFile(f)]));

// The structuredClone native's fake: the engine uses V8's ValueSerializer, which Node's `v8` module
// has too, but it would build the clone in Node's realm; this walk runs inside the context instead.
const CLONE_SOURCE = `(function (value, transfer, makeError) {
  const fail = (v) => { throw makeError((typeof v === 'function' ? String(v) : typeof v === 'symbol' ? v.toString() : '#<' + (v.constructor ? v.constructor.name : 'Object') + '>') + ' could not be cloned.'); };
  const typed = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
  const errors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const tag = (v) => Object.prototype.toString.call(v);
  const memory = new Map();
  function clone(v) {
    if (typeof v === 'symbol' || typeof v === 'function') fail(v);
    if (v === null || typeof v !== 'object') return v;
    if (memory.has(v)) return memory.get(v);
    let out;
    const t = tag(v);
    if (t === '[object Boolean]') out = Object(Boolean.prototype.valueOf.call(v));
    else if (t === '[object Number]') out = Object(Number.prototype.valueOf.call(v));
    else if (t === '[object String]') out = Object(String.prototype.valueOf.call(v));
    else if (t === '[object BigInt]') out = Object(BigInt.prototype.valueOf.call(v));
    else if (v instanceof Date) out = new Date(v.getTime());
    else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
    else if (v instanceof ArrayBuffer) out = v.slice(0);
    else if (ArrayBuffer.isView(v)) {
      const buf = clone(v.buffer);
      out = v instanceof DataView ? new DataView(buf, v.byteOffset, v.byteLength) : new (typed.find((T) => v instanceof T))(buf, v.byteOffset, v.length);
    } else if (v instanceof Map) { out = new Map(); memory.set(v, out); for (const [k, x] of Array.from(v)) out.set(clone(k), clone(x)); return out; }
    else if (v instanceof Set) { out = new Set(); memory.set(v, out); for (const x of Array.from(v)) out.add(clone(x)); return out; }
    else if (v instanceof Error) {
      out = Object.create((errors[v.name] || Error).prototype); memory.set(v, out);
      const md = Object.getOwnPropertyDescriptor(v, 'message');
      if (md && 'value' in md) Object.defineProperty(out, 'message', { value: String(md.value), writable: true, configurable: true });
      if (typeof v.stack === 'string') Object.defineProperty(out, 'stack', { value: v.stack, writable: true, configurable: true });
      return out;
    } else if (Array.isArray(v)) { out = new Array(v.length); memory.set(v, out); for (const k of Object.keys(v)) out[k] = clone(v[k]); return out; }
    else if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) fail(v);
    else { out = {}; memory.set(v, out); for (const k of Object.keys(v)) out[k] = clone(v[k]); return out; }
    memory.set(v, out);
    return out;
  }
  const result = clone(value);
  for (const b of transfer || []) { if (!(b instanceof ArrayBuffer)) throw new TypeError('Object is not transferable'); }
  return result;
})`;

// ------------------------------------------------------------------ local HTTP server for fetch()
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const u = new URL(req.url, 'http://localhost');
    const body = Buffer.concat(chunks);
    if (u.pathname === '/echo') {
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i].toLowerCase()] = req.rawHeaders[i + 1];
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, path: req.url, headers, body: body.toString('utf8') }));
    } else if (u.pathname === '/redirect') {
      res.writeHead(Number(u.searchParams.get('status') || 302), { location: u.searchParams.get('to') || '/echo' });
      res.end();
    } else if (u.pathname.startsWith('/status/')) {
      const st = Number(u.pathname.slice(8));
      res.writeHead(st, 'Custom Reason');
      res.end(st === 204 || st === 304 ? undefined : 'status ' + st);
    } else if (u.pathname === '/slow') {
      setTimeout(() => { res.writeHead(200); res.end('slow'); }, Number(u.searchParams.get('ms') || 500));
    } else if (u.pathname === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.writeHead(200); res.end('cookies');
    } else { res.writeHead(404); res.end('not found'); }
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const ECHO_URL = 'http://127.0.0.1:' + port;

// The fetch native's fake: plain node:http (http: only), following redirects itself.
function httpFetch(method, url, headers, body, redirect, redirected = false, hops = 0) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'http:') { reject(new Error('only http: in the fake')); return; }
    const hs = {};
    for (const [n, v] of headers) { const k = n.toLowerCase(); hs[k] = k in hs ? hs[k] + ', ' + v : v; }
    const req = http.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: hs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const st = res.statusCode;
        if (redirect === 'follow' && [301, 302, 303, 307, 308].includes(st) && res.headers.location && hops < 20) {
          const next = new URL(res.headers.location, url).href;
          const toGet = st === 303 || ((st === 301 || st === 302) && method === 'POST');
          resolve(httpFetch(toGet ? 'GET' : method, next, toGet ? headers.filter(([n]) => n.toLowerCase() !== 'content-type') : headers, toGet ? null : body, redirect, true, hops + 1));
          return;
        }
        const hs = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) hs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        resolve({ status: st, statusText: res.statusMessage || '', headers: hs, body: Buffer.concat(chunks), url, redirected });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) req.write(Buffer.from(body));
    req.end();
  });
}

// ------------------------------------------------------------------ fake platform
const kvStore = new Map(); // shared across fixtures like a real namespace; fixtures use unique keys
const aeRows = [];
const dispatchWorkers = {
  // user Workers of the fake dispatch namespace, run in their own contexts
  echo: `export default { async fetch(request, env, ctx) {
    const body = request.body ? await request.text() : null;
    return Response.json({ worker: 'echo', method: request.method, url: request.url,
      headers: Object.fromEntries(request.headers), body, cf: request.cf === undefined ? null : request.cf, env: Object.keys(env) },
      { headers: { 'x-from': 'echo' } });
  } };`,
  thrower: `export default { async fetch() { throw new Error('boom'); } };`,
};

function newContext(name) {
  const context = vm.createContext({}, { name });
  const G = vm.runInContext('({Uint8Array, ArrayBuffer, TypeError, RangeError, Error, Promise, Object, Array, JSON})', context);
  const logs = [];
  const timers = new Map();
  let timerId = 0;
  let subrequests = 0;
  const u8 = (buf) => { const a = new G.Uint8Array(buf.length); a.set(buf); return a; };
  const toCtx = (v) => G.JSON.parse(JSON.stringify(v)); // plain data into the context's realm
  let invoke = null; // set below: run a dispatch worker
  const natives = {
    log(level, message) {
      if (!['debug', 'info', 'log', 'warn', 'error'].includes(level)) throw new G.TypeError('bad level ' + level);
      if (typeof message !== 'string') throw new G.TypeError('message must be a string');
      logs.push({ level, message });
    },
    utf8Encode(s) { return u8(Buffer.from(String(s), 'utf8')); },
    utf8Decode(bytes, fatal) {
      try { return new TextDecoder('utf-8', { fatal: !!fatal, ignoreBOM: true }).decode(bytes); }
      catch (e) { throw new G.TypeError('The encoded data was not valid for encoding utf-8'); }
    },
    randomFill(bytes) { crypto.randomFillSync(bytes); },
    // Node has no lazy data properties: the value is made at once (the engine's makes it on the
    // first read; either way the property is a plain data property).
    defineLazy(holder, name, make) {
      Object.defineProperty(holder, name, { value: make(name), writable: true, enumerable: false, configurable: true });
    },
    loadLazy(name) {
      if (!lazySources.has(name)) throw new G.Error('no lazy prelude file ' + name);
      return vm.runInContext(lazySources.get(name), context, { filename: name });
    },
    transferArrayBuffer(buffer) {
      const moved = new G.ArrayBuffer(buffer.byteLength);
      new G.Uint8Array(moved).set(new Uint8Array(buffer));
      structuredClone(buffer, { transfer: [buffer] });
      return moved;
    },
    // Legacy encodings through Node's own TextDecoder (ICU); x-user-defined by hand.
    decodeSingleByte(name, bytes, fatal) {
      if (name === 'x-user-defined') return Array.from(bytes, (b) => String.fromCharCode(b < 0x80 ? b : 0xf780 + b - 0x80)).join('');
      try { return new TextDecoder(name, { fatal }).decode(bytes); } catch (e) { throw new G.TypeError('Failed to decode input.'); }
    },
    decoderOpen(name, fatal) { return { decoder: new TextDecoder(name, { fatal, ignoreBOM: true }) }; },
    decoderDecode(handle, bytes, flush) {
      try { return handle.decoder.decode(bytes, { stream: !flush }); } catch (e) { throw new G.TypeError('Failed to decode input.'); }
    },
    // zlib's one-shot functions: input is gathered and the whole output answered at finish.
    zlibOpen(format, compress) { return { format, compress, input: [], done: false }; },
    zlibPush(handle, bytes, finish) {
      if (bytes) handle.input.push(Buffer.from(bytes));
      if (!finish || handle.done) return null;
      handle.done = true;
      const input = Buffer.concat(handle.input);
      const f = { gzip: ['gzipSync', 'gunzipSync'], deflate: ['deflateSync', 'inflateSync'], 'deflate-raw': ['deflateRawSync', 'inflateRawSync'] }[handle.format];
      try { return u8(zlib[f[handle.compress ? 0 : 1]](input)); } catch (e) {
        throw new G.TypeError(e.code === 'Z_BUF_ERROR' ? 'Called close() on a decompression stream with incomplete data' : 'Decompression failed.');
      }
    },
    zlibClose(handle) { handle.done = true; },
    // The WebCrypto natives (natives_crypto.cpp) but digest are not faked here: the fixture
    // checks digest, randomness and UUIDs; tests/fidelity's webcrypto cases check the rest in
    // the engine against Node's and workerd's own WebCrypto.
    crypto: {
      digest(alg, bytes) {
        const h = crypto.createHash(alg.replace('-', '').toLowerCase()).update(bytes).digest();
        const ab = new G.ArrayBuffer(h.length); new G.Uint8Array(ab).set(h); return ab;
      },
    },
    setTimer(cb, ms, repeat) {
      const id = ++timerId;
      const run = () => { try { cb(); } catch (e) { logs.push({ level: 'error', message: 'Uncaught ' + e }); } };
      if (repeat) timers.set(id, setInterval(run, Math.max(1, ms)));
      else timers.set(id, setTimeout(() => { timers.delete(id); run(); }, ms));
      return id;
    },
    clearTimer(id) { const t = timers.get(id); if (t) { clearTimeout(t); clearInterval(t); timers.delete(id); } },
    fetch(method, url, headers, body, redirect) {
      if (++subrequests > 50) throw new G.Error('Too many subrequests.');
      return (async () => {
        let res;
        try { res = await httpFetch(method, url, headers, body, redirect); } catch (e) { throw new G.TypeError('Network connection lost.'); }
        return { status: res.status, statusText: res.statusText, headers: toCtx(res.headers), body: u8(res.body), url: res.url, redirected: res.redirected };
      })();
    },
    binding(name, method, args) {
      const fail = (m) => { throw new G.Error(m); };
      if (name === 'KV') {
        return (async () => {
          if (method === 'get') {
            const e = kvStore.get(args[0]);
            if (e && args[1] === 'value') return u8(e.value);
            return e ? { value: u8(e.value), metadata: e.metadata === undefined ? null : toCtx(e.metadata) } : null;
          }
          if (method === 'put') {
            if (args[0] === '') fail('Key names must not be empty.');
            if (!(args[1] instanceof G.Uint8Array)) fail('put value must be a Uint8Array');
            kvStore.set(args[0], { value: Buffer.from(args[1]), metadata: args[2].metadata });
            return undefined;
          }
          if (method === 'delete') { kvStore.delete(args[0]); return undefined; }
          if (method === 'list') {
            const o = args[0] || {};
            const names = [...kvStore.keys()].filter((k) => !o.prefix || k.startsWith(o.prefix)).sort();
            const start = o.cursor ? Number(o.cursor) : 0;
            const limit = o.limit || 1000;
            const slice = names.slice(start, start + limit);
            const done = start + limit >= names.length;
            const keys = slice.map((n) => (kvStore.get(n).metadata !== undefined ? { name: n, metadata: kvStore.get(n).metadata } : { name: n }));
            return toCtx(done ? { keys, list_complete: true } : { keys, list_complete: false, cursor: String(start + limit) });
          }
          fail('unknown KV method ' + method);
        })();
      }
      if (name === 'AE') {
        if (method !== 'writeDataPoint') fail('unknown AE method');
        const p = args[0];
        if (p.blobs && p.blobs.length > 20) fail('Cannot have more than 20 blobs');
        if (p.doubles && p.doubles.length > 20) fail('Cannot have more than 20 doubles');
        if (p.indexes && p.indexes.length > 1) fail('Cannot have more than 1 index');
        aeRows.push(p);
        return undefined;
      }
      if (name === 'DISPATCHER' || name === 'SVC') {
        if (method === 'get') {
          if (name !== 'DISPATCHER') fail('no get on service');
          if (!Object.prototype.hasOwnProperty.call(dispatchWorkers, args[0])) fail('Worker not found.');
          return handles.push({ worker: args[0], args: args[1], limits: { cpuMs: args[2], subRequests: args[3] }, outbound: args[4] });
        }
        if (method === 'fetch') {
          const [handle, m, url, hs, b] = args;
          const target = name === 'SVC' ? { worker: 'echo' } : handles[handle - 1];
          if (!target) fail('bad handle');
          return invoke(target.worker, m, url, hs, b);
        }
      }
      fail('unknown binding ' + name);
    },
    now() { return Date.now(); },
  };
  const handles = [];
  invoke = async (worker, m, url, hs, b) => {
    const sub = newContext('dispatch-' + worker);
    try {
      const mod = await loadModule(sub.context, dispatchWorkers[worker], worker + '.js');
      const req = sub.internals.makeRequest(m, url, hs, b, undefined);
      const env = sub.internals.makeEnv([{ name: 'FROM', type: 'plain_text', text: 'dispatcher' }]);
      const res = await sub.internals.readResponse(await mod.default.fetch(req, env, sub.internals.makeContext({})));
      return { status: res.status, statusText: res.statusText, headers: toCtx(res.headers), body: u8(Buffer.from(res.body)), url, redirected: false };
    } catch (e) {
      throw new G.Error(e && e.message !== undefined ? String(e.message) : String(e));
    } finally { sub.cleanup(); }
  };
  natives.structuredClone = vm.runInContext(CLONE_SOURCE, context);
  Object.defineProperty(context, '__switchyard', { value: natives, configurable: true, writable: true, enumerable: false });
  let internals;
  for (const [file, src] of preludeSources) internals = vm.runInContext(src, context, { filename: file });
  if (typeof internals.prepareContext === 'function') internals.prepareContext(); // as the engine does
  return {
    context, internals, logs, G,
    cleanup() { for (const t of timers.values()) { clearTimeout(t); clearInterval(t); } timers.clear(); },
  };
}

async function loadModule(context, source, identifier) {
  const mod = new vm.SourceTextModule(source, { context, identifier });
  await mod.link(() => { throw new Error('imports are not supported in fixtures'); });
  await mod.evaluate();
  return mod.namespace;
}

function envDescriptors() {
  return [
    { name: 'KV', type: 'kv_namespace' },
    { name: 'AE', type: 'analytics_engine' },
    { name: 'DISPATCHER', type: 'dispatch_namespace' },
    { name: 'SVC', type: 'service' },
    { name: 'GREETING', type: 'plain_text', text: 'hello' },
    { name: 'API_TOKEN', type: 'secret_text', text: 's3cret' },
    { name: 'CONFIG', type: 'json', value: { a: 1, list: [1, 2] } },
    { name: 'ECHO_URL', type: 'plain_text', text: ECHO_URL },
  ];
}

// ------------------------------------------------------------------ run fixtures
const filters = process.argv.slice(2);
const fixtureDir = path.join(here, 'fixtures');
const fixtures = fs.readdirSync(fixtureDir).filter((f) => f.endsWith('.js')).sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let totalPassed = 0, totalFailed = 0;
for (const f of fixtures) {
  const src = fs.readFileSync(path.join(fixtureDir, f), 'utf8');
  const c = newContext(f);
  const started = Date.now();
  let passed = 0, failed = [];
  try {
    // the context's globals must not leak anything from Node or the natives
    const leaked = vm.runInContext(`['__switchyard','process','Buffer','require','global','setImmediate'].filter((k) => k in globalThis)`, c.context);
    if (leaked.length) failed.push('leaked globals: ' + leaked.join(','));
    const env = c.internals.makeEnv(c.G.JSON.parse(JSON.stringify(envDescriptors())));
    const handle = c.G.JSON.parse('{}');
    const ctx = c.internals.makeContext(handle);
    const request = c.internals.makeRequest('POST', 'https://fixture.test/' + f + '?q=1',
      c.G.JSON.parse(JSON.stringify([['Content-Type', 'text/plain'], ['X-Fixture', f], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']])),
      (() => { const u = new c.G.Uint8Array(5); u.set(Buffer.from('hello')); return u; })(),
      c.G.JSON.parse('{"colo":"LOC"}'));
    let responsePromise;
    if (/^\s*export\s+default\b/m.test(src)) {
      const ns = await loadModule(c.context, src, f);
      responsePromise = Promise.resolve(ns.default.fetch(request, env, ctx));
    } else {
      c.internals.installGlobals(env);
      vm.runInContext(src, c.context, { filename: f });
      if (!c.internals.hasServiceWorkerFetch()) throw new Error('no fetch listener registered');
      responsePromise = c.internals.serviceWorkerFetch(request, env, ctx);
    }
    const timeout = new Promise((_, rej) => setTimeout(() => rej(new Error('fixture timed out')), 15000).unref());
    const res = await Promise.race([responsePromise.then((r) => c.internals.readResponse(r)), timeout]);
    const text = Buffer.from(res.body).toString('utf8');
    let out;
    try { out = JSON.parse(text); } catch (e) { throw new Error('fixture did not answer JSON (' + res.status + '): ' + text.slice(0, 300)); }
    passed += out.passed;
    failed = failed.concat(out.failed);
    // optional: the console lines the fixture expects to have been recorded, in order
    if (Array.isArray(out.expectLogs)) {
      let i = 0;
      for (const [level, message] of out.expectLogs) {
        const j = c.logs.findIndex((l, k) => k >= i && l.level === level && l.message === message);
        if (j < 0) failed.push('expected log [' + level + '] ' + JSON.stringify(message) + '; got ' + JSON.stringify(c.logs.slice(i).map((l) => '[' + l.level + '] ' + l.message)));
        else { passed++; i = j + 1; }
      }
    }
    await Promise.race([Promise.allSettled(handle.waitUntil || []), timeout]);
  } catch (e) {
    failed.push('fixture crashed: ' + (e && e.stack ? e.stack : String(e)));
  } finally {
    c.cleanup();
  }
  totalPassed += passed; totalFailed += failed.length;
  console.log(`${failed.length ? 'FAIL' : 'ok  '} ${f}: ${passed} passed, ${failed.length} failed (${Date.now() - started} ms)`);
  for (const m of failed) console.log('     - ' + m);
  if (process.env.SHOW_LOGS) for (const l of c.logs) console.log('     [' + l.level + '] ' + l.message);
}

// ------------------------------------------------------------------ internals object (engine side)
{
  let passed = 0; const failed = [];
  const check = (name, cond) => { if (cond) passed++; else failed.push(name); };
  const rejectsWith = async (name, p, test) => { try { await p; failed.push(name + ': did not reject'); } catch (e) { check(name + ' (' + (e && e.message) + ')', test(e)); } };
  const c = newContext('internals');
  try {
    const I = c.internals;
    const run = (code) => vm.runInContext(code, c.context);
    check('internals frozen', Object.isFrozen(I));
    check('internals members', ['makeRequest', 'readResponse', 'makeEnv', 'makeContext', 'serviceWorkerFetch', 'hasServiceWorkerFetch', 'formatError'].every((k) => typeof I[k] === 'function'));
    check('__switchyard deleted', run("typeof __switchyard") === 'undefined');
    await rejectsWith('readResponse(non-Response)', I.readResponse(run('({})')),
      (e) => e instanceof c.G.TypeError && e.message === "Incorrect type for the 'fetch' handler's return value: expected a Response.");
    await rejectsWith('readResponse(undefined)', I.readResponse(undefined), (e) => e instanceof c.G.TypeError);
    const r = await I.readResponse(run(`(() => { const h = new Headers([['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Z', '1']]);
      return new Response('bodý', { status: 299, statusText: 'Fine', headers: h }); })()`));
    check('readResponse status', r.status === 299 && r.statusText === 'Fine' && r.webSocket === null);
    check('readResponse headers', JSON.stringify(r.headers) === JSON.stringify([['content-type', 'text/plain;charset=UTF-8'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-z', '1']]));
    check('readResponse body', r.body instanceof c.G.Uint8Array && Buffer.from(r.body).toString() === 'bodý');
    const rs = await I.readResponse(run(`new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2])); c.enqueue(new Uint8Array([3])); c.close(); } }))`));
    // A stream body is handed over as a reader the engine pulls chunk by chunk.
    const streamed = [];
    for (;;) {
      const { value, done } = await rs.stream.read();
      if (done) break;
      streamed.push(...value);
    }
    check('readResponse stream body', rs.body === null && JSON.stringify(streamed) === '[1,2,3]');
    const empty = await I.readResponse(run('new Response(null, { status: 204 })'));
    check('readResponse null body', empty.body instanceof c.G.Uint8Array && empty.body.length === 0 && empty.status === 204);
    await rejectsWith('readResponse used body', I.readResponse(run(`(() => { const r = new Response('x'); r.text(); return r; })()`)), (e) => e instanceof c.G.TypeError);
    const body = new c.G.Uint8Array(3); body.set([97, 98, 99]);
    const get = I.makeRequest('GET', 'https://h.example/p', run('[["Host", "h.example"]]'), body, undefined);
    check('makeRequest GET drops body', get.body === null && get.method === 'GET' && get.cf === undefined);
    check('makeRequest headers immutable', (() => { try { get.headers.set('a', 'b'); return false; } catch (e) { return e instanceof c.G.TypeError; } })());
    // Headers from the network are cleaned, not refused: NUL, CR and LF become spaces, tabs and
    // spaces at either end go, and a pair with an invalid name is left out.
    const dirty = I.makeRequest('GET', 'https://h.example/p', run(String.raw`[["x-a", " a\r\nb\t"], ["x-b", "\u0000v"], ["x-c", "\t c d "], ["x-d", "plain"], ["bad name", "x"]]`), null, undefined);
    check('makeRequest cleans network headers', JSON.stringify([...dirty.headers]) === JSON.stringify([['x-a', 'a  b'], ['x-b', 'v'], ['x-c', 'c d'], ['x-d', 'plain']]));
    const post = I.makeRequest('POST', 'https://h.example/p', run('[]'), body, run('({ hostMetadata: { a: 1 } })'));
    check('makeRequest POST body + cf', post.cf.hostMetadata.a === 1 && (await post.text()) === 'abc');
    const handle = {};
    const ctx = I.makeContext(handle);
    ctx.waitUntil(1); ctx.passThroughOnException();
    check('makeContext handle', handle.waitUntil.length === 1 && handle.passThrough === true);
    const fe = I.formatError(run("new TypeError('bad thing')"));
    check('formatError Error', fe.name === 'TypeError' && fe.message === 'bad thing' && fe.stack.startsWith('TypeError: bad thing'));
    const fd = I.formatError(run("new DOMException('gone', 'AbortError')"));
    check('formatError DOMException', fd.name === 'AbortError' && fd.message === 'gone');
    const fs2 = I.formatError('plain string');
    check('formatError string', fs2.name === 'Error' && fs2.message === 'plain string' && fs2.stack === '');
    check('formatError object', I.formatError(run('({ code: 1 })')).message === '{ code: 1 }');
    check('no service worker listener yet', I.hasServiceWorkerFetch() === false);
    const env = I.makeEnv(run('[{ name: "V", type: "plain_text", text: "x" }, { name: "U", type: "unknown_kind" }]'));
    check('makeEnv skips unknown types', JSON.stringify(Object.keys(env)) === '["V"]');
    run(`addEventListener('fetch', (e) => { if (e.request.url.endsWith('/throw')) throw new RangeError('listener threw'); });`);
    check('hasServiceWorkerFetch', I.hasServiceWorkerFetch() === true);
    await rejectsWith('serviceWorkerFetch without respondWith', I.serviceWorkerFetch(I.makeRequest('GET', 'https://h/', [], null), env, I.makeContext({})), (e) => e instanceof c.G.Error);
    await rejectsWith('serviceWorkerFetch listener throws', I.serviceWorkerFetch(I.makeRequest('GET', 'https://h/throw', [], null), env, I.makeContext({})), (e) => e instanceof c.G.RangeError || e.message === 'listener threw');
    run(`addEventListener('fetch', (e) => e.respondWith(new Response('sw ' + e.request.method)));`);
    const swr = await I.readResponse(await I.serviceWorkerFetch(I.makeRequest('PUT', 'https://h/', [], null), env, I.makeContext({})));
    check('serviceWorkerFetch respondWith', Buffer.from(swr.body).toString() === 'sw PUT');
  } catch (e) {
    failed.push('internals crashed: ' + (e && e.stack || e));
  } finally { c.cleanup(); }
  totalPassed += passed; totalFailed += failed.length;
  console.log(`${failed.length ? 'FAIL' : 'ok  '} internals (runner): ${passed} passed, ${failed.length} failed`);
  for (const m of failed) console.log('     - ' + m);
}

server.close();
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exit(totalFailed === 0 && fixtures.length > 0 ? 0 : 1);
