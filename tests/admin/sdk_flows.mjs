// The calls a platform's backend makes with Cloudflare's official SDK (npm `cloudflare`, pinned
// in clients/package-lock.json), against a running `switchyard --headless --demo --admin`:
// dispatch namespaces, a customer's Worker uploaded the way the SDK names its parts, its
// content, settings, secrets, tags and bindings, a platform Worker, and KV. Every step checks the
// SDK's parsed answer, and the uploaded Worker is checked through the dispatch listener.
//   node sdk_flows.mjs <clients-dir> <admin-url> <token> <dispatch-port>
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";

const [clientsDir, adminUrl, token, dispatchPort] = process.argv.slice(2);
if (!dispatchPort) {
  console.error("usage: node sdk_flows.mjs <clients-dir> <admin-url> <token> <dispatch-port>");
  process.exit(2);
}
const require = createRequire(join(clientsDir, "package.json"));
const { default: Cloudflare, toFile } = await import(require.resolve("cloudflare"));
const { readFileSync } = await import("node:fs");
const version = JSON.parse(readFileSync(join(clientsDir, "node_modules/cloudflare/package.json"))).version;
console.log(`cloudflare SDK ${version}`);

const client = new Cloudflare({ apiToken: token, baseURL: adminUrl, maxRetries: 0 });
const account_id = "sdk-account";
const wfp = client.workersForPlatforms.dispatch.namespaces;

let failures = 0;
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}

// node:http, not fetch(): fetch() sends its own Host header, and the dispatcher routes by it.
async function viaDispatcher(host, path = "/") {
  const http = await import("node:http");
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port: dispatchPort, path, headers: { host } }, (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    request.end();
  });
}

const tenantCode = (label) => `
export default {
  async fetch(request, env) {
    return new Response(\`${label} \${env.GREETING} secret=\${env.API_KEY ?? "none"}\`);
  },
};`;

// 1. Dispatch namespaces.
await step("namespaces.create / get / list", async () => {
  const created = await wfp.create({ account_id, name: "sdk-staging" });
  assert.equal(created.namespace_name, "sdk-staging");
  const got = await wfp.get("sdk-staging", { account_id });
  assert.equal(got.namespace_id, created.namespace_id);
  const names = [];
  for await (const ns of wfp.list({ account_id })) names.push(ns.namespace_name);
  assert.ok(names.includes("production") && names.includes("sdk-staging"), names.join(","));
});

// 2. The call a platform makes when a customer saves code: parts named "0", "1", ... by the SDK.
await step("scripts.update (the SDK's part names) and the Worker answers", async () => {
  const file = new File([tenantCode("v1")], "index.mjs", { type: "application/javascript+module" });
  const script = await wfp.scripts.update("production", "sdk-tenant", {
    account_id,
    metadata: {
      main_module: "index.mjs",
      compatibility_date: "2025-01-01",
      bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }],
      tags: ["customer:sdk", "plan:pro"],
    },
    files: [file],
  });
  assert.equal(script.id, "sdk-tenant");
  const answer = await viaDispatcher("sdk-tenant.localhost");
  assert.equal(answer.text, "v1 hello secret=none");
});

await step("scripts.update with two modules (toFile) resolves the import", async () => {
  const main = await toFile(Buffer.from(
    'import { label } from "./lib/label.mjs";\n' +
    'export default { fetch(request, env) { return new Response(`${label} ${env.GREETING} secret=${env.API_KEY ?? "none"}`); } };'),
    "index.mjs", { type: "application/javascript+module" });
  const lib = await toFile(Buffer.from('export const label = "v2";'), "lib/label.mjs",
    { type: "application/javascript+module" });
  await wfp.scripts.update("production", "sdk-tenant", {
    account_id,
    metadata: { main_module: "index.mjs", bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }] },
    files: [main, lib],
  });
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).text, "v2 hello secret=none");
});

await step("scripts.get", async () => {
  const got = await wfp.scripts.get("production", "sdk-tenant", { account_id });
  assert.equal(got.dispatch_namespace, "production");
  assert.equal(got.script.id, "sdk-tenant");
  assert.deepEqual([...got.script.tags].sort(), ["customer:sdk", "plan:pro"]);
});

await step("scripts.content.get and content.update (metadata[main_module] form fields)", async () => {
  const response = await wfp.scripts.content.get("production", "sdk-tenant", { account_id });
  const body = await response.text();
  assert.match(body, /export const label = "v2"/);
  const next = new File([tenantCode("v3")], "worker.mjs", { type: "application/javascript+module" });
  await wfp.scripts.content.update("production", "sdk-tenant", {
    account_id, metadata: { main_module: "worker.mjs" }, files: [next],
  });
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).text, "v3 hello secret=none");
});

await step("scripts.settings.get / edit (settings[...] form fields)", async () => {
  const before = await wfp.scripts.settings.get("production", "sdk-tenant", { account_id });
  assert.equal(before.bindings.find((b) => b.name === "GREETING")?.text, "hello");
  const after = await wfp.scripts.settings.edit("production", "sdk-tenant", {
    account_id,
    settings: {
      tags: ["customer:sdk", "plan:enterprise"],
      bindings: [{ type: "plain_text", name: "GREETING", text: "edited" }],
    },
  });
  assert.deepEqual([...after.tags].sort(), ["customer:sdk", "plan:enterprise"]);
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).text, "v3 edited secret=none");
});

await step("scripts.secrets.update / list / get / delete", async () => {
  await wfp.scripts.secrets.update("production", "sdk-tenant", {
    account_id, name: "API_KEY", text: "s3cret", type: "secret_text",
  });
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).text, "v3 edited secret=s3cret");
  const names = [];
  for await (const s of wfp.scripts.secrets.list("production", "sdk-tenant", { account_id })) names.push(s.name);
  assert.deepEqual(names, ["API_KEY"]);
  const one = await wfp.scripts.secrets.get("production", "sdk-tenant", "API_KEY", { account_id });
  assert.equal(one.name, "API_KEY");
  assert.equal(one.text, undefined, "a secret's value is never sent back");
  await wfp.scripts.secrets.delete("production", "sdk-tenant", "API_KEY", { account_id });
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).text, "v3 edited secret=none");
});

await step("scripts.tags.update / list / delete", async () => {
  const set = [];
  for await (const t of wfp.scripts.tags.update("production", "sdk-tenant", { account_id, body: ["a", "b"] })) set.push(t);
  assert.deepEqual(set, ["a", "b"]);
  await wfp.scripts.tags.delete("production", "sdk-tenant", "a", { account_id });
  const left = [];
  for await (const t of wfp.scripts.tags.list("production", "sdk-tenant", { account_id })) left.push(t);
  assert.deepEqual(left, ["b"]);
});

await step("scripts.bindings.get", async () => {
  const bindings = [];
  for await (const b of wfp.scripts.bindings.get("production", "sdk-tenant", { account_id })) bindings.push(b);
  assert.deepEqual(bindings.map((b) => b.name), ["GREETING"]);
});

await step("an upload that names no part as its main module is refused with 10021", async () => {
  const file = new File(["export default {}"], "other.mjs", { type: "application/javascript+module" });
  await assert.rejects(
    wfp.scripts.update("production", "sdk-tenant", { account_id, metadata: { main_module: "index.mjs" }, files: [file] }),
    (e) => e.status === 400 && e.errors?.[0]?.code === 10021);
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).text, "v3 edited secret=none");
});

await step("scripts.delete, then get is 10007", async () => {
  await wfp.scripts.delete("production", "sdk-tenant", { account_id });
  await assert.rejects(wfp.scripts.get("production", "sdk-tenant", { account_id }),
    (e) => e.status === 404 && e.errors?.[0]?.code === 10007);
  assert.equal((await viaDispatcher("sdk-tenant.localhost")).status, 404);
});

await step("namespaces.delete", async () => {
  await wfp.delete("sdk-staging", { account_id });
  await assert.rejects(wfp.get("sdk-staging", { account_id }), (e) => e.status === 404);
});

// 3. A platform Worker through workers.scripts (the account-level upload).
await step("workers.scripts.update / content.get (a platform Worker)", async () => {
  const file = new File(['export default { fetch() { return new Response("platform"); } };'],
    "platform.mjs", { type: "application/javascript+module" });
  await client.workers.scripts.update("sdk-outbound", { account_id, metadata: { main_module: "platform.mjs" }, files: [file] });
  const content = await client.workers.scripts.content.get("sdk-outbound", { account_id });
  assert.match(await content.text(), /platform/);
});

await step("a platform Worker's settings, schedules, subdomain, version and deployment", async () => {
  const settings = await client.workers.scripts.scriptAndVersionSettings.get("sdk-outbound", { account_id });
  assert.deepEqual(settings.bindings, []);
  const edited = await client.workers.scripts.scriptAndVersionSettings.edit("sdk-outbound", {
    account_id, settings: { bindings: [{ type: "plain_text", name: "MODE", text: "strict" }] },
  });
  assert.equal(edited.bindings[0].text, "strict");
  await client.workers.scripts.secrets.update("sdk-outbound", { account_id, name: "K", text: "v", type: "secret_text" });
  const secrets = [];
  for await (const s of client.workers.scripts.secrets.list("sdk-outbound", { account_id })) secrets.push(s.name);
  assert.deepEqual(secrets, ["K"]);

  const schedules = await client.workers.scripts.schedules.update("sdk-outbound", { account_id, body: [{ cron: "0 * * * *" }] });
  assert.equal(schedules.schedules[0].cron, "0 * * * *");
  assert.equal((await client.workers.scripts.schedules.get("sdk-outbound", { account_id })).schedules.length, 1);
  assert.equal((await client.workers.subdomains.get({ account_id })).subdomain, "switchyard");
  const sub = await client.workers.scripts.subdomain.create("sdk-outbound", { account_id, enabled: false });
  assert.equal(sub.enabled, false);
  await client.workers.scripts.subdomain.delete("sdk-outbound", { account_id });

  const next = new File(['export default { fetch(r, env) { return new Response("v2 " + env.MODE); } };'],
    "platform.mjs", { type: "application/javascript+module" });
  const version = await client.workers.scripts.versions.create("sdk-outbound", {
    account_id, metadata: { main_module: "platform.mjs", bindings: [{ type: "inherit", name: "MODE" }] }, files: [next],
  });
  assert.match(version.id, /^[0-9a-f-]{36}$/);
  let content = await (await client.workers.scripts.content.get("sdk-outbound", { account_id })).text();
  assert.doesNotMatch(content, /v2/, "an uploaded version is not live until deployed");
  await client.workers.scripts.deployments.create("sdk-outbound", {
    account_id, strategy: "percentage", versions: [{ version_id: version.id, percentage: 100 }],
  });
  content = await (await client.workers.scripts.content.get("sdk-outbound", { account_id })).text();
  assert.match(content, /v2/);
  const deployments = await client.workers.scripts.deployments.get("sdk-outbound", { account_id });
  assert.equal(deployments.deployments[0].versions[0].percentage, 100);
  await client.workers.scripts.delete("sdk-outbound", { account_id });
});

// 4. KV.
await step("kv namespaces, values with metadata, keys, bulk", async () => {
  const ns = await client.kv.namespaces.create({ account_id, title: "SDK_CACHE" });
  assert.match(ns.id, /^[0-9a-f]{32}$/);
  const titles = [];
  for await (const n of client.kv.namespaces.list({ account_id, per_page: 2 })) titles.push(n.title);
  assert.ok(titles.includes("SDK_CACHE") && titles.includes("PLANS"), titles.join(","));
  assert.equal(new Set(titles).size, titles.length, "paging repeats no namespace");
  const renamed = await client.kv.namespaces.update(ns.id, { account_id, title: "SDK_CACHE_2" });
  assert.equal(renamed.title, "SDK_CACHE_2");
  assert.equal((await client.kv.namespaces.get(ns.id, { account_id })).title, "SDK_CACHE_2");

  await client.kv.namespaces.values.update(ns.id, "greeting", {
    account_id, value: "hello", metadata: { owner: "sdk" }, expiration_ttl: 3600,
  });
  assert.equal(await (await client.kv.namespaces.values.get(ns.id, "greeting", { account_id })).text(), "hello");
  assert.deepEqual(await client.kv.namespaces.metadata.get(ns.id, "greeting", { account_id }), { owner: "sdk" });

  await client.kv.namespaces.bulkUpdate(ns.id, {
    account_id, body: [{ key: "a", value: "1" }, { key: "b", value: '{"n":2}', metadata: { m: true } }],
  });
  const names = [];
  for await (const k of client.kv.namespaces.keys.list(ns.id, { account_id, prefix: "" })) names.push(k.name);
  assert.deepEqual(names.sort(), ["a", "b", "greeting"]);
  const got = await client.kv.namespaces.bulkGet(ns.id, { account_id, keys: ["a", "b", "zz"], type: "text" });
  assert.deepEqual(got.values, { a: "1", b: '{"n":2}', zz: null });
  const withMeta = await client.kv.namespaces.bulkGet(ns.id, { account_id, keys: ["b"], type: "json", withMetadata: true });
  assert.deepEqual(withMeta.values.b, { value: { n: 2 }, metadata: { m: true } });

  await client.kv.namespaces.bulkDelete(ns.id, { account_id, body: ["a", "b"] });
  await client.kv.namespaces.values.delete(ns.id, "greeting", { account_id });
  const rest = [];
  for await (const k of client.kv.namespaces.keys.list(ns.id, { account_id })) rest.push(k.name);
  assert.deepEqual(rest, []);
  await client.kv.namespaces.delete(ns.id, { account_id });
  await assert.rejects(client.kv.namespaces.get(ns.id, { account_id }),
    (e) => e.status === 404 && e.errors?.[0]?.code === 10013);
});

if (failures) {
  console.log(`FAIL: ${failures} SDK flow(s) failed`);
  process.exit(1);
}
console.log("PASS: every SDK flow answered as Cloudflare's API does");
