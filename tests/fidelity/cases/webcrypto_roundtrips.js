// oracle: node workerd
// Every WebCrypto operation on freshly generated keys: the outputs are random, so each check
// answers what must hold whatever the keys (sizes, shapes, whether the result verifies or decrypts).
const S = crypto.subtle;
const text = (s) => new TextEncoder().encode(s);
const MSG = text('round trip');
const rsaParams = (name) => ({ name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });
const shape = (k) => [k.type, k.extractable, k.algorithm, k.usages];

export default { async fetch() { return observe({
  "hmac generate, sign, verify": async () => {
    const k = await S.generateKey({ name: 'HMAC', hash: 'SHA-512' }, true, ['sign', 'verify']);
    const sig = await S.sign('HMAC', k, MSG);
    return [shape(k), sig.byteLength, await S.verify('HMAC', k, sig, MSG), (await S.exportKey('raw', k)).byteLength];
  },
  "hmac generate with length": async () => {
    const k = await S.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 128 }, true, ['sign']);
    return [k.algorithm, (await S.exportKey('raw', k)).byteLength];
  },
  "rsassa generate, sign, verify, export": async () => {
    const p = await S.generateKey(rsaParams('RSASSA-PKCS1-v1_5'), true, ['sign', 'verify']);
    const sig = await S.sign('RSASSA-PKCS1-v1_5', p.privateKey, MSG);
    const jwk = await S.exportKey('jwk', p.privateKey);
    const back = await S.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const again = await S.sign('RSASSA-PKCS1-v1_5', back, MSG);
    return [shape(p.publicKey), shape(p.privateKey), sig.byteLength, await S.verify('RSASSA-PKCS1-v1_5', p.publicKey, sig, MSG),
      new Uint8Array(again).every((b, i) => b === new Uint8Array(sig)[i]), Object.keys(jwk).sort()];
  },
  "rsa-pss generate, sign, verify": async () => {
    const p = await S.generateKey({ ...rsaParams('RSA-PSS'), hash: 'SHA-384' }, false, ['sign', 'verify']);
    const sig = await S.sign({ name: 'RSA-PSS', saltLength: 48 }, p.privateKey, MSG);
    return [shape(p.privateKey), sig.byteLength, await S.verify({ name: 'RSA-PSS', saltLength: 48 }, p.publicKey, sig, MSG),
      await S.verify({ name: 'RSA-PSS', saltLength: 48 }, p.publicKey, sig, text('other'))];
  },
  "rsa-oaep encrypt, decrypt, wrap, unwrap": async () => {
    const p = await S.generateKey(rsaParams('RSA-OAEP'), true, ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
    const c = await S.encrypt({ name: 'RSA-OAEP', label: text('l') }, p.publicKey, MSG);
    const aes = await S.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
    const wrapped = await S.wrapKey('raw', aes, p.publicKey, { name: 'RSA-OAEP' });
    const back = await S.unwrapKey('raw', wrapped, p.privateKey, { name: 'RSA-OAEP' }, 'AES-GCM', true, ['decrypt']);
    const same = new Uint8Array(await S.exportKey('raw', back)).join() === new Uint8Array(await S.exportKey('raw', aes)).join();
    return [p.publicKey.usages, p.privateKey.usages, c.byteLength, new TextDecoder().decode(await S.decrypt({ name: 'RSA-OAEP', label: text('l') }, p.privateKey, c)), wrapped.byteLength, back.algorithm, same];
  },
  "ecdsa generate all curves": async () => {
    const out = [];
    for (const [c, h] of [['P-256', 'SHA-256'], ['P-384', 'SHA-384'], ['P-521', 'SHA-512']]) {
      const p = await S.generateKey({ name: 'ECDSA', namedCurve: c }, true, ['sign', 'verify']);
      const sig = await S.sign({ name: 'ECDSA', hash: h }, p.privateKey, MSG);
      out.push(shape(p.publicKey), sig.byteLength, await S.verify({ name: 'ECDSA', hash: h }, p.publicKey, sig, MSG),
        (await S.exportKey('raw', p.publicKey)).byteLength, Object.keys(await S.exportKey('jwk', p.privateKey)).sort());
    }
    return out;
  },
  "ecdh deriveKey both ways": async () => {
    const a = await S.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveKey']);
    const b = await S.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveKey']);
    const ka = await S.deriveKey({ name: 'ECDH', public: b.publicKey }, a.privateKey, { name: 'AES-CBC', length: 256 }, true, ['encrypt', 'decrypt']);
    const kb = await S.deriveKey({ name: 'ECDH', public: a.publicKey }, b.privateKey, { name: 'AES-CBC', length: 256 }, true, ['encrypt', 'decrypt']);
    const iv = new Uint8Array(16);
    const c = await S.encrypt({ name: 'AES-CBC', iv }, ka, MSG);
    return [shape(ka), new TextDecoder().decode(await S.decrypt({ name: 'AES-CBC', iv }, kb, c))];
  },
  "ed25519 generate, sign, verify, jwk": async () => {
    const p = await S.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const sig = await S.sign({ name: 'Ed25519' }, p.privateKey, MSG);
    const jwk = await S.exportKey('jwk', p.privateKey);
    const back = await S.importKey('jwk', jwk, 'Ed25519', true, ['sign']);
    const again = await S.sign('Ed25519', back, MSG);
    return [shape(p.publicKey), shape(p.privateKey), sig.byteLength, await S.verify('Ed25519', p.publicKey, sig, MSG),
      new Uint8Array(again).join() === new Uint8Array(sig).join(), (await S.exportKey('raw', p.publicKey)).byteLength, (await S.exportKey('spki', p.publicKey)).byteLength, (await S.exportKey('pkcs8', p.privateKey)).byteLength];
  },
  "x25519 deriveKey both ways": async () => {
    const a = await S.generateKey({ name: 'X25519' }, true, ['deriveKey', 'deriveBits']);
    const b = await S.generateKey({ name: 'X25519' }, true, ['deriveKey', 'deriveBits']);
    const ka = await S.deriveKey({ name: 'X25519', public: b.publicKey }, a.privateKey, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
    const kb = await S.deriveKey({ name: 'X25519', public: a.publicKey }, b.privateKey, { name: 'HMAC', hash: 'SHA-256', length: 256 }, true, ['sign']);
    return [shape(ka), new Uint8Array(await S.exportKey('raw', ka)).join() === new Uint8Array(await S.exportKey('raw', kb)).join(),
      (await S.deriveBits({ name: 'X25519', public: b.publicKey }, a.privateKey, 128)).byteLength];
  },
  "aes modes generate, encrypt, decrypt": async () => {
    const out = [];
    for (const [name, params] of [['AES-GCM', { iv: new Uint8Array(12), additionalData: text('aad') }], ['AES-CBC', { iv: new Uint8Array(16) }], ['AES-CTR', { counter: new Uint8Array(16), length: 64 }]]) {
      for (const length of [128, 192, 256]) {
        const k = await S.generateKey({ name, length }, true, ['encrypt', 'decrypt']);
        const c = await S.encrypt({ name, ...params }, k, MSG);
        out.push(name + length, c.byteLength, new TextDecoder().decode(await S.decrypt({ name, ...params }, k, c)));
      }
    }
    return out;
  },
  "aes-kw wrap jwk-free keys": async () => {
    const kek = await S.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
    const hmac = await S.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    const wrapped = await S.wrapKey('raw', hmac, kek, 'AES-KW');
    const back = await S.unwrapKey('raw', wrapped, kek, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    return [shape(kek), wrapped.byteLength, new Uint8Array(await S.exportKey('raw', back)).join() === new Uint8Array(await S.exportKey('raw', hmac)).join()];
  },
  "wrap pkcs8 with aes-gcm": async () => {
    const kek = await S.generateKey({ name: 'AES-GCM', length: 128 }, false, ['wrapKey', 'unwrapKey']);
    const p = await S.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const iv = new Uint8Array(12);
    const wrapped = await S.wrapKey('pkcs8', p.privateKey, kek, { name: 'AES-GCM', iv });
    const back = await S.unwrapKey('pkcs8', wrapped, kek, { name: 'AES-GCM', iv }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const sig = await S.sign({ name: 'ECDSA', hash: 'SHA-256' }, back, MSG);
    return [shape(back), await S.verify({ name: 'ECDSA', hash: 'SHA-256' }, p.publicKey, sig, MSG)];
  },
  "pbkdf2 deriveKey hmac": async () => {
    const base = await S.importKey('raw', text('pw'), { name: 'PBKDF2' }, false, ['deriveKey']);
    const k = await S.deriveKey({ name: 'PBKDF2', salt: text('s'), iterations: 1000, hash: 'SHA-384' }, base, { name: 'HMAC', hash: 'SHA-384' }, true, ['sign', 'verify']);
    return [shape(k), (await S.exportKey('raw', k)).byteLength];
  },
  "key objects": async () => {
    const k = await S.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
    return [k instanceof CryptoKey, Object.prototype.toString.call(k), typeof k.algorithm, Object.isFrozen(k.usages)];
  },
}); } };
