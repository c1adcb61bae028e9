#!/usr/bin/env python3
"""Soak driver for bench/soak.sh: one switchyard process, a light tenant, hostile tenants and a
Worker re-uploaded every second, under mixed traffic for a given time. Reports errors by tenant,
latencies, whether the process survived and the slope of its RSS; writes the table into
docs/reliability.md between its markers.

Python 3 standard library only. Every request goes to 127.0.0.1 and has a timeout; every loop
ends at the deadline or when the process dies; the process is stopped by its pid at the end.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict, deque

NAMESPACE = "production"  # the namespace --demo's dispatcher binds

# name -> (module source, what it tests). Each is uploaded into the demo's namespace; the demo
# dispatcher gives Workers without a plan the free plan (10 ms CPU, 5 subrequests).
TENANTS = {
    "light": (
        'export default { fetch(request) { return new Response("ok " + new URL(request.url).pathname); } };',
        "a well-behaved tenant; its latency is what the hostile ones must not ruin",
    ),
    "membomb": (
        'export default { fetch() { return new Response("x".repeat(300 << 20)); } };',
        "a 300 MiB string per request, beyond the 128 MB heap",
    ),
    "modmem": (
        "const hog = new Uint8Array(256 << 20); hog.fill(1);\n"
        'export default { fetch() { return new Response(String(hog.length)); } };',
        "256 MiB outside the V8 heap (an ArrayBuffer) held from module scope",
    ),
    "timers": (
        "export default { fetch() {\n"
        "  for (let i = 0; i < 3000; i++) setTimeout(() => {}, 10000);\n"
        '  return new Response("armed");\n'
        "} };",
        "3,000 ten-second timers left pending by every request",
    ),
    "spinner": (
        'export default { fetch() { while (true) {} } };',
        "an endless loop: only the CPU limit stops it",
    ),
    "selffetch": (
        "export default { fetch(request) { return fetch(request.url); } };",
        "fetches its own hostname, which dispatches to itself again: a request loop",
    ),
    "atomics": (
        "export default { fetch() {\n"
        "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n"
        '  return new Response("woke");\n'
        "} };",
        "blocks its thread in Atomics.wait without a timeout, using no CPU",
    ),
}
RELOADED = "reloaded"  # re-uploaded every second and requested in between
HOSTILE = ["membomb", "modmem", "timers", "spinner", "selffetch", "atomics"]


def log(message):
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def multipart(metadata, modules):
    boundary = uuid.uuid4().hex
    out = []
    parts = [("metadata", "blob", "application/json", json.dumps(metadata).encode())]
    parts += [(name, name, "application/javascript+module", code.encode()) for name, code in modules]
    for name, filename, ctype, body in parts:
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n".encode() + body + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


class Admin:
    def __init__(self, url, token):
        m = re.match(r"http://([^:/]+):(\d+)", url)
        self.host, self.port, self.token = m.group(1), int(m.group(2)), token

    def upload(self, name, code, timeout=30):
        body, ctype = multipart({"main_module": "index.js"}, [("index.js", code)])
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(
                "PUT",
                f"/client/v4/accounts/local/workers/dispatch/namespaces/{NAMESPACE}/scripts/{name}",
                body=body,
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": ctype},
            )
            response = conn.getresponse()
            text = response.read()
            return response.status, text
        finally:
            conn.close()


class Stats:
    """Outcomes and latencies per tenant, shared by the traffic threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.outcomes = defaultdict(Counter)
        self.latencies = defaultdict(list)
        self.examples = defaultdict(Counter)  # (outcome, first line of the body) per tenant

    def record(self, tenant, outcome, seconds, detail=""):
        with self.lock:
            self.outcomes[tenant][outcome] += 1
            if outcome in ("2xx", "4xx", "5xx"):
                self.latencies[tenant].append(seconds)
            if detail and len(self.examples[tenant]) < 50:
                self.examples[tenant][(outcome, detail[:120])] += 1


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def slope(samples):
    """Least-squares slope of (minute, MB) samples."""
    if len(samples) < 3:
        return None
    n = len(samples)
    mx = sum(t for t, _ in samples) / n
    my = sum(v for _, v in samples) / n
    sxx = sum((t - mx) ** 2 for t, _ in samples)
    if sxx == 0:
        return None
    return sum((t - mx) * (v - my) for t, v in samples) / sxx


class Soak:
    def __init__(self, args):
        self.args = args
        self.stats = Stats()
        self.stop = threading.Event()  # traffic ends
        self.finished = threading.Event()  # sampling ends: the traffic threads have returned
        self.proc = None
        self.stderr_tail = deque(maxlen=40)
        self.log_lines = []
        self.rss = []  # (seconds since start, MB)
        self.died = None  # (seconds since start, exit code)
        self.killed_for_rss = False
        self.uploads = Counter()
        self.started = None

    # --- the process ---------------------------------------------------------------------------
    def start(self, work):
        token = "soak-" + uuid.uuid4().hex
        cmd = [
            self.args.switchyard, "--headless", "--demo", "--data-dir", os.path.join(work, "data"),
            "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--admin-token", token,
        ]
        log("starting " + " ".join(cmd))
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True, errors="replace",
        )
        threading.Thread(target=self.read_output, daemon=True).start()
        deadline = time.time() + 60
        dispatch = admin = None
        while time.time() < deadline and not (dispatch and admin):
            if self.proc.poll() is not None:
                raise RuntimeError(f"switchyard exited with {self.proc.returncode} while starting:\n"
                                   + "\n".join(self.stderr_tail))
            for line in list(self.log_lines):
                m = re.search(r"dispatching on http://127\.0\.0\.1:(\d+)/", line)
                dispatch = dispatch or (m and int(m.group(1)))
                m = re.search(r"admin API on (http://\S+)", line)
                admin = admin or (m and m.group(1))
            time.sleep(0.1)
        if not (dispatch and admin):
            raise RuntimeError("switchyard printed no ports within 60 s:\n" + "\n".join(self.stderr_tail))
        self.dispatch_port = dispatch
        self.admin = Admin(admin, token)
        log(f"dispatch on 127.0.0.1:{dispatch}, admin API on {admin}")

    def read_output(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.stderr_tail.append(line)
            if len(self.log_lines) < 200:
                self.log_lines.append(line)

    def alive(self):
        return self.proc.poll() is None

    # --- traffic --------------------------------------------------------------------------------
    def request_loop(self, tenant, pause, timeout):
        conn = None
        n = 0
        while not self.stop.is_set():
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.dispatch_port, timeout=timeout)
            n += 1
            began = time.monotonic()
            try:
                conn.request("GET", f"/soak/{n}", headers={"Host": f"{tenant}.localhost:{self.dispatch_port}"})
                response = conn.getresponse()
                body = response.read(65536)
                # Do not keep a connection whose body was not read to its end (the memory bomb's).
                if not response.isclosed() or response.will_close:
                    conn.close()
                    conn = None
                outcome = f"{response.status // 100}xx"
                detail = "" if response.status == 200 else f"{response.status} {body.decode(errors='replace').splitlines()[0] if body else ''}"
                self.stats.record(tenant, outcome, time.monotonic() - began, detail)
            except TimeoutError:
                self.stats.record(tenant, "timeout", time.monotonic() - began, "no answer within the timeout")
                conn.close()
                conn = None
            except (OSError, http.client.HTTPException) as e:
                if self.stop.is_set():
                    break
                self.stats.record(tenant, "conn error", time.monotonic() - began, type(e).__name__ + ": " + str(e))
                if conn:
                    conn.close()
                conn = None
                self.stop.wait(0.2)  # a refused connection returns at once: do not spin
            if pause:
                self.stop.wait(pause)
        if conn:
            conn.close()

    def reload_loop(self):
        i = 0
        while not self.stop.is_set():
            i += 1
            code = f'const version = {i};\nexport default {{ fetch() {{ return new Response("v" + version); }} }};'
            began = time.monotonic()
            try:
                status, text = self.admin.upload(RELOADED, code)
                ok = status == 200
                self.uploads["ok" if ok else f"HTTP {status}"] += 1
                if not ok:
                    self.stats.record("(uploads)", f"{status // 100}xx", time.monotonic() - began, text.decode(errors="replace")[:120])
                else:
                    self.stats.record("(uploads)", "2xx", time.monotonic() - began)
            except TimeoutError:
                self.stats.record("(uploads)", "timeout", time.monotonic() - began, "upload timed out")
            except (OSError, http.client.HTTPException) as e:
                if self.stop.is_set():
                    break
                self.stats.record("(uploads)", "conn error", time.monotonic() - began, str(e))
            self.stop.wait(max(0.0, 1.0 - (time.monotonic() - began)))

    def sample_loop(self):
        path = f"/proc/{self.proc.pid}/status"
        while not self.finished.is_set():
            if not self.alive():
                self.died = (time.monotonic() - self.started, self.proc.returncode)
                log(f"switchyard exited with {self.proc.returncode}")
                self.stop.set()
                break
            try:
                with open(path) as f:
                    m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
                if m:
                    mb = int(m.group(1)) / 1024
                    self.rss.append((time.monotonic() - self.started, mb))
                    if mb > self.args.max_rss_mb:
                        log(f"RSS {mb:.0f} MB is over --max-rss-mb {self.args.max_rss_mb}: stopping the process")
                        self.killed_for_rss = True
                        self.proc.kill()
            except OSError:
                pass
            self.finished.wait(self.args.sample_seconds)

    def run(self):
        work = tempfile.mkdtemp(prefix="switchyard-soak.")
        try:
            self.start(work)
            for name, (code, _) in TENANTS.items():
                status, text = self.admin.upload(name, code, timeout=60)
                if status != 200:
                    raise RuntimeError(f"upload of {name} answered {status}: {text[:300]!r}")
            status, text = self.admin.upload(RELOADED, 'export default { fetch() { return new Response("v0"); } };')
            if status != 200:
                raise RuntimeError(f"upload of {RELOADED} answered {status}: {text[:300]!r}")
            log(f"uploaded {len(TENANTS) + 1} Workers; driving traffic for {self.args.minutes} min")
            self.started = time.monotonic()
            sampler = threading.Thread(target=self.sample_loop)
            sampler.start()
            threads = []
            threads += [threading.Thread(target=self.request_loop, args=("light", 0, 10)) for _ in range(self.args.light_clients)]
            threads += [threading.Thread(target=self.request_loop, args=(t, 0.1, 30)) for t in self.args.hostile]
            threads += [threading.Thread(target=self.request_loop, args=(RELOADED, 0.05, 10))]
            threads += [threading.Thread(target=self.reload_loop)]
            for t in threads:
                t.start()
            end = self.started + self.args.minutes * 60
            while not self.stop.is_set() and time.monotonic() < end:
                self.stop.wait(min(5.0, max(0.0, end - time.monotonic())))
                done = time.monotonic() - self.started
                light = self.stats.outcomes["light"]
                log(f"{done / 60:.1f} min: light {sum(light.values())} requests, RSS {self.rss[-1][1] if self.rss else 0:.0f} MB")
            self.elapsed = time.monotonic() - self.started
            self.stop.set()
            for t in threads:
                t.join(timeout=40)
            self.finished.set()
            sampler.join()
            if self.died is None and not self.alive():
                self.died = (self.elapsed, self.proc.returncode)
        finally:
            self.shutdown()
            subprocess.run(["rm", "-rf", work], check=False)

    def shutdown(self):
        if self.proc and self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log("switchyard did not stop within 20 s of SIGTERM; killing it")
                self.proc.kill()
                self.proc.wait()

    # --- the report -----------------------------------------------------------------------------
    def report(self):
        rows = []
        header = "| tenant | requests | 2xx | 4xx | 5xx | timeouts | connection errors | p50 ms | p99 ms |"
        rows.append(header)
        rows.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for tenant in ["light", *self.args.hostile, RELOADED, "(uploads)"]:
            o = self.stats.outcomes[tenant]
            lat = self.stats.latencies[tenant]
            p50, p99 = percentile(lat, 50), percentile(lat, 99)
            fmt = lambda v: "-" if v is None else f"{v * 1000:.1f}"
            rows.append(
                f"| {tenant} | {sum(o.values())} | {o['2xx']} | {o['4xx']} | {o['5xx']} | {o['timeout']} "
                f"| {o['conn error']} | {fmt(p50)} | {fmt(p99)} |"
            )
        warm = [(t / 60, mb) for t, mb in self.rss if t >= 30] or [(t / 60, mb) for t, mb in self.rss]
        s = slope(warm)
        peak = max((mb for _, mb in self.rss), default=0)
        if self.died:
            code = self.died[1]
            how = f"signal {-code} ({signal.Signals(-code).name})" if code < 0 else f"exit code {code}"
            survived = f"**no**: the process ended after {self.died[0] / 60:.1f} min with {how}"
            if self.killed_for_rss:
                survived += f" (stopped by the soak: RSS over {self.args.max_rss_mb} MB)"
        else:
            survived = "yes"
        summary = [
            f"- Process survived: {survived}",
            f"- RSS: {self.rss[0][1]:.0f} MB at start, {self.rss[-1][1]:.0f} MB at the end, {peak:.0f} MB peak; "
            f"slope {'-' if s is None else f'{s:+.1f}'} MB/min (least squares over the samples after the first 30 s)"
            if self.rss else "- RSS: no samples",
            f"- Re-uploads of `{RELOADED}`: {self.uploads['ok']} succeeded, "
            f"{sum(self.uploads.values()) - self.uploads['ok']} failed",
        ]
        examples = []
        for tenant, counter in sorted(self.stats.examples.items()):
            for (outcome, detail), count in counter.most_common(2):
                examples.append(f"- `{tenant}` {outcome} x{count}: `{detail.replace('`', '')}`")
        tail = list(self.stderr_tail)[-15:] if self.died else []
        return rows, summary, examples, tail


def write_doc(path, title, rows, summary, examples, tail):
    begin, end = "<!-- soak:begin -->", "<!-- soak:end -->"
    block = [begin, "", title, "", *rows, "", *summary, ""]
    if examples:
        block += ["Most frequent answers other than 200, by tenant:", "", *examples, ""]
    if tail:
        block += ["Last lines the process wrote before it ended:", "", "```", *tail, "```", ""]
    block.append(end)
    text = open(path).read() if os.path.exists(path) else ""
    if begin in text and end in text:
        text = text[: text.index(begin)] + "\n".join(block) + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    with open(path, "w") as f:
        f.write(text)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1).strip() if m else cpu
        with open("/proc/meminfo") as f:
            mem = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1)) // 1024 // 1024
    except OSError:
        mem = 0
    return f"{os.cpu_count()} cores ({cpu}), {mem} GB RAM, {platform.system()} {platform.release()}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--switchyard", required=True)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--light-clients", type=int, default=4)
    p.add_argument("--sample-seconds", type=float, default=2)
    p.add_argument("--max-rss-mb", type=int, default=8192, help="stop the process above this RSS")
    p.add_argument("--doc", help="write the results into this Markdown file")
    p.add_argument("--label", default="", help="appended to the results heading")
    p.add_argument("--hostile", default=" ".join(HOSTILE),
                   help="the hostile tenants to drive, space-separated (default: all)")
    args = p.parse_args()
    args.hostile = args.hostile.split()
    unknown = set(args.hostile) - set(HOSTILE)
    if unknown:
        p.error(f"unknown hostile tenants {sorted(unknown)}; known: {HOSTILE}")

    soak = Soak(args)
    try:
        soak.run()
    except RuntimeError as e:
        log(str(e))
        return 2
    rows, summary, examples, tail = soak.report()
    title = (f"### {datetime.date.today().isoformat()}: {args.minutes:g} min on {machine()}"
             + (f" ({args.label})" if args.label else ""))
    print("\n".join([title, "", *rows, "", *summary, "", *examples]))
    if tail:
        print("\nlast output of the process:\n" + "\n".join(tail))
    if args.doc:
        write_doc(args.doc, title, rows, summary, examples, tail)
        log(f"wrote the results into {args.doc}")
    return 1 if soak.died else 0


if __name__ == "__main__":
    sys.exit(main())
