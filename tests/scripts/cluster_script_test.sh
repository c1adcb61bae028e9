#!/usr/bin/env bash
# scripts/cluster.sh end to end: `up 2` on a cluster directory and ports of its own, an edit
# through one node's admin API read back through the other node's dispatch listener (both ways),
# `status`, and `down` leaving no process behind.
set -euo pipefail
source_dir=$1
export SWITCHYARD_BIN=$2
script=$source_dir/scripts/cluster.sh

export CLUSTER_DIR
CLUSTER_DIR=$(mktemp -d /tmp/switchyard-cluster-test.XXXXXX)
chmod 0755 "$CLUSTER_DIR"
# Free loopback ports: one for PostgreSQL, a base whose +0, +1, +100 and +101 are free.
read -r CLUSTER_PG_PORT CLUSTER_BASE_PORT < <(python3 - <<'PY'
import random, socket
def free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); return True
    except OSError:
        return False
    finally:
        s.close()
while True:
    pg = random.randint(20000, 29999)
    base = random.randint(30000, 39000)
    if all(free(p) for p in (pg, base, base + 1, base + 100, base + 101)):
        print(pg, base); break
PY
)
export CLUSTER_PG_PORT CLUSTER_BASE_PORT
node1=$CLUSTER_BASE_PORT node2=$((CLUSTER_BASE_PORT + 1))
admin1=$((CLUSTER_BASE_PORT + 100)) admin2=$((CLUSTER_BASE_PORT + 101))

cleanup() {
    "$script" down >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$CLUSTER_DIR"/node-*/log; do echo "== $f" >&2; tail -20 "$f" >&2; done; exit 1; }

"$script" up 2
token=$(cat "$CLUSTER_DIR/admin-token")

upload() { # admin port, body text
    local code
    printf 'export default { fetch() { return new Response("%s"); } };\n' "$2" >"$CLUSTER_DIR/index.js"
    code=$(curl -s -o "$CLUSTER_DIR/upload.json" -w '%{http_code}' -X PUT \
        -H "Authorization: Bearer $token" \
        -F 'metadata={"main_module":"index.js"};type=application/json' \
        -F "index.js=@$CLUSTER_DIR/index.js;type=application/javascript+module" \
        "http://127.0.0.1:$1/client/v4/accounts/local/workers/scripts/edge?kind=dispatcher&active_dispatcher=true")
    [ "$code" = 200 ] || fail "upload to admin port $1 answered $code: $(cat "$CLUSTER_DIR/upload.json")"
}
expect() { # dispatch port, body
    local body=""
    for _ in $(seq 1 300); do
        body=$(curl -s "http://127.0.0.1:$1/" || true)
        [ "$body" = "$2" ] && return 0
        sleep 0.1
    done
    fail "127.0.0.1:$1 answered '$body', not '$2'"
}

upload "$admin1" "edited on node 1"
expect "$node2" "edited on node 1"
upload "$admin2" "edited on node 2"
expect "$node1" "edited on node 2"

status=$("$script" status)
echo "$status"
grep -q "node-1: running" <<<"$status" || fail "status: node-1 is not running"
grep -q "node-2: running" <<<"$status" || fail "status: node-2 is not running"
grep -q "http://127.0.0.1:$node2/" <<<"$status" || fail "status: the nodes table lacks node-2"

pids=$(cat "$CLUSTER_DIR"/node-*/pid)
pg_pid=$(head -1 "$CLUSTER_DIR/pg/postmaster.pid")
"$script" down
alive() { # a zombie, not yet reaped by whoever adopted it, has stopped running
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ "$state" != Z* ]]
}
for pid in $pids $pg_pid; do
    # pg_ctl returns once the server removed its pid file; the process ends right after.
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then fail "process $pid still runs after down"; fi
done
if "$script" status >/dev/null; then fail "status after down says something runs"; fi
echo "PASS"
