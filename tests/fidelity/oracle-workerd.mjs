// Runs one fidelity case (probe.js + cases/<area>.js) in workerd, the runtime Cloudflare runs, and
// prints the case's JSON answer: the workerd oracle of tst_fidelity. workerd is the npm package
// pinned in oracle/package-lock.json, which scripts/setup.sh installs into
// $SWITCHYARD_ORACLE_DIR (default ~/.cache/switchyard/oracle).
//   node tests/fidelity/oracle-workerd.mjs tests/fidelity/cases/<area>.js
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const casePath = process.argv[2];
if (!casePath) {
  console.error("usage: node oracle-workerd.mjs <case.js>");
  process.exit(2);
}
const oracleDir = process.env.SWITCHYARD_ORACLE_DIR || join(homedir(), ".cache/switchyard/oracle");
const workerd = join(oracleDir, "node_modules/.bin/workerd");
if (!existsSync(workerd)) {
  console.error(`oracle-workerd: ${workerd} is missing; scripts/setup.sh installs it`);
  process.exit(3);
}

// The compatibility date the tests give their Workers (tests/common/workercode.h).
const compatibilityDate = "2025-01-01";

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), "fidelity-workerd-"));
let child;
try {
  writeFileSync(join(dir, "case.js"),
    readFileSync(join(here, "probe.js"), "utf8") + readFileSync(casePath, "utf8"));
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "case.js", esModule = embed "case.js")],
  compatibilityDate = "${compatibilityDate}",
);
`);
  const port = await freePort();
  let stderr = "";
  child = spawn(workerd, ["serve", join(dir, "config.capnp"), "--socket-addr",
    `http=127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { host: "fidelity.test" }
      });
      process.stdout.write(await response.text());
      break;
    } catch (e) {
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 50))]);
      if (code !== undefined) throw new Error(`workerd exited (${code}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`workerd did not answer in 30 s: ${stderr}`);
    }
  }
} finally {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
