#!/usr/bin/env bash
# scripts/cluster.sh end to end: `up 2` on a cluster directory and ports of its own, an edit
# through one node's admin API read back through the other node's dispatch listener (both ways);
# nginx's one address reaching every node (the nodes' traces in PostgreSQL say which served what),
# and answering every request while a node is stopped (SIGTERM) and while one is killed (SIGKILL);
# `status`, and `down` leaving no process behind.
set -euo pipefail
source_dir=$1
export SWITCHYARD_BIN=$2
script=$source_dir/scripts/cluster.sh

export CLUSTER_DIR
CLUSTER_DIR=$(mktemp -d /tmp/switchyard-cluster-test.XXXXXX)
chmod 0755 "$CLUSTER_DIR"
# Free loopback ports: one for PostgreSQL, one for nginx, a base whose +0, +1, +100 and +101 are
# free.
read -r CLUSTER_PG_PORT CLUSTER_NGINX_PORT CLUSTER_BASE_PORT < <(python3 - <<'PY'
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
    front = random.randint(20000, 29999)
    base = random.randint(30000, 39000)
    if pg != front and all(free(p) for p in (pg, front, base, base + 1, base + 100, base + 101)):
        print(pg, front, base); break
PY
)
export CLUSTER_PG_PORT CLUSTER_NGINX_PORT CLUSTER_BASE_PORT
front=$CLUSTER_NGINX_PORT
node1=$CLUSTER_BASE_PORT node2=$((CLUSTER_BASE_PORT + 1))
admin1=$((CLUSTER_BASE_PORT + 100)) admin2=$((CLUSTER_BASE_PORT + 101))

cleanup() {
    "$script" down >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$CLUSTER_DIR"/node-*/log "$CLUSTER_DIR"/nginx/error.log; do echo "== $f" >&2; tail -20 "$f" >&2; done; exit 1; }

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
expect "$front" "edited on node 2"

# Which node served which request: every node writes a trace per invocation into the shared
# store, named by --node-name, with the request's URL.
export PGPASSWORD
PGPASSWORD=$(cat "$CLUSTER_DIR/pg-password")
pg_bin=${SWITCHYARD_PG_BIN:-/usr/lib/postgresql/15/bin}
served_by() { # URL marker -> "node-1 N" lines
    "$pg_bin/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U switchyard -d switchyard -tA -F ' ' -c \
        "SELECT node, count(*) FROM traces WHERE event LIKE '%$1%' GROUP BY node ORDER BY node"
}
wait_served() { # marker, expected total -> the per-node counts once all traces are in
    local rows=""
    for _ in $(seq 1 100); do
        rows=$(served_by "$1")
        [ "$(awk '{n += $2} END {print n + 0}' <<<"$rows")" -ge "$2" ] && { echo "$rows"; return 0; }
        sleep 0.1
    done
    fail "only these traces of $1 reached the store: $rows"
}

# The nodes' limits stay theirs: a 17 KiB URL passes nginx and gets the node's 414.
long=$(head -c 17000 /dev/zero | tr '\0' a)
code=$(curl -s -o "$CLUSTER_DIR/long.out" -w '%{http_code}' "http://127.0.0.1:$front/$long")
[ "$code" = 414 ] || fail "a 17 KiB URL through nginx answered $code, not the node's 414"
if grep -qi nginx "$CLUSTER_DIR/long.out"; then fail "the 414 came from nginx: $(cat "$CLUSTER_DIR/long.out")"; fi

marker=spread-$RANDOM$RANDOM
for i in $(seq 1 20); do
    body=$(curl -s "http://127.0.0.1:$front/$marker/$i")
    [ "$body" = "edited on node 2" ] || fail "nginx answered '$body' for request $i"
done
spread=$(wait_served "$marker" 20)
echo "through nginx, 20 requests served by: $(tr '\n' ' ' <<<"$spread")"
grep -q "^node-1 [1-9]" <<<"$spread" || fail "node-1 served none of the requests through nginx"
grep -q "^node-2 [1-9]" <<<"$spread" || fail "node-2 served none of the requests through nginx"

# Requests back to back through nginx on one keep-alive connection until a stop file appears;
# prints "sent failed" and every failure.
load() { # marker, stop file, result file
    python3 - "$front" "$1" "$2" >"$3" 2>&1 <<'PY' &
import http.client, os, sys, time
port, marker, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sent, failures = 0, []
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
while not os.path.exists(stop):
    sent += 1
    try:
        conn.request("GET", "/%s/%d" % (marker, sent))
        r = conn.getresponse()
        body = r.read().decode(errors="replace")
        if r.status != 200 or body != "edited on node 2":
            failures.append("%d: %d %r" % (sent, r.status, body[:200]))
    except Exception as e:
        failures.append("%d: %r" % (sent, e))
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    time.sleep(0.002)
print(sent, len(failures))
for f in failures[:20]:
    print(f)
PY
    load_pid=$!
}
gone() { # pid: waits until the process has ended
    for _ in $(seq 1 200); do alive "$1" || return 0; sleep 0.1; done
    fail "process $1 did not end"
}
survive() { # signal, node number, marker: the node stopped under load, no request failing
    local pid
    pid=$(cat "$CLUSTER_DIR/node-$2/pid")
    rm -f "$CLUSTER_DIR/stop"
    load "$3" "$CLUSTER_DIR/stop" "$CLUSTER_DIR/load.out"
    sleep 1
    kill "-$1" "$pid"
    gone "$pid"
    sleep 1.5
    touch "$CLUSTER_DIR/stop"
    wait "$load_pid" || fail "the load client failed: $(cat "$CLUSTER_DIR/load.out")"
    read -r sent failed <"$CLUSTER_DIR/load.out"
    echo "SIG$1 to node-$2 under load: $sent requests through nginx, $failed failed"
    [ "$failed" = 0 ] || fail "requests failed while node-$2 stopped: $(cat "$CLUSTER_DIR/load.out")"
    [ "$sent" -ge 20 ] || fail "only $sent requests were sent"
    # Every answered request has its trace, except those of a killed node not yet written.
    [ "$1" = KILL ] || wait_served "$3" "$sent" >/dev/null
}
alive() { # a zombie, not yet reaped by whoever adopted it, has stopped running
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ "$state" != Z* ]]
}

survive TERM 2 "term-$RANDOM$RANDOM"
# `up 2` again starts node-2 alone (node-1 runs) and reloads nginx, which sends it requests again.
"$script" up 2
marker=back-$RANDOM$RANDOM
for i in $(seq 1 20); do
    body=$(curl -s "http://127.0.0.1:$front/$marker/$i")
    [ "$body" = "edited on node 2" ] || fail "nginx answered '$body' after node-2 came back"
done
grep -q "^node-2 [1-9]" <<<"$(wait_served "$marker" 20)" || fail "node-2 got no requests after coming back"
survive KILL 1 "kill-$RANDOM$RANDOM"
"$script" up 2

status=$("$script" status)
echo "$status"
grep -q "node-1: running" <<<"$status" || fail "status: node-1 is not running"
grep -q "node-2: running" <<<"$status" || fail "status: node-2 is not running"
grep -q "http://127.0.0.1:$node2/" <<<"$status" || fail "status: the nodes table lacks node-2"
grep -q "nginx: running, pid [0-9]*, http://127.0.0.1:$front/ -> 127.0.0.1:$node1 127.0.0.1:$node2" \
    <<<"$status" || fail "status: nginx is not shown in front of both nodes"

pids=$(cat "$CLUSTER_DIR"/node-*/pid "$CLUSTER_DIR/nginx/nginx.pid")
pg_pid=$(head -1 "$CLUSTER_DIR/pg/postmaster.pid")
"$script" down
for pid in $pids $pg_pid; do
    # pg_ctl returns once the server removed its pid file; the process ends right after.
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then fail "process $pid still runs after down"; fi
done
if "$script" status >/dev/null; then fail "status after down says something runs"; fi
echo "PASS"
