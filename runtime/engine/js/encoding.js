// Switchyard prelude 2/6: TextEncoder, TextDecoder (UTF-8 only, like workerd's default build).
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

  const utf8Labels = ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'];
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
  class TextDecoder {
    #fatal; #ignoreBOM; #pending = null; #bomSeen = false;
    constructor(label = 'utf-8', options = undefined) {
      const l = String(label).trim().toLowerCase();
      if (!utf8Labels.includes(l)) throw new RangeError('The "' + label + '" encoding is not supported');
      options = options == null ? {} : options;
      if (typeof options !== 'object') throw new TypeError('The "options" argument must be an object.');
      this.#fatal = !!options.fatal;
      this.#ignoreBOM = !!options.ignoreBOM;
    }
    get encoding() { return 'utf-8'; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input = undefined, options = undefined) {
      const stream = !!(options && options.stream);
      let bytes = input === undefined || input === null ? new Uint8Array(0) : $.toBytes(input, 'The "input" argument');
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
        throw new TypeError('The encoded data was not valid for encoding utf-8');
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
  $.defineGlobal('TextEncoder', TextEncoder);
  $.defineGlobal('TextDecoder', TextDecoder);
})(globalThis.__switchyard);
