// oracle: workerd
// Code generation from strings is disallowed in Worker code, at module scope as in handlers, timers
// and promise jobs, with V8's EvalError; WebAssembly compilation from bytes follows the same
// switch. (workerd's allow_eval_during_startup, the default from compatibility date 2025-06-01,
// allows both at module scope; Switchyard keeps the stricter behaviour of the tests' 2025-01-01.)
const attempt = (f) => { try { const v = f(); return { value: typeof v === "function" ? "function" : v }; } catch (e) { return { throws: [e.constructor.name, e.message] }; } };
const wasm = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
const atLoad = {
  eval: attempt(() => eval("1 + 1")),
  indirectEval: attempt(() => (0, eval)("2")),
  newFunction: attempt(() => new Function("a", "return a")),
  Function: attempt(() => Function("return 3")),
  wasmModule: attempt(() => new WebAssembly.Module(wasm) instanceof WebAssembly.Module),
};
const AsyncFunction = (async () => {}).constructor;
const GeneratorFunction = function* () {}.constructor;
export default {
  async fetch() {
    return observe({
      "module scope": () => atLoad,
      "eval": () => eval("1 + 1"),
      "indirect eval": () => (0, eval)("1"),
      "globalThis.eval": () => globalThis.eval("1"),
      "eval non-string": () => eval(42),
      "eval no argument": () => eval(),
      "new Function": () => new Function("return 1"),
      "Function()": () => Function("return 1"),
      "Function empty body": () => Function(""),
      "Function no arguments": () => typeof new Function(),
      "AsyncFunction": () => AsyncFunction("return 1"),
      "GeneratorFunction": () => GeneratorFunction("yield 1"),
      "constructor of a function": () => (() => {}).constructor("return 1"),
      "error is EvalError": () => { try { eval("1"); } catch (e) { return [e instanceof EvalError, Object.getPrototypeOf(e) === EvalError.prototype]; } },
      "in a timer": () => new Promise((resolve) => setTimeout(() => resolve(attempt(() => eval("1"))), 0)),
      "in a promise job": () => Promise.resolve().then(() => new Function("return 1")),
      "setTimeout string": () => setTimeout("globalThis.leaked = 1", 0),
      "setInterval string": () => setInterval("1", 1000),
      "WebAssembly.Module": () => new WebAssembly.Module(wasm),
      "WebAssembly.compile": () => WebAssembly.compile(wasm),
      "WebAssembly.instantiate": () => WebAssembly.instantiate(wasm),
      "WebAssembly.validate": () => WebAssembly.validate(wasm),
      "JSON.parse still works": () => JSON.parse('{"a":1}'),
      "RegExp still works": () => new RegExp("a+").test("caat"),
    });
  },
};
