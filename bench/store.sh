#!/usr/bin/env bash
# Runs the store benchmark (KV reads on the request path, edit-to-visible latency) and writes its
# table into docs/benchmarks.md under "## Store". BUILD_DIR defaults to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
cmake --build "$build" --target bench_store
table=$("$build/bin/bench_store")
echo "$table"
printf '`bench/store.sh` on %s, %s (%s cores, load %s): the platform service and its in-memory views, no HTTP.\n\n%s\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$table" \
  | python3 bench/section.py docs/benchmarks.md Store
echo "wrote docs/benchmarks.md"
