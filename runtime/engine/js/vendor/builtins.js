// Entry of the `builtins.js` prelude file (README.md): builtins V8 10.2 lacks and workerd has.
// Every context starts with stand-ins only (lazy.js): the natives' names, lengths and property
// attributes, no behaviour. The first use of a member of a group evaluates `builtins-lazy.js` (the
// engine's loadLazy native compiles it in that context only) and that group's core-js modules, so a
// Worker that uses none of them pays for none of them and the prelude stays as cheap as it was.
import { define, group, nativeLooking } from './lazy.js';
import { urlPattern } from './urlpattern.js';

const natives = globalThis.__switchyard;
const { defineProperty, getOwnPropertyDescriptor } = Object;
let loaders;
const lazy = (name) => group(() => {
  if (loaders === undefined) loaders = natives.loadLazy('builtins-lazy.js');
  return loaders[name](natives);
});

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

// The Iterator global (ES2025), as V8 has it natively; the helpers on its prototype load lazily.
const Iterator = typeof globalThis.Iterator === 'function' ? globalThis.Iterator : defineIterator();
function defineIterator() {
  function Iterator() {
    if (new.target === undefined) throw new TypeError("Constructor Iterator requires 'new'");
    if (new.target === Iterator) throw new TypeError('Abstract class Iterator not directly constructable');
  }
  defineProperty(Iterator, 'prototype', { value: IteratorPrototype, writable: false, enumerable: false, configurable: false });
  // %IteratorPrototype%.constructor and [Symbol.toStringTag] are accessors whose setter ignores the
  // prototype itself (SetterThatIgnoresPrototypeProperties).
  const ignoringSet = (self, key, label, value) => {
    if (self === null || (typeof self !== 'object' && typeof self !== 'function')) throw new TypeError(`Cannot set property ${label} of ${String(self)}`);
    if (self === IteratorPrototype) throw new TypeError(`Cannot assign to read only property '${label}' of object '[object Object]'`);
    if (getOwnPropertyDescriptor(self, key) === undefined) defineProperty(self, key, { value, writable: true, enumerable: true, configurable: true });
    else self[key] = value;
  };
  define(IteratorPrototype, {
    get constructor() { return Iterator; },
    set constructor(value) { ignoringSet(this, 'constructor', 'constructor', value); },
    get [Symbol.toStringTag]() { return 'Iterator'; },
    set [Symbol.toStringTag](value) { ignoringSet(this, Symbol.toStringTag, 'Symbol(Symbol.toStringTag)', value); },
  });
  defineProperty(globalThis, 'Iterator', { value: nativeLooking(Iterator), writable: true, enumerable: false, configurable: true });
  return Iterator;
}

const array = lazy('array');
array.install(Array.prototype, '', {
  toReversed() { return array('toReversed', this, arguments); },
  toSorted(comparefn) { return array('toSorted', this, arguments); },
  toSpliced(start, skipCount) { return array('toSpliced', this, arguments); },
  with(index, value) { return array('with', this, arguments); },
});
for (const key of ['toReversed', 'toSorted', 'toSpliced'])
  Array.prototype[Symbol.unscopables][key] = true;
const typedArray = lazy('typedArray');
typedArray.install(TypedArrayPrototype, '', {
  toReversed() { return typedArray('toReversed', this, arguments); },
  toSorted(comparefn) { return typedArray('toSorted', this, arguments); },
  with(index, value) { return typedArray('with', this, arguments); },
});
const groupBy = lazy('groupBy');
groupBy.install(Object, 'Object.', { groupBy(items, callback) { return groupBy('Object.groupBy', this, arguments); } });
groupBy.install(Map, 'Map.', { groupBy(items, callback) { return groupBy('Map.groupBy', this, arguments); } });
const promise = lazy('promise');
promise.install(Promise, '', {
  withResolvers() { return promise('withResolvers', this, arguments); },
  try(callback) { return promise('try', this, arguments); },
});
const string = lazy('string');
string.install(String.prototype, '', {
  isWellFormed() { return string('isWellFormed', this, arguments); },
  toWellFormed() { return string('toWellFormed', this, arguments); },
});
const arrayBuffer = lazy('arrayBuffer');
arrayBuffer.install(ArrayBuffer.prototype, '', {
  transfer() { return arrayBuffer('transfer', this, arguments); },
  transferToFixedLength() { return arrayBuffer('transferToFixedLength', this, arguments); },
  get detached() { return arrayBuffer('detached', this, []); },
});
const fromAsync = lazy('fromAsync');
fromAsync.install(Array, '', { fromAsync(asyncItems) { return fromAsync('fromAsync', this, arguments); } });
const set = lazy('set');
set.install(Set.prototype, '', {
  union(other) { return set('union', this, arguments); },
  intersection(other) { return set('intersection', this, arguments); },
  difference(other) { return set('difference', this, arguments); },
  symmetricDifference(other) { return set('symmetricDifference', this, arguments); },
  isSubsetOf(other) { return set('isSubsetOf', this, arguments); },
  isSupersetOf(other) { return set('isSupersetOf', this, arguments); },
  isDisjointFrom(other) { return set('isDisjointFrom', this, arguments); },
});
const iterator = lazy('iterator');
iterator.install(IteratorPrototype, '', {
  drop(limit) { return iterator('drop', this, arguments); },
  every(predicate) { return iterator('every', this, arguments); },
  filter(predicate) { return iterator('filter', this, arguments); },
  find(predicate) { return iterator('find', this, arguments); },
  flatMap(mapper) { return iterator('flatMap', this, arguments); },
  forEach(procedure) { return iterator('forEach', this, arguments); },
  map(mapper) { return iterator('map', this, arguments); },
  reduce(reducer) { return iterator('reduce', this, arguments); },
  some(predicate) { return iterator('some', this, arguments); },
  take(limit) { return iterator('take', this, arguments); },
  toArray() { return iterator('toArray', this, arguments); },
});
iterator.install(Iterator, 'Iterator.', {
  from(O) { return iterator('Iterator.from', this, arguments); },
  concat() { return iterator('Iterator.concat', this, arguments); },
});
const regExp = lazy('regExp');
regExp.install(RegExp, '', { escape(S) { return regExp('escape', this, arguments); } });
const math = lazy('math');
math.install(Math, '', {
  f16round(x) { return math('f16round', this, arguments); },
  sumPrecise(items) { return math('sumPrecise', this, arguments); },
});
const error = lazy('error');
error.install(Error, '', { isError(arg) { return error('isError', this, arguments); } });
const upsert = lazy('upsert');
upsert.install(Map.prototype, 'Map.', {
  getOrInsert(key, value) { return upsert('Map.getOrInsert', this, arguments); },
  getOrInsertComputed(key, callbackfn) { return upsert('Map.getOrInsertComputed', this, arguments); },
});
upsert.install(WeakMap.prototype, 'WeakMap.', {
  getOrInsert(key, value) { return upsert('WeakMap.getOrInsert', this, arguments); },
  getOrInsertComputed(key, callbackfn) { return upsert('WeakMap.getOrInsertComputed', this, arguments); },
});
const base64 = lazy('base64');
base64.install(Uint8Array, 'Uint8Array.', {
  fromBase64(string) { return base64('Uint8Array.fromBase64', this, arguments); },
  fromHex(string) { return base64('Uint8Array.fromHex', this, arguments); },
});
base64.install(Uint8Array.prototype, '', {
  setFromBase64(string) { return base64('setFromBase64', this, arguments); },
  setFromHex(string) { return base64('setFromHex', this, arguments); },
  toBase64() { return base64('toBase64', this, arguments); },
  toHex() { return base64('toHex', this, arguments); },
});

if (typeof globalThis.URLPattern !== 'function') defineProperty(globalThis, 'URLPattern', {
  value: urlPattern(() => {
    if (loaders === undefined) loaders = natives.loadLazy('builtins-lazy.js');
    return loaders.urlPattern();
  }),
  writable: true, enumerable: false, configurable: true,
});
