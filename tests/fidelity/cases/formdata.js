// oracle: node workerd
// FormData with File entries, body serialisation as multipart/form-data, and request.formData() /
// response.formData() parsing multipart and urlencoded bodies. Examples after WPT xhr/formdata
// (append, set, delete, get, getAll, has, foreach, iteration) and fetch/api/body (formdata).
const entries = (fd) => Promise.all([...fd].map(async ([k, v]) => [k, typeof v === "string" ? v : [Object.prototype.toString.call(v), v.name, v.type, await v.text()]]));
const parse = (body, type) => async () => entries(await new Response(body, type === undefined ? {} : { headers: { "content-type": type } }).formData());
const part = (headers, body) => "--B\r\n" + headers.join("\r\n") + "\r\n\r\n" + body + "\r\n";
const mp = "multipart/form-data; boundary=B";
const roundTrip = (fill) => async () => { const fd = new FormData(); fill(fd); return entries(await new Response(fd).formData()); };
export default {
  async fetch(request) {
    return observe({
      "append strings": () => { const f = new FormData(); f.append("a", "1"); f.append("b", "2"); f.append("a", "3"); return [...f]; },
      "getAll order": () => { const f = new FormData(); f.append("a", "1"); f.append("b", "2"); f.append("a", "3"); return [f.getAll("a"), f.getAll("none"), f.get("a"), f.get("none"), f.has("b"), f.has("c")]; },
      "set replaces first": () => { const f = new FormData(); f.append("a", "1"); f.append("b", "2"); f.append("a", "3"); f.set("a", "4"); return [...f]; },
      "set appends when absent": () => { const f = new FormData(); f.set("x", "1"); return [...f]; },
      "delete": () => { const f = new FormData(); f.append("a", "1"); f.append("b", "2"); f.append("a", "3"); f.delete("a"); return [...f]; },
      "keys and values": () => { const f = new FormData(); f.append("a", "1"); f.append("b", "2"); return [[...f.keys()], [...f.values()]]; },
      "forEach": () => { const f = new FormData(); f.append("a", "1"); const out = []; f.forEach((v, k, o) => out.push([k, v, o === f])); return out; },
      "value conversion": () => { const f = new FormData(); f.append("n", 5); f.append("o", { toString() { return "obj"; } }); f.append("u", undefined); f.append("nl", null); return [...f]; },
      "name conversion": () => { const f = new FormData(); f.append(1, "x"); f.append(null, "y"); return [...f.keys()]; },
      "lone surrogates": () => { const f = new FormData(); f.append("\ud800", "x\udc00"); return [...f]; },
      "append Blob becomes File": () => { const f = new FormData(); f.append("field", new Blob(["x"], { type: "T/t" })); const v = f.get("field"); return [Object.prototype.toString.call(v), v.name, v.type, v.size]; },
      "append Blob with filename": () => { const f = new FormData(); f.append("field", new Blob(["x"]), "given.txt"); return f.get("field").name; },
      "append File keeps it": () => { const f = new FormData(); const file = new File(["z"], "orig.txt"); f.append("a", file); return f.get("a") === file; },
      "append File with filename": () => { const f = new FormData(); const file = new File(["z"], "orig.txt", { type: "a/b" }); f.append("a", file, "new.txt"); const v = f.get("a"); return [v === file, v.name, v.type]; },
      "set Blob with filename": () => { const f = new FormData(); f.set("a", new Blob(["q"]), "s.bin"); return f.get("a").name; },
      "string with filename": () => { const f = new FormData(); f.append("a", "x", "name"); return [...f]; },
      "append one argument": () => new FormData().append("a"),
      "set one argument": () => new FormData().set("a"),
      "get no argument": () => new FormData().get(),
      "getAll no argument": () => new FormData().getAll(),
      "has no argument": () => new FormData().has(),
      "delete no argument": () => new FormData().delete(),
      "forEach non-function": () => new FormData().forEach(5),
      "constructor with object": () => [...new FormData({})],
      "iterator shape": () => { const f = new FormData(); f.append("a", "1"); const it = f.entries(); return [typeof it.next, it.next(), it.next(), typeof it[Symbol.iterator]]; },
      "prototype members": () => Object.getOwnPropertyNames(FormData.prototype).sort(),
      "toStringTag": () => Object.prototype.toString.call(new FormData()),
      // serialising
      "Response content-type": () => /^multipart\/form-data; boundary=\S+$/.test(new Response(new FormData()).headers.get("content-type")),
      "Request content-type": () => /^multipart\/form-data; boundary=/.test(new Request("http://x/", { method: "POST", body: new FormData() }).headers.get("content-type")),
      "serialised body": async () => {
        const f = new FormData();
        f.append("plain", "v");
        f.append("file", new Blob(["bin"], { type: "image/png" }), "pic.png");
        f.append("untyped", new Blob(["q"]), "u.bin");
        const r = new Response(f);
        const boundary = r.headers.get("content-type").split("boundary=")[1];
        return (await r.text()).split(boundary).join("BOUNDARY");
      },
      "serialised escapes": async () => {
        const f = new FormData();
        f.append('q"uo\nte', "line1\nline2\r");
        f.append("f", new Blob(["x"]), 'fi"le\n.txt');
        const r = new Response(f);
        const boundary = r.headers.get("content-type").split("boundary=")[1];
        return (await r.text()).split(boundary).join("BOUNDARY");
      },
      "round trip strings": roundTrip((f) => { f.append("a", "1"); f.append("a", "two words"); f.append("\u00e9", "\u{1F600}"); }),
      "round trip file": roundTrip((f) => { f.append("t", "x"); f.append("f", new File([new Uint8Array([0x61, 0x0d, 0x0a, 0x62])], "b.bin", { type: "application/x-thing" })); }),
      "round trip blob": roundTrip((f) => { f.append("b", new Blob(["blob body"])); }),
      "round trip empty": roundTrip(() => {}),
      // parsing
      "parse multipart": parse(part(['Content-Disposition: form-data; name="a"'], "val") + part(['Content-Disposition: form-data; name="f"; filename="x.txt"', "Content-Type: text/plain"], "file body") + "--B--\r\n", mp),
      "parse file without type": parse(part(['Content-Disposition: form-data; name="g"; filename="y.bin"'], "data") + "--B--", mp),
      "parse empty filename": parse(part(['Content-Disposition: form-data; name="g"; filename=""'], "") + "--B--", mp),
      "parse quoted boundary": parse("--a b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--a b--", 'multipart/form-data; boundary="a b"'),
      "parse preamble and epilogue": parse("preamble\r\n" + part(['Content-Disposition: form-data; name="a"'], "v") + "--B--\r\nepilogue", mp),
      "parse CRLF inside value": parse(part(['Content-Disposition: form-data; name="a"'], "x\r\ny") + "--B--", mp),
      "parse header case": parse(part(['CONTENT-DISPOSITION: form-data; NAME="a"'], "v") + "--B--", mp),
      "parse type case": parse(part(['Content-Disposition: form-data; name="a"'], "v") + "--B--", "Multipart/Form-Data; boundary=B"),
      "parse no boundary": parse("x", "multipart/form-data"),
      "parse garbage": parse("garbage", mp),
      "parse no closing boundary": parse("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv", mp),
      "parse part without disposition": parse(part(["Content-Type: text/plain"], "v") + "--B--", mp),
      "parse urlencoded": parse("a=1&b=x+y&c=%41&&d", "application/x-www-form-urlencoded"),
      "parse urlencoded with charset": parse("a=%C3%A9", "application/x-www-form-urlencoded;charset=UTF-8"),
      "parse text/plain": parse("a=1", "text/plain"),
      "parse no content-type": parse("a=1"),
      "Request formData": async () => entries(await new Request("http://x/", { method: "POST", body: new URLSearchParams("k=v&k=w") }).formData()),
      "formData marks body used": async () => { const r = new Response("a=1", { headers: { "content-type": "application/x-www-form-urlencoded" } }); await r.formData(); return r.bodyUsed; },
      "formData twice": async () => { const r = new Response("a=1", { headers: { "content-type": "application/x-www-form-urlencoded" } }); await r.formData(); return r.formData(); },
    });
  },
};
