// oracle: workerd
// URLPattern (urlpattern-polyfill in the prelude's bundle, runtime/engine/js/vendor): a table in the
// style of WPT's urlpatterntestdata.json, mostly the URLPattern spec's own examples. Each row is
// [pattern init or string, base URL or undefined, inputs]; for each row the check answers the
// compiled components and, per input, test() and the exec() groups.
const rows = [
  [{ pathname: "/books" }, undefined, ["https://example.com/books", "https://example.com/books/", "https://example.com/book"]],
  [{ pathname: "/books/:id" }, undefined, ["https://example.com/books/123", "https://example.com/books", "https://example.com/books/1/2"]],
  [{ pathname: "/books/:id(\\d+)" }, undefined, ["https://example.com/books/123", "https://example.com/books/abc"]],
  [{ pathname: "/books/:id?" }, undefined, ["https://example.com/books", "https://example.com/books/7"]],
  [{ pathname: "/books/:id+" }, undefined, ["https://example.com/books/1/2", "https://example.com/books"]],
  [{ pathname: "/books/:id*" }, undefined, ["https://example.com/books", "https://example.com/books/1/2/3"]],
  [{ pathname: "/books/*" }, undefined, ["https://example.com/books/a/b", "https://example.com/books"]],
  [{ pathname: "/(foo|bar)" }, undefined, ["https://example.com/foo", "https://example.com/baz"]],
  [{ pathname: "/foo{/bar}?" }, undefined, ["https://example.com/foo", "https://example.com/foo/bar", "https://example.com/foo/"]],
  [{ pathname: "/product{s}?" }, undefined, ["https://example.com/product", "https://example.com/products"]],
  [{ pathname: "/:a-:b" }, undefined, ["https://example.com/x-y", "https://example.com/x-y-z"]],
  [{ pathname: "/:café" }, undefined, ["https://example.com/foo"]],
  [{ pathname: "/café" }, undefined, ["https://example.com/caf%C3%A9", "https://example.com/café"]],
  [{ hostname: "*.example.com" }, undefined, ["https://a.example.com/", "https://example.com/", "https://a.b.example.com/x"]],
  [{ hostname: "{*.}?example.com" }, undefined, ["https://example.com/", "https://www.example.com/"]],
  [{ protocol: "http{s}?" }, undefined, ["http://x/", "https://x/", "ftp://x/"]],
  [{ port: "(80|8080)" }, undefined, ["http://x:8080/", "http://x/", "http://x:81/"]],
  [{ username: ":user", password: ":pass" }, undefined, ["https://u:p@x/", "https://x/"]],
  [{ search: "q=:query" }, undefined, ["https://x/?q=cats", "https://x/?r=1"]],
  [{ hash: "section-:n(\\d+)" }, undefined, ["https://x/#section-2", "https://x/#intro"]],
  [{ pathname: "/caf\u00e9/:x" }, undefined, ["https://x/caf%C3%A9/1"]],
  ["https://example.com/books/:id", undefined, ["https://example.com/books/9", "http://example.com/books/9"]],
  ["https://*.example.com/*", undefined, ["https://api.example.com/v1/x", "https://example.org/"]],
  ["/api/:version/*", "https://example.com", ["https://example.com/api/v2/users", "https://other.com/api/v2/users"]],
  ["../books/:id", "https://example.com/shop/cart/", ["https://example.com/shop/books/3"]],
  ["https://example.com/:path*?q=:q#:h", undefined, ["https://example.com/a/b?q=1#top"]],
  ["http{s}?://{*.}?example.com/:rest*", undefined, ["http://example.com/", "https://a.example.com/x/y"]],
  ["https://example.com:8080/foo", undefined, ["https://example.com:8080/foo", "https://example.com/foo"]],
  ["data\\:foo*", undefined, ["data:foobar", "data:bar"]],
  [{ pathname: "/foo", baseURL: "https://example.com" }, undefined, ["https://example.com/foo", "https://example.org/foo"]],
  [{ protocol: "https", hostname: "example.com", pathname: "/" }, undefined, [{ hostname: "example.com", pathname: "/", protocol: "https" }, { pathname: "/" }]],
  [{ pathname: "/:id" }, undefined, [{ pathname: "/42" }, { pathname: "/a", hostname: "x" }]],
  [{ pathname: "/(\\d+)/:name" }, undefined, ["https://x/12/ab"]],
  [{ pathname: "/:x(a|b)/:y(.*)" }, undefined, ["https://x/a/zz", "https://x/c/zz"]],
  [{ pathname: "/%2F" }, undefined, ["https://x/%2F"]],
  [{ pathname: "/foo/../bar" }, undefined, ["https://x/bar"]],
  [{ hostname: "xn--caf-dma.com" }, undefined, ["https://café.com/"]],
  [{ hostname: "[::1]" }, undefined, ["http://[::1]/"]],
];
const describe = (p) => ({
  protocol: p.protocol, username: p.username, password: p.password, hostname: p.hostname,
  port: p.port, pathname: p.pathname, search: p.search, hash: p.hash,
});
const groupsOf = (r) => r && Object.fromEntries(["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"]
  .map((k) => [k, { input: r[k].input, groups: r[k].groups }]));
const checks = {};
rows.forEach(([init, base, inputs], i) => {
  checks[`pattern ${i} ${JSON.stringify(init)}${base ? " " + base : ""}`] = () => {
    const p = base === undefined ? new URLPattern(init) : new URLPattern(init, base);
    return { components: describe(p), results: inputs.map((u) => ({ test: p.test(u), exec: groupsOf(p.exec(u)) })) };
  };
});
Object.assign(checks, {
  "test with base": () => new URLPattern({ pathname: "/a" }).test("/a", "https://x"),
  "exec inputs": () => new URLPattern({ pathname: "/:x" }).exec("/y", "https://z")?.inputs,
  "invalid regexp group": () => new URLPattern({ pathname: "/(\\" }),
  "unbalanced group": () => new URLPattern({ pathname: "/(foo" }),
  "bad name": () => new URLPattern({ pathname: "/:" }),
  "relative without base": () => new URLPattern("/books"),
  "base with init object": () => new URLPattern({ pathname: "/x" }, "https://example.com"),
  "bad input type": () => new URLPattern(1),
  "no arguments": () => new URLPattern().test("https://anything/at/all?x#y"),
  "ignoreCase": () => [new URLPattern({ pathname: "/FOO" }, { ignoreCase: true }).test("https://x/foo"), new URLPattern({ pathname: "/FOO" }).test("https://x/foo")],
  "hasRegExpGroups": () => [new URLPattern({ pathname: "/:x" }).hasRegExpGroups, new URLPattern({ pathname: "/(\\d+)" }).hasRegExpGroups],
  "test bad url": () => new URLPattern({ pathname: "/a" }).test("not a url"),
  "exec no match": () => new URLPattern({ pathname: "/a" }).exec("https://x/b"),
  "global": () => { const d = Object.getOwnPropertyDescriptor(globalThis, "URLPattern") ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(globalThis), "URLPattern"); return [typeof URLPattern, URLPattern.name, URLPattern.length, d.writable, d.configurable]; },
  "call without new": () => URLPattern({ pathname: "/a" }),
  "toStringTag": () => Object.prototype.toString.call(new URLPattern()),
  "prototype members": () => Object.getOwnPropertyNames(URLPattern.prototype).filter((k) => k !== "constructor").sort(),
});
export default { async fetch() { return observe(checks); } };
