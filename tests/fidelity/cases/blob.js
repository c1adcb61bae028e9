// oracle: node workerd
// Blob and File: construction from every part type, the type rule, slice's relative indices,
// the read methods, and bad input. Examples after WPT FileAPI/blob (Blob-constructor, Blob-slice,
// Blob-text, Blob-stream) and FileAPI/file (File-constructor).
const read = async (b) => [b.size, b.type, await b.text()];
const ctor = (parts, options) => () => read(new Blob(parts, options));
const slice = (args) => () => { const b = new Blob(["abcdefgh"], { type: "x/y" }); const s = b.slice(...args); return Promise.all([s.text(), s.type, s.size]); };
const typeOf = (type) => () => new Blob([], { type }).type;
export default {
  async fetch(request) {
    const detached = new ArrayBuffer(4);
    structuredClone(detached, { transfer: [detached] });
    return observe({
      // constructor parts
      "no arguments": ctor(),
      "empty array": ctor([]),
      "strings": ctor(["a", "bc", ""]),
      "unicode string": ctor(["h\u00e9llo \u{1F600}"]),
      "Uint8Array": ctor([new Uint8Array([0x61, 0x62])]),
      "ArrayBuffer": ctor([new Uint8Array([0x63, 0x64]).buffer]),
      "offset view": ctor([new Uint8Array([0x61, 0x62, 0x63, 0x64]).subarray(1, 3)]),
      "DataView": ctor([new DataView(new Uint8Array([0x41, 0x42, 0x43]).buffer, 1)]),
      "Uint16Array": ctor([new Uint16Array([0x6261])]),
      "Float64Array size": () => new Blob([new Float64Array(3)]).size,
      "nested Blob": ctor([new Blob(["in"]), "-", new Blob([new Blob(["deep"])])]),
      "numbers and null": ctor([1, null, undefined, true]),
      "object part": ctor([{}]),
      "object with toString": ctor([{ toString() { return "ts"; } }]),
      "array part": ctor([[1, 2]]),
      "detached buffer part": ctor([detached]),
      "parts mutated after": async () => { const u = new Uint8Array([0x61]); const b = new Blob([u]); u[0] = 0x62; return b.text(); },
      "parts not an array (number)": () => new Blob(5),
      "parts not an array (null)": () => new Blob(null),
      "parts string": () => new Blob("abc"),
      "options not an object": () => new Blob([], 5),
      "options null": ctor(["x"], null),
      "called without new": () => Blob(),
      // type
      "type lower-cased": typeOf("Text/HTML"),
      "type keeps parameters": typeOf("text/plain;charset=UTF-8"),
      "type with space": typeOf("A B"),
      "type non-ASCII": typeOf("text/pl\u00e4in"),
      "type with tab": typeOf("a\tb"),
      "type with DEL": typeOf("a\u007fb"),
      "type number": typeOf(5),
      "type undefined": typeOf(undefined),
      // slice
      "slice whole": slice([]),
      "slice start": slice([3]),
      "slice negative start": slice([-2]),
      "slice negative end": slice([1, -1]),
      "slice reversed": slice([5, 2]),
      "slice beyond": slice([0, 100]),
      "slice far negative": slice([-100, -6]),
      "slice strings": slice(["1", "3"]),
      "slice contentType": slice([0, 1, "Foo/Bar"]),
      "slice contentType non-ASCII": slice([0, 1, "\u00e9"]),
      "slice of slice": async () => new Blob(["0123456789"]).slice(2, 8).slice(1, -1).text(),
      // reading
      "arrayBuffer": () => new Blob(["hi"]).arrayBuffer(),
      "bytes": () => new Blob(["hi"]).bytes(),
      "arrayBuffer is a copy": async () => { const b = new Blob(["ab"]); const x = new Uint8Array(await b.arrayBuffer()); x[0] = 0; return b.text(); },
      "text invalid UTF-8": () => new Blob([new Uint8Array([0x61, 0xff, 0xc3])]).text(),
      "text with BOM": () => new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x61])]).text(),
      "lone surrogate encoding": () => new Blob(["\ud800"]).bytes(),
      "stream chunks": async () => { const r = new Blob(["str", "eam"]).stream().getReader(); const out = []; for (;;) { const c = await r.read(); if (c.done) break; out.push(...c.value); } return new Uint8Array(out); },
      "stream is a ReadableStream": () => new Blob(["x"]).stream() instanceof ReadableStream,
      "empty stream": async () => (await new Blob().stream().getReader().read()).done,
      "toStringTag": () => Object.prototype.toString.call(new Blob()),
      "prototype members": () => Object.getOwnPropertyNames(Blob.prototype).sort(),
      "size getter on non-Blob": () => Object.getOwnPropertyDescriptor(Blob.prototype, "size").get.call({}),
      "text on non-Blob": () => Blob.prototype.text.call({}),
      // File
      "File": () => { const f = new File(["ab"], "name.txt", { type: "Text/Plain", lastModified: 42 }); return [f.name, f.type, f.size, f.lastModified, f instanceof Blob, Object.prototype.toString.call(f)]; },
      "File one argument": () => new File(["a"]),
      "File no arguments": () => new File(),
      "File name conversion": () => [new File([], null).name, new File([], 5).name, new File([], "a/b").name],
      "File lastModified string": () => new File([], "a", { lastModified: "7" }).lastModified,
      "File lastModified fraction": () => new File([], "a", { lastModified: 1.9 }).lastModified,
      "File lastModified default is now": () => { const t = Date.now(); const f = new File([], "a"); return f.lastModified >= t - 1000 && f.lastModified <= Date.now() + 1000; },
      "File text": () => new File(["file ", new Blob(["body"])], "f").text(),
      "File slice is a Blob": () => Object.prototype.toString.call(new File(["abc"], "f").slice(1)),
      "File prototype members": () => Object.getOwnPropertyNames(File.prototype).sort(),
      "File parts not an array": () => new File("abc", "f"),
      "endings transparent": () => new Blob(["a\r\nb"], { endings: "transparent" }).text(),
      "endings native": () => new Blob(["a\r\nb"], { endings: "native" }).text(),
      "endings invalid": () => new Blob([], { endings: "nope" }),
    });
  },
};
