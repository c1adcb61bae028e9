// core-js implements ArrayBuffer.prototype.transfer with structuredClone(buffer, {transfer}), which
// it looks up once while it loads. The prelude's structuredClone does not move buffers, so while
// those modules load core-js is shown one that does (the engine's transferArrayBuffer native: the
// backing store changes owner, nothing is copied); the global is put back at once.
const { defineProperty, getOwnPropertyDescriptor } = Object;

export function withTransfer(natives, load) {
  const structuredClone = (buffer) => natives.transferArrayBuffer(buffer);
  const had = getOwnPropertyDescriptor(globalThis, 'structuredClone');
  defineProperty(globalThis, 'structuredClone', { value: structuredClone, writable: true, configurable: true });
  try {
    load();
  } finally {
    if (had) defineProperty(globalThis, 'structuredClone', had);
    else delete globalThis.structuredClone;
  }
}
