// Switchyard prelude 2/6: TextEncoder, TextDecoder (every encoding of the Encoding Standard that
// workerd decodes: UTF-8 here, the others through natives over ICU's converters).
(function (natives) {
  'use strict';
  const $ = natives.$;

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') {
      return natives.utf8Encode(String(input));
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('The "destination" argument must be a Uint8Array.');
      source = String(source);
      let read = 0, written = 0;
      const cap = destination.length;
      for (let i = 0; i < source.length; i++) {
        let c = source.charCodeAt(i);
        let units = 1;
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < source.length) {
          const d = source.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); units = 2; }
          else c = 0xfffd;
        } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (written + n > cap) break;
        if (n === 1) destination[written++] = c;
        else if (n === 2) { destination[written++] = 0xc0 | (c >> 6); destination[written++] = 0x80 | (c & 63); }
        else if (n === 3) { destination[written++] = 0xe0 | (c >> 12); destination[written++] = 0x80 | ((c >> 6) & 63); destination[written++] = 0x80 | (c & 63); }
        else { destination[written++] = 0xf0 | (c >> 18); destination[written++] = 0x80 | ((c >> 12) & 63); destination[written++] = 0x80 | ((c >> 6) & 63); destination[written++] = 0x80 | (c & 63); }
        read += units;
        if (units === 2) i++;
      }
      return { read, written };
    }
  }
  $.tag(TextEncoder);

  // The Encoding Standard's labels (encodings.json) as workerd accepts them: "replacement" and its
  // labels are refused. One string per encoding: its name, then its other labels. Parsed into a
  // Map the first time a label other than "utf-8" is asked for.
  const LABELS = 'utf-8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf8 x-unicode20utf8|' +
    'ibm866 866 cp866 csibm866|' +
    'iso-8859-2 csisolatin2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2|' +
    'iso-8859-3 csisolatin3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3|' +
    'iso-8859-4 csisolatin4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4|' +
    'iso-8859-5 csisolatincyrillic cyrillic iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988|' +
    'iso-8859-6 arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987|' +
    'iso-8859-7 csisolatingreek ecma-118 elot_928 greek greek8 iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek|' +
    'iso-8859-8 csiso88598e csisolatinhebrew hebrew iso-8859-8-e iso-ir-138 iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual|' +
    'iso-8859-8-i csiso88598i logical|' +
    'iso-8859-10 csisolatin6 iso-ir-157 iso8859-10 iso885910 l6 latin6|' +
    'iso-8859-13 iso8859-13 iso885913|iso-8859-14 iso8859-14 iso885914|' +
    'iso-8859-15 csisolatin9 iso8859-15 iso885915 iso_8859-15 l9|iso-8859-16|' +
    'koi8-r cskoi8r koi koi8 koi8_r|koi8-u koi8-ru|macintosh csmacintosh mac x-mac-roman|' +
    'windows-874 dos-874 iso-8859-11 iso8859-11 iso885911 tis-620|' +
    'windows-1250 cp1250 x-cp1250|windows-1251 cp1251 x-cp1251|' +
    'windows-1252 ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii x-cp1252|' +
    'windows-1253 cp1253 x-cp1253|' +
    'windows-1254 cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 x-cp1254|' +
    'windows-1255 cp1255 x-cp1255|windows-1256 cp1256 x-cp1256|windows-1257 cp1257 x-cp1257|' +
    'windows-1258 cp1258 x-cp1258|x-mac-cyrillic x-mac-ukrainian|' +
    'gbk chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 iso-ir-58 x-gbk|gb18030|' +
    'big5 big5-hkscs cn-big5 csbig5 x-x-big5|euc-jp cseucpkdfmtjapanese x-euc-jp|' +
    'iso-2022-jp csiso2022jp|shift_jis csshiftjis ms932 ms_kanji shift-jis sjis windows-31j x-sjis|' +
    'euc-kr cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 windows-949|' +
    'utf-16be unicodefffe|utf-16le csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16|x-user-defined';
  // Decoded by ICU converters that keep state between chunks; the others are single-byte tables.
  const STATEFUL = new Set(['utf-16le', 'utf-16be', 'gbk', 'gb18030', 'big5', 'euc-jp', 'iso-2022-jp', 'shift_jis', 'euc-kr']);
  let labelMap = null;
  // The Encoding Standard's "get an encoding": ASCII whitespace trimmed, ASCII case-insensitive.
  function encodingForLabel(label) {
    if (label === 'utf-8') return label;
    if (labelMap === null) {
      labelMap = new Map();
      for (const group of LABELS.split('|')) {
        const names = group.split(' ');
        for (const l of names) labelMap.set(l, names[0]);
      }
    }
    const key = label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').replace(/[A-Z]+/g, (m) => m.toLowerCase());
    return labelMap.get(key);
  }
  // Number of bytes at the end of `u8` that form an incomplete (but so far valid-looking) sequence.
  function incompleteTail(u8) {
    const n = u8.length;
    for (let back = 1; back <= 3 && back <= n; back++) {
      const b = u8[n - back];
      if ((b & 0xc0) === 0x80) continue; // continuation byte, keep looking for the lead
      const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
      if (need === 1) return 0;
      if (need > back) {
        // check the second byte against the lead's allowed range so truly invalid prefixes are not held
        if (back >= 2) {
          const s = u8[n - back + 1];
          if (b === 0xe0 && s < 0xa0) return 0;
          if (b === 0xed && s > 0x9f) return 0;
          if (b === 0xf0 && s < 0x90) return 0;
          if (b === 0xf4 && s > 0x8f) return 0;
        }
        return back;
      }
      return 0;
    }
    return 0;
  }
  const decodeFailed = 'Failed to decode input.';
  function inputBytes(input) {
    if (input === undefined || input === null) return new Uint8Array(0);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    throw new TypeError("Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type 'Array'.");
  }
  // Every encoding but UTF-8 (kept apart so UTF-8's decode stays small and fast).
  function decodeLegacy(d, input, options) {
    const stream = !!(options && options.stream);
    const bytes = inputBytes(input);
    if (!STATEFUL.has(d.encoding)) return natives.decodeSingleByte(d.encoding, bytes, d.fatal);
    if (d.handle === null) d.handle = natives.decoderOpen(d.encoding, d.fatal);
    let s;
    try {
      s = natives.decoderDecode(d.handle, bytes, !stream);
    } catch (e) {
      d.bomSeen = false;
      throw new TypeError(decodeFailed);
    }
    // Only the Unicode encodings have a BOM to strip (the UTF-16 ones here).
    if (!d.bomSeen && s.length > 0 && (d.encoding === 'utf-16le' || d.encoding === 'utf-16be')) {
      d.bomSeen = true;
      if (!d.ignoreBOM && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    if (!stream) d.bomSeen = false;
    return s;
  }
  class TextDecoder {
    #fatal; #ignoreBOM; #pending = null; #bomSeen = false; #legacy = null;
    constructor(label = undefined, options = undefined) {
      let encoding = 'utf-8';
      if (label !== undefined) {
        label = String(label);
        encoding = encodingForLabel(label);
        if (encoding === undefined) throw new RangeError('"' + label + '" is not a valid encoding.');
      }
      if (options === undefined || options === null) options = {};
      else if (typeof options !== 'object' && typeof options !== 'function') {
        throw new TypeError("Failed to construct 'TextDecoder': constructor parameter 2 is not of type 'ConstructorOptions'.");
      }
      this.#fatal = !!options.fatal;
      this.#ignoreBOM = !!options.ignoreBOM;
      if (encoding !== 'utf-8') this.#legacy = { encoding, fatal: this.#fatal, ignoreBOM: this.#ignoreBOM, handle: null, bomSeen: false };
    }
    get encoding() { return this.#legacy === null ? 'utf-8' : this.#legacy.encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input = undefined, options = undefined) {
      if (this.#legacy !== null) return decodeLegacy(this.#legacy, input, options);
      const stream = !!(options && options.stream);
      let bytes = inputBytes(input);
      if (this.#pending) { bytes = $.concatBytes([this.#pending, bytes]); this.#pending = null; }
      if (stream) {
        const tail = incompleteTail(bytes);
        if (tail) { this.#pending = $.copyBytes(bytes.subarray(bytes.length - tail)); bytes = bytes.subarray(0, bytes.length - tail); }
      }
      let s;
      try {
        s = natives.utf8Decode(bytes, this.#fatal);
      } catch (e) {
        this.#pending = null; this.#bomSeen = false;
        throw new TypeError(decodeFailed);
      }
      if (!this.#bomSeen && s.length > 0) {
        this.#bomSeen = true;
        if (!this.#ignoreBOM && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      }
      if (!stream) { this.#bomSeen = false; this.#pending = null; }
      return s;
    }
  }
  $.tag(TextDecoder);
  $.TextEncoder = TextEncoder; $.TextDecoder = TextDecoder;
  $.defineGlobal('TextEncoder', TextEncoder);
  $.defineGlobal('TextDecoder', TextDecoder);
})(globalThis.__switchyard);
