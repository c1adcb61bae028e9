// oracle: workerd
// CompressionStream / DecompressionStream ("gzip", "deflate", "deflate-raw"): round trips,
// fixtures compressed by Node's zlib, corrupt and truncated input, bad formats and chunk types.
const bytes = (hex) => new Uint8Array(hex.replace(/ /g, "").match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
const hexOf = (u8) => Array.from(new Uint8Array(u8), (b) => b.toString(16).padStart(2, "0")).join("");

// "Hello, Switchyard! Hello, Switchyard! Hello, Switchyard!" compressed by Node 20's zlib
// (zlib.gzipSync / deflateSync / deflateRawSync, default level).
const TEXT = "Hello, Switchyard! Hello, Switchyard! Hello, Switchyard!";
const FIXTURES = {
  "gzip": "1f8b0800000000000003f348cdc9c9d751082ecf2c49cea84c2c4a5154f020460800fba9e61338000000",
  "deflate": "789cf348cdc9c9d751082ecf2c49cea84c2c4a5154f02046080032fd13ca",
  "deflate-raw": "f348cdc9c9d751082ecf2c49cea84c2c4a5154f020460800",
};

async function pump(stream, chunks) {
  const writer = stream.writable.getWriter();
  for (const c of chunks) writer.write(c).catch(() => {});
  writer.close().catch(() => {});
  return new Uint8Array(await new Response(stream.readable).arrayBuffer());
}
const decompressText = async (format, chunks) => new TextDecoder().decode(await pump(new DecompressionStream(format), chunks));

const checks = {
  "bad format": () => new CompressionStream("br"),
  "bad format decompress": () => new DecompressionStream("zip"),
  "format is case-sensitive": () => new CompressionStream("GZIP"),
  "no format": () => new CompressionStream(),
  "format from toString": () => Object.prototype.toString.call(new CompressionStream({ toString: () => "gzip" })),
  "toStringTag": () => [Object.prototype.toString.call(new CompressionStream("gzip")), Object.prototype.toString.call(new DecompressionStream("gzip"))],
  "readable and writable": () => { const s = new CompressionStream("deflate"); return [Object.prototype.toString.call(s.readable), Object.prototype.toString.call(s.writable)]; },
};
for (const format of ["gzip", "deflate", "deflate-raw"]) {
  Object.assign(checks, {
    [`${format} Node fixture`]: () => decompressText(format, [bytes(FIXTURES[format])]),
    [`${format} Node fixture byte by byte`]: () => decompressText(format, Array.from(bytes(FIXTURES[format]), (b) => new Uint8Array([b]))),
    [`${format} round trip`]: async () => {
      const compressed = await pump(new CompressionStream(format), [new TextEncoder().encode(TEXT), new TextEncoder().encode("!")]);
      return decompressText(format, [compressed]);
    },
    [`${format} round trip large`]: async () => {
      const big = new Uint8Array(300000).map((_, i) => (i * 7) % 251);
      const compressed = await pump(new CompressionStream(format), [big.subarray(0, 100000), big.subarray(100000)]);
      const back = await pump(new DecompressionStream(format), [compressed]);
      return back.length === big.length && back.every((b, i) => b === big[i]);
    },
    [`${format} empty input round trip`]: async () => {
      const compressed = await pump(new CompressionStream(format), []);
      return (await pump(new DecompressionStream(format), [compressed])).length;
    },
    [`${format} output chunks are Uint8Array`]: async () => {
      const s = new CompressionStream(format);
      const w = s.writable.getWriter(); w.write(new Uint8Array([1, 2, 3])); w.close();
      const r = s.readable.getReader(); const { value } = await r.read();
      return Object.prototype.toString.call(value);
    },
    [`${format} ArrayBuffer and DataView chunks`]: async () => {
      const c = await pump(new CompressionStream(format), [new TextEncoder().encode("ab").buffer, new DataView(new TextEncoder().encode("cd").buffer)]);
      return decompressText(format, [c]);
    },
    [`${format} truncated`]: () => decompressText(format, [bytes(FIXTURES[format]).subarray(0, 20)]),
    [`${format} corrupt`]: () => decompressText(format, [bytes("ffffffffffffffffffff")]),
    [`${format} empty input`]: () => decompressText(format, []),
    [`${format} trailing garbage`]: () => decompressText(format, [bytes(FIXTURES[format] + "00")]),
    [`${format} string chunk`]: () => pump(new CompressionStream(format), ["abc"]),
    [`${format} number chunk decompress`]: () => pump(new DecompressionStream(format), [42]),
  });
}
Object.assign(checks, {
  "gzip bad crc": () => decompressText("gzip", [bytes(FIXTURES.gzip.slice(0, -16) + "00000000" + FIXTURES.gzip.slice(-8))]),
  "deflate bad adler": () => decompressText("deflate", [bytes(FIXTURES.deflate.slice(0, -8) + "00000000")]),
  "gzip header only": () => decompressText("gzip", [bytes("1f8b0800000000000003")]),
  "gzip two members": () => decompressText("gzip", [bytes(FIXTURES.gzip + FIXTURES.gzip)]),
  "pipeThrough response body": async () => {
    const body = new Response(bytes(FIXTURES.gzip)).body.pipeThrough(new DecompressionStream("gzip"));
    return new Response(body).text();
  },
  "compressed gzip header": async () => hexOf((await pump(new CompressionStream("gzip"), [new Uint8Array([1])])).subarray(0, 4)),
});

export default { async fetch() { return observe(checks); } };
