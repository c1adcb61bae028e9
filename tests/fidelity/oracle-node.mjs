// Runs one fidelity case (probe.js + cases/<area>.js) in Node 20, with Node's own Web APIs, and
// prints the case's JSON answer: the Node oracle of tst_fidelity.
//   node tests/fidelity/oracle-node.mjs tests/fidelity/cases/<area>.js
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const casePath = process.argv[2];
if (!casePath) {
  console.error("usage: node oracle-node.mjs <case.js>");
  process.exit(2);
}
const source = readFileSync(join(here, "probe.js"), "utf8") + readFileSync(casePath, "utf8");
const dir = mkdtempSync(join(tmpdir(), "fidelity-node-"));
try {
  const file = join(dir, basename(casePath, ".js") + ".mjs");
  writeFileSync(file, source);
  const worker = (await import(pathToFileURL(file))).default;
  const ctx = { waitUntil() {}, passThroughOnException() {} };
  const response = await worker.fetch(new Request("https://fidelity.test/"), {}, ctx);
  process.stdout.write(await response.text());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
