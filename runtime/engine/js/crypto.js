// Switchyard prelude: crypto, Crypto, SubtleCrypto, CryptoKey, DigestStream. WebCrypto on the
// engine's OpenSSL natives (`__switchyard.crypto`, CONTRACT.md): this file validates and shapes
// arguments and results as workerd does; every cryptographic operation is native. A CryptoKey's
// material never enters this heap (except when exported): its internal slot holds an opaque
// native handle, reachable only from this closure, whose collection frees the material.
(function (natives) {
  'use strict';
  const $ = natives.$;
  const C = natives.crypto;
  const DOMException = $.DOMException;

  let constructing = false;
  const keySlot = $.slot();

  const dom = (message, name) => new DOMException(message, name);
  // Natives throw Error objects whose `name` is a DOMException name; those become DOMExceptions.
  const domNames = new Set(['OperationError', 'NotSupportedError', 'InvalidAccessError', 'DataError', 'SyntaxError']);
  function native(fn, ...args) {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof Error && domNames.has(e.name)) throw dom(e.message, e.name);
      throw e;
    }
  }
  const bytes = (u8) => $.bytesToArrayBuffer(u8);
  const copyOf = (source) => $.copyBytes($.toBytes(source));

  // ---- base64url for JWK ----
  function b64uEncode(u8) {
    let s = '';
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function b64uDecode(s) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // ---- algorithm registry ----
  const ALGS = ['AES-CTR', 'AES-CBC', 'AES-GCM', 'AES-KW', 'HMAC', 'PBKDF2', 'HKDF', 'RSASSA-PKCS1-v1_5',
    'RSA-PSS', 'RSA-OAEP', 'ECDSA', 'ECDH', 'NODE-ED25519', 'Ed25519', 'X25519'];
  const byLower = new Map(ALGS.map((n) => [n.toLowerCase(), n]));
  const HASHES = { 'sha-1': 'SHA-1', 'sha-256': 'SHA-256', 'sha-384': 'SHA-384', 'sha-512': 'SHA-512' };
  const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey'];
  // Allowed usages: secret keys in `secret`, key pairs in `public` / `private`.
  const MASKS = {
    'AES-CTR': { secret: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] },
    'AES-CBC': { secret: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] },
    'AES-GCM': { secret: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] },
    'AES-KW': { secret: ['wrapKey', 'unwrapKey'] },
    'HMAC': { secret: ['sign', 'verify'] },
    'PBKDF2': { secret: ['deriveKey', 'deriveBits'] },
    'HKDF': { secret: ['deriveKey', 'deriveBits'] },
    'RSASSA-PKCS1-v1_5': { public: ['verify'], private: ['sign'] },
    'RSA-PSS': { public: ['verify'], private: ['sign'] },
    'RSA-OAEP': { public: ['encrypt', 'wrapKey'], private: ['decrypt', 'unwrapKey'] },
    'ECDSA': { public: ['verify'], private: ['sign'] },
    'ECDH': { public: [], private: ['deriveKey', 'deriveBits'] },
    'NODE-ED25519': { public: ['verify'], private: ['sign'] },
    'Ed25519': { public: ['verify'], private: ['sign'] },
    'X25519': { public: [], private: ['deriveKey', 'deriveBits'] },
  };
  const KIND = { 'RSASSA-PKCS1-v1_5': 'RSA', 'RSA-PSS': 'RSA', 'RSA-OAEP': 'RSA', 'ECDSA': 'EC', 'ECDH': 'EC',
    'Ed25519': 'Ed25519', 'NODE-ED25519': 'Ed25519', 'X25519': 'X25519' };
  const CURVES = ['P-256', 'P-384', 'P-521'];

  function algorithmObject(algorithm) {
    if (typeof algorithm === 'string') return { name: algorithm };
    if (algorithm !== null && typeof algorithm === 'object') {
      if (algorithm.name === undefined) throw new TypeError('Algorithm: name: Missing or not a string');
      return algorithm;
    }
    throw new TypeError('Algorithm: name: Missing or not a string');
  }
  function normalize(algorithm, unknown) {
    const a = algorithmObject(algorithm);
    const name = byLower.get(String(a.name).toLowerCase());
    if (!name) throw dom(unknown(String(a.name)), 'NotSupportedError');
    return { a, name };
  }
  function hashOf(h, what = 'algorithm') {
    if (h === undefined) throw new TypeError('Missing field "hash" in "' + what + '".');
    const n = HASHES[String(typeof h === 'object' && h !== null ? h.name : h).toLowerCase()];
    if (!n) throw dom('Unrecognized or unimplemented digest algorithm requested.', 'NotSupportedError');
    return n;
  }
  function requireField(a, field, what = 'algorithm') {
    const v = a[field];
    if (v === undefined) throw new TypeError('Missing field "' + field + '" in "' + what + '".');
    return v;
  }
  function bufferField(a, field) {
    const v = requireField(a, field);
    if (!$.isBufferSource(v)) throw new TypeError('Failed to execute: "' + field + '" is not of type \'ArrayBuffer or ArrayBufferView\'.');
    return copyOf(v);
  }
  function checkUsages(usages, allowed, op, name) {
    const list = Array.from(usages, String);
    for (const u of list) {
      if (!USAGES.includes(u)) throw new TypeError("Failed to execute: '" + u + "' is not a valid enum value of type KeyUsage.");
      if (!allowed.includes(u)) throw dom('Attempt to ' + op + ' ' + name + ' key with invalid usage "' + u + '".', 'SyntaxError');
    }
    return USAGES.filter((u) => list.includes(u));
  }
  const hashBlockBits = (hash) => (hash === 'SHA-384' || hash === 'SHA-512' ? 1024 : 512);
  const hashBits = { 'SHA-1': 160, 'SHA-256': 256, 'SHA-384': 384, 'SHA-512': 512 };

  // ---- CryptoKey ----
  class CryptoKey {
    constructor() { if (!constructing) throw new TypeError('Illegal constructor'); }
  }
  $.tag(CryptoKey);

  function cloneAlgorithm(alg) {
    const out = {};
    for (const k of Object.keys(alg)) {
      const v = alg[k];
      out[k] = v instanceof Uint8Array ? $.copyBytes(v) : (v && typeof v === 'object') ? cloneAlgorithm(v) : v;
    }
    return out;
  }
  // slot: {handle, type, name, algorithm (internal copy), extractable, usages}
  function makeKey(slot) {
    constructing = true;
    const key = new CryptoKey();
    constructing = false;
    keySlot.set(key, slot);
    const algorithm = cloneAlgorithm(slot.algorithm);
    Object.defineProperty(key, 'usages', { value: slot.usages.slice(), enumerable: true });
    Object.defineProperty(key, 'algorithm', { value: algorithm, enumerable: true });
    Object.defineProperty(key, 'extractable', { value: slot.extractable, enumerable: true });
    Object.defineProperty(key, 'type', { value: slot.type, enumerable: true });
    return key;
  }
  function slotOf(key, position, method) {
    const s = keySlot.get(key);
    if (!s) throw new TypeError("Failed to execute '" + method + "' on 'SubtleCrypto': parameter " + position + " is not of type 'CryptoKey'.");
    return s;
  }
  function checkKey(s, requested, usage) {
    if (String(requested).toLowerCase() !== s.name.toLowerCase()) {
      throw dom('Requested algorithm "' + requested + '" does not match this CryptoKey\'s algorithm "' + s.name + '".', 'InvalidAccessError');
    }
    if (!s.usages.includes(usage)) {
      throw dom('Requested key usage "' + usage + '" does not match any usage listed in this CryptoKey.', 'InvalidAccessError');
    }
  }

  // ---- import ----
  const JWK_ALG = {
    HMAC: (h) => 'HS' + h.slice(4),
    'RSASSA-PKCS1-v1_5': (h) => 'RS' + h.slice(4),
    'RSA-PSS': (h) => 'PS' + h.slice(4),
    'RSA-OAEP': (h) => (h === 'SHA-1' ? 'RSA-OAEP' : 'RSA-OAEP-' + h.slice(4)),
  };
  function aesJwkAlg(name, bits) { return 'A' + bits + name.slice(4); }

  function checkJwkCommon(jwk, name, extractable, usages, kty) {
    if (jwk.kty !== kty) {
      if (kty === 'oct') {
        const what = name === 'HMAC' ? 'HMAC "jwk' : 'Symmetric "' + name;
        throw dom(what + '" key import requires a JSON Web Key with Key Type parameter ("kty") equal to "oct" (encountered "' + jwk.kty + '").', 'DataError');
      }
      throw dom(name + ' "' + ' key import requires a JSON Web Key with Key Type parameter "kty" ("' + jwk.kty + '") equal to "' + kty + '".', 'DataError');
    }
    if (jwk.ext === false && extractable) {
      throw dom('JWK ext field for "' + name + '" is set to false but extractable is true', 'DataError');
    }
    // workerd checks a secret JWK's key_ops against the usages only for AES.
    if (jwk.key_ops !== undefined && kty !== 'oct') {
      const ops = Array.from(jwk.key_ops, String);
      if (new Set(ops).size !== ops.length) throw dom('A JSON Web Key\'s Key Operations parameter ("key_ops") must not contain duplicates.', 'DataError');
      for (const u of usages) {
        if (!ops.includes(u)) throw dom('All specified key usages must be present in the JSON Web Key\'s Key Operations parameter ("key_ops").', 'DataError');
      }
    }
  }

  function importSecret(format, data, name, a, extractable, usages) {
    let raw;
    if (format === 'raw') {
      raw = copyOf(data);
    } else if (format === 'jwk' && name !== 'PBKDF2' && name !== 'HKDF') {
      checkJwkCommon(data, name, extractable, usages, 'oct');
      raw = b64uDecode(data.k);
      if (raw === null) {
        throw dom((name === 'HMAC' ? 'HMAC "jwk' : 'Symmetric "' + name) + '" key import requires a base64Url encoding of the key' + (name === 'HMAC' ? '' : '.'), 'DataError');
      }
    } else if (name === 'PBKDF2' || name === 'HKDF') {
      throw dom(name + ' key must be imported in "raw" format (requested "' + format + '")', 'NotSupportedError');
    } else {
      throw dom(name + ' key only supports exporting "raw" & "jwk", not "' + format + '".', 'NotSupportedError');
    }
    let algorithm;
    if (name === 'HMAC') {
      const hash = hashOf(a.hash);
      let length = raw.length * 8;
      if (a.length !== undefined) {
        const l = Number(a.length);
        if (!(l > 0 && l <= length && l > length - 8)) {
          throw dom('Imported HMAC key length (' + a.length + ') must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (' + length + ').', 'DataError');
        }
        length = l;
      }
      if (length === 0) throw dom('Imported HMAC key length (0) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (0).', 'DataError');
      if (format === 'jwk' && data.alg !== undefined && data.alg !== JWK_ALG.HMAC(hash)) {
        throw dom('HMAC "jwk" key import specifies "alg" that is incompatible with the hash name (encountered "' + data.alg + '", expected "' + JWK_ALG.HMAC(hash) + '").', 'DataError');
      }
      algorithm = { name, hash: { name: hash }, length };
    } else if (name.startsWith('AES-')) {
      const bits = raw.length * 8;
      if (bits !== 128 && bits !== 192 && bits !== 256) {
        throw dom('Imported AES key length must be 128, 192, or 256 bits but provided ' + bits + '.', 'DataError');
      }
      if (format === 'jwk' && data.alg !== undefined && data.alg !== aesJwkAlg(name, bits)) {
        throw dom('Symmetric "' + name + '" key contains invalid "alg" value "' + data.alg + '", expected "' + aesJwkAlg(name, bits) + '".', 'DataError');
      }
      algorithm = { name, length: bits };
    } else {
      if (extractable) throw dom(name + ' key cannot be extractable.', 'SyntaxError');
      algorithm = { name };
    }
    const handle = native(C.secretImport, raw);
    raw.fill(0);
    return { handle, type: 'secret', name, algorithm, extractable: !!extractable, usages };
  }

  function importPair(format, data, name, a, extractable, usages) {
    const kind = KIND[name];
    const algorithm = { name };
    let curve = '';
    if (kind === 'RSA') algorithm.hash = { name: hashOf(a.hash) };
    if (kind === 'EC') {
      curve = String(requireField(a, 'namedCurve'));
      if (!CURVES.includes(curve)) throw dom('Unrecognized or unimplemented EC curve "' + curve + '" requested.', 'NotSupportedError');
    }
    if (name === 'NODE-ED25519') {
      curve = String(requireField(a, 'namedCurve'));
      if (curve !== 'NODE-ED25519') throw dom('EDDSA curve "' + curve + '" isn\'t supported.', 'NotSupportedError');
    }
    let input = data;
    if (format === 'jwk') {
      const kty = kind === 'RSA' ? 'RSA' : kind === 'EC' ? 'EC' : 'OKP';
      checkJwkCommon(data, name, extractable, usages, kty);
      input = {};
      const fields = kty === 'RSA' ? ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] : kty === 'EC' ? ['x', 'y', 'd'] : ['x', 'd'];
      for (const f of fields) {
        if (data[f] === undefined) continue;
        const v = b64uDecode(data[f]);
        if (v === null) throw dom('Invalid ' + (kty === 'RSA' ? 'RSA' : name) + ' key in JSON Web Key; missing or invalid "' + f + '".', 'DataError');
        input[f] = v;
      }
      if (kty === 'EC' && data.crv !== curve) {
        throw dom('JSON Web Key Curve parameter "crv" ("' + data.crv + '") does not match requested curve ("' + curve + '").', 'DataError');
      }
      if (kty === 'OKP' && data.crv !== (kind === 'X25519' ? 'X25519' : 'Ed25519')) {
        throw dom('JSON Web Key Curve parameter "crv" ("' + data.crv + '") does not match requested curve ("' + (kind === 'X25519' ? 'X25519' : 'Ed25519') + '").', 'DataError');
      }
      if (kty === 'RSA' && data.alg !== undefined && data.alg !== JWK_ALG[name](algorithm.hash.name)) {
        throw dom('JSON Web Key Algorithm parameter "alg" ("' + data.alg + '") does not match requested algorithm ("' + JWK_ALG[name](algorithm.hash.name) + '").', 'DataError');
      }
    } else if (format === 'raw') {
      if (kind === 'RSA') throw dom('Unrecognized key import format "raw".', 'NotSupportedError');
      input = copyOf(data);
    } else {
      input = copyOf(data);
    }
    const info = native(C.pkeyImport, kind, format, input, curve);
    if (format === 'jwk') for (const k of Object.keys(input)) input[k].fill(0);
    const masks = MASKS[name];
    const allowed = info.type === 'private' ? masks.private : masks.public;
    usages = checkUsages(usages, allowed, 'import ' + info.type, name);
    return pairSlot(info, name, algorithm, curve, extractable, usages);
  }
  function pairSlot(info, name, base, curve, extractable, usages) {
    const algorithm = { name };
    if (info.modulusLength !== undefined) {
      algorithm.modulusLength = info.modulusLength;
      algorithm.publicExponent = info.publicExponent;
    }
    if (base.hash) algorithm.hash = base.hash;
    if (curve) algorithm.namedCurve = curve;
    return { handle: info.handle, type: info.type, name, algorithm, extractable: !!extractable, usages };
  }

  function importKeyImpl(format, keyData, algorithm, extractable, usages) {
    format = String(format);
    if (!['raw', 'pkcs8', 'spki', 'jwk'].includes(format)) throw dom('Unrecognized key import format "' + format + '".', 'NotSupportedError');
    if (format === 'jwk') {
      if (keyData === null || typeof keyData !== 'object' || $.isBufferSource(keyData)) {
        throw new TypeError('Import data provided for "jwk" import format must be a JsonWebKey.');
      }
    } else if (!$.isBufferSource(keyData)) {
      if (keyData !== null && typeof keyData === 'object') throw new TypeError('Import data provided for "raw", "pkcs8", or "spki" import formats must be a buffer source.');
      throw new TypeError("Failed to execute 'importKey' on 'SubtleCrypto': parameter 2 is not of type 'ArrayBuffer or ArrayBufferView or JsonWebKey'.");
    }
    const { a, name } = normalize(algorithm, (n) => 'Unrecognized key import algorithm "' + n + '" requested.');
    let slot;
    if (MASKS[name].secret) {
      const list = checkUsages(usages, MASKS[name].secret, 'import secret', name);
      slot = importSecret(format, keyData, name, a, extractable, list);
    } else {
      slot = importPair(format, keyData, name, a, extractable, usages);
    }
    if ((slot.type === 'secret' || slot.type === 'private') && slot.usages.length === 0) {
      throw dom('Secret/private CryptoKeys must have at least one usage.', 'SyntaxError');
    }
    return makeKey(slot);
  }

  // ---- export ----
  function exportKeyImpl(format, key) {
    format = String(format);
    const s = slotOf(key, 2, 'exportKey');
    if (!['raw', 'pkcs8', 'spki', 'jwk'].includes(format)) throw dom('Unimplemented key export format "' + format + '".', 'NotSupportedError');
    if (!s.extractable) throw dom('Attempt to export non-extractable ' + s.name + ' key.', 'InvalidAccessError');
    if (s.type === 'secret') {
      if (format !== 'raw' && format !== 'jwk') {
        if (s.name === 'HMAC') throw dom('Unimplemented key export format "' + format + '".', 'NotSupportedError');
        throw dom(s.name + ' key only supports exporting "raw" & "jwk", not "' + format + '".', 'NotSupportedError');
      }
      const raw = native(C.secretExport, s.handle);
      if (format === 'raw') return bytes(raw);
      const jwk = { kty: 'oct', key_ops: s.usages.slice() };
      jwk.alg = s.name === 'HMAC' ? JWK_ALG.HMAC(s.algorithm.hash.name) : aesJwkAlg(s.name, s.algorithm.length);
      jwk.ext = true;
      jwk.k = b64uEncode(raw);
      raw.fill(0);
      return jwk;
    }
    const kind = KIND[s.name];
    if (format === 'raw') {
      if (kind === 'RSA') throw dom('Cannot export "' + s.name + '" in "raw" format.', 'NotSupportedError');
      if (s.type !== 'public') {
        throw dom(kind === 'EC' ? 'Raw export of elliptic curve keys is only allowed for public keys.' : 'Raw export of ' + s.name + ' keys is only allowed for public keys.', 'InvalidAccessError');
      }
      return bytes(native(C.pkeyExport, s.handle, 'raw'));
    }
    if (format === 'spki' && s.type !== 'public') throw dom('Asymmetric spki export requires public key (not "' + s.type + '").', 'InvalidAccessError');
    if (format === 'pkcs8' && s.type !== 'private') throw dom('Asymmetric pkcs8 export requires private key (not "' + s.type + '").', 'InvalidAccessError');
    if (format !== 'jwk') return bytes(native(C.pkeyExport, s.handle, format));
    const parts = native(C.pkeyExport, s.handle, 'jwk');
    let jwk;
    if (kind === 'RSA') {
      jwk = { kty: 'RSA', key_ops: s.usages.slice(), alg: JWK_ALG[s.name](s.algorithm.hash.name), ext: true };
      for (const f of ['d', 'n', 'e', 'p', 'q', 'dp', 'dq', 'qi']) if (parts[f]) jwk[f] = b64uEncode(parts[f]);
    } else if (kind === 'EC') {
      jwk = { kty: 'EC', key_ops: s.usages.slice(), ext: true, crv: s.algorithm.namedCurve };
      for (const f of ['x', 'y', 'd']) if (parts[f]) jwk[f] = b64uEncode(parts[f]);
    } else {
      jwk = { kty: 'OKP', key_ops: s.usages.slice() };
      if (s.name === 'Ed25519') jwk.alg = 'EdDSA';
      jwk.ext = true;
      jwk.crv = kind === 'X25519' ? 'X25519' : 'Ed25519';
      for (const f of ['x', 'd']) if (parts[f]) jwk[f] = b64uEncode(parts[f]);
    }
    for (const k of Object.keys(parts)) parts[k].fill(0);
    return jwk;
  }

  // ---- generate ----
  function generateKeyImpl(algorithm, extractable, usages) {
    const { a, name } = normalize(algorithm, (n) => 'Unrecognized key generation algorithm "' + n + '" requested.');
    if (name === 'PBKDF2' || name === 'HKDF') throw dom('Unrecognized key generation algorithm "' + a.name + '" requested.', 'NotSupportedError');
    const masks = MASKS[name];
    if (masks.secret) {
      const list = checkUsages(usages, masks.secret, 'generate', name);
      let algorithmOut, length;
      if (name === 'HMAC') {
        const hash = hashOf(a.hash);
        length = a.length === undefined ? hashBlockBits(hash) : Number(a.length);
        if (!(length > 0)) throw dom('HMAC key length must be a non-zero unsigned long integer (requested ' + a.length + ').', 'OperationError');
        algorithmOut = { name, hash: { name: hash }, length };
      } else {
        length = Number(requireField(a, 'length'));
        if (length !== 128 && length !== 192 && length !== 256) {
          throw dom('Generated AES key length must be 128, 192, or 256 bits but requested ' + a.length + '.', 'OperationError');
        }
        algorithmOut = { name, length };
      }
      if (list.length === 0) throw dom('Secret/private CryptoKeys must have at least one usage.', 'SyntaxError');
      const handle = native(C.secretGenerate, Math.ceil(length / 8));
      return makeKey({ handle, type: 'secret', name, algorithm: algorithmOut, extractable: !!extractable, usages: list });
    }
    const kind = KIND[name];
    const base = {};
    let curve = '';
    const params = {};
    if (kind === 'RSA') {
      const modulusLength = Number(requireField(a, 'modulusLength'));
      const exponent = requireField(a, 'publicExponent');
      if (!(exponent instanceof Uint8Array)) throw new TypeError('Failed to execute: "publicExponent" is not of type \'Uint8Array\'.');
      base.hash = { name: hashOf(a.hash) };
      if (modulusLength % 8 !== 0 || modulusLength < 256 || modulusLength > 16384) {
        throw dom('The modulus length must be a multiple of 8 and between 256 and 16k, but ' + a.modulusLength + ' was requested.', 'OperationError');
      }
      let e = 0;
      for (const b of exponent) e = e * 256 + b;
      if (e > 0xffffffff) throw dom('The "publicExponent" must be either 3 or 65537, but got a number larger than 2^32.', 'OperationError');
      if (e !== 3 && e !== 65537) throw dom('The "publicExponent" must be either 3 or 65537, but got ' + e + '.', 'OperationError');
      params.modulusLength = modulusLength;
      params.publicExponent = $.copyBytes(exponent);
    } else if (kind === 'EC') {
      curve = String(requireField(a, 'namedCurve'));
      if (!CURVES.includes(curve)) throw dom('Unrecognized or unimplemented EC curve "' + curve + '" requested.', 'NotSupportedError');
      params.namedCurve = curve;
    } else if (name === 'NODE-ED25519') {
      curve = String(requireField(a, 'namedCurve'));
      if (curve !== 'NODE-ED25519') throw dom('EDDSA curve "' + curve + '" isn\'t supported.', 'NotSupportedError');
    }
    const list = checkUsages(usages, masks.public.concat(masks.private), 'generate', name);
    const privateUsages = list.filter((u) => masks.private.includes(u));
    if (privateUsages.length === 0) throw dom('Attempt to generate asymmetric keys with no valid private key usages.', 'SyntaxError');
    const [pub, priv] = native(C.pkeyGenerate, kind, params);
    const publicKey = makeKey(pairSlot(pub, name, base, curve, true, list.filter((u) => masks.public.includes(u))));
    const privateKey = makeKey(pairSlot(priv, name, base, curve, extractable, privateUsages));
    return { publicKey, privateKey };
  }

  // ---- sign / verify ----
  function signParams(s, a) {
    const p = {};
    if (s.name === 'ECDSA') {
      if (a.hash === undefined) {
        throw new TypeError('Missing "hash" in AlgorithmIdentifier. (ECDSA requires that the hash algorithm be specified at call time rather than on the key. This differs from other WebCrypto algorithms for historical reasons.)');
      }
      p.hash = hashOf(a.hash);
    } else if (s.name !== 'HMAC' && s.algorithm.hash) {
      p.hash = s.algorithm.hash.name;
    }
    if (s.name === 'RSA-PSS') {
      const salt = a.saltLength;
      if (salt === undefined) throw dom('Failed to provide salt for RSA-PSS key operation which requires a salt', 'DataError');
      if (!(Number(salt) >= 0)) throw dom('SaltLength for RSA-PSS must be non-negative (provided ' + salt + ').', 'DataError');
      p.saltLength = Number(salt);
    }
    return p;
  }
  const nativeSignName = (name) => (name === 'NODE-ED25519' ? 'Ed25519' : name);

  function signImpl(algorithm, key, data) {
    const a = algorithmObject(algorithm);
    const s = slotOf(key, 2, 'sign');
    checkKey(s, a.name, 'sign');
    const input = copyOf(data);
    if (s.name === 'HMAC') return native(C.hmacSign, s.algorithm.hash.name, s.handle, input);
    if (!MASKS[s.name].private.includes('sign')) throw dom('The sign and verify operations are not implemented for "' + s.name + '".', 'NotSupportedError');
    return native(C.sign, nativeSignName(s.name), s.handle, input, signParams(s, a));
  }
  function verifyImpl(algorithm, key, signature, data) {
    const a = algorithmObject(algorithm);
    const s = slotOf(key, 2, 'verify');
    checkKey(s, a.name, 'verify');
    const sig = copyOf(signature), input = copyOf(data);
    if (s.name === 'HMAC') return native(C.hmacVerify, s.algorithm.hash.name, s.handle, input, sig);
    if (!MASKS[s.name].public.includes('verify')) throw dom('The sign and verify operations are not implemented for "' + s.name + '".', 'NotSupportedError');
    return native(C.verify, nativeSignName(s.name), s.handle, sig, input, signParams(s, a));
  }

  // ---- encrypt / decrypt ----
  const GCM_TAGS = [32, 64, 96, 104, 112, 120, 128];
  function cipherParams(s, a, encrypt) {
    const p = {};
    if (s.name === 'AES-GCM') {
      p.iv = bufferField(a, 'iv');
      if (p.iv.length === 0) throw dom('AES-GCM IV must not be empty.', 'OperationError');
      p.tagLength = a.tagLength === undefined ? 128 : Number(a.tagLength);
      if (!GCM_TAGS.includes(p.tagLength)) throw dom('Invalid AES-GCM tag length ' + a.tagLength + '.', 'OperationError');
      if (a.additionalData !== undefined) {
        if (!$.isBufferSource(a.additionalData)) throw new TypeError('Failed to execute: "additionalData" is not of type \'ArrayBuffer or ArrayBufferView\'.');
        p.additionalData = copyOf(a.additionalData);
      }
    } else if (s.name === 'AES-CBC') {
      p.iv = bufferField(a, 'iv');
      if (p.iv.length !== 16) throw dom('AES-CBC IV must be 16 bytes long (provided ' + p.iv.length + ' bytes).', 'OperationError');
    } else if (s.name === 'AES-CTR') {
      if (a.counter === undefined) throw new TypeError('Missing "counter" member in "algorithm".');
      p.counter = bufferField(a, 'counter');
      if (p.counter.length !== 16) throw dom('Counter must have length of 16 bytes (provided ' + p.counter.length + ').', 'OperationError');
      if (a.length === undefined) throw new TypeError('Missing "length" member in "algorithm".');
      p.length = Number(a.length);
      if (!(p.length > 0 && p.length <= 128)) throw dom('Invalid counter of ' + a.length + ' bits length provided.', 'OperationError');
    } else if (s.name === 'RSA-OAEP') {
      p.hash = s.algorithm.hash.name;
      if (a.label !== undefined) p.label = copyOf(a.label);
    }
    return p;
  }
  function cipherImpl(encrypt, algorithm, key, data, usage, method) {
    const a = algorithmObject(algorithm);
    const s = slotOf(key, 2, method);
    checkKey(s, a.name, usage);
    const input = copyOf(data);
    if (!['AES-GCM', 'AES-CBC', 'AES-CTR', 'RSA-OAEP', 'AES-KW'].includes(s.name) || (s.name === 'AES-KW' && (usage === 'encrypt' || usage === 'decrypt'))) {
      throw dom('Unrecognized algorithm "' + a.name + '" for ' + (encrypt ? 'encryption' : 'decryption') + '.', 'NotSupportedError');
    }
    const p = cipherParams(s, a, encrypt);
    if (s.name === 'AES-GCM' && !encrypt && input.length < p.tagLength / 8) {
      throw dom('Ciphertext length of ' + input.length * 8 + ' bits must be greater than or equal to the size of the AES-GCM tag length of ' + p.tagLength + ' bits.', 'OperationError');
    }
    try {
      return native(C.cipher, s.name, encrypt, s.handle, input, p);
    } catch (e) {
      if (s.name === 'AES-GCM' && !encrypt && e instanceof DOMException && e.name === 'OperationError') {
        const body = input.length - p.tagLength / 8;
        throw dom(e.message + ' Input length was ' + body + ', output length expected to be ' + body + ' for AES-GCM', 'OperationError');
      }
      if (s.name === 'AES-CBC' && !encrypt && e instanceof DOMException && e.name === 'OperationError') {
        throw dom(e.message + ' Input length was ' + input.length + ', output length expected to be ' + Math.max(0, input.length - 16) + ' for AES-CBC', 'OperationError');
      }
      throw e;
    }
  }

  // ---- derive ----
  function deriveBitsImpl(a, s, length) {
    if (s.name === 'ECDH' || s.name === 'X25519') {
      if (s.type !== 'private') throw dom('The deriveBits operation is only valid for a private key, not "' + s.type + '".', 'InvalidAccessError');
      const pub = requireField(a, 'public');
      const ps = keySlot.get(pub);
      if (!ps) throw new TypeError('Failed to execute: "public" is not of type \'CryptoKey\'.');
      if (ps.type !== 'public') throw dom('The provided key has type "' + ps.type + '", not "public"', 'InvalidAccessError');
      if (ps.name !== s.name) throw dom('Base ' + s.name + ' private key cannot be used to derive a key from a peer ' + ps.name + ' public key', 'InvalidAccessError');
      if (s.name === 'ECDH' && ps.algorithm.namedCurve !== s.algorithm.namedCurve) {
        throw dom('Private key for derivation is using curve "' + s.algorithm.namedCurve + '" while public key is using "' + ps.algorithm.namedCurve + '".', 'InvalidAccessError');
      }
      return native(C.derive, s.name, s.handle, { public: ps.handle }, length === null || length === undefined ? undefined : Number(length));
    }
    if (s.name === 'PBKDF2' || s.name === 'HKDF') {
      const hash = hashOf(requireField(a, 'hash'));
      const salt = bufferField(a, 'salt');
      const p = { hash, salt };
      if (s.name === 'PBKDF2') {
        const iterations = requireField(a, 'iterations');
        p.iterations = Number(iterations);
        if (length === null || length === undefined) throw dom('PBKDF2 cannot derive a key with null length.', 'OperationError');
        if (Number(length) % 8 !== 0) throw dom('PBKDF2 requires a derived key length that is a multiple of eight (requested ' + length + ').', 'OperationError');
        if (!(p.iterations > 0)) throw dom('PBKDF2 requires a positive iteration count (requested ' + iterations + ').', 'OperationError');
        // Cloudflare's limit (workerd itself sets none): PBKDF2 runs in OpenSSL, where no CPU
        // limit can stop it, so the iteration count bounds how long it may run.
        if (p.iterations > 100000) throw dom('Pbkdf2 failed: iteration counts above 100000 are not supported (requested ' + iterations + ').', 'NotSupportedError');
        // Each output block of the hash's size costs all the iterations again: a long output
        // would be the same unstoppable work.
        const blocks = Math.ceil(Number(length) / hashBits[hash]);
        if (p.iterations * blocks > 400000) {
          throw dom('PBKDF2 deriveBits of ' + length + ' bits at ' + iterations + ' iterations is more work than one call may do here (at most 400000 HMAC computations: iterations times ' + hashBits[hash] + '-bit blocks).', 'NotSupportedError');
        }
      } else {
        p.info = bufferField(a, 'info');
        if (length === null || length === undefined) throw dom('HKDF cannot derive a key with null length.', 'OperationError');
        if (Number(length) % 8 !== 0) throw dom('HKDF requires a derived key length that is a multiple of eight (requested ' + length + ').', 'OperationError');
      }
      return native(C.derive, s.name, s.handle, p, Number(length));
    }
    throw dom('The deriveBits operation is not implemented for "' + s.name + '".', 'NotSupportedError');
  }
  function derivedKeyLength(d) {
    const { a, name } = normalize(d, (n) => 'Unrecognized derived key type "' + n + '" requested.');
    if (name.startsWith('AES-')) {
      const length = Number(requireField(a, 'length', 'derivedKeyParams'));
      if (length !== 128 && length !== 192 && length !== 256) throw dom('Derived AES key must be 128, 192, or 256 bits in length but provided ' + a.length + '.', 'OperationError');
      return length;
    }
    if (name === 'HMAC') {
      const hash = hashOf(requireField(a, 'hash', 'derivedKeyParams'), 'derivedKeyParams');
      if (a.length === undefined) return hashBlockBits(hash);
      const length = Number(a.length);
      if (!(length > 0)) throw new TypeError('HMAC key length must be a non-zero unsigned long integer.');
      return length;
    }
    if (name === 'HKDF' || name === 'PBKDF2') return null;
    throw dom('Unrecognized derived key type "' + a.name + '" requested.', 'NotSupportedError');
  }

  // ---- SubtleCrypto ----
  const digestNames = { 'sha-1': 'SHA-1', 'sha-256': 'SHA-256', 'sha-384': 'SHA-384', 'sha-512': 'SHA-512', 'md5': 'MD5' };
  const run = (fn) => new Promise((resolve) => resolve(fn()));
  function needArgs(args, n, method) {
    if (args.length < n) throw new TypeError("Failed to execute '" + method + "' on 'SubtleCrypto': " + n + ' arguments required, but only ' + args.length + ' present.');
  }
  function bufferArg(v, position, method) {
    if (!$.isBufferSource(v)) throw new TypeError("Failed to execute '" + method + "' on 'SubtleCrypto': parameter " + position + " is not of type 'ArrayBuffer or ArrayBufferView'.");
    return v;
  }

  class SubtleCrypto {
    constructor() { if (!constructing) throw new TypeError('Illegal constructor'); }
    digest(algorithm, data) {
      return run(() => {
        let name = algorithm;
        if (name !== null && typeof name === 'object') name = name.name;
        if (name === undefined) throw new TypeError('Algorithm: name: Missing or not a string');
        const norm = digestNames[String(name).toLowerCase()];
        if (!norm) throw dom('Unrecognized or unimplemented digest algorithm requested.', 'NotSupportedError');
        bufferArg(data, 2, 'digest');
        return native(C.digest, norm, copyOf(data));
      });
    }
    importKey(format, keyData, algorithm, extractable, keyUsages) {
      const args = arguments;
      return run(() => {
        if (algorithm === undefined) throw new TypeError("Failed to execute 'importKey' on 'SubtleCrypto': parameter 3 is not of type 'string or ImportKeyAlgorithm'.");
        needArgs(args, 5, 'importKey');
        return importKeyImpl(format, keyData, algorithm, extractable, keyUsages); });
    }
    exportKey(format, key) {
      const args = arguments;
      return run(() => { needArgs(args, 2, 'exportKey'); return exportKeyImpl(format, key); });
    }
    generateKey(algorithm, extractable, keyUsages) {
      const args = arguments;
      return run(() => { needArgs(args, 3, 'generateKey'); return generateKeyImpl(algorithm, extractable, keyUsages); });
    }
    sign(algorithm, key, data) {
      const args = arguments;
      return run(() => { needArgs(args, 3, 'sign'); return signImpl(algorithm, key, bufferArg(data, 3, 'sign')); });
    }
    verify(algorithm, key, signature, data) {
      const args = arguments;
      return run(() => {
        needArgs(args, 4, 'verify');
        return verifyImpl(algorithm, key, bufferArg(signature, 3, 'verify'), bufferArg(data, 4, 'verify'));
      });
    }
    encrypt(algorithm, key, data) {
      const args = arguments;
      return run(() => { needArgs(args, 3, 'encrypt'); return cipherImpl(true, algorithm, key, bufferArg(data, 3, 'encrypt'), 'encrypt', 'encrypt'); });
    }
    decrypt(algorithm, key, data) {
      const args = arguments;
      return run(() => { needArgs(args, 3, 'decrypt'); return cipherImpl(false, algorithm, key, bufferArg(data, 3, 'decrypt'), 'decrypt', 'decrypt'); });
    }
    deriveBits(algorithm, baseKey, length) {
      const args = arguments;
      return run(() => {
        needArgs(args, 2, 'deriveBits');
        const a = algorithmObject(algorithm);
        const s = slotOf(baseKey, 2, 'deriveBits');
        checkKey(s, a.name, 'deriveBits');
        return deriveBitsImpl(a, s, length);
      });
    }
    deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, keyUsages) {
      const args = arguments;
      return run(() => {
        needArgs(args, 5, 'deriveKey');
        const a = algorithmObject(algorithm);
        const s = slotOf(baseKey, 2, 'deriveKey');
        checkKey(s, a.name, 'deriveKey');
        const length = derivedKeyLength(derivedKeyAlgorithm);
        const secret = new Uint8Array(deriveBitsImpl(a, s, length));
        try {
          return importKeyImpl('raw', secret, derivedKeyAlgorithm, extractable, keyUsages);
        } finally {
          secret.fill(0);
        }
      });
    }
    wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      const args = arguments;
      return run(() => {
        needArgs(args, 4, 'wrapKey');
        slotOf(key, 2, 'wrapKey');
        const ws = slotOf(wrappingKey, 3, 'wrapKey');
        const a = algorithmObject(wrapAlgorithm);
        checkKey(ws, a.name, 'wrapKey');
        const exported = exportKeyImpl(format, key);
        const data = String(format) === 'jwk' ? $.utf8Encode(JSON.stringify(exported)) : new Uint8Array(exported);
        try {
          return cipherImpl(true, a, wrappingKey, data, 'wrapKey', 'wrapKey');
        } finally {
          data.fill(0);
        }
      });
    }
    unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
      const args = arguments;
      return run(() => {
        needArgs(args, 7, 'unwrapKey');
        const a = algorithmObject(unwrapAlgorithm);
        const us = slotOf(unwrappingKey, 3, 'unwrapKey');
        checkKey(us, a.name, 'unwrapKey');
        const data = new Uint8Array(cipherImpl(false, a, unwrappingKey, bufferArg(wrappedKey, 2, 'unwrapKey'), 'unwrapKey', 'unwrapKey'));
        try {
          let keyData = data;
          if (String(format) === 'jwk') {
            try {
              keyData = JSON.parse($.utf8Decode(data));
            } catch (e) {
              throw dom('Missing "kty" field or corrupt JSON unwrapping key?', 'DataError');
            }
          }
          return importKeyImpl(format, keyData, unwrappedKeyAlgorithm, extractable, keyUsages);
        } finally {
          data.fill(0);
        }
      });
    }
    // Cloudflare's extension: constant-time comparison of two equal-length buffers.
    timingSafeEqual(a, b) {
      if (!$.isBufferSource(a) || !$.isBufferSource(b)) throw new TypeError("Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter " + ($.isBufferSource(a) ? 2 : 1) + " is not of type 'ArrayBuffer or ArrayBufferView'.");
      const x = $.toBytes(a), y = $.toBytes(b);
      if (x.byteLength !== y.byteLength) throw new TypeError('Input buffers must have the same byte length.');
      return C.timingSafeEqual(x, y);
    }
  }
  $.tag(SubtleCrypto);
  constructing = true;
  const subtle = new SubtleCrypto();
  constructing = false;

  class Crypto {
    constructor() { if (!constructing) throw new TypeError('Illegal constructor'); }
    get subtle() { return subtle; }
    getRandomValues(array) { return $.getRandomValues(array); }
    randomUUID() { return $.randomUUID(); }
  }
  $.tag(Crypto);

  // crypto.DigestStream (Cloudflare): a WritableStream whose `digest` promise resolves to the
  // hash of everything written once the stream closes. Chunks are buffered until then.
  function makeDigestStream() {
    class DigestStream extends $.streams().WritableStream {
      constructor(algorithm) {
        let name = algorithm;
        if (name !== null && typeof name === 'object') name = name.name;
        const norm = digestNames[String(name).toLowerCase()];
        if (!norm) throw dom('Unrecognized or unimplemented digest algorithm requested.', 'NotSupportedError');
        const chunks = [];
        let resolveDigest, rejectDigest;
        const digest = new Promise((res, rej) => { resolveDigest = res; rejectDigest = rej; });
        super({
          write(chunk) {
            if (typeof chunk === 'string') chunks.push($.utf8Encode(chunk));
            else if ($.isBufferSource(chunk)) chunks.push(copyOf(chunk));
            else throw new TypeError('DigestStream is a byte stream but received an object of non-ArrayBuffer/ArrayBufferView/string type on its writable side.');
          },
          close() { resolveDigest(native(C.digest, norm, $.concatBytes(chunks))); },
          abort(reason) { rejectDigest(reason); },
        });
        digest.catch(() => {});
        Object.defineProperty(this, 'digest', { value: digest, enumerable: true });
      }
    }
    return DigestStream;
  }

  constructing = true;
  const cryptoObj = new Crypto();
  constructing = false;
  $.defineGlobal('crypto', cryptoObj);
  $.defineGlobal('Crypto', Crypto);
  $.defineGlobal('SubtleCrypto', SubtleCrypto);
  $.defineGlobal('CryptoKey', CryptoKey);
  // A lazy data property: the streams load on first use (streams.js).
  $.lazyProperty(Crypto.prototype, 'DigestStream', makeDigestStream);
})(globalThis.__switchyard);
