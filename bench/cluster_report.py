#!/usr/bin/env python3
"""The "Cluster throughput" section of docs/benchmarks.md from bench/cluster.sh's results folder
(machine.json, throughput.jsonl and the wrk outputs). Prints the section's body on stdout.

Usage: cluster_report.py RESULTS_DIR
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import parse_wrk  # noqa: E402

results = sys.argv[1]
machine = json.load(open(os.path.join(results, "machine.json")))
runs = []
for line in open(os.path.join(results, "throughput.jsonl")):
    run = json.loads(line)
    run.update(parse_wrk(run["wrk"]))
    per_core = run["hz"] * run["seconds"]
    run["node_pct"] = 100.0 * run["node_ticks"] / per_core
    run["nginx_pct"] = 100.0 * run["nginx_ticks"] / per_core
    run["pg_pct"] = 100.0 * run["pg_ticks"] / per_core
    run["machine_pct"] = 100.0 * run["cores"] * run["machine_busy"] / max(run["machine_total"], 1)
    runs.append(run)

configs = []
for run in runs:
    key = (run["config"], run["nodes"], run["conns"])
    if key not in configs:
        configs.append(key)
configs.sort(key=lambda k: (k[2], k[0] != "direct", k[1]))


def mean(key, rows):
    values = [r[key] for r in rows if r[key] is not None]
    return statistics.mean(values) if values else None


def ms(seconds):
    return "—" if seconds is None else "%.2f ms" % (seconds * 1000)


rows = {k: [r for r in runs if (r["config"], r["nodes"], r["conns"]) == k] for k in configs}
conns_list = sorted({k[2] for k in configs})
seconds = runs[0]["seconds"]
passes = max(r["pass"] for r in runs)

print(
    "`bench/cluster.sh throughput` on %s: %s, %d cores, %s, kernel %s. Versions: %s; nginx %s; %s. "
    "Load average when the run started: %s; when it ended: %s."
    % (machine["date"], machine["cpu"], machine["cores"], machine["os"], machine["kernel"],
       "Switchyard at " + machine["switchyard"], machine["nginx"], machine["wrk"],
       machine["load_start"], machine.get("load_end", "?")))
print()
print(
    "`scripts/cluster.sh up N` (PostgreSQL 15, N headless nodes, nginx with `worker_processes auto` "
    "round-robin over keep-alive connections to the nodes), every node serving the forwarding "
    "dispatcher → hello Worker of the side-by-side table (uploaded once through the admin API). "
    "wrk, 2 threads, %s connections, %d s per point after a 2 s warm-up, %d pass(es) over "
    "1, 2, 3 nodes, req/s and latencies the mean of the passes. CPU is each component's utime+stime "
    "over the point (100%% = one core): the nodes together, nginx's master and workers, PostgreSQL's "
    "processes (every request's trace is written there, in batches), and the whole machine (wrk and "
    "every other program on it included)."
    % (" and ".join(str(c) for c in conns_list), seconds, passes))
print()
print("| configuration | conns | req/s | req/s per pass | ÷ nginx → 1 node | p50 | p99 | CPU nodes | CPU nginx "
      "| CPU PostgreSQL | CPU machine | nodes' CPU per request | errors |")
print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for key in configs:
    rs = rows[key]
    name = ("1 node, no nginx (wrk → node-1)" if key[0] == "direct"
            else "nginx → %d node%s" % (key[1], "" if key[1] == 1 else "s"))
    rps = mean("rps", rs)
    base = mean("rps", rows.get(("nginx", 1, key[2]), [])) or None
    errors = sum(r["errors"] + r["non2xx"] for r in rs)
    print("| %s | %d | %s | %s | %s | %s | %s | %.0f%% | %.0f%% | %.0f%% | %.0f%% | %.0f µs | %d |" % (
        name, key[2], "{:,.0f}".format(rps), " / ".join("{:,.0f}".format(r["rps"]) for r in rs),
        "%.2f×" % (rps / base) if base else "—", ms(mean("p50", rs)), ms(mean("p99", rs)),
        mean("node_pct", rs), mean("nginx_pct", rs), mean("pg_pct", rs), mean("machine_pct", rs),
        mean("node_pct", rs) / 100 / max(rps, 1) * 1e6, errors))

print()
for c in conns_list:
    direct = mean("rps", rows[("direct", 1, c)]) if ("direct", 1, c) in rows else None
    base = mean("rps", rows[("nginx", 1, c)]) if ("nginx", 1, c) in rows else None
    sentences = []
    if direct and base:
        sentences.append("nginx in front of one node serves %.2f× the req/s of the node alone"
                         % (base / direct))
    for n in (2, 3):
        if ("nginx", n, c) in rows and base:
            sentences.append("%d nodes %.2f× one node's" % (n, mean("rps", rows[("nginx", n, c)]) / base))
    if sentences:
        print("- %d connections: " % c + "; ".join(sentences) + ".")
print()
print(
    "What these numbers do and do not say. Every process here shares the same %d cores: the nodes, "
    "nginx, PostgreSQL and wrk, and whatever else runs on the machine (the last CPU column, where "
    "%d%% is every core busy). A second or third node adds no core, so this is not scaling out. "
    "Where more nodes serve more here, it comes from two things that are not: one Instance per "
    "Worker per node (concurrent requests to one Worker take turns on one thread, so one node runs "
    "this benchmark's single hot Worker on at most one core, and N nodes run N copies of it side "
    "by side), and, on a machine shared with other work, N processes drawing a larger share of "
    "the cores from the scheduler. What the rows do measure is the price of the arrangement on "
    "fixed hardware: nginx's proxying (the rows without and with it in front of one node, and "
    "nginx's own CPU column) and PostgreSQL taking every node's traces (its column). Where nginx "
    "costs more req/s than its own CPU share explains, the time went to waiting: each request "
    "crosses two more processes, and on an oversubscribed machine each crossing waits for a "
    "core, which weighs most when many requests are in flight. The nodes' CPU per request is what a "
    "request costs inside Switchyard; where it is higher behind nginx than without it, the nodes "
    "did the same work at a higher price per request, which this benchmark does not explain (a "
    "guess: requests reaching a node one by one over nginx's connections rather than in wrk's "
    "bursts, so its threads sleep and wake once per request; not profiled). Each node on a machine of its own, with "
    "nginx on another, is not measured: this machine cannot, and the figure it would give is "
    "bounded by what one node serves alone (the side-by-side table above) times the nodes, less "
    "nginx, as long as PostgreSQL keeps up with the traces."
    % (machine["cores"], 100 * machine["cores"]))
