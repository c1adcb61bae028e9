#!/usr/bin/env python3
"""A new tenant's first request, Switchyard against workerd, in one run (bench/coldstart.sh).

Switchyard (`switchyard --headless`): a Worker uploaded through the admin API into a dispatch
namespace, then requested through a dispatcher that forwards by subdomain. workerd has no upload
API; two equivalents are measured:

- Worker Loader (`workerLoader` binding, `--experimental`): a platform Worker keeps uploaded code
  in memory (PUT /upload/NAME) and runs each tenant with `env.LOADER.get(name, ...)`, a new
  isolate per tenant, as Switchyard gives each Worker its own.
- a static config: N Workers behind a router Worker's service bindings; adding a tenant means a
  new config and a new process (process start to the new Worker's first response), and a
  configured Worker never requested is measured on its first request as well.

For each new tenant: upload -> first response, the upload alone, the first request's latency and
the process CPU it cost (every thread's schedstat run time), then, 0.1 s later, WARM requests to
the same tenant (their median). Switchyard's billed CPU is its trace's cpuTime (whole ms, as Cloudflare
reports it), read from the store after the run.

Usage: coldstart.py SWITCHYARD WORKERD OUT_JSON [--tenants K] [--warm W] [--static N]
                    [--restarts R]
"""
import argparse
import atexit
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("switchyard")
parser.add_argument("workerd")
parser.add_argument("out")
parser.add_argument("--tenants", type=int, default=30)
parser.add_argument("--warm", type=int, default=20)
parser.add_argument("--static", type=int, default=50)
parser.add_argument("--restarts", type=int, default=3)
args = parser.parse_args()

work = tempfile.mkdtemp(prefix="switchyard-coldstart.")
processes = []


@atexit.register
def cleanup():
    for proc in processes:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    subprocess.run(["rm", "-rf", work])

COMPAT = "2024-09-23"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_ns(pid):
    """Run time of every live thread of the process, ns (/proc/PID/task/*/schedstat)."""
    total = 0
    task_dir = "/proc/%d/task" % pid
    for tid in os.listdir(task_dir):
        try:
            with open(os.path.join(task_dir, tid, "schedstat")) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def tenant_code(name):
    # A distinct source per tenant, so that no cache keyed by the source text serves a new one.
    return ("export default {\n  fetch(request) {\n    return new Response(%s);\n  },\n};\n"
            % json.dumps("hello from " + name))


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise


def get(client, name):
    status, body = client.request("GET", "/", headers={"Host": name + ".localhost"})
    if status != 200 or body.decode() != "hello from " + name:
        sys.exit("%s answered %d %r" % (name, status, body[:300]))


def wait_ready(port, host, proc, expect_status=None, timeout=60):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            sys.exit("a server exited while starting: see %s" % work)
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/", headers={"Host": host})
            r = c.getresponse()
            r.read()
            c.close()
            if expect_status is None or r.status == expect_status:
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.002)
    sys.exit("127.0.0.1:%d never answered %s" % (port, host))


def start(cmd, name):
    log = open(os.path.join(work, name + ".log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    processes.append(proc)
    return proc


def stop(proc):
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def one_tenant(pid, client, upload, name):
    c0, t0 = cpu_ns(pid), time.perf_counter()
    upload(name, tenant_code(name))
    t1, c1 = time.perf_counter(), cpu_ns(pid)
    get(client, name)
    t2, c2 = time.perf_counter(), cpu_ns(pid)
    # Warm means after what the first request set going has settled (a pool refilling its spare
    # context, a GC): the warm requests are the steady state it is compared with.
    time.sleep(0.1)
    warm = []
    for _ in range(args.warm):
        w0, wc0 = time.perf_counter(), cpu_ns(pid)
        get(client, name)
        warm.append(((time.perf_counter() - w0) * 1000, (cpu_ns(pid) - wc0) / 1e6))
    return {"name": name, "upload_to_first_ms": (t2 - t0) * 1000,
            "upload_ms": (t1 - t0) * 1000, "first_ms": (t2 - t1) * 1000,
            "upload_cpu_ms": (c1 - c0) / 1e6, "first_cpu_ms": (c2 - c1) / 1e6,
            "warm_ms": statistics.median(w[0] for w in warm),
            "warm_cpu_ms": statistics.median(w[1] for w in warm),
            "warm_cpu_total_ms": sum(w[1] for w in warm)}


def tenant_loop(runtimes):
    """args.tenants new tenants on each runtime, tenant by tenant in turn, so that the machine's
    load drifts over both alike. runtimes: {key: (pid, client, upload)}. Returns {key: (rows,
    all-in CPU per tenant)}: the process's CPU over the loop, less its idle rate (measured first)
    and its warm requests, per tenant."""
    idle = {}
    for key, (pid, _, _) in runtimes.items():
        c0, t0 = cpu_ns(pid), time.perf_counter()
        time.sleep(1)
        idle[key] = (cpu_ns(pid) - c0) / 1e6 / (time.perf_counter() - t0)
    rows = {key: [] for key in runtimes}
    start = {key: cpu_ns(pid) for key, (pid, _, _) in runtimes.items()}
    t0 = time.perf_counter()
    for i in range(args.tenants):
        for key, (pid, client, upload) in runtimes.items():
            rows[key].append(one_tenant(pid, client, upload, "t%d" % i))
    time.sleep(0.5)  # work a new tenant left behind (a pool refilling, a GC) is counted below
    elapsed = time.perf_counter() - t0
    out = {}
    for key, (pid, _, _) in runtimes.items():
        total = (cpu_ns(pid) - start[key]) / 1e6 - idle[key] * elapsed
        total -= sum(r["warm_cpu_total_ms"] for r in rows[key])
        out[key] = (rows[key], total / args.tenants, idle[key])
    return out


results = {"tenants": args.tenants, "warm": args.warm, "static": args.static,
           "restarts": args.restarts}

# --- Switchyard: admin API upload, dispatcher forwarding by subdomain ----------------------------
listen, admin, token = free_port(), free_port(), uuid.uuid4().hex
data_dir = os.path.join(work, "switchyard-data")
sy = start([args.switchyard, "--headless", "--data-dir", data_dir, "--listen", "127.0.0.1:%d" % listen,
            "--admin", "127.0.0.1:%d" % admin, "--admin-token", token], "switchyard")
wait_ready(admin, "localhost", sy)
admin_client = Client(admin)
auth = {"Authorization": "Bearer " + token}
base = "/client/v4/accounts/local"


def admin_call(method, path, body=None, headers=None):
    status, data = admin_client.request(method, base + path, body, {**auth, **(headers or {})})
    if status != 200:
        sys.exit("%s %s: %d %r" % (method, path, status, data[:300]))


def multipart(metadata, code):
    boundary = "----coldstart" + uuid.uuid4().hex
    body = ("--%s\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            "Content-Type: application/json\r\n\r\n%s\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
            "Content-Type: application/javascript+module\r\n\r\n%s\r\n--%s--\r\n"
            % (boundary, json.dumps(metadata), boundary, code, boundary)).encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + boundary}


def sy_upload(name, code):
    body, headers = multipart({"main_module": "index.js", "compatibility_date": COMPAT}, code)
    admin_call("PUT", "/workers/dispatch/namespaces/tenants/scripts/" + name, body, headers)


admin_call("POST", "/workers/dispatch/namespaces", json.dumps({"name": "tenants"}),
           {"Content-Type": "application/json"})
dispatcher = """export default {
  fetch(request, env) {
    return env.TENANTS.get(new URL(request.url).hostname.split(".")[0]).fetch(request);
  },
};"""
body, headers = multipart({"main_module": "index.js", "compatibility_date": COMPAT, "bindings": [
    {"type": "dispatch_namespace", "name": "TENANTS", "namespace": "tenants"}]}, dispatcher)
admin_call("PUT", "/workers/scripts/coldstart?kind=dispatcher&active_dispatcher=true", body, headers)
client = Client(listen)
sy_upload("warmup", tenant_code("warmup"))
for _ in range(args.warm):
    get(client, "warmup")  # the dispatcher warm, as in workerd's loop below
# --- workerd: Worker Loader --------------------------------------------------------------------
loader_port = free_port()
platform_js = """const code = new Map();
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "PUT" && url.pathname.startsWith("/upload/")) {
      code.set(url.pathname.slice(8), await request.text());
      return new Response("ok");
    }
    const name = url.hostname.split(".")[0];
    const source = code.get(name);
    if (source === undefined) return new Response("no such Worker", { status: 404 });
    return env.LOADER.get(name, () => ({
      compatibilityDate: "%s",
      mainModule: "index.js",
      modules: { "index.js": source },
    })).getEntrypoint().fetch(request);
  },
};
""" % COMPAT
open(os.path.join(work, "platform.js"), "w").write(platform_js)
open(os.path.join(work, "loader.capnp"), "w").write("""using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "platform", worker = (
    modules = [ (name = "platform.js", esModule = embed "platform.js") ],
    compatibilityDate = "%s",
    bindings = [ (name = "LOADER", workerLoader = ()) ])) ],
  sockets = [ (name = "http", address = "127.0.0.1:%d", http = (), service = "platform") ],
);
""" % (COMPAT, loader_port))
wd = start([args.workerd, "serve", "--experimental", os.path.join(work, "loader.capnp")], "workerd-loader")
wait_ready(loader_port, "nobody.localhost", wd, 404)
loader_client = Client(loader_port)


def wd_upload(name, code):
    status, data = loader_client.request("PUT", "/upload/" + name, code.encode())
    if status != 200:
        sys.exit("workerd upload %s: %d %r" % (name, status, data[:300]))


wd_upload("warmup", tenant_code("warmup"))
for _ in range(args.warm):
    get(loader_client, "warmup")
sy_client = client
loops = tenant_loop({"switchyard": (sy.pid, sy_client, sy_upload),
                     "workerd_loader": (wd.pid, loader_client, wd_upload)})
stop(wd)
rows, all_in, idle = loops["workerd_loader"]
results["workerd_loader"] = {"rows": rows, "all_in_cpu_ms": all_in, "idle_cpu_ms_per_s": idle,
                             "version": subprocess.run([args.workerd, "--version"], capture_output=True,
                                                       text=True).stdout.strip()}
rows, all_in, idle = loops["switchyard"]
time.sleep(0.5)
db = sqlite3.connect(os.path.join(data_dir, "switchyard.db"))
billed = {}
for script, cpu, wall in db.execute("SELECT script_name, cpu_time, wall_time FROM traces "
                                    "WHERE dispatch_namespace = 'tenants' ORDER BY id"):
    billed.setdefault(script, []).append((cpu, wall))
db.close()
for r in rows:
    traces = billed.get(r["name"], [])
    if len(traces) != 1 + args.warm:
        sys.exit("%s: %d traces, expected %d" % (r["name"], len(traces), 1 + args.warm))
    r["first_billed_ms"] = traces[0][0]
    r["warm_billed_ms"] = statistics.mean(t[0] for t in traces[1:])
results["switchyard"] = {"rows": rows, "all_in_cpu_ms": all_in, "idle_cpu_ms_per_s": idle}
# Process start with every tenant in the store, to a tenant's first response.
stop(sy)
results["switchyard"]["restart_ms"] = []
for r in range(args.restarts):
    sy = start([args.switchyard, "--headless", "--data-dir", data_dir, "--listen",
                "127.0.0.1:%d" % listen, "--admin", "127.0.0.1:%d" % admin, "--admin-token", token],
               "switchyard-restart-%d" % r)
    results["switchyard"]["restart_ms"].append(wait_ready(listen, "t%d.localhost" % r, sy, 200) * 1000)
    stop(sy)


# --- workerd: static config, a new process per new config -----------------------------------------
static_port = free_port()


def static_config(n):
    names = ["s%d" % i for i in range(n)]
    for name in names:
        path = os.path.join(work, name + ".js")
        if not os.path.exists(path):
            open(path, "w").write(tenant_code(name))
    router = """export default {
  fetch(request, env) {
    const service = env[new URL(request.url).hostname.split(".")[0]];
    return service ? service.fetch(request) : new Response("no such Worker", { status: 404 });
  },
};
"""
    open(os.path.join(work, "router.js"), "w").write(router)
    services = ",\n    ".join(
        '(name = "%s", worker = (modules = [ (name = "index.js", esModule = embed "%s.js") ], '
        'compatibilityDate = "%s"))' % (name, name, COMPAT) for name in names)
    bindings = ", ".join('(name = "%s", service = "%s")' % (name, name) for name in names)
    path = os.path.join(work, "static-%d.capnp" % n)
    open(path, "w").write("""using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "router", worker = (modules = [ (name = "router.js", esModule = embed "router.js") ],
      compatibilityDate = "%s", bindings = [ %s ])),
    %s ],
  sockets = [ (name = "http", address = "127.0.0.1:%d", http = (), service = "router") ],
);
""" % (COMPAT, bindings, services, static_port))
    return path


restarts = []
restart_cpu = []
for r in range(args.restarts):
    config = static_config(args.static + 1)  # the N configured before, and the new tenant
    new = "s%d" % args.static
    wd = start([args.workerd, "serve", config], "workerd-static-%d" % r)
    restarts.append(wait_ready(static_port, new + ".localhost", wd, 200) * 1000)
    with open("/proc/%d/stat" % wd.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    restart_cpu.append((int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK"))
    if r + 1 < args.restarts:
        stop(wd)
# In the last process: configured Workers never requested, each on its first request.
client = Client(static_port)
for _ in range(args.warm):
    get(client, "s%d" % args.static)
rows = []
for i in range(min(args.tenants, args.static)):
    name = "s%d" % i
    c1, t1 = cpu_ns(wd.pid), time.perf_counter()
    get(client, name)
    t2, c2 = time.perf_counter(), cpu_ns(wd.pid)
    time.sleep(0.1)
    warm = []
    for _ in range(args.warm):
        w0, wc0 = time.perf_counter(), cpu_ns(wd.pid)
        get(client, name)
        warm.append(((time.perf_counter() - w0) * 1000, (cpu_ns(wd.pid) - wc0) / 1e6))
    rows.append({"name": name, "first_ms": (t2 - t1) * 1000, "first_cpu_ms": (c2 - c1) / 1e6,
                 "warm_ms": statistics.median(w[0] for w in warm),
                 "warm_cpu_ms": statistics.median(w[1] for w in warm)})
stop(wd)
results["workerd_static"] = {"rows": rows, "restart_ms": restarts, "restart_cpu_ms": restart_cpu}

json.dump(results, open(args.out, "w"), indent=1)
