// HS256 JWT verification, as a tenant's auth middleware does it; bench/webcrypto.sh runs this same
// module in Switchyard (bench_webcrypto, straight through the engine) and in Node 20. `?n=` is the
// number of operations per request; `?mode=verify` verifies with a key imported once,
// `?mode=jwt` parses the token, imports the key and verifies each time.
const SECRET = new TextEncoder().encode('a webhook secret of some length');
// {"alg":"HS256","typ":"JWT"}.{"sub":"1234567890","name":"John Doe","iat":1516239022}
const TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ';
const b64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const b64uEncode = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
let cached;

async function setup() {
  if (cached) return cached;
  const key = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(TOKEN));
  cached = { key, jwt: TOKEN + '.' + b64uEncode(sig) };
  return cached;
}

async function verifyJwt(jwt) {
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(new TextDecoder().decode(b64u(h)));
  if (header.alg !== 'HS256') return null;
  const key = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const ok = await crypto.subtle.verify('HMAC', key, b64u(s), new TextEncoder().encode(h + '.' + p));
  return ok ? JSON.parse(new TextDecoder().decode(b64u(p))) : null;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') || 1);
    const mode = url.searchParams.get('mode') || 'verify';
    const { key, jwt } = await setup();
    const [data, sig] = [new TextEncoder().encode(TOKEN), b64u(jwt.split('.')[2])];
    let good = 0;
    for (let i = 0; i < n; i++) {
      if (mode === 'jwt') good += (await verifyJwt(jwt)) ? 1 : 0;
      else good += (await crypto.subtle.verify('HMAC', key, sig, data)) ? 1 : 0;
    }
    return new Response(String(good));
  },
};
