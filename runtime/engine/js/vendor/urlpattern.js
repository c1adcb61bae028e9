// URLPattern as workerd exposes it (a WebIDL interface: enumerable prototype members, brand
// checks, `new` required), in front of urlpattern-polyfill, which `load()` evaluates on first
// construction.
import { define, nativeLooking } from './lazy.js';

const { apply, construct } = Reflect;

export function urlPattern(load) {
  let Impl;
  const impls = new WeakMap();
  const implOf = (self) => {
    const impl = impls.get(self);
    if (impl === undefined) throw new TypeError('Illegal invocation');
    return impl;
  };
  function URLPattern() {
    if (new.target === undefined)
      throw new TypeError("Failed to construct 'URLPattern': Please use the 'new' operator, this object constructor cannot be called as a function.");
    if (Impl === undefined) Impl = load();
    impls.set(this, construct(Impl, arguments));
  }
  define(URLPattern.prototype, {
    test() { return apply(Impl.prototype.test, implOf(this), arguments); },
    exec() { return apply(Impl.prototype.exec, implOf(this), arguments); },
    get protocol() { return implOf(this).protocol; },
    get username() { return implOf(this).username; },
    get password() { return implOf(this).password; },
    get hostname() { return implOf(this).hostname; },
    get port() { return implOf(this).port; },
    get pathname() { return implOf(this).pathname; },
    get search() { return implOf(this).search; },
    get hash() { return implOf(this).hash; },
    get hasRegExpGroups() { return implOf(this).hasRegExpGroups; },
  }, true);
  Object.defineProperty(URLPattern.prototype, Symbol.toStringTag, { value: 'URLPattern', configurable: true });
  Object.defineProperty(URLPattern, 'prototype', { writable: false });
  return nativeLooking(URLPattern);
}
