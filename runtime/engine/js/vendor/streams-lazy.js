// Entry of the lazy prelude file `streams-lazy.js`: the WHATWG streams of web-streams-polyfill (a
// port of the spec's reference implementation: byte streams, BYOB readers, ReadableStream.from,
// the spec's ordering and validation), and what the prelude builds on them: workerd's
// IdentityTransformStream, the encoding and compression streams, and the helpers the bodies of
// Request/Response and the engine use. The prelude's streams.js evaluates it on a Worker's first
// use of a stream and calls install() once.
import {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableStreamDefaultController, ReadableByteStreamController, WritableStream,
  WritableStreamDefaultWriter, WritableStreamDefaultController, TransformStream,
  TransformStreamDefaultController, ByteLengthQueuingStrategy, CountQueuingStrategy,
} from 'web-streams-polyfill';

const classes = {
  ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader, ReadableStreamBYOBRequest,
  ReadableStreamDefaultController, ReadableByteStreamController, WritableStream,
  WritableStreamDefaultWriter, WritableStreamDefaultController, TransformStream,
  TransformStreamDefaultController, ByteLengthQueuingStrategy, CountQueuingStrategy,
};

// Brand checks through the classes' own: each getter throws for anything but its class.
const getter = (cls, name) => Object.getOwnPropertyDescriptor(cls.prototype, name).get;
const lockedOf = getter(ReadableStream, 'locked');
const isReadable = (v) => { try { Reflect.apply(lockedOf, v, []); return true; } catch { return false; } };
const call = (fn, self, ...args) => Reflect.apply(fn, self, args);
const { getReader, cancel: cancelStream, pipeTo } = ReadableStream.prototype;
const { read: readerRead, releaseLock: readerRelease } = ReadableStreamDefaultReader.prototype;
const { getWriter: getWriterOf } = WritableStream.prototype;
const { write: writerWrite } = WritableStreamDefaultWriter.prototype;
const { from: readableFrom } = ReadableStream;
// The prelude's original (vendor/primordials.js), whatever a Worker did to Promise.prototype.then.
const promiseThen = Promise.prototype.then;

export function install(natives, $) {
  const streams = { ...classes };
  for (const cls of Object.values(classes)) $.tag(cls);
  // ReadableStream.from as workerd has it: no declared parameter, workerd's message for nothing.
  Object.defineProperty(ReadableStream, 'from', {
    value: { from(...args) {
      if (args[0] == null) throw new TypeError("Failed to execute 'from' on 'ReadableStream': parameter 1 is not of type 'AsyncGenerator'.");
      return Reflect.apply(readableFrom, this, args);
    } }.from,
    writable: true, enumerable: true, configurable: true,
  });

  // respond() past the view: workerd's message names the count.
  const respond = ReadableStreamBYOBRequest.prototype.respond;
  Object.defineProperty(ReadableStreamBYOBRequest.prototype, 'respond', {
    value: { respond(bytesWritten) {
      try { return Reflect.apply(respond, this, [bytesWritten]); } catch (e) {
        if (e instanceof RangeError && e.message === 'bytesWritten out of range') throw new RangeError('Too many bytes [' + bytesWritten + '] in response to a BYOB read request.');
        throw e;
      }
    } }.respond,
    writable: true, enumerable: true, configurable: true,
  });

  // workerd's identity byte stream.
  class IdentityTransformStream extends TransformStream { constructor() { super(); } }
  $.tag(IdentityTransformStream);
  streams.IdentityTransformStream = IdentityTransformStream;

  const isBytes = (chunk) => chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk);
  // A transform or flush that throws errors both sides, so a reader of the readable side sees it.
  const guarded = (fn) => function (...args) {
    try { fn(...args); } catch (e) { args[args.length - 1].error(e); throw e; }
  };

  const tesState = $.slot();
  class TextEncoderStream extends TransformStream {
    constructor() {
      let pendingHigh = null; // a lead surrogate that ended the previous chunk
      super({
        transform: guarded((chunk, c) => {
          let s = String(chunk);
          if (pendingHigh !== null) { s = pendingHigh + s; pendingHigh = null; }
          if (s.length > 0) {
            const last = s.charCodeAt(s.length - 1);
            if (last >= 0xd800 && last <= 0xdbff) { pendingHigh = s[s.length - 1]; s = s.slice(0, -1); }
          }
          if (s.length > 0) c.enqueue(natives.utf8Encode(s));
        }),
        flush: guarded((c) => { if (pendingHigh !== null) c.enqueue(new Uint8Array([0xef, 0xbf, 0xbd])); }),
      });
      tesState.set(this, true);
    }
    get encoding() { if (!tesState.has(this)) throw new TypeError('Illegal invocation'); return 'utf-8'; }
  }
  $.tag(TextEncoderStream);
  streams.TextEncoderStream = TextEncoderStream;

  const tdsState = $.slot();
  const decoderChunk = (chunk) => {
    if (isBytes(chunk)) return chunk;
    throw new TypeError('This TransformStream is being used as a byte stream, but received a value that is not a BufferSource.');
  };
  class TextDecoderStream extends TransformStream {
    constructor(label = undefined, options = undefined) {
      const decoder = new $.TextDecoder(label, options);
      const streamOptions = { stream: true };
      super({
        transform: guarded((chunk, c) => {
          const s = decoder.decode(decoderChunk(chunk), streamOptions);
          if (s.length > 0) c.enqueue(s);
        }),
        flush: guarded((c) => { const s = decoder.decode(); if (s.length > 0) c.enqueue(s); }),
      });
      tdsState.set(this, decoder);
    }
    #decoder() { const d = tdsState.get(this); if (!d) throw new TypeError('Illegal invocation'); return d; }
    get encoding() { return this.#decoder().encoding; }
    get fatal() { return this.#decoder().fatal; }
    get ignoreBOM() { return this.#decoder().ignoreBOM; }
  }
  $.tag(TextDecoderStream);
  streams.TextDecoderStream = TextDecoderStream;

  // zlib behind natives.zlib*: each call answers a bounded piece of output, and the next piece is
  // made only once the reader has taken the previous one, so a small input that expands without
  // end costs memory only as fast as it is consumed. The readable and writable sides are a pair of
  // our own (a TransformStream's transformer cannot wait for its reader), put in a TransformStream
  // so the class and its sides look as workerd's.
  const zlibChunk = (chunk) => {
    if (isBytes(chunk)) return $.toBytes(chunk);
    throw new TypeError(typeof chunk === 'string'
      ? "This TransformStream is being used as a byte stream, but received a string on its writable side. If you wish to write a string, you'll probably want to explicitly UTF-8-encode it with TextEncoder."
      : 'This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.');
  };
  const FORMATS = ['deflate', 'deflate-raw', 'gzip'];
  function zlibPair(what, format, compress) {
    if (format === undefined) throw new TypeError("Failed to construct '" + what + "': constructor parameter 1 is not of type 'string'.");
    format = String(format);
    if (!FORMATS.includes(format)) throw new TypeError("The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
    let handle = null;
    let rc = null;
    let wake = null; // resolves when the reader asks for more
    const pulled = () => new Promise((resolve) => { wake = resolve; });
    const woken = () => { const w = wake; wake = null; if (w) w(); };
    const close = () => { if (handle !== null) { natives.zlibClose(handle); handle = null; } };
    const drain = async (input, finish) => {
      if (handle === null) handle = natives.zlibOpen(format, compress);
      let out = natives.zlibPush(handle, input, finish);
      while (out !== null) {
        if (out.byteLength > 0) {
          rc.enqueue(out);
          if (rc.desiredSize <= 0) await pulled();
        }
        if (handle === null) return; // canceled meanwhile
        out = natives.zlibPush(handle, null, finish);
      }
    };
    const fail = (e) => { try { rc.error(e); } catch { /* already errored */ } close(); throw e; };
    const readable = new ReadableStream({
      start(c) { rc = c; },
      pull() { woken(); },
      cancel() { woken(); close(); },
    }, { highWaterMark: 1 });
    const writable = new WritableStream({
      write(chunk) {
        let bytes;
        try { bytes = zlibChunk(chunk); } catch (e) { fail(e); }
        if (bytes.byteLength > 0) return drain(bytes, false).catch(fail);
      },
      close() { return drain(null, true).then(() => { close(); rc.close(); }, fail); },
      abort(reason) { try { rc.error(reason); } catch { /* already errored */ } close(); },
    }, { highWaterMark: 1 });
    // As in workerd, a chunk that is not bytes rejects its write() and the stream goes on (through
    // pipeTo it errors the stream, as the spec has it).
    Object.defineProperty(writable, 'getWriter', {
      value: function getWriter() {
        const writer = call(getWriterOf, this);
        Object.defineProperty(writer, 'write', {
          value: function write(chunk = undefined) {
            if (!isBytes(chunk)) { try { zlibChunk(chunk); } catch (e) { return Promise.reject(e); } }
            return call(writerWrite, this, chunk);
          },
          writable: true, configurable: true,
        });
        return writer;
      },
      writable: true, configurable: true,
    });
    return { readable, writable };
  }
  // The pair replaces the one TransformStream's constructor made (the reference implementation's
  // internal slots, of the version package-lock.json pins), so TransformStream's own getters answer it.
  const adopt = (stream, pair) => { stream._readable = pair.readable; stream._writable = pair.writable; };
  class CompressionStream extends TransformStream {
    constructor(format) { const pair = zlibPair('CompressionStream', format, true); super(); adopt(this, pair); }
  }
  class DecompressionStream extends TransformStream {
    constructor(format) { const pair = zlibPair('DecompressionStream', format, false); super(); adopt(this, pair); }
  }
  $.tag(CompressionStream); $.tag(DecompressionStream);
  streams.CompressionStream = CompressionStream;
  streams.DecompressionStream = DecompressionStream;

  // ---- helpers for bodies (fetch.js, internals.js, cache.js) ----
  // Bytes of ours that resolve a promise: resolving looks up `then` on them, and a Worker's
  // Object.prototype.then would be called with them and could answer anything in their place.
  const notThenable = (u8) => { Object.defineProperty(u8, 'then', { value: undefined }); return u8; };
  const lockedReader = $.slot(); // our readers of bodies -> true
  const helpers = {
    isReadableStream: isReadable,
    isDisturbed: (s) => s._disturbed === true,
    isLocked: (s) => call(lockedOf, s),
    streamFromBytes(u8) {
      return new ReadableStream({
        type: 'bytes',
        start(c) { if (u8.byteLength > 0) c.enqueue(u8); c.close(); },
      });
    },
    // A Response body the engine sends as it is produced: it holds the reader and asks for one
    // chunk at a time (readBodyChunk -> Uint8Array, or null at the end), only when its reader
    // wants more, so a Worker's pull() runs no further ahead than the client reads.
    bodyReader(stream) { const r = call(getReader, stream); lockedReader.set(r, true); return r; },
    readBodyChunk(reader) {
      return call(promiseThen, call(readerRead, reader), ({ value, done }) => {
        if (done) return null;
        let bytes;
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytes = $.toBytes(value);
        else if (typeof value === 'string') bytes = natives.utf8Encode(value);
        else throw new TypeError('This ReadableStream did not return bytes.');
        return bytes.byteLength > 0 ? notThenable(bytes) : helpers.readBodyChunk(reader);
      });
    },
    async cancelBody(reader, reason) {
      await call(ReadableStreamDefaultReader.prototype.cancel, reader, reason);
    },
    // A body another Worker produces while this one reads it (natives bodyRead/bodyCancel, by
    // the engine's key): pulled only when read, so it pushes back on its producer. The
    // reference implementation calls pull() again only once the previous one has settled, as
    // bodyRead requires.
    nativeBodyStream(key) {
      let ended = false;
      let reading = false; // the controller's pull algorithm is an own property a Worker can call
      return new ReadableStream({
        type: 'bytes',
        async pull(c) {
          if (ended || reading) return;
          reading = true;
          let u8;
          try { u8 = await natives.bodyRead(key); } finally { reading = false; }
          if (u8 === null) { ended = true; c.close(); } else c.enqueue(u8);
        },
        cancel() { if (!ended) { ended = true; natives.bodyCancel(key); } },
      });
    },
    // Through pipeTo into a sink of ours: the chunks reach the sink directly, never as read results
    // a Worker's Object.prototype.then could intercept.
    async readAllBytes(stream) {
      const chunks = [];
      const sink = new WritableStream({
        write(value) {
          if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) chunks.push($.copyBytes($.toBytes(value)));
          else if (typeof value === 'string') chunks.push(natives.utf8Encode(value));
          else throw new TypeError('This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.');
        },
      });
      await call(pipeTo, stream, sink);
      return notThenable($.concatBytes(chunks));
    },
    cancelStream: (s, reason) => call(cancelStream, s, reason),
  };
  return { streams, helpers };
}
