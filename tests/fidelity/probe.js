// Prepended to every case in tests/fidelity/cases (in Switchyard, Node and workerd alike), so that
// the three answer in one JSON shape that compares exactly: observe() runs each check in order and
// answers { "<check>": { value } | { throws: { name, message } } }.

function fidelityShape(v, depth = 0)
{
  if (v === undefined) return { undefined: true };
  if (v === null) return null;
  switch (typeof v) {
    case "number":
      if (Number.isNaN(v)) return { number: "NaN" };
      if (Object.is(v, -0)) return { number: "-0" };
      if (!Number.isFinite(v)) return { number: String(v) };
      return v;
    case "string":
    case "boolean":
      return v;
    case "bigint":
      return { bigint: v.toString() };
    case "symbol":
      return { symbol: String(v.description) };
    case "function":
      return { function: v.name };
  }
  if (depth > 12) return { tooDeep: true };
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  if (tag === "ArrayBuffer" || tag === "SharedArrayBuffer") {
    try {
      return { [tag]: hex(new Uint8Array(v)) };
    } catch {
      return { [tag]: "detached" };
    }
  }
  if (ArrayBuffer.isView(v)) {
    try {
      return { [tag]: hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    } catch {
      return { [tag]: "detached" };
    }
  }
  if (v instanceof Error || (typeof DOMException === "function" && v instanceof DOMException))
    return { error: { name: v.name, message: v.message } };
  if (v instanceof Map)
    return { Map: Array.from(v, ([k, x]) => [fidelityShape(k, depth + 1), fidelityShape(x, depth + 1)]) };
  if (v instanceof Set) return { Set: Array.from(v, (x) => fidelityShape(x, depth + 1)) };
  if (v instanceof Date) return { Date: Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString() };
  if (v instanceof RegExp) return { RegExp: String(v) };
  if (v instanceof Promise) return { Promise: true };
  if (typeof File === "function" && v instanceof File)
    return { File: { name: v.name, type: v.type, size: v.size } };
  if (typeof Blob === "function" && v instanceof Blob) return { Blob: { type: v.type, size: v.size } };
  if (Array.isArray(v)) return v.map((x) => fidelityShape(x, depth + 1));
  const out = {};
  for (const key of Object.keys(v)) out[key] = fidelityShape(v[key], depth + 1);
  return tag === "Object" ? out : { [tag]: out };
}

async function observe(checks)
{
  const results = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      results[name] = { value: fidelityShape(await check()) };
    } catch (e) {
      results[name] = {
        throws: { name: e?.name ?? typeof e, message: e?.message ?? String(e) }
      };
    }
  }
  return new Response(JSON.stringify(results), {
    headers: { "content-type": "application/json" }
  });
}

