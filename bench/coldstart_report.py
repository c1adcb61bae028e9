#!/usr/bin/env python3
"""The "Cold start against workerd" section of docs/benchmarks.md from coldstart.py's JSON and
bench/coldstart.sh's machine description. Prints the section's body on stdout.

Usage: coldstart_report.py RESULTS_JSON MACHINE_JSON
"""
import json
import statistics
import sys

results = json.load(open(sys.argv[1]))
machine = json.load(open(sys.argv[2]))
sy, loader, static = results["switchyard"], results["workerd_loader"], results["workerd_static"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def dist(rows, key, digits=2):
    values = [r[key] for r in rows]
    if not values:
        return "—"
    return "%.*f / %.*f" % (digits, statistics.median(values), digits, pct(values, 90))


def med(values, digits=1):
    return "%.*f" % (digits, statistics.median(values)) if values else "—"


def ratio(rows, a, b):
    values = [r[a] / r[b] for r in rows if r[b] > 0]
    return "%.1f×" % statistics.median(values) if values else "—"


k, warm, n = results["tenants"], results["warm"], results["static"]
print(
    "`bench/coldstart.sh` on %s: %s, %d cores, load average %s at the start and %s at the end "
    "(other programs ran on the same cores, so read the ratios, not the absolute times). %s; "
    "%s."
    % (machine["date"], machine["cpu"], machine["cores"], machine["load_start"],
       machine["load_end"], "Switchyard at " + machine["commit"], loader["version"]))
print()
print(
    "A new tenant, %d times in each column: its Worker uploaded, then requested once (the first "
    "request), then, 0.1 s later, %d times more (warm; their median per tenant). Cells are the median / p90 over "
    "the tenants, in ms; process CPU is every thread's run time (`/proc/PID/task/*/schedstat`) "
    "over the request, so it includes what the request made other threads do. One client, one "
    "request at a time, keep-alive; the first two columns run side by side, a tenant on one and "
    "then a tenant on the other, so that the machine's load drifts over both alike. The all-in "
    "row is each process's CPU over that loop less its idle rate (measured for 1 s before: "
    "%.1f and %.1f ms/s) and its warm requests, per tenant. Each tenant's Worker is a one-line module of its own (distinct "
    "source text, so no cache keyed by the source serves a new tenant)."
    % (k, warm, sy.get("idle_cpu_ms_per_s", 0), loader.get("idle_cpu_ms_per_s", 0)))
print()
print("| new tenant | Switchyard: admin API upload, dispatcher → Worker | workerd: Worker Loader "
      "(platform Worker → `LOADER.get`) | workerd: static config, %d Workers behind a router |" % n)
print("| --- | ---: | ---: | ---: |")
rows = [
    ("upload → first response", dist(sy["rows"], "upload_to_first_ms"),
     dist(loader["rows"], "upload_to_first_ms"),
     "%s (process start → the new Worker's first response, median of %d)"
     % (med(static["restart_ms"]), len(static["restart_ms"]))),
    ("… the upload (answered)", dist(sy["rows"], "upload_ms"), dist(loader["rows"], "upload_ms"),
     "—"),
    ("… the first request", dist(sy["rows"], "first_ms"), dist(loader["rows"], "first_ms"),
     dist(static["rows"], "first_ms") + " (a configured Worker never requested)"),
    ("warm request", dist(sy["rows"], "warm_ms"), dist(loader["rows"], "warm_ms"),
     dist(static["rows"], "warm_ms")),
    ("first ÷ warm latency", ratio(sy["rows"], "first_ms", "warm_ms"),
     ratio(loader["rows"], "first_ms", "warm_ms"), ratio(static["rows"], "first_ms", "warm_ms")),
    ("process CPU: the upload", dist(sy["rows"], "upload_cpu_ms"),
     dist(loader["rows"], "upload_cpu_ms"), "%s (the whole start-up, median)"
     % med(static["restart_cpu_ms"])),
    ("process CPU: the first request", dist(sy["rows"], "first_cpu_ms"),
     dist(loader["rows"], "first_cpu_ms"), dist(static["rows"], "first_cpu_ms")),
    ("process CPU: a warm request", dist(sy["rows"], "warm_cpu_ms"),
     dist(loader["rows"], "warm_cpu_ms"), dist(static["rows"], "warm_cpu_ms")),
    ("process CPU per new tenant, all in (upload, first request, what they left behind)", "%.2f" % sy["all_in_cpu_ms"], "%.2f" % loader["all_in_cpu_ms"], "—"),
    ("billed CPU (the trace's `cpuTime`, whole ms), mean: first / warm",
     "%.2f / %.2f" % (statistics.mean(r["first_billed_ms"] for r in sy["rows"]),
                      statistics.mean(r["warm_billed_ms"] for r in sy["rows"])),
     "— (workerd bills nothing)", "— (workerd bills nothing)"),
    ("process start → a stored or configured tenant's first response, median",
     "%s (%d Workers in the store)" % (med(sy["restart_ms"]), k + 1), "—",
     "%s (%d Workers configured)" % (med(static["restart_ms"]), n + 1)),
]
for row in rows:
    print("| %s |" % " | ".join(row))
print()
print(
    "What is compared, and why. Switchyard adds a Worker to a running process: the admin API "
    "validates it, commits it to the store (SQLite here) and answers; the first request creates "
    "its Instance (an isolate from the warm pool, its module compiled and evaluated) and runs it, "
    "billed to the tenant from its own clock. Its process CPU includes the warm pool making and "
    "warming a context to replace the one taken (about 3 ms, on the pool's thread, off the "
    "request's path; [Fair first-request billing](#fair-first-request-billing-and-memory-per-instance-20-2026-12-02)). workerd has no API to add a Worker to a running "
    "server. Its config names every Worker and `workerd serve` compiles and starts each of them "
    "before it listens, so a configured Worker's first request costs about what a warm one does "
    "(third column): the cold work moved into process start, which grows with the number of "
    "Workers, and adding a tenant means a new config and a new process (`workerd serve --watch` "
    "restarts the same way when the config changes). The runtime equivalent of an upload is "
    "workerd's Worker Loader (the `workerLoader` binding, experimental in the npm release, so "
    "`--experimental`): code handed over at run time and started in an isolate of its own on "
    "first use, as Cloudflare's Dynamic Workers are. The platform Worker in front of it keeps the "
    "uploaded code in a `Map` and stands in for an admin API and a store; it writes nothing to "
    "disk, where Switchyard's upload commits to SQLite, so the upload row favours workerd. "
    "workerd bills nothing: its open-source build enforces no CPU limit (its isolate limit "
    "enforcers bound only the heap), so the billed-CPU row is Switchyard's alone; Switchyard's "
    "trace rounds to whole milliseconds as Cloudflare's `CPUTimeMs` does, and the mean over the "
    "tenants is what the row gives.")
