// oracle: node workerd
// The harness's own check: the probe's shapes mean the same in every runtime, so a difference in
// another case is the runtime's and not the probe's.
export default {
  async fetch(request) {
    return observe({
      "undefined": () => undefined,
      "special numbers": () => [NaN, -0, Infinity, -Infinity, 1.5],
      "bigint": () => 2n ** 70n,
      "bytes": () => new Uint8Array([0, 1, 254, 255]),
      "array buffer": () => new Uint16Array([1, 2]).buffer,
      "map and set": () => [new Map([[1, "a"], ["b", { c: [2] }]]), new Set([1, "x"])],
      "date": () => new Date(0),
      "error value": () => new TypeError("x"),
      "thrown type": () => null.x,
      "async value": async () => "later",
      "rejection": async () => { throw new RangeError("nope"); },
      "request url": () => request.url.startsWith("http"),
      "json parse": () => JSON.parse('{"a":[1,{"b":null}]}'),
      "string escapes": () => "\u0000\u2028\ud800x",
    });
  },
};
