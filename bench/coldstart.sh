#!/usr/bin/env bash
# A new tenant's first request, Switchyard against workerd, in one run (bench/coldstart.py says
# what is measured and how workerd is made to do the same). Writes the "Cold start against
# workerd" section of docs/benchmarks.md (coldstart_report.py); about a minute.
#
#   bench/coldstart.sh            30 new tenants per column, 20 warm requests each, 50 Workers in
#                                 workerd's static config, 3 process starts
#   bench/coldstart.sh --smoke    seconds: 3 tenants, 2 warm requests, 5 static Workers, 1 start;
#                                 prints the section instead of writing it
#
# Needs build/bin/switchyard (SWITCHYARD_BIN) and workerd from npm (WORKERD_BIN; by default the
# fidelity oracle's, ~/.cache/switchyard/oracle, which scripts/setup.sh installs). Run it niced on
# a shared machine: nice -n 10 bench/coldstart.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
switchyard=${SWITCHYARD_BIN:-$root/build/bin/switchyard}
workerd=${WORKERD_BIN:-${SWITCHYARD_ORACLE_DIR:-$HOME/.cache/switchyard/oracle}/node_modules/.bin/workerd}
[ -x "$switchyard" ] || { echo "coldstart.sh: $switchyard is missing: build it" >&2; exit 1; }
"$workerd" --version >/dev/null 2>&1 \
    || { echo "coldstart.sh: workerd is missing ($workerd): run scripts/setup.sh" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-coldstart-results.XXXXXX")
trap 'rm -rf "$work"' EXIT

sizes=()
[ "${1:-}" = --smoke ] && sizes=(--tenants 3 --warm 2 --static 5 --restarts 1)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
python3 "$root/bench/coldstart.py" "$switchyard" "$workerd" "$work/coldstart.json" "${sizes[@]}"
printf '{"date":"%s","cpu":"%s","cores":%s,"load_start":"%s","load_end":"%s","commit":"%s"}\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    "$(nproc)" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" >"$work/machine.json"
if [ "${1:-}" = --smoke ]; then
    python3 "$root/bench/coldstart_report.py" "$work/coldstart.json" "$work/machine.json"
    echo "coldstart smoke: passed"
else
    python3 "$root/bench/coldstart_report.py" "$work/coldstart.json" "$work/machine.json" \
        | python3 "$root/bench/section.py" "$root/docs/benchmarks.md" "Cold start against workerd (#20)"
    echo "coldstart.sh: wrote the \"Cold start against workerd (#20)\" section of docs/benchmarks.md"
fi
