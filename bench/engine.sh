#!/usr/bin/env bash
# Runs the engine benchmark and writes its table into docs/benchmarks.md under "## Engine"
# (replacing that section if present). BUILD_DIR defaults to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
cmake --build "$build" --target bench_engine
table=$("$build/bin/bench_engine")
# Eviction: 10,000 Workers through a 512 MiB budget, in a process of its own.
table+=$'\n'$(SWITCHYARD_BENCH_CYCLED=1 "$build/bin/bench_engine")
echo "$table"
printf '`bench/engine.sh` on %s, %s (%s cores, load %s): a hello Worker straight through the engine, no HTTP.\n\n%s\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$table" \
  | python3 bench/section.py docs/benchmarks.md Engine
echo "wrote docs/benchmarks.md"
