#!/usr/bin/env python3
"""Turns bench/run.sh's results folder into docs/benchmarks.md sections and gnuplot charts.

Usage: report.py RESULTS_DIR OUT_DIR

Replaces only the sections it writes (see SECTIONS) in OUT_DIR/benchmarks.md; every other section
(bench/engine.sh's "## Engine", the hand-written "## Profile") stays as it is.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

SECTIONS = ["## Side by side: nginx, workerd, Switchyard", "## Goals", "## Platform measures"]

CONFIGS = [
    ("nginx", "nginx `return 200` (the machine's HTTP ceiling)"),
    ("workerd-direct", "workerd: hello Worker"),
    ("workerd-routed", "workerd: router Worker → hello (service binding)"),
    ("switchyard-bare", "Switchyard: hello as the dispatch Worker (no hop)"),
    ("switchyard-direct", "Switchyard: forwarding dispatcher → hello"),
    ("switchyard-limits", "Switchyard: seed's custom-limits dispatcher (subdomain, plan limits) → hello"),
    ("switchyard-demo", "Switchyard: demo dispatcher (KV routing, plans) → hello"),
]
SHORT = {
    "nginx": "nginx",
    "workerd-direct": "workerd hello",
    "workerd-routed": "workerd router",
    "switchyard-bare": "SY bare",
    "switchyard-direct": "SY forward",
    "switchyard-limits": "SY limits",
    "switchyard-demo": "SY demo",
}


def seconds(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    if not m:
        return None
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def parse_wrk(path):
    out = {"rps": 0.0, "p50": None, "p99": None, "requests": 0, "non2xx": 0, "errors": 0}
    try:
        text = open(path).read()
    except OSError:
        return out
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, text, re.M)
        if m:
            out[key] = seconds(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["errors"] = sum(int(x) for x in m.groups())
    return out


def load_runs(results):
    runs = []
    path = os.path.join(results, "http.jsonl")
    if not os.path.exists(path):
        return runs
    for line in open(path):
        run = json.loads(line)
        run.update(parse_wrk(run["wrk"]))
        run["cpu_pct"] = 100.0 * run["cpu_ticks"] / run["hz"] / max(run["seconds"], 1e-9)
        runs.append(run)
    return runs


def noisy_rounds(runs, prefix=""):
    """conns -> [(quiet run, spinning run)] in round order, for rounds where both have a p99.
    prefix "busy-": the rounds measured beside two CPU hogs."""
    quiet, spinning = prefix + "noisy-quiet", prefix + "noisy-spinning"
    by = {}
    for r in runs:
        if r["config"] in (quiet, spinning):
            by.setdefault(r["conns"], {}).setdefault(r["pass"], {})[r["config"]] = r
    out = {}
    for c, rounds in by.items():
        pairs = [(v[quiet], v[spinning]) for _, v in sorted(rounds.items())
                 if quiet in v and spinning in v]
        pairs = [(q, s) for q, s in pairs if q["p99"] and s["p99"]]
        if pairs:
            out[c] = pairs
    return out


def median_of(pairs, side, key):
    return statistics.median(p[side][key] for p in pairs)


def load_json(results, name):
    try:
        return json.load(open(os.path.join(results, name)))
    except (OSError, ValueError):
        return None


def summarize(runs):
    """(config, conns) -> means over passes, plus each pass's req/s."""
    groups = {}
    for r in runs:
        groups.setdefault((r["config"], r["conns"]), []).append(r)
    out = {}
    for key, rs in groups.items():
        mean = lambda k: statistics.mean(r[k] for r in rs if r[k] is not None) if any(
            r[k] is not None for r in rs) else None
        out[key] = {
            "rps": mean("rps"),
            "rps_passes": [r["rps"] for r in rs],
            "p50": mean("p50"),
            "p99": mean("p99"),
            "p99_worst": max((r["p99"] for r in rs if r["p99"] is not None), default=None),
            "cpu": mean("cpu_pct"),
            "rss": max(r["rss_kb"] for r in rs) / 1024.0,
            "bad": sum(r["non2xx"] + r["errors"] for r in rs),
        }
    return out


def ms(v):
    if v is None:
        return "–"
    v *= 1000
    return "%.2f ms" % v if v < 10 else "%.1f ms" % v


def num(v):
    return "–" if v is None else "{:,.0f}".format(v)


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "–"
    return ("%%.%df×" % digits) % (a / b)


def dist_row(name, d, unit="ms"):
    if not d or not d.get("n"):
        return "| %s | – | – | – | – | – | – |" % name
    return "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
        name, d["n"], d["min"], d["p50"], d["p90"], d["p99"], d["max"])


def side_by_side(results, machine, summary, conns_list, charts):
    lines = [SECTIONS[0], ""]
    lines.append(
        "`bench/run.sh` on %s: %s, %s cores, %s GiB, %s, kernel %s. Versions: %s; workerd %s; "
        "nginx %s; %s. Load when the run started: %s (%s compilers running); when it ended: %s "
        "(%s compilers)." % (
            machine.get("date"), machine.get("cpu"), machine.get("cores"), machine.get("mem_gib"),
            machine.get("os"), machine.get("kernel"), machine.get("switchyard"),
            machine.get("workerd", "–"), machine.get("nginx", "–"), machine.get("wrk"),
            machine["start"]["loadavg"], machine["start"]["compilers"],
            machine.get("end", {}).get("loadavg", "?"), machine.get("end", {}).get("compilers", "?")))
    lines.append("")
    lines.append(
        "Every configuration serves the same hello Worker (`bench/workers/hello.js`, 12 bytes of "
        "body; nginx returns the same body). wrk runs on the same 2 cores as the server (2 threads, "
        "1 for 1 connection), %d s per point after a %s s warm-up, each configuration started "
        "afresh %d times; req/s and latencies are the mean of the passes (both passes' req/s are "
        "listed), CPU is the server's utime+stime over the run (200%% = both cores), RSS is the "
        "server's (nginx: master and workers) at the end of the point. workerd runs its default "
        "single event-loop thread; Switchyard its default 2 executor threads plus the listener "
        "thread." % (machine.get("duration", 10), "3" if machine.get("mode") == "full" else "1",
                     machine.get("passes", 2)))
    lines.append("")
    lines.append("| configuration | conns | req/s | req/s per pass | p50 | p99 | server CPU | "
                 "server RSS | errors |")
    lines.append("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for config, label in CONFIGS:
        for c in conns_list:
            s = summary.get((config, c))
            if not s:
                continue
            lines.append("| %s | %d | %s | %s | %s | %s | %.0f%% | %.0f MiB | %d |" % (
                label, c, num(s["rps"]), " / ".join(num(x) for x in s["rps_passes"]),
                ms(s["p50"]), ms(s["p99"]), s["cpu"], s["rss"], s["bad"]))
    lines.append("")
    pairs = [
        ("switchyard-bare", "workerd-direct"),
        ("switchyard-direct", "workerd-routed"),
        ("switchyard-limits", "workerd-routed"),
        ("switchyard-demo", "workerd-routed"),
    ]
    if any((a, c) in summary and (b, c) in summary for a, b in pairs for c in conns_list):
        lines.append("Ratios (Switchyard ÷ the other; for p99 and RSS lower is better):")
        lines.append("")
        lines.append("| Switchyard | ÷ | conns | req/s | p99 | RSS | req/s ÷ nginx |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for a, b in pairs:
        for c in conns_list:
            sa, sb, sn = summary.get((a, c)), summary.get((b, c)), summary.get(("nginx", c))
            if not sa or not sb:
                continue
            lines.append("| %s | %s | %d | %s | %s | %s | %s |" % (
                SHORT[a], SHORT[b], c, ratio(sa["rps"], sb["rps"]), ratio(sa["p99"], sb["p99"]),
                ratio(sa["rss"], sb["rss"]), ratio(sa["rps"], sn["rps"] if sn else None)))
    lines.append("")
    for name, title in charts:
        lines.append("![%s](%s)" % (title, name))
        lines.append("")
    return lines


def goals(summary, overshoot, noisy, busy_overshoot=None, busy_noisy=None):
    lines = [SECTIONS[1], ""]
    lines.append("| goal | measured | met |")
    lines.append("| --- | --- | --- |")

    def row(goal, measured, ok):
        lines.append("| %s | %s | %s |" % (goal, measured, "–" if ok is None else (
            "yes" if ok else "**no**")))

    wr = summary.get(("workerd-routed", 64))
    for config in ("switchyard-direct", "switchyard-limits"):
        s = summary.get((config, 64))
        if not s:
            continue
        name = SHORT[config]
        if wr:
            row("%s req/s at 64 conns ≥ 2.5× workerd router → user" % name,
                "%s vs %s req/s (%s)" % (num(s["rps"]), num(wr["rps"]), ratio(s["rps"], wr["rps"])),
                s["rps"] >= 2.5 * wr["rps"])
            row("%s p99 at 64 conns ≤ 1/10 of workerd's" % name,
                "%s vs %s (%s)" % (ms(s["p99"]), ms(wr["p99"]), ratio(s["p99"], wr["p99"])),
                s["p99"] is not None and wr["p99"] is not None and s["p99"] <= wr["p99"] / 10)
            row("%s RSS ≤ 1/4 of workerd's" % name,
                "%.0f vs %.0f MiB (%s)" % (s["rss"], wr["rss"], ratio(s["rss"], wr["rss"])),
                s["rss"] <= wr["rss"] / 4)
        row("%s ≥ 20,000 req/s and p99 ≤ 10 ms at 64 conns (issue 5)" % name,
            "%s req/s, p99 %s" % (num(s["rps"]), ms(s["p99"])),
            s["rps"] >= 20000 and s["p99"] is not None and s["p99"] <= 0.010)
    for where, over_run in (("", overshoot), (", beside two CPU hogs", busy_overshoot)):
        if not over_run:
            continue
        d = over_run["cpu_overshoot_ms"]
        row("CPU-limit overshoot p99 ≤ 1 ms and max ≤ 2 ms (10 ms limit, %d kills%s)"
            % (over_run["kills"], where),
            "p99 %.2f ms, max %.2f ms" % (d["p99"], d["max"]) if d.get("n") else "–",
            bool(d.get("n")) and d["p99"] <= 1.0 and d["max"] <= 2.0)
    for where, rounds in (("", noisy), (", beside two CPU hogs", busy_noisy or {})):
        for c, pairs in sorted(rounds.items()):
            q, sp = median_of(pairs, 0, "p99"), median_of(pairs, 1, "p99")
            over = sum(1 for a, b in pairs if b["p99"] > 2 * a["p99"])
            row("noisy neighbour raises the other tenant's p99 ≤ 2× (%d conns; median of %d "
                "rounds%s)" % (c, len(pairs), where),
                "%s → %s (%s); %d of %d rounds over 2×" % (ms(q), ms(sp), ratio(sp, q), over,
                                                          len(pairs)),
                sp <= 2 * q)
    lines.append("")
    return lines


def platform(results, summary, cold, overshoot, edit, many, noisy, spinner, charts,
             busy_overshoot=None, busy_noisy=None):
    lines = [SECTIONS[2], ""]
    lines.append("Distributions in ms:")
    lines.append("")
    lines.append("| measure | n | min | p50 | p90 | p99 | max |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    if cold:
        lines.append(dist_row("cold start: upload → first 200 (new Worker, custom-limits "
                              "dispatcher)", cold["total_ms"]))
        lines.append(dist_row("… of which the upload (validate, compile check, SQLite commit)",
                              cold["upload_ms"]))
        lines.append(dist_row("… of which the first request (compile, instantiate, run)",
                              cold["first_request_ms"]))
    if overshoot:
        lines.append(dist_row("CPU-limit overshoot, engine's CPU measure (10 ms limit)",
                              overshoot["cpu_overshoot_ms"]))
        lines.append(dist_row("… the same kills, wall time past 10 ms",
                              overshoot["wall_overshoot_ms"]))
        lines.append(dist_row("… through HTTP + custom-limits dispatcher: request → 429",
                              overshoot["http_time_to_429_ms"]))
    if busy_overshoot:
        lines.append(dist_row("CPU-limit overshoot beside two CPU hogs, engine's CPU measure",
                              busy_overshoot["cpu_overshoot_ms"]))
        lines.append(dist_row("… the same kills, wall time past 10 ms",
                              busy_overshoot["wall_overshoot_ms"]))
        lines.append(dist_row("… through HTTP + custom-limits dispatcher: request → 429",
                              busy_overshoot["http_time_to_429_ms"]))
    if edit:
        lines.append(dist_row("edit to effect: USER_ROUTING write → first request routed by it",
                              edit["edit_to_effect_ms"]))
        lines.append(dist_row("… of which the KV write (SQLite commit + view)",
                              edit["kv_write_ms"]))
    lines.append("")
    notes = []
    if cold:
        notes.append("cold start: %d failed" % cold["failed"])
    if overshoot:
        notes.append("overshoot: %d of %d invocations killed, %d HTTP 429s" % (
            overshoot["kills"], overshoot["kills"] + overshoot["not_killed"],
            overshoot["http_429"]))
    if edit:
        notes.append("edits: %d stale responses, %d edits never seen" % (
            edit["stale_responses"], edit["failed"]))
    if notes:
        lines.append("(" + "; ".join(notes) + ".)")
        lines.append("")
    if noisy:
        lines.append("Noisy neighbour: the hello tenant under the custom-limits dispatcher, alone "
                     "and while a free-plan tenant (10 ms CPU limit) spins on 8 connections of its "
                     "own:")
        lines.append("")
        lines.append("| hello's conns | rounds | alone req/s | p50 | p99 | with spinner req/s | "
                     "p50 | p99 | p99 ratio | spinner's 429s/s |")
        lines.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for c, pairs in sorted(noisy.items()):
            q99, s99 = median_of(pairs, 0, "p99"), median_of(pairs, 1, "p99")
            lines.append("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                c, len(pairs), num(median_of(pairs, 0, "rps")), ms(median_of(pairs, 0, "p50")),
                ms(q99), num(median_of(pairs, 1, "rps")), ms(median_of(pairs, 1, "p50")),
                ms(s99), ratio(s99, q99),
                num(spinner.get(c)) if spinner.get(c) is not None else "–"))
        lines.append("")
        lines.append("Medians over the rounds; each round is %s s alone, then %s s with the "
                     "spinner. Every round's p99, alone → with spinner:" % (
                         num(pairs[0][0]["seconds"]) if pairs else "–",
                         num(pairs[0][1]["seconds"]) if pairs else "–"))
        lines.append("")
        for c, pairs in sorted(noisy.items()):
            lines.append("- %d conns: %s" % (c, "; ".join(
                "%s → %s (%s)" % (ms(a["p99"]), ms(b["p99"]), ratio(b["p99"], a["p99"]))
                for a, b in pairs)))
        lines.append("")
    if busy_noisy:
        lines.append("The same beside two CPU hogs (`scripts/with-cpu-hogs.sh`; every round's "
                     "p99, alone → with spinner):")
        lines.append("")
        for c, pairs in sorted(busy_noisy.items()):
            lines.append("- %d conns: %s" % (c, "; ".join(
                "%s → %s (%s)" % (ms(a["p99"]), ms(b["p99"]), ratio(b["p99"], a["p99"]))
                for a, b in pairs)))
        lines.append("")
    if many:
        first, warm = summary.get(("many-first", 16)), summary.get(("many-warm", 16))
        lines.append("%d user Workers: %s. RSS with all uploaded and none run: %.0f MiB; after "
                     "every one served requests (%d Instances alive): %.0f MiB, %.2f MiB per "
                     "Worker. wrk cycling through all of them at 16 connections: %s req/s (p99 %s) "
                     "while they start, %s req/s (p99 %s) once warm." % (
                         many["workers"], many["upload"] or "uploaded", many["idle_rss_kb"] / 1024,
                         many["instances"], many["warm_rss_kb"] / 1024,
                         (many["warm_rss_kb"] - many["idle_rss_kb"]) / 1024 / max(many["workers"], 1),
                         num(first["rps"]) if first else "–", ms(first["p99"]) if first else "–",
                         num(warm["rps"]) if warm else "–", ms(warm["p99"]) if warm else "–"))
        lines.append("")
    for name, title in charts:
        lines.append("![%s](%s)" % (title, name))
        lines.append("")
    return lines


def gnuplot(script, out_dir):
    if not shutil.which("gnuplot"):
        return False
    r = subprocess.run(["gnuplot"], input=script, text=True, cwd=out_dir, capture_output=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
    return r.returncode == 0


def charts_http(summary, conns_list, out_dir, work):
    configs = [c for c, _ in CONFIGS if any((c, n) in summary for n in conns_list)]
    if not configs:
        return []
    data = os.path.join(work, "http.dat")
    with open(data, "w") as f:
        f.write("# config " + " ".join("c%d" % c for c in conns_list) + "\n")
        for c in configs:
            f.write('"%s" ' % SHORT[c] + " ".join(
                "%.1f" % (summary[(c, n)]["rps"] if (c, n) in summary else 0) for n in conns_list))
            f.write("\n")
    lat = os.path.join(work, "p99.dat")
    with open(lat, "w") as f:
        f.write("# config " + " ".join("c%d" % c for c in conns_list) + "\n")
        for c in configs:
            f.write('"%s" ' % SHORT[c] + " ".join(
                "%.3f" % (1000 * (summary[(c, n)]["p99"] or 0) if (c, n) in summary else 0)
                for n in conns_list))
            f.write("\n")
    cols = len(conns_list)
    plots = ", ".join("'%s' using %d:xtic(1) title '%d conns'" % (data, i + 2, conns_list[i])
                      for i in range(cols))
    lplots = ", ".join("'%s' using %d:xtic(1) title '%d conns'" % (lat, i + 2, conns_list[i])
                       for i in range(cols))
    common = """set terminal pngcairo size 1000,480 font 'sans,10'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top right
set grid ytics
set xtics rotate by -20
"""
    out = []
    if gnuplot(common + """set output 'bench-throughput.png'
set title 'Hello Worker: requests per second (higher is better)'
set ylabel 'req/s'
set yrange [0:*]
set format y '%%.0f'
plot %s
""" % plots, out_dir):
        out.append(("bench-throughput.png", "req/s by configuration and connections"))
    if gnuplot(common + """set output 'bench-p99.png'
set title 'Hello Worker: p99 latency (lower is better, log scale)'
set ylabel 'p99 (ms)'
set logscale y
set yrange [0.05:*]
plot %s
""" % lplots, out_dir):
        out.append(("bench-p99.png", "p99 latency by configuration and connections"))
    return out


def chart_overshoot(overshoot, out_dir, work):
    values = sorted(overshoot.get("cpu_overshoot_values", [])) if overshoot else []
    if not values:
        return []
    data = os.path.join(work, "overshoot.dat")
    with open(data, "w") as f:
        for i, v in enumerate(values):
            f.write("%.4f %.4f\n" % (v, 100.0 * (i + 1) / len(values)))
    if gnuplot("""set terminal pngcairo size 800,400 font 'sans,10'
set output 'bench-overshoot.png'
set title 'CPU-limit kills (10 ms limit): CPU past the limit, cumulative'
set xlabel 'overshoot (ms, the engine''s CPU measure)'
set ylabel '%% of kills'
set grid
set yrange [0:100]
set arrow from 1,0 to 1,100 nohead dt 2 lc rgb 'red'
plot '%s' using 1:2 with steps lw 2 title '%d kills'
""" % (data, len(values)), out_dir):
        return [("bench-overshoot.png", "CPU-limit overshoot distribution")]
    return []


def replace_sections(path, new_sections):
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    for title in SECTIONS:
        pattern = re.compile(r"^%s\n.*?(?=^## |\Z)" % re.escape(title), re.S | re.M)
        text = pattern.sub("", text)
    text = text.rstrip("\n") + "\n"
    body = "\n".join(new_sections).rstrip("\n") + "\n"
    # Ours go right after the title, before every kept section.
    m = re.search(r"^## ", text, re.M)
    if m:
        text = text[:m.start()] + body + "\n" + text[m.start():]
    else:
        text = text + "\n" + body
    open(path, "w").write(text.rstrip("\n") + "\n")


def main():
    results, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    machine = load_json(results, "machine.json") or {}
    end = load_json(results, "end-load.json")
    if end:
        machine["end"] = end
    runs = load_runs(results)
    summary = summarize(runs)
    conns_list = sorted({r["conns"] for r in runs if r["config"] in dict(CONFIGS)})
    noisy = noisy_rounds(runs)
    busy_noisy = noisy_rounds(runs, "busy-")
    spinner = {}
    for name in os.listdir(results):
        m = re.match(r"noisy-spinner\.p\d+\.c(\d+)\.wrk$", name)
        if m:
            w = parse_wrk(os.path.join(results, name))
            spinner.setdefault(int(m.group(1)), []).append(w["rps"])
    spinner = {c: statistics.mean(v) for c, v in spinner.items()}
    cold = load_json(results, "cold-start.json")
    overshoot = load_json(results, "overshoot.json")
    busy_overshoot = load_json(results, "overshoot-busy.json")
    edit = load_json(results, "edit.json")
    many = load_json(results, "many.json")

    http_charts = charts_http(summary, conns_list, out_dir, results)
    over_charts = chart_overshoot(overshoot, out_dir, results)
    sections = side_by_side(results, machine, summary, conns_list, http_charts)
    sections += goals(summary, overshoot, noisy, busy_overshoot, busy_noisy)
    sections += platform(results, summary, cold, overshoot, edit, many, noisy, spinner,
                         over_charts, busy_overshoot, busy_noisy)
    out = os.path.join(out_dir, "benchmarks.md")
    replace_sections(out, sections)
    print("\n".join(sections))


if __name__ == "__main__":
    main()
