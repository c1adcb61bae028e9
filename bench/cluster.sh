#!/usr/bin/env bash
# Edit to effect across two nodes on one PostgreSQL: scripts/cluster.sh up 2 on a cluster
# directory and ports of its own, bench/cluster_edit.py against it, down. Prints the table that
# docs/benchmarks.md ("Cluster") holds. About a minute.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export CLUSTER_DIR=${CLUSTER_DIR:-/tmp/switchyard-bench-cluster}
export CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-25432}
export CLUSTER_BASE_PORT=${CLUSTER_BASE_PORT:-28801}
trap '"$root/scripts/cluster.sh" down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"' EXIT
rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"
"$root/scripts/cluster.sh" up 2 >/dev/null
python3 "$root/bench/cluster_edit.py" $((CLUSTER_BASE_PORT + 100)) $((CLUSTER_BASE_PORT + 1)) \
    "$(cat "$CLUSTER_DIR/admin-token")" "${1:-200}" "${2:-100}"
