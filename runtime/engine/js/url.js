// Switchyard prelude 3/6: URL and URLSearchParams, following the WHATWG URL Standard's basic URL
// parser (state machine), host parser (domains, IPv4 incl. hex/octal/short forms, IPv6, opaque
// hosts), percent-encode sets, serializer and API setters. IDNA: lowercasing + NFC + Punycode.
(function (natives) {
  'use strict';
  const $ = natives.$;

  const special = { 'ftp': 21, 'file': null, 'http': 80, 'https': 443, 'ws': 80, 'wss': 443 };
  const isSpecialScheme = (s) => Object.prototype.hasOwnProperty.call(special, s);
  const defaultPort = (s) => (isSpecialScheme(s) ? special[s] : null);

  // Scans are loops, not regular expressions, which would be compiled in every new context
  // (core.js, "character scans").
  const isAsciiAlnum = $.isAsciiAlnum, isAsciiDigit = $.isAsciiDigit, isAsciiHex = $.isAsciiHex;
  // On the parser's code points (one- or two-unit strings; undefined at the end).
  const isAlpha = (c) => c !== undefined && c.length === 1 && $.isAsciiAlpha(c.charCodeAt(0));
  const isDigit = (c) => c !== undefined && c >= '0' && c <= '9';
  const isHex = (c) => c !== undefined && c.length === 1 && isAsciiHex(c.charCodeAt(0));
  const isSchemeChar = (c) => c !== undefined && c.length === 1 && isSchemeCode(c.charCodeAt(0));
  const isSchemeCode = (c) => isAsciiAlnum(c) || c === 0x2b || c === 0x2d || c === 0x2e;
  const isOctal = (c) => c >= 0x30 && c <= 0x37;
  const isC0OrSpace = (c) => c <= 0x20;
  const isTabOrNewline = (c) => c === 0x09 || c === 0x0a || c === 0x0d;

  // percent-encode sets as predicates on a code point (number)
  const inC0 = (c) => c < 0x20 || c > 0x7e;
  const inFragment = (c) => inC0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
  const inQuery = (c) => inC0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
  const inSpecialQuery = (c) => inQuery(c) || c === 0x27;
  const inPath = (c) => inQuery(c) || c === 0x3f || c === 0x5e || c === 0x60 || c === 0x7b || c === 0x7d;
  const inUserinfo = (c) => inPath(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 ||
    (c >= 0x5b && c <= 0x5d) || c === 0x7c;
  const inComponent = (c) => inUserinfo(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
  const inForm = (c) => inComponent(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

  const HEXU = '0123456789ABCDEF';
  const pct = (b) => '%' + HEXU[b >> 4] + HEXU[b & 15];
  function utf8Bytes(cp) {
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) return [cp];
    if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
    if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  }
  function encodeCp(ch, set, spaceAsPlus) {
    const cp = ch.codePointAt(0);
    if (spaceAsPlus && cp === 0x20) return '+';
    if (!set(cp)) return ch;
    let out = '';
    for (const b of utf8Bytes(cp)) out += pct(b);
    return out;
  }
  function encodeStr(s, set, spaceAsPlus) {
    let out = '';
    for (const ch of s) out += encodeCp(ch, set, spaceAsPlus);
    return out;
  }
  function percentDecodeBytes(bytes) {
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && isAsciiHex(bytes[i + 1]) && isAsciiHex(bytes[i + 2])) {
        out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16)); i += 2;
      } else out.push(b);
    }
    return new Uint8Array(out);
  }
  const percentDecodeString = (s) => percentDecodeBytes(natives.utf8Encode(s));
  const utf8DecodeNoBOM = (u8) => natives.utf8Decode(u8, false);

  // ---- hosts ----
  const FAILURE = Symbol('failure');
  // The forbidden host code points, and the forbidden domain ones (those, C0 controls, %, DEL).
  function isForbiddenHostCode(c) {
    switch (c) {
      case 0x00: case 0x09: case 0x0a: case 0x0d: case 0x20: case 0x23: case 0x2f: case 0x3a:
      case 0x3c: case 0x3e: case 0x3f: case 0x40: case 0x5b: case 0x5c: case 0x5d: case 0x5e:
      case 0x7c: return true;
      default: return false;
    }
  }
  const isForbiddenDomainCode = (c) => c <= 0x1f || c === 0x25 || c === 0x7f || isForbiddenHostCode(c);

  function parseIPv4Number(s) {
    if (s === '') return FAILURE;
    let R = 10;
    if (s.length >= 2 && (s.startsWith('0x') || s.startsWith('0X'))) { R = 16; s = s.slice(2); }
    else if (s.length >= 2 && s[0] === '0') { R = 8; s = s.slice(1); }
    if (s === '') return 0;
    if (!$.madeOf(s, R === 10 ? isAsciiDigit : R === 16 ? isAsciiHex : isOctal)) return FAILURE;
    // may exceed 2^53 for long inputs; that's fine since it only has to compare > limits
    return R === 16 ? parseInt(s, 16) : R === 8 ? parseInt(s, 8) : parseInt(s, 10);
  }
  function endsInANumber(s) {
    const parts = s.split('.');
    if (parts[parts.length - 1] === '') {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== '') {
      let i = 0;
      while (i < last.length && isAsciiDigit(last.charCodeAt(i))) i++;
      if (i === last.length) return true;
    }
    return parseIPv4Number(last) !== FAILURE;
  }
  function parseIPv4(s) {
    const parts = s.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return FAILURE;
    const nums = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (n === FAILURE) return FAILURE;
      nums.push(n);
    }
    for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return FAILURE;
    if (nums[nums.length - 1] >= Math.pow(256, 5 - nums.length)) return FAILURE;
    let ipv4 = nums[nums.length - 1];
    for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * Math.pow(256, 3 - i);
    const out = [];
    for (let i = 0; i < 4; i++) { out.unshift(String(ipv4 % 256)); ipv4 = Math.floor(ipv4 / 256); }
    return out.join('.');
  }
  function parseIPv6(input) {
    const addr = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0, compress = null, p = 0;
    const s = Array.from(input);
    const c = () => s[p];
    if (c() === ':') {
      if (s[p + 1] !== ':') return FAILURE;
      p += 2; pieceIndex++; compress = pieceIndex;
    }
    while (c() !== undefined) {
      if (pieceIndex === 8) return FAILURE;
      if (c() === ':') {
        if (compress !== null) return FAILURE;
        p++; pieceIndex++; compress = pieceIndex; continue;
      }
      let value = 0, length = 0;
      while (length < 4 && isHex(c())) { value = value * 16 + parseInt(c(), 16); p++; length++; }
      if (c() === '.') {
        if (length === 0) return FAILURE;
        p -= length;
        if (pieceIndex > 6) return FAILURE;
        let numbersSeen = 0;
        while (c() !== undefined) {
          let ipv4Piece = null;
          if (numbersSeen > 0) {
            if (c() === '.' && numbersSeen < 4) p++;
            else return FAILURE;
          }
          if (!isDigit(c())) return FAILURE;
          while (isDigit(c())) {
            const n = c().charCodeAt(0) - 48;
            if (ipv4Piece === null) ipv4Piece = n;
            else if (ipv4Piece === 0) return FAILURE;
            else ipv4Piece = ipv4Piece * 10 + n;
            if (ipv4Piece > 255) return FAILURE;
            p++;
          }
          addr[pieceIndex] = addr[pieceIndex] * 0x100 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return FAILURE;
        break;
      } else if (c() === ':') {
        p++;
        if (c() === undefined) return FAILURE;
      } else if (c() !== undefined) return FAILURE;
      addr[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const t = addr[pieceIndex]; addr[pieceIndex] = addr[compress + swaps - 1]; addr[compress + swaps - 1] = t;
        pieceIndex--; swaps--;
      }
    } else if (pieceIndex !== 8) return FAILURE;
    return addr;
  }
  function serializeIPv6(addr) {
    let best = -1, bestLen = 1;
    for (let i = 0; i < 8;) {
      if (addr[i] !== 0) { i++; continue; }
      let j = i; while (j < 8 && addr[j] === 0) j++;
      if (j - i > bestLen) { best = i; bestLen = j - i; }
      i = j;
    }
    let out = '', ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && addr[i] === 0) continue;
      ignore0 = false;
      if (best === i) { out += i === 0 ? '::' : ':'; ignore0 = true; continue; }
      out += addr[i].toString(16);
      if (i !== 7) out += ':';
    }
    return out;
  }

  // Punycode (RFC 3492) encoder for IDNA labels.
  function punycodeEncode(input) {
    const cps = Array.from(input, (ch) => ch.codePointAt(0));
    const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
    let n = 128, delta = 0, bias = 72, out = '';
    for (const c of cps) if (c < 128) out += String.fromCharCode(c);
    const b = out.length; let h = b;
    if (b > 0) out += '-';
    const digit = (d) => String.fromCharCode(d + 22 + 75 * (d < 26));
    const adapt = (delta, numPoints, first) => {
      delta = first ? Math.floor(delta / damp) : delta >> 1;
      delta += Math.floor(delta / numPoints);
      let k = 0;
      while (delta > ((base - tMin) * tMax) >> 1) { delta = Math.floor(delta / (base - tMin)); k += base; }
      return k + Math.floor((base - tMin + 1) * delta / (delta + skew));
    };
    while (h < cps.length) {
      let m = Infinity;
      for (const c of cps) if (c >= n && c < m) m = c;
      delta += (m - n) * (h + 1); n = m;
      for (const c of cps) {
        if (c < n) delta++;
        if (c === n) {
          let q = delta;
          for (let k = base; ; k += base) {
            const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
            if (q < t) break;
            out += digit(t + (q - t) % (base - t));
            q = Math.floor((q - t) / (base - t));
          }
          out += digit(q);
          bias = adapt(delta, h + 1, h === b);
          delta = 0; h++;
        }
      }
      delta++; n++;
    }
    return out;
  }
  // Punycode decoder, only used to validate existing "xn--" labels. Returns null when invalid.
  function punycodeDecode(input) {
    const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
    let n = 128, i = 0, bias = 72;
    const b = input.lastIndexOf('-');
    const out = [];
    for (let j = 0; j < (b < 0 ? 0 : b); j++) { const c = input.charCodeAt(j); if (c >= 0x80) return null; out.push(c); }
    const adapt = (delta, numPoints, first) => {
      delta = first ? Math.floor(delta / damp) : delta >> 1;
      delta += Math.floor(delta / numPoints);
      let k = 0;
      while (delta > ((base - tMin) * tMax) >> 1) { delta = Math.floor(delta / (base - tMin)); k += base; }
      return k + Math.floor((base - tMin + 1) * delta / (delta + skew));
    };
    for (let idx = b < 0 ? 0 : b + 1; idx < input.length;) {
      const oldi = i;
      for (let w = 1, k = base; ; k += base) {
        if (idx >= input.length) return null;
        const c = input.charCodeAt(idx++);
        const digit = c - 48 < 10 ? c - 22 : c - 65 < 26 ? c - 65 : c - 97 < 26 ? c - 97 : base;
        if (digit >= base) return null;
        i += digit * w;
        if (i > 0x7fffffff) return null;
        const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
        if (digit < t) break;
        w *= base - t;
      }
      bias = adapt(i - oldi, out.length + 1, oldi === 0);
      n += Math.floor(i / (out.length + 1));
      if (n > 0x10ffff) return null;
      i %= out.length + 1;
      out.splice(i++, 0, n);
    }
    return String.fromCodePoint(...out);
  }
  function validXnLabels(d) {
    for (const label of d.split('.')) {
      if (!label.startsWith('xn--')) continue;
      const rest = label.slice(4);
      if (rest === '') return false;
      const decoded = punycodeDecode(rest);
      if (decoded === null || decoded === '' || !$.someChar(decoded, $.isNonAscii)) return false;
    }
    return true;
  }
  function domainToASCII(domain) {
    // UTS #46 subset: map fullwidth/ideographic dots, lowercase, drop soft hyphen/ZW joiners, NFC.
    // Every code point the mapping touches is outside ASCII.
    let d = domain.toLowerCase();
    if ($.someChar(d, $.isNonAscii)) {
      d = domain.replace(/[\u3002\uFF0E\uFF61]/g, '.').replace(/[\u00AD\u200B\u2060\uFEFF\u034F\u180B-\u180D\uFE00-\uFE0F]/g, '');
      d = d.toLowerCase();
      if ($.someChar(d, $.isNonAscii)) {
        d = d.normalize('NFKC').toLowerCase();
        d = d.split('.').map((label) => ($.someChar(label, $.isNonAscii) ? 'xn--' + punycodeEncode(label) : label)).join('.');
      }
    }
    if (d === '') return FAILURE;
    if (d.includes('xn--') && !validXnLabels(d)) return FAILURE;
    return d;
  }
  function parseOpaqueHost(input) {
    if ($.someChar(input, isForbiddenHostCode)) return FAILURE;
    return encodeStr(input, inC0);
  }
  function parseHost(input, isOpaque) {
    if (input.startsWith('[')) {
      if (!input.endsWith(']')) return FAILURE;
      const a = parseIPv6(input.slice(1, -1));
      return a === FAILURE ? FAILURE : '[' + serializeIPv6(a) + ']';
    }
    if (isOpaque) return parseOpaqueHost(input);
    const domain = utf8DecodeNoBOM(percentDecodeString(input));
    const ascii = domainToASCII(domain);
    if (ascii === FAILURE) return FAILURE;
    if ($.someChar(ascii, isForbiddenDomainCode)) return FAILURE;
    if (endsInANumber(ascii)) return parseIPv4(ascii);
    return ascii;
  }

  // ---- the basic URL parser ----
  const isWDL = (a, b) => isAlpha(a) && (b === ':' || b === '|');
  const isNormWDL = (s) => s.length === 2 && isAlpha(s[0]) && s[1] === ':';
  function startsWithWDL(cps, p) {
    if (cps.length - p < 2) return false;
    if (!isWDL(cps[p], cps[p + 1])) return false;
    if (cps.length - p === 2) return true;
    const t = cps[p + 2];
    return t === '/' || t === '\\' || t === '?' || t === '#';
  }
  const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
  const isDoubleDot = (s) => { s = s.toLowerCase(); return s === '..' || s === '.%2e' || s === '%2e.' || s === '%2e%2e'; };
  function shortenPath(url) {
    if (url.scheme === 'file' && url.path.length === 1 && isNormWDL(url.path[0])) return;
    url.path.pop();
  }
  const newRecord = () => ({ scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null });
  const hasOpaquePath = (u) => typeof u.path === 'string';
  const includesCredentials = (u) => u.username !== '' || u.password !== '';
  const cannotHaveCredsOrPort = (u) => u.host === null || u.host === '' || u.scheme === 'file';

  const S = {
    SCHEME_START: 1, SCHEME: 2, NO_SCHEME: 3, SPECIAL_RELATIVE_OR_AUTHORITY: 4, PATH_OR_AUTHORITY: 5,
    RELATIVE: 6, RELATIVE_SLASH: 7, SPECIAL_AUTHORITY_SLASHES: 8, SPECIAL_AUTHORITY_IGNORE_SLASHES: 9,
    AUTHORITY: 10, HOST: 11, HOSTNAME: 12, PORT: 13, FILE: 14, FILE_SLASH: 15, FILE_HOST: 16,
    PATH_START: 17, PATH: 18, OPAQUE_PATH: 19, QUERY: 20, FRAGMENT: 21,
  };

  function basicParse(input, base, url, stateOverride) {
    if (!url) {
      url = newRecord();
      input = $.trimChars(input, isC0OrSpace);
    }
    if ($.someChar(input, isTabOrNewline)) input = input.replace(/[\t\n\r]/g, '');
    let state = stateOverride || S.SCHEME_START;
    let buffer = '';
    let atSignSeen = false, insideBrackets = false, passwordTokenSeen = false;
    const cps = Array.from(input);
    const len = cps.length;
    const remainingStartsWith = (p, s) => cps[p + 1] === s;
    for (let p = 0; p <= len; p++) {
      const c = cps[p]; // undefined === EOF
      switch (state) {
        case S.SCHEME_START:
          if (isAlpha(c)) { buffer += c.toLowerCase(); state = S.SCHEME; }
          else if (!stateOverride) { state = S.NO_SCHEME; p--; }
          else return FAILURE;
          break;
        case S.SCHEME:
          if (isSchemeChar(c)) buffer += c.toLowerCase();
          else if (c === ':') {
            if (stateOverride) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
              if ((includesCredentials(url) || url.port !== null) && buffer === 'file') return url;
              if (url.scheme === 'file' && url.host === '') return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === defaultPort(url.scheme)) url.port = null;
              return url;
            }
            buffer = '';
            if (url.scheme === 'file') state = S.FILE;
            else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) state = S.SPECIAL_RELATIVE_OR_AUTHORITY;
            else if (isSpecialScheme(url.scheme)) state = S.SPECIAL_AUTHORITY_SLASHES;
            else if (remainingStartsWith(p, '/')) { state = S.PATH_OR_AUTHORITY; p++; }
            else { url.path = ''; state = S.OPAQUE_PATH; }
          } else if (!stateOverride) { buffer = ''; state = S.NO_SCHEME; p = -1; }
          else return FAILURE;
          break;
        case S.NO_SCHEME:
          if (!base || (hasOpaquePath(base) && c !== '#')) return FAILURE;
          if (hasOpaquePath(base) && c === '#') {
            url.scheme = base.scheme; url.path = base.path; url.query = base.query; url.fragment = ''; state = S.FRAGMENT;
          } else if (base.scheme !== 'file') { state = S.RELATIVE; p--; }
          else { state = S.FILE; p--; }
          break;
        case S.SPECIAL_RELATIVE_OR_AUTHORITY:
          if (c === '/' && remainingStartsWith(p, '/')) { state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES; p++; }
          else { state = S.RELATIVE; p--; }
          break;
        case S.PATH_OR_AUTHORITY:
          if (c === '/') state = S.AUTHORITY;
          else { state = S.PATH; p--; }
          break;
        case S.RELATIVE:
          url.scheme = base.scheme;
          if (c === '/') state = S.RELATIVE_SLASH;
          else if (isSpecialScheme(url.scheme) && c === '\\') state = S.RELATIVE_SLASH;
          else {
            url.username = base.username; url.password = base.password; url.host = base.host; url.port = base.port;
            url.path = base.path.slice(); url.query = base.query;
            if (c === '?') { url.query = ''; state = S.QUERY; }
            else if (c === '#') { url.fragment = ''; state = S.FRAGMENT; }
            else if (c !== undefined) { url.query = null; shortenPath(url); state = S.PATH; p--; }
          }
          break;
        case S.RELATIVE_SLASH:
          if (isSpecialScheme(url.scheme) && (c === '/' || c === '\\')) state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES;
          else if (c === '/') state = S.AUTHORITY;
          else {
            url.username = base.username; url.password = base.password; url.host = base.host; url.port = base.port;
            state = S.PATH; p--;
          }
          break;
        case S.SPECIAL_AUTHORITY_SLASHES:
          if (c === '/' && remainingStartsWith(p, '/')) { state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES; p++; }
          else { state = S.SPECIAL_AUTHORITY_IGNORE_SLASHES; p--; }
          break;
        case S.SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c !== '/' && c !== '\\') { state = S.AUTHORITY; p--; }
          break;
        case S.AUTHORITY:
          if (c === '@') {
            if (atSignSeen) buffer = '%40' + buffer;
            atSignSeen = true;
            for (const ch of buffer) {
              if (ch === ':' && !passwordTokenSeen) { passwordTokenSeen = true; continue; }
              const enc = encodeCp(ch, inUserinfo);
              if (passwordTokenSeen) url.password += enc; else url.username += enc;
            }
            buffer = '';
          } else if (c === undefined || c === '/' || c === '?' || c === '#' || (isSpecialScheme(url.scheme) && c === '\\')) {
            if (atSignSeen && buffer === '') return FAILURE;
            p -= Array.from(buffer).length + 1;
            buffer = '';
            state = S.HOST;
          } else buffer += c;
          break;
        case S.HOST:
        case S.HOSTNAME:
          if (stateOverride && url.scheme === 'file') { p--; state = S.FILE_HOST; }
          else if (c === ':' && !insideBrackets) {
            if (buffer === '') return FAILURE;
            if (stateOverride === S.HOSTNAME) return FAILURE;
            const host = parseHost(buffer, !isSpecialScheme(url.scheme));
            if (host === FAILURE) return FAILURE;
            url.host = host; buffer = ''; state = S.PORT;
          } else if (c === undefined || c === '/' || c === '?' || c === '#' || (isSpecialScheme(url.scheme) && c === '\\')) {
            p--;
            if (isSpecialScheme(url.scheme) && buffer === '') return FAILURE;
            if (stateOverride && buffer === '' && (includesCredentials(url) || url.port !== null)) return FAILURE;
            const host = parseHost(buffer, !isSpecialScheme(url.scheme));
            if (host === FAILURE) return FAILURE;
            url.host = host; buffer = ''; state = S.PATH_START;
            if (stateOverride) return url;
          } else {
            if (c === '[') insideBrackets = true;
            if (c === ']') insideBrackets = false;
            buffer += c;
          }
          break;
        case S.PORT:
          if (isDigit(c)) buffer += c;
          else if (c === undefined || c === '/' || c === '?' || c === '#' || (isSpecialScheme(url.scheme) && c === '\\') || stateOverride) {
            if (buffer !== '') {
              const port = parseInt(buffer, 10);
              if (port > 65535) return FAILURE;
              url.port = port === defaultPort(url.scheme) ? null : port;
              buffer = '';
            }
            if (stateOverride) return url;
            state = S.PATH_START; p--;
          } else return FAILURE;
          break;
        case S.FILE:
          url.scheme = 'file';
          url.host = '';
          if (c === '/' || c === '\\') state = S.FILE_SLASH;
          else if (base && base.scheme === 'file') {
            url.host = base.host; url.path = base.path.slice(); url.query = base.query;
            if (c === '?') { url.query = ''; state = S.QUERY; }
            else if (c === '#') { url.fragment = ''; state = S.FRAGMENT; }
            else if (c !== undefined) {
              url.query = null;
              if (!startsWithWDL(cps, p)) shortenPath(url);
              else url.path = [];
              state = S.PATH; p--;
            }
          } else { state = S.PATH; p--; }
          break;
        case S.FILE_SLASH:
          if (c === '/' || c === '\\') state = S.FILE_HOST;
          else {
            if (base && base.scheme === 'file') {
              url.host = base.host;
              if (!startsWithWDL(cps, p) && base.path.length > 0 && isNormWDL(base.path[0])) url.path.push(base.path[0]);
            }
            state = S.PATH; p--;
          }
          break;
        case S.FILE_HOST:
          if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
            p--;
            if (!stateOverride && buffer.length === 2 && isWDL(buffer[0], buffer[1])) state = S.PATH;
            else if (buffer === '') {
              url.host = '';
              if (stateOverride) return url;
              state = S.PATH_START;
            } else {
              let host = parseHost(buffer, !isSpecialScheme(url.scheme));
              if (host === FAILURE) return FAILURE;
              if (host === 'localhost') host = '';
              url.host = host;
              if (stateOverride) return url;
              buffer = ''; state = S.PATH_START;
            }
          } else buffer += c;
          break;
        case S.PATH_START:
          if (isSpecialScheme(url.scheme)) {
            state = S.PATH;
            if (c !== '/' && c !== '\\') p--;
          } else if (!stateOverride && c === '?') { url.query = ''; state = S.QUERY; }
          else if (!stateOverride && c === '#') { url.fragment = ''; state = S.FRAGMENT; }
          else if (c !== undefined) { state = S.PATH; if (c !== '/') p--; }
          else if (stateOverride && url.host === null) url.path.push('');
          break;
        case S.PATH:
          if (c === undefined || c === '/' || (isSpecialScheme(url.scheme) && c === '\\') || (!stateOverride && (c === '?' || c === '#'))) {
            const slash = c === '/' || (isSpecialScheme(url.scheme) && c === '\\');
            if (isDoubleDot(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push('');
            } else if (isSingleDot(buffer) && !slash) url.path.push('');
            else if (!isSingleDot(buffer)) {
              if (url.scheme === 'file' && url.path.length === 0 && buffer.length === 2 && isWDL(buffer[0], buffer[1])) buffer = buffer[0] + ':';
              url.path.push(buffer);
            }
            buffer = '';
            if (c === '?') { url.query = ''; state = S.QUERY; }
            if (c === '#') { url.fragment = ''; state = S.FRAGMENT; }
          } else buffer += encodeCp(c, inPath);
          break;
        case S.OPAQUE_PATH:
          if (c === '?') { url.query = ''; state = S.QUERY; }
          else if (c === '#') { url.fragment = ''; state = S.FRAGMENT; }
          else if (c !== undefined) url.path += encodeCp(c, inC0);
          break;
        case S.QUERY:
          if ((!stateOverride && c === '#') || c === undefined) {
            url.query += encodeStr(buffer, isSpecialScheme(url.scheme) ? inSpecialQuery : inQuery);
            buffer = '';
            if (c === '#') { url.fragment = ''; state = S.FRAGMENT; }
          } else buffer += c;
          break;
        case S.FRAGMENT:
          if (c !== undefined) url.fragment += encodeCp(c, inFragment);
          break;
      }
    }
    return url;
  }

  function serializePath(u) {
    if (hasOpaquePath(u)) return u.path;
    let out = '';
    for (const seg of u.path) out += '/' + seg;
    return out;
  }
  function serializeURL(u, excludeFragment) {
    let out = u.scheme + ':';
    if (u.host !== null) {
      out += '//';
      if (includesCredentials(u)) {
        out += u.username;
        if (u.password !== '') out += ':' + u.password;
        out += '@';
      }
      out += u.host;
      if (u.port !== null) out += ':' + u.port;
    }
    if (u.host === null && !hasOpaquePath(u) && u.path.length > 1 && u.path[0] === '') out += '/.';
    out += serializePath(u);
    if (u.query !== null) out += '?' + u.query;
    if (!excludeFragment && u.fragment !== null) out += '#' + u.fragment;
    return out;
  }
  // The URL nearly every request carries (http or https, ASCII host, numeric port, a path and
  // query of characters no percent-encode set touches, no dot segments, no fragment), scanned in
  // one pass; it gives the record the basic parser would. Anything else (credentials, IP or
  // punycode hosts, characters to encode, dot segments, a fragment) returns null and goes the
  // whole way (tests/webapi/fixtures/url.js checks both). In regular-expression terms, ASCII
  // case-insensitive: ^(https?)://([a-z0-9.-]+)(?::([0-9]*))?(/[a-z0-9-._~!$&'()*+,;=:@/%]*)?
  // (?:\?([a-z0-9-._~!$&()*+,;=:@/?%]*))?$
  const isPlainHostCode = (c) => isAsciiAlnum(c) || c === 0x2e || c === 0x2d;
  function isPlainPathCode(c) {
    if (isAsciiAlnum(c)) return true;
    switch (c) {
      case 0x21: case 0x24: case 0x25: case 0x26: case 0x27: case 0x28: case 0x29: case 0x2a:
      case 0x2b: case 0x2c: case 0x2d: case 0x2e: case 0x2f: case 0x3a: case 0x3b: case 0x3d:
      case 0x40: case 0x5f: case 0x7e: return true;
      default: return false;
    }
  }
  const isPlainQueryCode = (c) => c === 0x3f || (c !== 0x27 && isPlainPathCode(c));
  const lowerAsciiAt = (s, i) => { const c = s.charCodeAt(i); return c >= 0x41 && c <= 0x5a ? c + 0x20 : c; };
  function parsePlainURL(input) {
    const n = input.length;
    if (lowerAsciiAt(input, 0) !== 0x68 || lowerAsciiAt(input, 1) !== 0x74
      || lowerAsciiAt(input, 2) !== 0x74 || lowerAsciiAt(input, 3) !== 0x70) return null;
    let p = lowerAsciiAt(input, 4) === 0x73 ? 5 : 4;
    const scheme = p === 5 ? 'https' : 'http';
    if (input.charCodeAt(p) !== 0x3a || input.charCodeAt(p + 1) !== 0x2f || input.charCodeAt(p + 2) !== 0x2f) return null;
    p += 3;
    const hostStart = p;
    while (p < n && isPlainHostCode(input.charCodeAt(p))) p++;
    if (p === hostStart) return null;
    const host = input.slice(hostStart, p).toLowerCase();
    let portText = '';
    if (input.charCodeAt(p) === 0x3a) {
      const start = ++p;
      while (p < n && isAsciiDigit(input.charCodeAt(p))) p++;
      portText = input.slice(start, p);
    }
    let pathText = null;
    if (input.charCodeAt(p) === 0x2f) {
      const start = p++;
      while (p < n && isPlainPathCode(input.charCodeAt(p))) p++;
      pathText = input.slice(start, p);
    }
    let query = null;
    if (input.charCodeAt(p) === 0x3f) {
      const start = ++p;
      while (p < n && isPlainQueryCode(input.charCodeAt(p))) p++;
      query = input.slice(start, p);
    }
    if (p !== n) return null;
    if (endsInANumber(host) || host.includes('xn--')) return null;
    let port = null;
    if (portText !== '') {
      port = parseInt(portText, 10);
      if (port > 65535) return null;
      if (port === defaultPort(scheme)) port = null;
    }
    const path = pathText === null ? [''] : pathText.slice(1).split('/');
    for (const segment of path) {
      if (isSingleDot(segment) || isDoubleDot(segment)) return null;
    }
    return { scheme, username: '', password: '', host, port, path, query, fragment: null };
  }
  function parseURLRecord(input, baseStr) {
    if (baseStr === undefined) {
      const plain = parsePlainURL(String(input));
      if (plain !== null) return plain;
    }
    let base = null;
    if (baseStr !== undefined) {
      base = basicParse(String(baseStr), null);
      if (base === FAILURE) return FAILURE;
    }
    return basicParse(String(input), base);
  }
  function stripTrailingSpacesFromOpaquePath(u) {
    if (!hasOpaquePath(u)) return;
    if (u.fragment !== null) return;
    if (u.query !== null) return;
    u.path = u.path.replace(/ +$/, '');
  }

  // ---- application/x-www-form-urlencoded ----
  function formParse(input) {
    const out = [];
    for (const seq of input.split('&')) {
      if (seq === '') continue;
      const i = seq.indexOf('=');
      let name = i >= 0 ? seq.slice(0, i) : seq;
      let value = i >= 0 ? seq.slice(i + 1) : '';
      name = name.replace(/\+/g, ' '); value = value.replace(/\+/g, ' ');
      out.push([utf8DecodeNoBOM(percentDecodeString(name)), utf8DecodeNoBOM(percentDecodeString(value))]);
    }
    return out;
  }
  const toUSV = $.toUSV;
  function formSerialize(list) {
    return list.map(([n, v]) => encodeStr(n, inForm, true) + '=' + encodeStr(v, inForm, true)).join('&');
  }
  $.formParse = formParse; $.formSerialize = formSerialize;

  // ---- URLSearchParams ----
  const spList = $.slot(); // params -> {list, url: URL-state or null}
  function spUpdate(st) {
    if (!st.url) return;
    const s = formSerialize(st.list);
    st.url.query = s === '' ? null : s;
    if (s === '') stripTrailingSpacesFromOpaquePath(st.url);
  }
  const spGet = (self) => { const s = spList.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; };
  class URLSearchParams {
    constructor(init = '') {
      const st = { list: [], url: null };
      spList.set(this, st);
      if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
        if (spList.has(init)) { st.list = spList.get(init).list.map((p) => p.slice()); return; }
        const iter = init[Symbol.iterator];
        if (iter !== undefined && iter !== null) {
          if (typeof iter !== 'function') throw new TypeError('Query pairs must be iterable');
          for (const pair of init) {
            if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function')) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            const arr = Array.from(pair);
            if (arr.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            st.list.push([toUSV(arr[0]), toUSV(arr[1])]);
          }
        } else {
          for (const k of Reflect.ownKeys(init)) {
            const d = Reflect.getOwnPropertyDescriptor(init, k);
            if (d === undefined || !d.enumerable) continue;
            if (typeof k === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
            st.list.push([toUSV(k), toUSV(init[k])]);
          }
        }
      } else {
        let s = toUSV(init);
        if (s.startsWith('?')) s = s.slice(1);
        st.list = formParse(s);
      }
    }
    get size() { return spGet(this).list.length; }
    append(name, value) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'append' on 'URLSearchParams': 2 arguments required.");
      const st = spGet(this); st.list.push([toUSV(name), toUSV(value)]); spUpdate(st);
    }
    delete(name, value = undefined) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'delete' on 'URLSearchParams': 1 argument required.");
      const st = spGet(this); name = toUSV(name);
      if (value !== undefined) { value = toUSV(value); st.list = st.list.filter((p) => !(p[0] === name && p[1] === value)); }
      else st.list = st.list.filter((p) => p[0] !== name);
      spUpdate(st);
    }
    get(name) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'get' on 'URLSearchParams': 1 argument required.");
      name = toUSV(name); const p = spGet(this).list.find((x) => x[0] === name); return p ? p[1] : null;
    }
    getAll(name) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'getAll' on 'URLSearchParams': 1 argument required.");
      name = toUSV(name); return spGet(this).list.filter((x) => x[0] === name).map((x) => x[1]);
    }
    has(name, value = undefined) {
      if (arguments.length < 1) throw new TypeError("Failed to execute 'has' on 'URLSearchParams': 1 argument required.");
      name = toUSV(name);
      if (value !== undefined) { value = toUSV(value); return spGet(this).list.some((x) => x[0] === name && x[1] === value); }
      return spGet(this).list.some((x) => x[0] === name);
    }
    set(name, value) {
      if (arguments.length < 2) throw new TypeError("Failed to execute 'set' on 'URLSearchParams': 2 arguments required.");
      const st = spGet(this); name = toUSV(name); value = toUSV(value);
      const i = st.list.findIndex((x) => x[0] === name);
      if (i < 0) st.list.push([name, value]);
      else { st.list[i][1] = value; st.list = st.list.filter((x, j) => j <= i || x[0] !== name); }
      spUpdate(st);
    }
    sort() {
      const st = spGet(this);
      // stable sort by UTF-16 code units of the name
      st.list = st.list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map((x) => x[0]);
      spUpdate(st);
    }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function.');
      const st = spGet(this);
      for (let i = 0; i < st.list.length; i++) callback.call(thisArg, st.list[i][1], st.list[i][0], this);
    }
    keys() { return makeIter(spGet(this), 'keys'); }
    values() { return makeIter(spGet(this), 'values'); }
    entries() { return makeIter(spGet(this), 'entries'); }
    toString() { return formSerialize(spGet(this).list); }
  }
  Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, { value: URLSearchParams.prototype.entries, writable: true, configurable: true });
  $.tag(URLSearchParams);
  const IterProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const spIterProto = Object.create(IterProto);
  const iterState = $.slot();
  Object.defineProperty(spIterProto, 'next', {
    value: function next() {
      const s = iterState.get(this);
      if (!s) throw new TypeError('Illegal invocation');
      if (s.i >= s.st.list.length) return { value: undefined, done: true };
      const p = s.st.list[s.i++];
      return { value: s.kind === 'keys' ? p[0] : s.kind === 'values' ? p[1] : [p[0], p[1]], done: false };
    }, writable: true, configurable: true,
  });
  Object.defineProperty(spIterProto, Symbol.toStringTag, { value: 'URLSearchParams Iterator', configurable: true });
  function makeIter(st, kind) { const it = Object.create(spIterProto); iterState.set(it, { st, kind, i: 0 }); return it; }

  // ---- URL ----
  const urlState = $.slot(); // URL -> {url: record, params: URLSearchParams}
  const uGet = (self) => { const s = urlState.get(self); if (!s) throw new TypeError('Illegal invocation'); return s; };
  function setRecord(st, rec) {
    st.url = rec;
    const ps = spList.get(st.params);
    ps.url = rec;
    ps.list = rec.query === null ? [] : formParse(rec.query);
  }
  class URL {
    constructor(url, base = undefined) {
      if (arguments.length === 0) throw new TypeError("Failed to construct 'URL': 1 argument required, but only 0 present.");
      const rec = parseURLRecord(toUSV(url), base === undefined ? undefined : toUSV(base));
      if (rec === FAILURE) {
        const e = new TypeError('Invalid URL string.');
        throw e;
      }
      const params = new URLSearchParams();
      const st = { url: null, params };
      urlState.set(this, st);
      setRecord(st, rec);
    }
    static canParse(url, base = undefined) {
      return parseURLRecord(toUSV(url), base === undefined ? undefined : toUSV(base)) !== FAILURE;
    }
    static parse(url, base = undefined) {
      try { return new URL(url, base); } catch (e) { return null; }
    }
    get href() { return serializeURL(uGet(this).url); }
    set href(v) {
      const st = uGet(this);
      const rec = basicParse(toUSV(v), null);
      if (rec === FAILURE) throw new TypeError('Invalid URL string.');
      setRecord(st, rec);
    }
    get origin() {
      const u = uGet(this).url;
      if (u.scheme === 'blob') {
        const inner = basicParse(serializePath(u), null);
        if (inner !== FAILURE && (inner.scheme === 'http' || inner.scheme === 'https')) return inner.scheme + '://' + inner.host + (inner.port !== null ? ':' + inner.port : '');
        return 'null';
      }
      if (u.scheme === 'ftp' || u.scheme === 'http' || u.scheme === 'https' || u.scheme === 'ws' || u.scheme === 'wss') {
        return u.scheme + '://' + u.host + (u.port !== null ? ':' + u.port : '');
      }
      return 'null';
    }
    get protocol() { return uGet(this).url.scheme + ':'; }
    set protocol(v) { const st = uGet(this); basicParse(toUSV(v) + ':', null, st.url, S.SCHEME_START); }
    get username() { return uGet(this).url.username; }
    set username(v) { const u = uGet(this).url; if (cannotHaveCredsOrPort(u)) return; u.username = encodeStr(toUSV(v), inUserinfo); }
    get password() { return uGet(this).url.password; }
    set password(v) { const u = uGet(this).url; if (cannotHaveCredsOrPort(u)) return; u.password = encodeStr(toUSV(v), inUserinfo); }
    get host() {
      const u = uGet(this).url;
      if (u.host === null) return '';
      return u.port === null ? u.host : u.host + ':' + u.port;
    }
    set host(v) { const u = uGet(this).url; if (hasOpaquePath(u)) return; applyOverride(u, toUSV(v), S.HOST); }
    get hostname() { const u = uGet(this).url; return u.host === null ? '' : u.host; }
    set hostname(v) { const u = uGet(this).url; if (hasOpaquePath(u)) return; applyOverride(u, toUSV(v), S.HOSTNAME); }
    get port() { const u = uGet(this).url; return u.port === null ? '' : String(u.port); }
    set port(v) {
      const u = uGet(this).url;
      if (cannotHaveCredsOrPort(u)) return;
      v = toUSV(v);
      if (v === '') u.port = null;
      else applyOverride(u, v, S.PORT);
    }
    get pathname() { return serializePath(uGet(this).url); }
    set pathname(v) {
      const u = uGet(this).url;
      if (hasOpaquePath(u)) return;
      const saved = u.path; u.path = [];
      if (applyOverride(u, toUSV(v), S.PATH_START) === FAILURE) u.path = saved;
    }
    get search() { const u = uGet(this).url; return u.query === null || u.query === '' ? '' : '?' + u.query; }
    set search(v) {
      const st = uGet(this); const u = st.url;
      v = toUSV(v);
      if (v === '') { u.query = null; spList.get(st.params).list = []; stripTrailingSpacesFromOpaquePath(u); return; }
      const input = v[0] === '?' ? v.slice(1) : v;
      u.query = '';
      basicParse(input, null, u, S.QUERY);
      spList.get(st.params).list = formParse(input);
    }
    get searchParams() { return uGet(this).params; }
    get hash() { const u = uGet(this).url; return u.fragment === null || u.fragment === '' ? '' : '#' + u.fragment; }
    set hash(v) {
      const u = uGet(this).url;
      v = toUSV(v);
      if (v === '') { u.fragment = null; stripTrailingSpacesFromOpaquePath(u); return; }
      const input = v[0] === '#' ? v.slice(1) : v;
      u.fragment = '';
      basicParse(input, null, u, S.FRAGMENT);
    }
    toString() { return serializeURL(uGet(this).url); }
    toJSON() { return serializeURL(uGet(this).url); }
  }
  function applyOverride(u, input, state) {
    // run on a copy so failures leave the URL unchanged
    const copy = Object.assign({}, u, { path: hasOpaquePath(u) ? u.path : u.path.slice() });
    const r = basicParse(input, null, copy, state);
    if (r === FAILURE) return FAILURE;
    Object.assign(u, copy);
    return u;
  }
  for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) {
    const d = Object.getOwnPropertyDescriptor(URL.prototype, k); d.enumerable = true; Object.defineProperty(URL.prototype, k, d);
  }
  $.tag(URL);
  $.defineGlobal('URL', URL);
  $.defineGlobal('URLSearchParams', URLSearchParams);
  $.parseURL = function (input, base) { // -> href string or null
    const rec = parseURLRecord(toUSV(input), base === undefined ? undefined : toUSV(base));
    return rec === FAILURE ? null : serializeURL(rec);
  };
  $.isURLSearchParams = (v) => spList.has(v);
  $.toUSV = toUSV;
})(globalThis.__switchyard);
