// A Worker that answers, as JSON, every global of the runtime it runs in (the global object and its
// prototype chain) with its kind and its own static and prototype members: docs/compatibility.md is
// made from its answer in workerd and in Switchyard (scripts/compat/table.py).
const walk = () => {
  const out = {};
  const names = new Map();
  for (let o = globalThis; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const n of Object.getOwnPropertyNames(o)) if (!names.has(n)) names.set(n, o);
  for (const name of [...names.keys()].sort()) {
    const holder = names.get(name);
    const d = Object.getOwnPropertyDescriptor(holder, name);
    const v = d.get ? (()=>{ try { return globalThis[name]; } catch { return undefined; } })() : d.value;
    const e = { kind: typeof v, enumerable: d.enumerable, accessor: !!d.get, onProto: holder !== globalThis };
    if (typeof v === 'function') {
      e.static = Object.getOwnPropertyNames(v).filter(n => !['length','name','prototype','arguments','caller'].includes(n)).sort();
      if (v.prototype) e.proto = Reflect.ownKeys(v.prototype).map(String).filter(n => n !== 'constructor').sort();
    } else if (v && typeof v === 'object') {
      e.own = Reflect.ownKeys(v).map(String).sort();
      const p = Object.getPrototypeOf(v);
      if (p && p !== Object.prototype) e.proto = Reflect.ownKeys(p).map(String).filter(n => n !== 'constructor').sort();
    }
    out[name] = e;
  }
  out['%IteratorPrototype%'] = { proto: Reflect.ownKeys(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))).map(String).sort() };
  out['%TypedArray%'] = { static: Object.getOwnPropertyNames(Object.getPrototypeOf(Uint8Array)).sort(), proto: Reflect.ownKeys(Object.getPrototypeOf(Uint8Array.prototype)).map(String).sort() };
  out['%AsyncIteratorPrototype%'] = { proto: Reflect.ownKeys(Object.getPrototypeOf(Object.getPrototypeOf((async function*(){})()[Symbol.asyncIterator] ? Object.getPrototypeOf((async function*(){})()) : {}))).map(String).sort() };
  return out;
};
const top = walk();
export default { async fetch() { return Response.json(top); } };
