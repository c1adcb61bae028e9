// Stand-ins for builtins that load on first use (builtins.js). Stand-ins are written out as method
// literals, so each has the native's name and length from its source and is not a constructor;
// they are installed with the natives' attributes and print as native code. A stand-in forwards
// to the real function, so a reference taken before the first call keeps working and the property
// keeps its identity. Loading deletes the group's properties (core-js installs only what is
// missing), lets core-js install them, keeps what it installed and puts the previous properties
// back: the stand-ins, or whatever the Worker put there instead.
const { apply } = Reflect;
const { defineProperty, defineProperties, getOwnPropertyDescriptor, getOwnPropertyDescriptors } = Object;
const hasOwn = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const nativeToString = Function.prototype.toString;
const natives = new WeakSet();

// Function.prototype.toString answers `function name() { [native code] }` for the stand-ins, as
// it does for natives. (core-js, once loaded, wraps this one and keeps the answer.)
const { toString } = { toString() {
  return typeof this === 'function' && natives.has(this)
    ? `function ${this.name}() { [native code] }` : apply(nativeToString, this, arguments);
} };
export function nativeLooking(fn) {
  natives.add(fn);
  return fn;
}
nativeLooking(toString);
defineProperty(Function.prototype, 'toString', { value: toString, writable: true, enumerable: false, configurable: true });

// Defines `members` (an object literal's methods and getters) on `holder` as natives are defined:
// non-enumerable unless `enumerable`; members the holder already has (natively) are kept.
export function define(holder, members, enumerable = false, onEach = undefined) {
  const descriptors = getOwnPropertyDescriptors(members);
  for (const key of Reflect.ownKeys(descriptors)) {
    const d = descriptors[key];
    if (hasOwn(holder, key)) {
      delete descriptors[key];
      continue;
    }
    natives.add(d.get ?? d.value);
    d.enumerable = enumerable;
    if (onEach) onEach(key, d);
  }
  defineProperties(holder, descriptors);
}

// A group of stand-ins that `load()` replaces. Returns forward(label, this, arguments), which the
// stand-ins call; `forward.install(holder, prefix, members)` defines stand-ins on `holder`, each
// forwarding as `prefix + key`.
export function group(load) {
  const members = []; // [label, holder, key, getter]
  let reals;
  const ensure = () => {
    const saved = members.map(([, holder, key]) => {
      const descriptor = getOwnPropertyDescriptor(holder, key);
      delete holder[key];
      return descriptor;
    });
    try {
      load();
      const found = new Map();
      for (const [label, holder, key, getter] of members) {
        const installed = getOwnPropertyDescriptor(holder, key);
        found.set(label, installed && (getter ? installed.get : installed.value));
      }
      reals = found;
    } finally {
      members.forEach(([, holder, key], i) => {
        if (saved[i]) defineProperty(holder, key, saved[i]);
        else delete holder[key];
      });
      // core-js keeps its shared state in a global; its modules hold it in closures once loaded.
      delete globalThis['__core-js_shared__'];
    }
  };
  const forward = (label, self, args) => {
    if (reals === undefined) ensure();
    const real = reals.get(label);
    if (typeof real !== 'function') throw new TypeError(`${label} is not available`);
    return apply(real, self, args);
  };
  forward.install = (holder, prefix, stubs) => define(holder, stubs, false, (key, d) => {
    members.push([prefix + key, holder, key, d.get !== undefined]);
  });
  return forward;
}
