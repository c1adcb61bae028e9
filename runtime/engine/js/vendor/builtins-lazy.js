// Entry of the lazy prelude file `builtins-lazy.js` (builtins.js loads it on first use): one loader
// per group of builtins, each evaluating only that group's core-js modules (the specific `es.*`
// modules: an entry point such as `core-js/actual` would also replace what V8 has natively).
// Loaders get the prelude's natives.
import { withTransfer } from './transfer-shim.js';

export function array() {
  require('core-js/modules/es.array.to-reversed.js');
  require('core-js/modules/es.array.to-sorted.js');
  require('core-js/modules/es.array.to-spliced.js');
  require('core-js/modules/es.array.with.js');
}
export function typedArray() {
  require('core-js/modules/es.typed-array.to-reversed.js');
  require('core-js/modules/es.typed-array.to-sorted.js');
  require('core-js/modules/es.typed-array.with.js');
}
export function groupBy() {
  require('core-js/modules/es.object.group-by.js');
  require('core-js/modules/es.map.group-by.js');
}
export function promise() {
  require('core-js/modules/es.promise.with-resolvers.js');
  require('core-js/modules/es.promise.try.js');
}
export function string() {
  require('core-js/modules/es.string.is-well-formed.js');
  require('core-js/modules/es.string.to-well-formed.js');
}
export function arrayBuffer(natives) {
  withTransfer(natives, () => {
    require('core-js/modules/es.array-buffer.detached.js');
    require('core-js/modules/es.array-buffer.transfer.js');
    require('core-js/modules/es.array-buffer.transfer-to-fixed-length.js');
  });
}
export function fromAsync() {
  require('core-js/modules/es.array.from-async.js');
}
export function set() {
  require('core-js/modules/es.set.union.v2.js');
  require('core-js/modules/es.set.intersection.v2.js');
  require('core-js/modules/es.set.difference.v2.js');
  require('core-js/modules/es.set.symmetric-difference.v2.js');
  require('core-js/modules/es.set.is-subset-of.v2.js');
  require('core-js/modules/es.set.is-superset-of.v2.js');
  require('core-js/modules/es.set.is-disjoint-from.v2.js');
}
export function iterator() {
  require('core-js/modules/es.iterator.from.js');
  require('core-js/modules/es.iterator.concat.js');
  require('core-js/modules/es.iterator.drop.js');
  require('core-js/modules/es.iterator.every.js');
  require('core-js/modules/es.iterator.filter.js');
  require('core-js/modules/es.iterator.find.js');
  require('core-js/modules/es.iterator.flat-map.js');
  require('core-js/modules/es.iterator.for-each.js');
  require('core-js/modules/es.iterator.map.js');
  require('core-js/modules/es.iterator.reduce.js');
  require('core-js/modules/es.iterator.some.js');
  require('core-js/modules/es.iterator.take.js');
  require('core-js/modules/es.iterator.to-array.js');
}
export function regExp() {
  require('core-js/modules/es.regexp.escape.js');
}
export function math() {
  require('core-js/modules/es.math.f16round.js');
  require('core-js/modules/es.math.sum-precise.js');
}
export function error() {
  require('core-js/modules/es.error.is-error.js');
}
export function upsert() {
  require('core-js/modules/es.map.get-or-insert.js');
  require('core-js/modules/es.map.get-or-insert-computed.js');
  require('core-js/modules/es.weak-map.get-or-insert.js');
  require('core-js/modules/es.weak-map.get-or-insert-computed.js');
}
export function base64() {
  require('core-js/modules/es.uint8-array.from-base64.js');
  require('core-js/modules/es.uint8-array.from-hex.js');
  require('core-js/modules/es.uint8-array.set-from-base64.js');
  require('core-js/modules/es.uint8-array.set-from-hex.js');
  require('core-js/modules/es.uint8-array.to-base64.js');
  require('core-js/modules/es.uint8-array.to-hex.js');
}
export function urlPattern() {
  return require('urlpattern-polyfill/urlpattern').URLPattern;
}
