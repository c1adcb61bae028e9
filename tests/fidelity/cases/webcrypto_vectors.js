// oracle: node workerd
// WebCrypto against published test vectors (RFC 4231 HMAC, RFC 8032 Ed25519, RFC 7748 X25519,
// RFC 5869 HKDF, RFC 6070 PBKDF2, NIST SP 800-38A AES-CBC/CTR, McGrew-Viega GCM test cases,
// RFC 3394 AES-KW) and against Node 20: signatures and ciphertext below were made by the pinned
// Node 20.20.2 (tests/fidelity/oracle) with WebCrypto, by a script that generated an RSA-2048 key
// and P-256/384/521 ECDSA keys, exported them (pkcs8, spki) and signed "signed by node 20"
// (RS256, PS256 with saltLength 32, ES256/384/512) and RSA-OAEP-256-encrypted it with label
// 01 02 03. Each check answers the value computed and whether it is the published one; deterministic
// outputs (HMAC, RSASSA-PKCS1-v1_5, Ed25519, ciphers, KDFs) compare byte for byte with both oracles,
// which is the cross-check that Switchyard's signatures verify elsewhere and the reverse.
const NODE = {
  "rsaPkcs8": "MIIEuwIBADANBgkqhkiG9w0BAQEFAASCBKUwggShAgEAAoIBAQDRyCLTLcDalMZHWsKoe5DwTEnwlDk3TLkTijvjX/W9tx9HVKfMTg3vRB5Uh1uy+t/mQnO/2KzeHwR+7ZT3YFeUq4RDv4Hj76oOTDZsU+tH5lBPxtDkOYpDMXUwRflysI4iWiP5OOG/01iGmL9j/99+r/dYBS2z4FW8Jl0DvL38uPu0cAhYJ9r8s6fTPUM5zv5SLo4Wr2letI/rE5feH9NPvwYOFt7IecpnZm1GuAmxfgwhIyEgKCLnvKROdL/hBo/vHths7eCtBp9imu7l7chOfOmA3xIMU2MSd3PpjUk3AxZQXTxfiZSPENBBN+xGRz4EvdmvKKGe7f+g+an0qtQnAgMBAAECggEADXhaPBn9kN3E+9Vf8rZv51vX0wL4Wh8YoFeSq3GlPJMsBtheTDEUA7HFCoOXFVZJIC/AcYPaWS8tipTozaonlYCwwVctYhxx7szO2Ba2PCJexqd0NXWmGh4jTO3KdRQakynSSTpMzJSVZC35RB3ROZNpibnFr1j9SFOtuHGR97xT1MpojjqMz74j6t1rI7QDMt0KLJDiRPzHwubDAD0g9+bx2ERMBM0Cipsn6DX+qKePFeY4Jlc7bW+4m1830ouoEeaDJte3Kb2f+erCV/r2fNG2O3K3VBzhRTdA0M3toH0XxdJoBt0pjrrn7UYWQors23zQn/FYfGL3x2bKgA3yeQKBgQDtauImeanzw3aw48RqDln6VWn2GkWV9xA4QifOcocaPp39NEhUExB1mGusp4kevXaWSSXIA5lyfsPUx+huTjEkQoF6xtsi/3Jzb5ox/mlTWsxG49i2GK+JfPFXNMQ5gpuwIU5m51lGw7KkJON2lI9A8XRX1iO4mVWIuZtq9akeywKBgQDiM4SAXWl+wwFH1hMxluzHSnTWZC9JeZXIlEiigOyXodVYiiyyOBCPzD40OD1wZuFH4sYHeyqc+M0yywPPzVGOEGHtaeYNqADtFT4hTAprqovRjOphV3Tn6LsdSPNBE7ALr0tzmLTLA/5wlPjzHSiPYhQ31e1XW2fE++mztA64lQKBgHHEAdJGAnZYd4uT2Q6pCdy3CStws1+FIDSVHtYCc1LUJoiqgO4opH51J0N4lHAygZzKOFx7vQ/sRpKzqGES/uFNLRZUK7W9im5eUBkcvAPBQpnFnJbFhXfwcwVCt7SHLWtcymDtAw6xv+x/8K9lyK9qBEICzuMqNp5psluyk/O5AoGBAJYV0KjLUiAFi2f6pqmUlm50/KjzuFxsC/IWUUthd5n0ivZAV/+4K2T+A5fqaPmXiYqE8RgtpMyaWKyG/3R1qtM0E4XPahFNk6+7FIpLRe7CLhtQAIOt36ewR9bafGyFf52BJfMBM5QwhjZ04emNQ0g/r2KM0vnPcD7HVv0hT1MxAn9taaKVliI6Z40Utg2r0+gNkedqzsJIfinolR/RojWV0p9FiqGekUp7OEOz/lwQjIIrOFCJNJsSd+l2ca4ehPmx03VurZrjp4DYXQm7gk3h3ZETipLaSCVTUM6txWTSTUwPViGKdZpn5MJlLi9a2SbDaR4M8NqpfJdtGBycMDL+",
  "rsaSpki": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0cgi0y3A2pTGR1rCqHuQ8ExJ8JQ5N0y5E4o741/1vbcfR1SnzE4N70QeVIdbsvrf5kJzv9is3h8Efu2U92BXlKuEQ7+B4++qDkw2bFPrR+ZQT8bQ5DmKQzF1MEX5crCOIloj+Tjhv9NYhpi/Y//ffq/3WAUts+BVvCZdA7y9/Lj7tHAIWCfa/LOn0z1DOc7+Ui6OFq9pXrSP6xOX3h/TT78GDhbeyHnKZ2ZtRrgJsX4MISMhICgi57ykTnS/4QaP7x7YbO3grQafYpru5e3ITnzpgN8SDFNjEndz6Y1JNwMWUF08X4mUjxDQQTfsRkc+BL3Zryihnu3/oPmp9KrUJwIDAQAB",
  "rs256": "eqzEwaJQqjLPnwszW3H2Cb4d+E/pH2B//Qg2+kjZRUSsmXpfu3FinGwg+x+0L6mstDOijTY9CFSGIqKXmnl6E+MAt4N6whfwHqpPFn1w/F7T5h5prkn4O8mYsCsHbWoiBPbU+xww8qSQU8icH2YtYQ9tKqaPZ3b21D53dDWSLaiAi7+Bm6XCaAR6zjE0zbSrTLYBaskfDZYs5ywyKxetw+lsh08fbT/QHBZkO4IBzMfrv09ULlSkD5Cq9k0+lFJ0lOfZdy9Cu4JQ8LUVWXCI0Uo2+tzWurCs7Vx1CikNu1RCe/DEiI1RXraUjt3rlyYoHU9RzMTLWMoca/7Ulyrs9w==",
  "ps256": "qyKtdu7qZdOwNubLI4OPFtULSFB6m8W8XiHiACvKKlqOJyTE7SkbshNPGy1tj6BL7GtmlQA7bTgMYr+UWxDFQZxTQDl0cIyKmMVQ85odyPdRO+YvbvsciRldMu8w1efIOwU0eP9UoZ5Yk3tr8raD5J9yz0F+9BTl22DY4ucGhB1OQmdGm/W4UzH7gfRQsnNeGSNIXRb8Axs7BxsKvN2KMss5Xe1WojLOeAP20zipt3qCWCzO+Wj7Jq0g0JJ+XTWF25lSVA9ksJPAkBeIqBffv2pG+tjKBIWDsijbNy+WuwJ0Ykg6nwSB20j7jWJeSLFQRxoQu+q0os17gQt+2qryuA==",
  "oaep": "mJk6b9qWiKKiCbn7Wp4sEj8X4SQDef1Q7mtsIq889c44gH/e3fJ1LoFn03klJjSjbffnCRNm3ycdsdzI0qmybp+dnppz+HFSVBEPYIdkELHtj1WGH1t97/oiVdvR41rCLKFU9YvyfTkD3LqrOmHGejY+gZ7wWqp3pPANCSCYnJywyrpitMsF0o1o6pjXHgbWNej1mM/qlCl45AgIOh89YOS62whcLSXbAMVoPDvuSDsnJz/Mk+Ktg4x1pSsdDm/krkRLyNyu5u03GSubefZB0XrFt+NzhiNHFP0HXV/GKp5fYaYwhTxRNQ4RZ1Uts2GWJouRkceb5y5lbx4myofsvw==",
  "ec256Pkcs8": "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+/zVgoIoovxktPB1FTvd7JYNtFa9Am6Na1ShwhW20kahRANCAAQ0+0kYX5bKPubzk/XoyalTxrFNMy6tBYxp+gqyU9CZTnnwjC+c2IYeSzRmCXc1kQawExpFCWwkuCUevxdtx2um",
  "ec256Spki": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENPtJGF+Wyj7m85P16MmpU8axTTMurQWMafoKslPQmU558IwvnNiGHks0Zgl3NZEGsBMaRQlsJLglHr8Xbcdrpg==",
  "es256": "qMFFuYJ57kP4qrAvFUfD3pq5JMweDdKfXIATUR4wbYhjpc5CoMrOlfu31j7KjiIzoSfUtVtPEljhlB9wuVaP+A==",
  "ec384Pkcs8": "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDBXSuE4fXN5ewfokwB0Cr7xx+l4tZ5MZOB6Dz5ymrz4ybkzDjNoySER18+h0lk+kDahZANiAASwTAoxoFmVAN5HlaS1rFILeTIbjw917x0mMr7we2AHGJeX5ypKZWdCHnzclbnqUreouOqAotAwVIZjC6enE9PsxoGYhcakmEWQWDpQ0+YkctP4Zn13nW/lNkFvnEVF/0I=",
  "ec384Spki": "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEsEwKMaBZlQDeR5WktaxSC3kyG48Pde8dJjK+8HtgBxiXl+cqSmVnQh583JW56lK3qLjqgKLQMFSGYwunpxPT7MaBmIXGpJhFkFg6UNPmJHLT+GZ9d51v5TZBb5xFRf9C",
  "es384": "mOVr8A9v7by9xABtRnX5KHiYgmmOo0jgwgItxnj7QiI9wkzfz0Na9LYM873J27ZYOidjiBAJ569CHmoOrXaeI5a+5js7xsXj0J6q0R78oSewxC9tP1BoNmGcXucvgGPQ",
  "ec521Pkcs8": "MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIAfgixTMaxTlEjlXuhKUl1sUpMbro/mTZTcHPFukBfOzx62W90wvOx9LQsr51ST+u2Nguup69jNZwQSN9a2uKrgV+hgYkDgYYABAHnr0GCDFmK9bydhf8mSINtrS1WRbx8GzxU9xcBg/z/QttQ9NMH4C8BKjNshK8Vbsh6/SH5WmoUO4cAHy3KXMh7HgClAFhURyxO59PGXkT6HoI+D6I9ZGvgVEYQ7/igbmq2WI//ABVIsNCLAF8M58Jsicw4eNeanLNtyQNr+mV/lHXbGQ==",
  "ec521Spki": "MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQB569BggxZivW8nYX/JkiDba0tVkW8fBs8VPcXAYP8/0LbUPTTB+AvASozbISvFW7Iev0h+VpqFDuHAB8tylzIex4ApQBYVEcsTufTxl5E+h6CPg+iPWRr4FRGEO/4oG5qtliP/wAVSLDQiwBfDOfCbInMOHjXmpyzbckDa/plf5R12xk=",
  "es521": "AUEFB282gNWSu27x4bjpdej71TOwy6d5yjJovLqeN0vOliCKfQd44oZA0d0YaywBwYr6usJtuSACY2Y11Lw9ikRqATI6P0pUhaWXXp0cG4mxK54aejz1WzWNezKMMY650kVAvTjKO7iakONDava/MqXnjaN13FbZv6asAQFVU31f1IbY"
};

const S = crypto.subtle;
const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s) => new Uint8Array((s.match(/../g) || []).map((x) => parseInt(x, 16)));
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const text = (s) => new TextEncoder().encode(s);
const vec = async (p, expected) => { const h = hex(await p); return { hex: h, published: h === expected }; };
const MSG = text('signed by node 20');

const hmac = async (hash, key, data) => {
  const k = await S.importKey('raw', key, { name: 'HMAC', hash }, true, ['sign', 'verify']);
  return S.sign('HMAC', k, data);
};
const pkcs8Ed = (seed) => new Uint8Array([...unhex('302e020100300506032b657004220420'), ...unhex(seed)]);
const pkcs8X = (seed) => new Uint8Array([...unhex('302e020100300506032b656e04220420'), ...unhex(seed)]);
const ED1 = { seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', msg: '', sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b' };
const ED2 = { seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', msg: '72', sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00' };
const X = { a: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', A: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', b: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb', B: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', K: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742' };
const NIST_KEY = unhex('2b7e151628aed2a6abf7158809cf4f3c');
const NIST_PT = unhex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
const aes = (name, key, usages = ['encrypt', 'decrypt']) => S.importKey('raw', key, name, true, usages);
const rsa = (name, format, hash = 'SHA-256') => S.importKey(format, b64(format === 'pkcs8' ? NODE.rsaPkcs8 : NODE.rsaSpki), { name, hash }, true, [format === 'pkcs8' ? (name === 'RSA-OAEP' ? 'decrypt' : 'sign') : (name === 'RSA-OAEP' ? 'encrypt' : 'verify')]);
const ec = (c, format, name = 'ECDSA', usages) => S.importKey(format, b64(NODE['ec' + c.slice(2) + (format === 'pkcs8' ? 'Pkcs8' : 'Spki')]), { name, namedCurve: c }, true, usages || [format === 'pkcs8' ? 'sign' : 'verify']);

export default { async fetch() { return observe({
  // digest
  "sha-1 abc": () => vec(S.digest('SHA-1', text('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d'),
  "sha-256 abc": () => vec(S.digest('SHA-256', text('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'),
  "sha-384 abc": () => vec(S.digest('SHA-384', text('abc')), 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'),
  "sha-512 abc": () => vec(S.digest({ name: 'sha-512' }, text('abc')), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'),
  // RFC 4231
  "hmac rfc4231 1 sha-256": () => vec(hmac('SHA-256', new Uint8Array(20).fill(0x0b), text('Hi There')), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'),
  "hmac rfc4231 1 sha-384": () => vec(hmac('SHA-384', new Uint8Array(20).fill(0x0b), text('Hi There')), 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6'),
  "hmac rfc4231 1 sha-512": () => vec(hmac('SHA-512', new Uint8Array(20).fill(0x0b), text('Hi There')), '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'),
  "hmac rfc4231 2 sha-256": () => vec(hmac('SHA-256', text('Jefe'), text('what do ya want for nothing?')), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'),
  "hmac rfc4231 6 sha-256 (key longer than block)": () => vec(hmac('SHA-256', new Uint8Array(131).fill(0xaa), text('Test Using Larger Than Block-Size Key - Hash Key First')), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'),
  "hmac sha-1": () => vec(hmac('SHA-1', text('key'), text('The quick brown fox jumps over the lazy dog')), 'de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9'),
  "hmac verify": async () => {
    const k = await S.importKey('raw', text('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    const sig = unhex('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const bad = sig.slice(); bad[31] ^= 1;
    return [await S.verify('HMAC', k, sig, text('what do ya want for nothing?')), await S.verify('HMAC', k, bad, text('what do ya want for nothing?')), await S.verify('HMAC', k, sig.slice(0, 16), text('what do ya want for nothing?'))];
  },
  "hmac jwk round trip": async () => {
    const k = await S.importKey('jwk', { kty: 'oct', k: 'SmVmZQ', alg: 'HS256', ext: true, key_ops: ['sign', 'verify'] }, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    const jwk = await S.exportKey('jwk', k);
    return [k.algorithm, Object.keys(jwk).sort(), jwk, hex(await S.exportKey('raw', k))];
  },
  // RFC 8032
  "ed25519 rfc8032 1 sign": async () => vec(S.sign('Ed25519', await S.importKey('pkcs8', pkcs8Ed(ED1.seed), 'Ed25519', true, ['sign']), unhex(ED1.msg)), ED1.sig),
  "ed25519 rfc8032 2 sign": async () => vec(S.sign({ name: 'Ed25519' }, await S.importKey('pkcs8', pkcs8Ed(ED2.seed), { name: 'Ed25519' }, true, ['sign']), unhex(ED2.msg)), ED2.sig),
  "ed25519 rfc8032 2 verify": async () => {
    const k = await S.importKey('raw', unhex(ED2.pub), 'Ed25519', true, ['verify']);
    const bad = unhex(ED2.sig); bad[0] ^= 1;
    return [await S.verify('Ed25519', k, unhex(ED2.sig), unhex(ED2.msg)), await S.verify('Ed25519', k, bad, unhex(ED2.msg))];
  },
  "ed25519 public from private (jwk)": async () => {
    const jwk = await S.exportKey('jwk', await S.importKey('pkcs8', pkcs8Ed(ED1.seed), 'Ed25519', true, ['sign']));
    return [jwk.crv, jwk.kty, jwk.x, jwk.d];
  },
  "ed25519 spki export": async () => hex(await S.exportKey('spki', await S.importKey('raw', unhex(ED1.pub), 'Ed25519', true, ['verify']))),
  // RFC 7748
  "x25519 rfc7748 shared secret": async () => {
    const a = await S.importKey('pkcs8', pkcs8X(X.a), 'X25519', true, ['deriveBits']);
    const B = await S.importKey('raw', unhex(X.B), 'X25519', true, []);
    return vec(S.deriveBits({ name: 'X25519', public: B }, a, 256), X.K);
  },
  "x25519 rfc7748 other side": async () => {
    const b = await S.importKey('pkcs8', pkcs8X(X.b), { name: 'X25519' }, true, ['deriveBits']);
    const A = await S.importKey('raw', unhex(X.A), { name: 'X25519' }, true, []);
    return vec(S.deriveBits({ name: 'X25519', public: A }, b, 256), X.K);
  },
  "x25519 public key from private": async () => (await S.exportKey('jwk', await S.importKey('pkcs8', pkcs8X(X.a), 'X25519', true, ['deriveBits']))).x,
  // RFC 5869
  "hkdf rfc5869 1": async () => vec(S.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: unhex('000102030405060708090a0b0c'), info: unhex('f0f1f2f3f4f5f6f7f8f9') }, await S.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false, ['deriveBits']), 336), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865'),
  "hkdf rfc5869 3 (empty salt, info)": async () => vec(S.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() }, await S.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false, ['deriveBits']), 336), '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8'),
  "hkdf sha-1 rfc5869 4": async () => vec(S.deriveBits({ name: 'HKDF', hash: 'SHA-1', salt: unhex('000102030405060708090a0b0c'), info: unhex('f0f1f2f3f4f5f6f7f8f9') }, await S.importKey('raw', new Uint8Array(11).fill(0x0b), 'HKDF', false, ['deriveBits']), 336), '085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896'),
  // RFC 6070 and the SHA-256 equivalent
  "pbkdf2 rfc6070 c=1": async () => vec(S.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: text('salt'), iterations: 1 }, await S.importKey('raw', text('password'), 'PBKDF2', false, ['deriveBits']), 160), '0c60c80f961f0e71f3a9b524af6012062fe037a6'),
  "pbkdf2 rfc6070 c=2": async () => vec(S.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: text('salt'), iterations: 2 }, await S.importKey('raw', text('password'), 'PBKDF2', false, ['deriveBits']), 160), 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'),
  "pbkdf2 rfc6070 c=4096": async () => vec(S.deriveBits({ name: 'PBKDF2', hash: 'SHA-1', salt: text('salt'), iterations: 4096 }, await S.importKey('raw', text('password'), 'PBKDF2', false, ['deriveBits']), 160), '4b007901b765489abead49d926f721d065a429c1'),
  "pbkdf2 sha-256 c=1": async () => vec(S.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: text('salt'), iterations: 1 }, await S.importKey('raw', text('password'), 'PBKDF2', false, ['deriveBits']), 256), '120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b'),
  "pbkdf2 deriveKey aes-gcm": async () => {
    const base = await S.importKey('raw', text('password'), 'PBKDF2', false, ['deriveKey']);
    const k = await S.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: text('salt'), iterations: 1 }, base, { name: 'AES-GCM', length: 128 }, true, ['encrypt']);
    return [k.algorithm, k.usages, hex(await S.exportKey('raw', k))];
  },
  "hkdf deriveKey hmac": async () => {
    const base = await S.importKey('raw', new Uint8Array(22).fill(0x0b), 'HKDF', false, ['deriveKey']);
    const k = await S.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: new Uint8Array() }, base, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    return [k.algorithm, hex(await S.exportKey('raw', k))];
  },
  // AES: NIST SP 800-38A F.2.1 / F.5.1, GCM test cases 1-2 and 4, RFC 3394 4.1
  "aes-cbc nist f.2.1": async () => vec(S.encrypt({ name: 'AES-CBC', iv: unhex('000102030405060708090a0b0c0d0e0f') }, await aes('AES-CBC', NIST_KEY), NIST_PT).then((c) => c.slice(0, 32)), '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2'),
  "aes-cbc round trip with padding": async () => {
    const k = await aes('AES-CBC', NIST_KEY); const iv = new Uint8Array(16);
    const c = await S.encrypt({ name: 'AES-CBC', iv }, k, text('seventeen bytes!!'));
    return [c.byteLength, new TextDecoder().decode(await S.decrypt({ name: 'AES-CBC', iv }, k, c))];
  },
  "aes-ctr nist f.5.1": async () => vec(S.encrypt({ name: 'AES-CTR', counter: unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), length: 64 }, await aes('AES-CTR', NIST_KEY), NIST_PT), '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff'),
  "aes-ctr counter wraps in its low bits": async () => {
    const k = await aes('AES-CTR', NIST_KEY);
    return hex(await S.encrypt({ name: 'AES-CTR', counter: unhex('00000000000000000000000000000fff'), length: 12 }, k, new Uint8Array(48)));
  },
  "aes-gcm test case 1": async () => vec(S.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, await aes('AES-GCM', new Uint8Array(16)), new Uint8Array(0)), '58e2fccefa7e3061367f1d57a4e7455a'),
  "aes-gcm test case 2": async () => vec(S.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, await aes('AES-GCM', new Uint8Array(16)), new Uint8Array(16)), '0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf'),
  "aes-gcm test case 4 (aad)": async () => vec(S.encrypt({ name: 'AES-GCM', iv: unhex('cafebabefacedbaddecaf888'), additionalData: unhex('feedfacedeadbeeffeedfacedeadbeefabaddad2') }, await aes('AES-GCM', unhex('feffe9928665731c6d6a8f9467308308')), unhex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39')), '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47'),
  "aes-gcm decrypt, tag 96, tampered": async () => {
    const k = await aes('AES-GCM', new Uint8Array(32)); const iv = new Uint8Array(12).fill(7);
    const c = new Uint8Array(await S.encrypt({ name: 'AES-GCM', iv, tagLength: 96 }, k, text('hello')));
    const plain = new TextDecoder().decode(await S.decrypt({ name: 'AES-GCM', iv, tagLength: 96 }, k, c));
    c[0] ^= 1;
    let tampered; try { await S.decrypt({ name: 'AES-GCM', iv, tagLength: 96 }, k, c); tampered = 'accepted'; } catch (e) { tampered = e.name; }
    return [c.length, plain, tampered];
  },
  "aes-kw rfc3394 4.1": async () => {
    const kek = await S.importKey('raw', unhex('000102030405060708090a0b0c0d0e0f'), 'AES-KW', true, ['wrapKey', 'unwrapKey']);
    const key = await S.importKey('raw', unhex('00112233445566778899aabbccddeeff'), 'AES-GCM', true, ['encrypt']);
    const wrapped = await S.wrapKey('raw', key, kek, 'AES-KW');
    const back = await S.unwrapKey('raw', wrapped, kek, 'AES-KW', 'AES-GCM', true, ['decrypt']);
    return [hex(wrapped), wrapped.byteLength === 24 && hex(wrapped) === '1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5', back.algorithm, back.usages, hex(await S.exportKey('raw', back))];
  },
  "wrap jwk with aes-gcm": async () => {
    const kek = await aes('AES-GCM', new Uint8Array(16).fill(1), ['wrapKey', 'unwrapKey']);
    const key = await S.importKey('raw', text('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    const iv = new Uint8Array(12);
    const wrapped = await S.wrapKey('jwk', key, kek, { name: 'AES-GCM', iv });
    const back = await S.unwrapKey('jwk', wrapped, kek, { name: 'AES-GCM', iv }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return [wrapped.byteLength > 16, back.algorithm, back.extractable, hex(await S.sign('HMAC', back, text('what do ya want for nothing?')))];
  },
  // Node-made RSA and ECDSA
  "rs256 node signature verifies": async () => S.verify('RSASSA-PKCS1-v1_5', await rsa('RSASSA-PKCS1-v1_5', 'spki'), b64(NODE.rs256), MSG),
  "rs256 signature equals node's": async () => hex(await S.sign('RSASSA-PKCS1-v1_5', await rsa('RSASSA-PKCS1-v1_5', 'pkcs8'), MSG)) === hex(b64(NODE.rs256)),
  "ps256 node signature verifies": async () => S.verify({ name: 'RSA-PSS', saltLength: 32 }, await rsa('RSA-PSS', 'spki'), b64(NODE.ps256), MSG),
  "ps256 wrong salt length": async () => S.verify({ name: 'RSA-PSS', saltLength: 20 }, await rsa('RSA-PSS', 'spki'), b64(NODE.ps256), MSG),
  "ps256 own round trip": async () => S.verify({ name: 'RSA-PSS', saltLength: 32 }, await rsa('RSA-PSS', 'spki'), await S.sign({ name: 'RSA-PSS', saltLength: 32 }, await rsa('RSA-PSS', 'pkcs8'), MSG), MSG),
  "rsa-oaep decrypts node ciphertext": async () => new TextDecoder().decode(await S.decrypt({ name: 'RSA-OAEP', label: new Uint8Array([1, 2, 3]) }, await rsa('RSA-OAEP', 'pkcs8'), b64(NODE.oaep))),
  "rsa-oaep round trip": async () => {
    const c = await S.encrypt({ name: 'RSA-OAEP' }, await rsa('RSA-OAEP', 'spki'), text('secret'));
    return [c.byteLength, new TextDecoder().decode(await S.decrypt({ name: 'RSA-OAEP' }, await rsa('RSA-OAEP', 'pkcs8'), c))];
  },
  "rsa key shapes": async () => { const k = await rsa('RSASSA-PKCS1-v1_5', 'pkcs8'); return [k.type, k.algorithm, k.usages]; },
  "rsa jwk export and re-import": async () => {
    const jwk = await S.exportKey('jwk', await rsa('RSASSA-PKCS1-v1_5', 'pkcs8'));
    const k = await S.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
    return [Object.keys(jwk).sort(), jwk.alg, hex(await S.exportKey('pkcs8', k)) === hex(b64(NODE.rsaPkcs8)), hex(await S.sign('RSASSA-PKCS1-v1_5', k, MSG)) === hex(b64(NODE.rs256))];
  },
  "rsa spki round trip": async () => hex(await S.exportKey('spki', await rsa('RSASSA-PKCS1-v1_5', 'spki'))) === hex(b64(NODE.rsaSpki)),
  "es256 node signature verifies": async () => S.verify({ name: 'ECDSA', hash: 'SHA-256' }, await ec('P-256', 'spki'), b64(NODE.es256), MSG),
  "es384 node signature verifies": async () => S.verify({ name: 'ECDSA', hash: 'SHA-384' }, await ec('P-384', 'spki'), b64(NODE.es384), MSG),
  "es512 node signature verifies": async () => S.verify({ name: 'ECDSA', hash: 'SHA-512' }, await ec('P-521', 'spki'), b64(NODE.es521), MSG),
  "es256 wrong message": async () => S.verify({ name: 'ECDSA', hash: 'SHA-256' }, await ec('P-256', 'spki'), b64(NODE.es256), text('other')),
  "ecdsa own round trips": async () => {
    const out = [];
    for (const [c, h] of [['P-256', 'SHA-256'], ['P-384', 'SHA-384'], ['P-521', 'SHA-512']]) {
      const sig = await S.sign({ name: 'ECDSA', hash: h }, await ec(c, 'pkcs8'), MSG);
      out.push(sig.byteLength, await S.verify({ name: 'ECDSA', hash: h }, await ec(c, 'spki'), sig, MSG));
    }
    return out;
  },
  "ec jwk, raw and spki exports agree": async () => {
    const out = [];
    for (const c of ['P-256', 'P-384', 'P-521']) {
      const priv = await ec(c, 'pkcs8');
      const jwk = await S.exportKey('jwk', priv);
      const pubJwk = { kty: 'EC', crv: c, x: jwk.x, y: jwk.y };
      const fromJwk = await S.importKey('jwk', pubJwk, { name: 'ECDSA', namedCurve: c }, true, ['verify']);
      const raw = await S.exportKey('raw', fromJwk);
      const fromRaw = await S.importKey('raw', raw, { name: 'ECDSA', namedCurve: c }, true, ['verify']);
      out.push(Object.keys(jwk).sort(), raw.byteLength, hex(await S.exportKey('spki', fromRaw)) === hex(b64(NODE['ec' + c.slice(2) + 'Spki'])));
      const again = await S.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: c }, true, ['sign']);
      out.push(hex(await S.exportKey('pkcs8', again)).length > 0);
    }
    return out;
  },
  "ecdh between node's p-256 keys": async () => {
    const priv = await ec('P-256', 'pkcs8', 'ECDH', ['deriveBits']);
    const pub = await ec('P-256', 'spki', 'ECDH', []);
    return [hex(await S.deriveBits({ name: 'ECDH', public: pub }, priv, 256)), hex(await S.deriveBits({ name: 'ECDH', public: pub }, priv, 100))];
  },
}); } };
