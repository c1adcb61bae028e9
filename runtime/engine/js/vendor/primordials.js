// Injected into the streams bundle (esbuild --inject): every reference the bundle makes to these
// globals reads the prelude's own copies instead, taken before any Worker code ran. The bundle is
// evaluated on a Worker's first use of a stream, when the Worker may already have replaced
// `Promise.prototype.then`, `Reflect.apply`, `queueMicrotask` or `AbortController`; the streams
// must not call what the Worker put there. `__primordials` is the parameter of the function the
// bundle is wrapped in (CMakeLists.txt), which the prelude's streams.js calls.
const p = __primordials;

// A stand-in for `Promise` as web-streams-polyfill uses it: `new Promise(executor)`,
// `Promise.resolve`, `Promise.reject`, `Promise.all` and `Promise.prototype.then`, each the
// original (or made of them). `new` of it makes a real promise.
function PromiseStandIn(executor) { return new p.Promise(executor); }
PromiseStandIn.prototype = { then: p.then };
PromiseStandIn.resolve = p.resolve;
PromiseStandIn.reject = p.reject;
PromiseStandIn.all = (values) => new p.Promise((resolve, reject) => {
  const results = [];
  let left = values.length;
  if (left === 0) resolve(results);
  for (let i = 0; i < values.length; ++i) {
    const settled = (result) => { results[i] = result; if (--left === 0) resolve(results); };
    p.apply(p.then, p.apply(p.resolve, p.Promise, [values[i]]), [settled, reject]);
  }
});

// Errors the polyfill throws carry workerd's texts (and, where workerd throws another type, its
// type): `new TypeError(message)` in the bundle makes the error `p.errorFor` answers.
function TypeErrorStandIn(message) { return p.errorFor(p.TypeError, message); }
TypeErrorStandIn.prototype = p.TypeError.prototype;
function RangeErrorStandIn(message) { return p.errorFor(p.RangeError, message); }
RangeErrorStandIn.prototype = p.RangeError.prototype;

const ReflectStandIn = { apply: p.apply };
const queueMicrotaskStandIn = p.queueMicrotask;
const AbortControllerStandIn = p.AbortController;
const DOMExceptionStandIn = p.DOMException;

export {
  PromiseStandIn as Promise,
  ReflectStandIn as Reflect,
  TypeErrorStandIn as TypeError,
  RangeErrorStandIn as RangeError,
  queueMicrotaskStandIn as queueMicrotask,
  AbortControllerStandIn as AbortController,
  DOMExceptionStandIn as DOMException,
};
