// Not part of the prelude: the engine runs this once in a scratch isolate, after evaluating the
// prelude there, and only then takes the prelude's V8 code cache. V8 compiles a function the first
// time it is called, so without this the first request of every new Worker would compile the
// prelude's Request, Response, Headers, URL and fetch code on the tenant's CPU clock. Functions
// compiled here are in the cache, so every isolate starts with them compiled. Nothing here is seen
// by a Worker: the scratch isolate is thrown away. Without an Instance the natives answer nothing
// (binding, timers, log) or, for fetch, a fixed response, so fetch()'s whole path is compiled.
//
// Each new Instance also calls it, with `full` false, in its own context before the Worker's
// code loads: a startup snapshot keeps the compiled code but not the inline caches or compiled
// RegExps, so the first part below, the path nearly every request takes, runs once per Instance on
// its start-up clock rather than on its first request's. That part is kept short: it costs every
// Instance CPU and memory (the rest would cost ~9 ms and ~0.4 MiB more).
//
// The completion value is a function the engine calls with the internals object and `full`. Keep
// the file ASCII (escape the rest): isolates then share its source instead of each copying it.
(async function warmUp(internals, full) {
  const settle = async (f) => { try { await f(); } catch (_) { /* warming only */ } };
  // What an Instance calls first, when it starts (it sets the time origin again then).
  internals.resetTimeOrigin();
  // Twice: the second round finds the inline caches the first one set, as a second request would.
  for (let round = 0; round < 2; round++) {
    const request = internals.makeRequest('GET', 'http://warm.example.com/path?target=http://127.0.0.1:8787/x&n=5',
      [['accept', '*/*'], ['host', 'warm.example.com']], null, undefined, 1);
    const env = internals.makeEnv([{ name: 'KV', type: 'kv_namespace' }, { name: 'NAMESPACE', type: 'dispatch_namespace' }]);
    internals.makeContext({ waitUntil: [], passThrough: false });
    const url = new URL(request.url);
    url.searchParams.get('target');
    request.headers.get('accept');
    await settle(() => env.KV.get('key'));
    await settle(async () => (await fetch(url.searchParams.get('target'))).text());
    await settle(() => internals.readResponse(new Response('text'), 1));
  }
  if (!full) return;
  const request = internals.makeRequest('POST', 'http://warm.example.com/path?plan=free&n=5',
    [['content-type', 'application/json'], ['accept', '*/*'], ['host', 'warm.example.com']],
    new Uint8Array([123, 125]), undefined, 1);
  const url = new URL(request.url);
  url.hostname.split('.');
  url.searchParams.get('plan');
  Number(url.searchParams.get('n'));
  url.pathname.startsWith('/');
  request.headers.get('content-type');
  request.headers.has('x');
  [...request.headers];
  await settle(() => request.clone().json());
  await settle(() => request.text());
  const env = internals.makeEnv([
    { name: 'TEXT', type: 'plain_text', text: 'x' },
    { name: 'JSON', type: 'json', value: { a: 1 } },
    { name: 'KV', type: 'kv_namespace' },
    { name: 'DATASET', type: 'analytics_engine' },
    { name: 'NAMESPACE', type: 'dispatch_namespace' },
    { name: 'SERVICE', type: 'service' },
  ]);
  internals.makeContext({ waitUntil: [], passThrough: false });
  await settle(() => env.KV.get('key'));
  await settle(() => env.KV.get('key', 'json'));
  await settle(() => env.NAMESPACE.get('worker', {}, { limits: { cpuMs: 10, subRequests: 5 } }).fetch(request));
  await settle(() => fetch('http://warm.example.com/', { headers: { 'x-a': '1' } }));
  await settle(() => fetch(new Request('http://warm.example.com/', { method: 'PUT', body: 'x' })));
  const responses = [
    new Response('text'),
    new Response('{"a":1}', { status: 201, headers: { 'content-type': 'application/json' } }),
    Response.json({ a: 1 }),
    new Response(new Uint8Array([1, 2, 3])),
    new Response(null, { status: 404 }),
    Response.redirect('http://warm.example.com/', 302),
  ];
  for (const response of responses) {
    await settle(() => response.headers.set('x-b', '2'));
    await settle(() => internals.readResponse(response, 1));
  }
  // URLs that leave the parser's fast path: an IPv4 or IPv6 host, a port, dot segments, a
  // relative reference against a base, percent-encoding, a fragment; and the setters.
  for (const [input, base] of [
    ['http://127.0.0.1:8787/a/../b/./c?target=http://10.0.0.1:80/x&n=5#f', undefined],
    ['https://[::1]:8443/p%20q?x=%41', undefined],
    ['../up?q=1', 'http://warm.example.com/a/b/c'],
    ['HTTP://User:Pass@Warm.Example.COM:080/%7Efoo/ bar?\u00fc=1', undefined],
    ['/path', 'http://192.168.0.1'],
  ]) {
    await settle(() => {
      const url = new URL(input, base);
      url.searchParams.get('target');
      url.searchParams.append('k', 'v');
      url.searchParams.toString();
      url.pathname = '/p';
      url.search = '?a=b';
      url.hash = '';
      url.port = '';
      url.hostname = 'warm.example.com';
      return [url.href, url.origin, url.host, String(url)];
    });
  }
  await settle(() => URL.canParse('not a url'));
  const plain = new Request('http://127.0.0.1:8787/path?x=1');
  plain.headers.set('x-a', '1');
  await settle(() => plain.clone().text());
  await settle(() => new Request(plain, { method: 'POST', body: 'x' }).arrayBuffer());
  await settle(() => fetch('http://127.0.0.1:8787/path?target=http://10.0.0.1/x&n=5'));
  await settle(async () => (await fetch('http://127.0.0.1:8787/', { method: 'POST', body: '{}' })).json());
  await settle(() => clearTimeout(setTimeout(() => {}, 0)));
  await settle(() => new Response('text').text());
  await settle(() => new Response('{"a":1}').json());
  await settle(() => new Response('bytes').arrayBuffer());
  new TextDecoder().decode(new TextEncoder().encode('warm'));
  JSON.stringify({ a: [1, 'b'] });
  btoa(atob('d2FybQ=='));
  crypto.randomUUID();
  structuredClone({ a: [1] });
  const controller = new AbortController();
  controller.abort();
  await settle(() => crypto.subtle.digest('SHA-256', new Uint8Array(1)));
  const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(1)); c.close(); } });
  await settle(() => new Response(stream).text());
})
