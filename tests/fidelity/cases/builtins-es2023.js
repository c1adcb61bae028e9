// oracle: node workerd
// ES2023 builtins V8 10.2 lacks and both Node 20 and workerd have (the prelude's core-js bundle,
// runtime/engine/js/vendor): results, argument errors and the shape a native has.
const shape = (holder, key) => {
  const d = Object.getOwnPropertyDescriptor(holder, key);
  return d && { type: typeof d.value, name: d.value?.name, length: d.value?.length,
    writable: d.writable, enumerable: d.enumerable, configurable: d.configurable };
};
const TypedArray = Object.getPrototypeOf(Uint8Array);
export default {
  async fetch() {
    const a = [3, 1, 2];
    return observe({
      "toSorted": () => [a.toSorted(), a],
      "toSorted comparator": () => [5, 10, 1].toSorted((x, y) => y - x),
      "toSorted default order": () => [10, 9, 1, undefined, , "b", "a"].toSorted(),
      "toSorted bad comparator": () => [1].toSorted("nope"),
      "toReversed": () => [a.toReversed(), a],
      "toReversed holes": () => [1, , 3].toReversed(),
      "with": () => [a.with(1, 9), a],
      "with negative": () => a.with(-1, 7),
      "with out of range": () => a.with(3, 0),
      "with array-like": () => Array.prototype.with.call({ length: 2, 0: "x", 1: "y" }, 0, "z"),
      "toSpliced": () => [a.toSpliced(1, 1, "x", "y"), a],
      "toSpliced insert": () => [1, 2].toSpliced(1, 0, 5),
      "toSpliced no args": () => [1, 2].toSpliced(),
      "unscopables": () => ["toSorted", "toReversed", "toSpliced", "with"].map((k) => Array.prototype[Symbol.unscopables][k]),
      "Array.prototype shapes": () => ["toSorted", "toReversed", "with", "toSpliced"].map((k) => shape(Array.prototype, k)),
      "typed toSorted": () => new Int8Array([3, -1, 2]).toSorted(),
      "typed toSorted floats": () => new Float64Array([NaN, -0, 0, -Infinity, 1]).toSorted(),
      "typed toReversed": () => new Uint16Array([1, 2, 3]).toReversed(),
      "typed with": () => new Uint8Array([1, 2, 3]).with(0, 300),
      "typed with range": () => new Uint8Array(2).with(2, 1),
      "typed with bigint": () => new BigInt64Array([1n]).with(0, 2n),
      "typed with bad bigint": () => new BigInt64Array([1n]).with(0, 2),
      "typed wrong receiver": () => TypedArray.prototype.toSorted.call([1, 2]),
      "typed shapes": () => ["toSorted", "toReversed", "with", "toSpliced"].map((k) => shape(TypedArray.prototype, k)),
      "findLast": () => [1, 2, 3, 4].findLast((x) => x % 2),
      "isWellFormed": () => ["abc", "a\ud800", "\udc00b", "\ud83d\ude00"].map((s) => s.isWellFormed()),
      "toWellFormed": () => ["a\ud800", "\udc00b", "\ud83d\ude00", "x"].map((s) => s.toWellFormed()),
      "toWellFormed null this": () => String.prototype.toWellFormed.call(null),
      "String.prototype shapes": () => ["isWellFormed", "toWellFormed"].map((k) => shape(String.prototype, k)),
    });
  },
};
