// oracle: workerd
// ES2024-2026 builtins V8 10.2 lacks and workerd has (the prelude's core-js bundle,
// runtime/engine/js/vendor): results, argument errors and the shape a native has. Node 20 lacks most
// of them, so workerd alone is the oracle (builtins-es2023.js has the ones Node 20 agrees on).
const shape = (holder, key) => {
  const d = Object.getOwnPropertyDescriptor(holder, key);
  if (!d) return d;
  const f = d.value ?? d.get;
  return { type: typeof f, name: f?.name, length: f?.length, accessor: !!d.get,
    writable: d.writable, enumerable: d.enumerable, configurable: d.configurable };
};
const shapes = (holder, keys) => Object.fromEntries(keys.map((k) => [String(k), shape(holder, k)]));
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
function* count(n) { for (let i = 0; i < n; i++) yield i; }
const setMethods = ["union", "intersection", "difference", "symmetricDifference", "isSubsetOf", "isSupersetOf", "isDisjointFrom"];
const iteratorMethods = ["map", "filter", "take", "drop", "flatMap", "reduce", "toArray", "forEach", "some", "every", "find"];
export default {
  async fetch() {
    const people = [{ n: "a", age: 20 }, { n: "b", age: 31 }, { n: "c", age: 25 }];
    return observe({
      // Object.groupBy / Map.groupBy
      "Object.groupBy": () => Object.groupBy(people, (p) => (p.age < 30 ? "young" : "old")),
      "Object.groupBy null prototype": () => Object.getPrototypeOf(Object.groupBy([], (x) => x)),
      "Object.groupBy index": () => Object.groupBy("abc", (c, i) => i % 2),
      "Object.groupBy bad callback": () => Object.groupBy([1], null),
      "Object.groupBy not iterable": () => Object.groupBy(1, (x) => x),
      "Map.groupBy": () => Map.groupBy([1, 2, 3, 4], (x) => x % 2 === 0),
      "Map.groupBy -0 key": () => [...Map.groupBy([1], () => -0).keys()],
      "groupBy shapes": () => [shape(Object, "groupBy"), shape(Map, "groupBy")],
      // Promise.withResolvers / Promise.try
      "Promise.withResolvers": async () => {
        const { promise, resolve, reject } = Promise.withResolvers();
        resolve(5);
        return [await promise, typeof reject, Object.keys(Promise.withResolvers()).sort()];
      },
      "Promise.withResolvers subclass": () => { class P extends Promise {} return P.withResolvers().promise instanceof P; },
      "Promise.withResolvers bad this": () => Promise.withResolvers.call(1),
      "Promise.try": async () => [await Promise.try((a, b) => a + b, 2, 3), await Promise.try(() => { throw new TypeError("t"); }).catch((e) => e.message)],
      "Promise shapes": () => [shape(Promise, "withResolvers"), shape(Promise, "try")],
      // Array.fromAsync
      "Array.fromAsync iterable": () => Array.fromAsync([1, Promise.resolve(2), 3]),
      "Array.fromAsync async generator": () => Array.fromAsync((async function* () { yield 1; yield 2; })()),
      "Array.fromAsync mapper": () => Array.fromAsync([1, 2], async (x, i) => x * 10 + i),
      "Array.fromAsync array-like": () => Array.fromAsync({ length: 2, 0: "a", 1: Promise.resolve("b") }),
      "Array.fromAsync bad mapper": () => Array.fromAsync([1], 5),
      "Array.fromAsync rejects": () => Array.fromAsync([Promise.reject(new RangeError("r"))]),
      "Array.fromAsync returns promise": () => { const p = Array.fromAsync([]); return p instanceof Promise; },
      "Array.fromAsync shape": () => shape(Array, "fromAsync"),
      // Set methods
      "union": () => new Set([1, 2]).union(new Set([2, 3])),
      "intersection": () => new Set([1, 2, 3]).intersection(new Set([3, 2, 5])),
      "difference": () => new Set([1, 2, 3]).difference(new Set([2])),
      "symmetricDifference": () => new Set([1, 2]).symmetricDifference(new Set([2, 3])),
      "isSubsetOf": () => [new Set([1]).isSubsetOf(new Set([1, 2])), new Set([1, 3]).isSubsetOf(new Set([1]))],
      "isSupersetOf": () => [new Set([1, 2]).isSupersetOf(new Set([1])), new Set([1]).isSupersetOf(new Set([2]))],
      "isDisjointFrom": () => [new Set([1]).isDisjointFrom(new Set([2])), new Set([1]).isDisjointFrom(new Set([1]))],
      "set-like Map": () => new Set([1, "a"]).intersection(new Map([["a", 1]])),
      "set-like object": () => new Set([1, 2, 3]).difference({ size: 1, has: (x) => x === 2, keys: () => [2][Symbol.iterator]() }),
      "not set-like": () => new Set([1]).union([1, 2]),
      "bad size": () => new Set([1]).union({ size: NaN, has() {}, keys() {} }),
      "negative size": () => new Set([1]).union({ size: -1, has() {}, keys() {} }),
      "wrong receiver": () => Set.prototype.union.call(new Map(), new Set()),
      "Set shapes": () => shapes(Set.prototype, setMethods),
      // ArrayBuffer transfer
      "transfer": () => { const b = new Uint8Array([1, 2, 3]).buffer; const t = b.transfer(); return [b.byteLength, b.detached, t.byteLength, new Uint8Array(t), t.detached]; },
      "transfer shorter": () => { const b = new Uint8Array([1, 2, 3]).buffer; return new Uint8Array(b.transfer(2)); },
      "transfer longer": () => { const b = new Uint8Array([1, 2]).buffer; return new Uint8Array(b.transfer(4)); },
      "transfer zero": () => { const b = new ArrayBuffer(4); return [b.transfer(0).byteLength, b.detached]; },
      "transfer detached": () => { const b = new ArrayBuffer(1); b.transfer(); return b.transfer(); },
      "transfer views": () => { const b = new ArrayBuffer(4); const v = new Uint8Array(b); b.transfer(); return [v.length, v.byteLength]; },
      "transferToFixedLength": () => { const b = new Uint8Array([7, 8]).buffer; const t = b.transferToFixedLength(); return [b.detached, new Uint8Array(t)]; },
      "transfer negative length": () => new ArrayBuffer(1).transfer(-1),
      "transfer wrong receiver": () => ArrayBuffer.prototype.transfer.call(new Uint8Array(1)),
      "detached getter": () => [new ArrayBuffer(1).detached],
      "detached wrong receiver": () => Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached").get.call({}),
      "slice after transfer": () => { const b = new ArrayBuffer(2); b.transfer(); return b.slice(0); },
      "ArrayBuffer shapes": () => shapes(ArrayBuffer.prototype, ["transfer", "transferToFixedLength", "detached"]),
      // Error.isError
      "Error.isError": () => [Error.isError(new Error("x")), Error.isError(new TypeError()), Error.isError({ __proto__: Error.prototype }), Error.isError(null), Error.isError(new DOMException("x"))],
      "Error.isError shape": () => shape(Error, "isError"),
      // Iterator helpers
      "Iterator global": () => [typeof Iterator, Iterator.prototype === IteratorPrototype, shape(globalThis, "Iterator")],
      "new Iterator": () => new Iterator(),
      "Iterator subclass": () => { class I extends Iterator { next() { return { done: true }; } } return new I() instanceof Iterator; },
      "map/filter/take": () => count(10).map((x) => x * 2).filter((x) => x % 3 === 0).take(2).toArray(),
      "drop": () => count(5).drop(3).toArray(),
      "flatMap": () => count(3).flatMap((x) => [x, x]).toArray(),
      "flatMap non-iterable": () => count(1).flatMap((x) => x).toArray(),
      "reduce": () => [count(5).reduce((a, b) => a + b), count(3).reduce((a, b) => a + b, 10)],
      "reduce empty": () => count(0).reduce((a, b) => a + b),
      "forEach": () => { const seen = []; count(3).forEach((x, i) => seen.push([x, i])); return seen; },
      "some/every/find": () => [count(5).some((x) => x > 3), count(5).every((x) => x < 3), count(5).find((x) => x > 2)],
      "take negative": () => count(1).take(-1),
      "take NaN": () => count(1).take(NaN),
      "drop Infinity": () => count(3).drop(Infinity).toArray(),
      "map not callable": () => count(1).map(1),
      "helper toStringTag": () => [Object.prototype.toString.call(count(1).map((x) => x)), IteratorPrototype[Symbol.toStringTag]],
      "helper return closes": () => { let closed = false; const it = { next: () => ({ value: 1, done: false }), return: () => { closed = true; return {}; }, __proto__: Iterator.prototype }; it.take(1).toArray(); return closed; },
      "Iterator.from iterable": () => Iterator.from(new Set([1, 2])).map((x) => -x).toArray(),
      "Iterator.from iterator-like": () => { let i = 0; return Iterator.from({ next: () => ({ value: i, done: i++ > 1 }) }).toArray(); },
      "Iterator.from string": () => Iterator.from("ab").toArray(),
      "Iterator.from bad": () => Iterator.from(5),
      "Iterator.concat": () => Iterator.concat([1], new Set([2]), "ab".split("")).toArray(),
      "Iterator.concat bad": () => Iterator.concat(1),
      "Iterator shapes": () => [shapes(IteratorPrototype, iteratorMethods), shapes(Iterator, ["from", "concat"])],
      // Others workerd ships
      "RegExp.escape": () => [RegExp.escape("a.b*c"), RegExp.escape("1x"), RegExp.escape(" -\n")],
      "RegExp.escape non-string": () => RegExp.escape(1),
      "Math.sumPrecise": () => [Math.sumPrecise([1e20, 0.1, -1e20]), Math.sumPrecise([]), Math.sumPrecise([-0, -0])],
      "Math.f16round": () => [Math.f16round(5.5), Math.f16round(5.05), Math.f16round(65520), Math.f16round(-0)],
      "Map.getOrInsert": () => { const m = new Map([["a", 1]]); return [m.getOrInsert("a", 2), m.getOrInsert("b", 3), m.getOrInsertComputed("c", (k) => k + "!"), m]; },
      "WeakMap.getOrInsert": () => { const k = {}; const m = new WeakMap(); return [m.getOrInsert(k, 1), m.getOrInsertComputed(k, () => 2)]; },
      "WeakMap.getOrInsert bad key": () => new WeakMap().getOrInsert(1, 1),
      "Uint8Array.fromBase64": () => [Uint8Array.fromBase64("aGk="), Uint8Array.fromBase64("aGk", { lastChunkHandling: "loose" }), Uint8Array.fromBase64("-_8", { alphabet: "base64url" })],
      "Uint8Array.fromBase64 bad": () => Uint8Array.fromBase64("a==="),
      "Uint8Array.fromHex": () => Uint8Array.fromHex("00ff10"),
      "Uint8Array.fromHex bad": () => Uint8Array.fromHex("0"),
      "toBase64/toHex": () => [new Uint8Array([104, 105, 255]).toBase64(), new Uint8Array([251, 255]).toBase64({ alphabet: "base64url", omitPadding: true }), new Uint8Array([1, 171]).toHex()],
      "setFromBase64/setFromHex": () => { const t = new Uint8Array(4); return [t.setFromBase64("aGk="), t.setFromHex("ab"), t]; },
      "builtin names are strings": () => [[].toSorted.name, Object.groupBy.name, Iterator.from.name, Promise.try.name],
    });
  },
};
