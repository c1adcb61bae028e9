// Test fixture, not the product's Web APIs: the smallest prelude that honours CONTRACT.md, so the
// engine's tests do not depend on runtime/engine/js while that is being written.
(function () {
    const N = globalThis.__switchyard;
    delete globalThis.__switchyard;
    const show = (x) => {
        if (typeof x === "string") return x;
        try { return JSON.stringify(x); } catch { return String(x); }
    };
    globalThis.console = {};
    for (const level of ["debug", "info", "log", "warn", "error"])
        console[level] = (...args) => N.log(level, args.map(show).join(" "));
    globalThis.setTimeout = (f, ms, ...a) => N.setTimer(() => f(...a), ms || 0, false);
    globalThis.setInterval = (f, ms, ...a) => N.setTimer(() => f(...a), ms || 0, true);
    globalThis.clearTimeout = globalThis.clearInterval = (id) => N.clearTimer(id);

    class Headers {
        constructor(init) {
            this.list = [];
            if (init instanceof Headers) init = init.list;
            if (Array.isArray(init)) for (const [n, v] of init) this.append(n, v);
            else if (init) for (const n of Object.keys(init)) this.append(n, init[n]);
        }
        append(n, v) { this.list.push([String(n).toLowerCase(), String(v)]); }
        get(n) {
            const found = this.list.filter((e) => e[0] === n.toLowerCase()).map((e) => e[1]);
            return found.length ? found.join(", ") : null;
        }
    }
    const bytes = (b) => b == null ? null : typeof b === "string" ? N.utf8Encode(b)
        : b instanceof Uint8Array ? b : new Uint8Array(b);
    const text = (b) => b ? N.utf8Decode(b, false) : "";
    class Response {
        constructor(body, init = {}) {
            this.body = bytes(body);
            this.status = init.status ?? 200;
            this.statusText = init.statusText ?? "";
            this.headers = new Headers(init.headers);
        }
        async text() { return text(this.body); }
        async json() { return JSON.parse(text(this.body)); }
    }
    class Request {
        constructor(url, init = {}) {
            this.url = url;
            this.method = init.method ?? "GET";
            this.headers = new Headers(init.headers);
            this.body = bytes(init.body);
            this.cf = init.cf;
        }
        async text() { return text(this.body); }
    }
    class URL {
        constructor(href) {
            const m = /^([a-z]+:)\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/.exec(href);
            Object.assign(this, { href, protocol: m[1], host: m[2], pathname: m[3] || "/", search: m[4] || "" });
            const params = this.search.slice(1).split("&").map((p) => p.split("="));
            this.searchParams = { get: (k) => { const e = params.find((p) => p[0] === k); return e ? decodeURIComponent(e[1] ?? "") : null; } };
        }
    }
    Object.assign(globalThis, { Headers, Response, Request, URL });
    globalThis.fetch = async (url, init = {}) => {
        const r = await N.fetch(init.method ?? "GET", String(url), new Headers(init.headers).list,
            bytes(init.body), init.redirect ?? "follow");
        let body = r.body;
        if (typeof r.bodyStream === "number") {
            // A streamed body (CONTRACT.md bodyRead): read whole, this stand-in has no streams.
            const chunks = [];
            for (let c; (c = await N.bodyRead(r.bodyStream)) !== null;) chunks.push(...c);
            body = new Uint8Array(chunks);
        }
        const response = new Response(body, r);
        response.headers = new Headers(r.headers);
        response.url = r.url;
        response.redirected = r.redirected;
        return response;
    };
    globalThis.digestHex = (algorithm, s) => Array.from(new Uint8Array(N.crypto.digest(algorithm, N.utf8Encode(s))))
        .map((b) => b.toString(16).padStart(2, "0")).join("");

    const listeners = [];
    globalThis.addEventListener = (type, f) => { if (type === "fetch") listeners.push(f); };
    const installed = new Set();
    return {
        makeRequest(method, url, headers, body, cf) { return new Request(url, { method, headers, body, cf }); },
        async readResponse(value) {
            const r = await value;
            if (!(r instanceof Response))
                throw new TypeError("Incorrect type for the 'fetch' handler's return value: expected a Response.");
            return { status: r.status, statusText: r.statusText, headers: r.headers.list,
                body: r.body ?? new Uint8Array(0), webSocket: null };
        },
        makeEnv(descriptors) {
            const env = {};
            for (const d of descriptors) {
                if (d.type === "plain_text" || d.type === "secret_text") env[d.name] = d.text;
                else if (d.type === "json") env[d.name] = d.value;
                else env[d.name] = { call: (method, ...args) => N.binding(d.name, method, args) };
            }
            return env;
        },
        makeContext(handle) {
            return { waitUntil(p) { handle.waitUntil.push(p); }, passThroughOnException() { handle.passThrough = true; } };
        },
        serviceWorkerFetch(request, env, ctx) {
            return new Promise((resolve, reject) => {
                let responded = false;
                const event = { request, respondWith(r) { responded = true; resolve(r); }, waitUntil: (p) => ctx.waitUntil(p) };
                for (const listener of listeners) listener(event);
                if (!responded) reject(new Error("No fetch event listener called respondWith()."));
            });
        },
        hasServiceWorkerFetch() { return listeners.length > 0; },
        installGlobals(env) {
            for (const k of Object.keys(env || {})) {
                if (!(k in globalThis) || installed.has(k)) { globalThis[k] = env[k]; installed.add(k); }
            }
        },
        formatError(e) { return { name: e?.name ?? "Error", message: e?.message ?? String(e), stack: e?.stack }; },
    };
})();
