// oracle: node workerd
// TextEncoderStream and TextDecoderStream: chunks in, chunks out, surrogate pairs and multi-byte
// sequences split across chunks, errors on bad chunks and fatal decoding.
const bytes = (hex) => new Uint8Array(hex.replace(/ /g, "").match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
const units = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, "0")).join(" ");

async function through(stream, chunks) {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const out = [];
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out.push(value);
    }
  })();
  for (const c of chunks) writer.write(c).catch(() => {});
  writer.close().catch(() => {});
  await reading;
  return out;
}
const hexOf = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const joinHex = (chunks) => chunks.map(hexOf).join("");

export default { async fetch() { return observe({
  "TextEncoderStream encoding": () => new TextEncoderStream().encoding,
  "TextEncoderStream chunk types": async () => (await through(new TextEncoderStream(), ["a\u20ac", "\u{1F600}"])).map((c) => Object.prototype.toString.call(c)),
  "TextEncoderStream bytes": async () => joinHex(await through(new TextEncoderStream(), ["a\u20ac", "\u{1F600}", "z"])),
  "TextEncoderStream surrogate pair split": async () => joinHex(await through(new TextEncoderStream(), ["a\ud83d", "\ude00b"])),
  "TextEncoderStream lone lead at end": async () => joinHex(await through(new TextEncoderStream(), ["a\ud83d"])),
  "TextEncoderStream lone trail": async () => joinHex(await through(new TextEncoderStream(), ["\ude00a"])),
  "TextEncoderStream lead then lead": async () => joinHex(await through(new TextEncoderStream(), ["\ud83d", "\ud83d", "\ude00"])),
  "TextEncoderStream non-string chunks": async () => joinHex(await through(new TextEncoderStream(), [42, null, { toString: () => "x" }])),
  "TextEncoderStream empty chunk": async () => (await through(new TextEncoderStream(), ["", "a", ""])).length,
  "TextEncoderStream readable/writable": () => { const s = new TextEncoderStream(); return [Object.prototype.toString.call(s.readable), Object.prototype.toString.call(s.writable)]; },
  "TextEncoderStream toStringTag": () => Object.prototype.toString.call(new TextEncoderStream()),
  "TextDecoderStream defaults": () => { const s = new TextDecoderStream(); return [s.encoding, s.fatal, s.ignoreBOM]; },
  "TextDecoderStream label and options": () => { const s = new TextDecoderStream(" Shift_JIS ", { fatal: true, ignoreBOM: true }); return [s.encoding, s.fatal, s.ignoreBOM]; },
  "TextDecoderStream bad label": () => new TextDecoderStream("nope"),
  "TextDecoderStream replacement label": () => new TextDecoderStream("iso-2022-kr"),
  "TextDecoderStream utf-8 split": async () => (await through(new TextDecoderStream(), [bytes("e2"), bytes("82ac f0"), bytes("9f9880")])).map(units),
  "TextDecoderStream utf-8 BOM": async () => (await through(new TextDecoderStream(), [bytes("efbb"), bytes("bf41")])).map(units).join(),
  "TextDecoderStream utf-16le split": async () => (await through(new TextDecoderStream("utf-16le"), [bytes("41"), bytes("00ac"), bytes("20")])).map(units).join(),
  "TextDecoderStream shift_jis split": async () => (await through(new TextDecoderStream("shift_jis"), [bytes("93"), bytes("fa96"), bytes("7b")])).map(units).join(),
  "TextDecoderStream windows-1251": async () => (await through(new TextDecoderStream("windows-1251"), [bytes("c0c1"), bytes("c2")])).map(units).join(),
  "TextDecoderStream ArrayBuffer and DataView chunks": async () => (await through(new TextDecoderStream(), [bytes("4142").buffer, new DataView(bytes("43").buffer)])).map(units).join(),
  "TextDecoderStream truncated at end": async () => (await through(new TextDecoderStream(), [bytes("41e282")])).map(units).join(),
  "TextDecoderStream fatal truncated at end": async () => (await through(new TextDecoderStream("utf-8", { fatal: true }), [bytes("41e282")])).map(units).join(),
  "TextDecoderStream fatal invalid": async () => (await through(new TextDecoderStream("utf-8", { fatal: true }), [bytes("ff")])).length,
  "TextDecoderStream string chunk": async () => (await through(new TextDecoderStream(), ["abc"])).length,
  "TextDecoderStream number chunk": async () => (await through(new TextDecoderStream(), [5])).length,
  "TextDecoderStream pipeThrough": async () => {
    const body = new Response(bytes("48656c6c6f2c20e4b896e7958c")).body;
    let s = "";
    for await (const chunk of body.pipeThrough(new TextDecoderStream())) s += chunk;
    return s;
  },
  "TextDecoderStream toStringTag": () => Object.prototype.toString.call(new TextDecoderStream()),
  "round trip through both": async () => {
    const text = "h\u00e9llo \u{1F600} w\u00f6rld";
    const stream = new Response(text).body.pipeThrough(new TextDecoderStream()).pipeThrough(new TextEncoderStream());
    return new TextDecoder().decode(await new Response(stream).arrayBuffer()) === text;
  },
}); } };
