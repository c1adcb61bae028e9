// Switchyard prelude 4/6: the streams globals (ReadableStream and its readers and controllers,
// byte streams, WritableStream, TransformStream, the queuing strategies, IdentityTransformStream,
// the encoding and compression streams). They are web-streams-polyfill (a port of the WHATWG
// reference implementation) bundled as the lazy file `streams-lazy.js` (vendor/streams-lazy.js):
// each global is a lazy data property whose first read loads that file into the context, so a
// Worker that never touches a stream pays nothing for them (runtime/engine/README.md).
(function (natives) {
  'use strict';
  const $ = natives.$;

  // What the bundle uses in place of the globals a Worker could have replaced by the time it
  // loads (vendor/primordials.js), taken now, before any Worker code.
  const OriginalPromise = Promise;
  const promiseThen = Promise.prototype.then;
  const promiseResolve = Promise.resolve.bind(Promise);
  const reflectApply = Reflect.apply;
  const OriginalError = Error;
  const OriginalTypeError = TypeError;
  const OriginalRangeError = RangeError;
  const ILLEGAL_INVOCATION = 'Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.';
  // The dictionary a constructor's argument is, by the innermost stream constructor running
  // (the reference implementation's messages say only "First parameter").
  const DICTIONARIES = { ReadableStream: 'UnderlyingSource', WritableStream: 'UnderlyingSink', TransformStream: 'Transformer' };
  const constructing = (stack) => {
    const m = /at new (ReadableStream|WritableStream|TransformStream) /.exec(String(stack));
    return m === null ? 'ReadableStream' : m[1];
  };
  const calledFrom = (stack, method) => String(stack).includes('at ReadableStream.' + method + ' ');
  // The reference implementation's messages as workerd words them (and with workerd's error type
  // where it differs): [pattern, type or null (keep), message or function (match, stack)].
  const T = OriginalTypeError;
  const MESSAGES = [
    [/can only be used on a /, null, ILLEGAL_INVOCATION],
    [/^This stream has already been locked for exclusive reading by another reader$/, null,
      (m, stack) => calledFrom(stack, 'tee') ? 'This ReadableStream is currently locked to a reader,' : 'This ReadableStream is currently locked to a reader.'],
    [/^This stream has already been locked for exclusive writing by another writer$|^Cannot (abort|close) a stream that already has a writer$|^ReadableStream\.prototype\.pipeThrough cannot be used on a locked WritableStream$/, null, 'This WritableStream is currently locked to a writer.'],
    [/^ReadableStream\.prototype\.pipeTo cannot be used on a locked WritableStream$/, null, 'This WritableStream is currently locked to a writer'],
    [/^Cannot cancel a stream that already has a reader$|^ReadableStream\.prototype\.\w+ cannot be used on a locked ReadableStream$/, null, 'This ReadableStream is currently locked to a reader.'],
    [/^Reader was released|^Cannot [\w ]+ a stream using a released reader$/, null, 'This ReadableStream reader has been released.'],
    [/^Writer was released|^Cannot [\w ]+ a stream using a released writer$/, null, 'This WritableStream writer has been released.'],
    [/^The stream is closing or closed and cannot be written to$|^Cannot close an already-closing stream$|^The stream \(in \w+ state\) is not in the writable state and cannot be closed$/, null, 'This WritableStream has been closed.'],
    [/^The stream is not in a state that permits enqueue$|^The stream \(in \w+ state\) is not in the readable state and cannot be enqueued to$/, null,
      (m, stack) => String(stack).includes('at ReadableByteStreamController.enqueue ') ? 'This ReadableByteStreamController is closed.' : 'Unable to enqueue'],
    [/^stream is closed or draining$/, null, 'This ReadableByteStreamController is closed.'],
    [/^The stream is not in a state that permits close$|^The stream has already been closed; do not close it again!$|^The stream \(in \w+ state\) is not in the readable state and cannot be closed$/, null, 'This ReadableStream is closed.'],
    [/^Cannot construct a ReadableStreamBYOBReader for a stream not constructed with a byte source$/, null, 'This ReadableStream does not support BYOB reads.'],
    [/is not a valid enumeration value for ReadableStreamReaderMode$/, null, "mode must be undefined or 'byob' in call to getReader()."],
    [/^.* '(.*)' is not a valid enumeration value for ReadableStreamType$/, null, (m) => '"' + m[1] + '" is not a valid type of ReadableStream.'],
    [/^view must have non-zero byteLength$|^view's buffer must have non-zero byteLength$|^view's buffer has been detached$/, null, 'You must call read() on a "byob" reader with a positive-sized TypedArray object.'],
    [/^view must be an array buffer view$|^Parameter 1 is required in 'read'\.$/, null, "Failed to execute 'read' on 'ReadableStreamBYOBReader': parameter 1 is not of type 'ArrayBufferView'."],
    [/^chunk must be an array buffer view$/, null, "Failed to execute 'enqueue' on 'ReadableByteStreamController': parameter 1 is not of type 'BufferSource'."],
    [/^chunk must have non-zero byteLength$|^chunk's buffer must have non-zero byteLength$/, null, 'Cannot enqueue a zero-length ArrayBuffer.'],
    [/^autoAllocateChunkSize must be greater than 0$/, null, 'The autoAllocateChunkSize option cannot be zero.'],
    [/^ReadableStream\.prototype\.pipeTo's first argument must be a WritableStream$/, null, "Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'."],
    [/^First parameter is not a (ReadableStream|WritableStream)\.$/, null, (m, stack) => {
      const c = /at new (ReadableStreamDefaultReader|ReadableStreamBYOBReader|WritableStreamDefaultWriter) /.exec(String(stack));
      return "Failed to construct '" + (c ? c[1] : 'ReadableStreamDefaultReader') + "': constructor parameter 1 is not of type '" + m[1] + "'.";
    }],
    [/^(readable|writable) is required in 'ReadableWritablePair'\.$/, null,
      (m) => "Incorrect type for the '" + m[1] + "' field on 'Transform': the provided value is not of type '" + (m[1] === 'readable' ? 'ReadableStream' : 'WritableStream') + "'."],
    [/has member 'readable' that is not a ReadableStream\.$/, null, "Incorrect type for the 'readable' field on 'Transform': the provided value is not of type 'ReadableStream'."],
    [/has member 'writable' that is not a WritableStream\.$/, null, "Incorrect type for the 'writable' field on 'Transform': the provided value is not of type 'WritableStream'."],
    [/has member 'signal' that is not an AbortSignal\.$/, null, "Incorrect type for the 'signal' field on 'PipeToOptions': the provided value is not of type 'AbortSignal'."],
    [/has member 'size' that is not a function\.$/, null, "Incorrect type for the 'size' field on 'StreamQueuingStrategy': the provided value is not of type 'function'."],
    [/^First parameter has member '(\w+)' that is not a function\.$/, null,
      (m, stack) => "Incorrect type for the '" + m[1] + "' field on '" + DICTIONARIES[constructing(stack)] + "': the provided value is not of type 'function'."],
    [/^First parameter is not an object\.$/, null,
      (m, stack) => { const c = constructing(stack); return "Failed to construct '" + c + "': constructor parameter 1 is not of type '" + DICTIONARIES[c] + "'."; }],
    [/^Parameter 1 is required in '(CountQueuingStrategy|ByteLengthQueuingStrategy)'\.$/, null,
      (m) => "Failed to construct '" + m[1] + "': constructor parameter 1 is not of type 'QueuingStrategyInit'."],
    [/^The object is not iterable$/, null, "Failed to execute 'from' on 'ReadableStream': parameter 1 is not of type 'AsyncGenerator'."],
    [/^Invalid highWaterMark$/, T, 'The value cannot be converted because it is negative and this API expects a positive bigint.'],
    [/^Invalid readableType specified$/, T, 'transformer.readableType must be undefined.'],
    [/^Invalid writableType specified$/, T, 'transformer.writableType must be undefined.'],
    [/^the destination writable stream closed before all data could be piped to it$/, null, 'This destination writable stream is closed.'],
    [/^TransformStream terminated$/, null, 'The transform stream has been terminated'],
  ];
  function errorFor(Type, message) {
    message = String(message);
    for (const [pattern, type, text] of MESSAGES) {
      const m = pattern.exec(message);
      if (m) return new (type || Type)(typeof text === 'function' ? text(m, new OriginalError().stack) : text);
    }
    return new Type(message);
  }
  const primordials = {
    Promise: OriginalPromise,
    then: promiseThen,
    resolve: Promise.resolve,
    reject: Promise.reject,
    apply: reflectApply,
    TypeError: OriginalTypeError,
    RangeError: OriginalRangeError,
    errorFor,
    queueMicrotask: (callback) => { reflectApply(promiseThen, promiseResolve(), [() => callback()]); },
    AbortController: globalThis.AbortController,
    DOMException: globalThis.DOMException,
  };

  let loaded = null;
  const load = () => {
    if (loaded === null) loaded = natives.loadLazy('streams-lazy.js')(primordials).install(natives, $);
    return loaded;
  };
  $.streams = () => load().streams;

  const NAMES = ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
    'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController', 'ReadableByteStreamController',
    'WritableStream', 'WritableStreamDefaultWriter', 'WritableStreamDefaultController',
    'TransformStream', 'TransformStreamDefaultController', 'ByteLengthQueuingStrategy',
    'CountQueuingStrategy', 'IdentityTransformStream', 'TextEncoderStream', 'TextDecoderStream',
    'CompressionStream', 'DecompressionStream'];
  const fromStreams = (name) => load().streams[name];
  // Lazy globals. A startup snapshot cannot hold V8's lazy data properties, so the prelude
  // defines accessors that become data properties when read or written (enough for the warm-up
  // and for contexts no Instance takes), and $.prepareContext, which the engine calls when an
  // Instance takes the context, swaps them for lazy data properties: those look like any data
  // property to `Object.getOwnPropertyDescriptor`.
  const lazies = [];
  $.lazyProperty = function (holder, name, make) {
    const settle = (value) => {
      Object.defineProperty(holder, name, { value, writable: true, enumerable: false, configurable: true });
      return value;
    };
    const get = function () { return settle(make(name)); };
    Object.defineProperty(holder, name, { get, set: settle, enumerable: false, configurable: true });
    lazies.push({ holder, name, make, get });
  };
  $.prepareContext = function () {
    for (const { holder, name, make, get } of lazies.splice(0)) {
      const d = Object.getOwnPropertyDescriptor(holder, name);
      if (d === undefined || d.get !== get) continue;
      delete holder[name];
      natives.defineLazy(holder, name, make);
    }
  };
  for (const name of NAMES) $.lazyProperty(globalThis, name, fromStreams);

  // ---- helpers for bodies: no stream exists before the file is loaded ----
  const helper = (name) => (...args) => load().helpers[name](...args);
  $.isReadableStream = (v) => loaded !== null && loaded.helpers.isReadableStream(v);
  $.isDisturbed = helper('isDisturbed');
  $.isLocked = helper('isLocked');
  $.streamFromBytes = helper('streamFromBytes');
  $.bodyReader = helper('bodyReader');
  $.readBodyChunk = helper('readBodyChunk');
  $.cancelBody = helper('cancelBody');
  $.nativeBodyStream = helper('nativeBodyStream');
  $.readAllBytes = helper('readAllBytes');
  $.cancelStream = helper('cancelStream');
})(globalThis.__switchyard);
