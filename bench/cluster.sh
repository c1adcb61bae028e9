#!/usr/bin/env bash
# A Switchyard cluster on this machine (scripts/cluster.sh, on a cluster directory and ports of its
# own), measured two ways:
#
#   bench/cluster.sh throughput    dispatch throughput through nginx in front of 1, 2 and 3 nodes,
#                                  and one node without nginx, in one run (about 2 minutes); writes
#                                  the "Cluster throughput" section of docs/benchmarks.md
#                                  (cluster_report.py; BENCH_PRINT=1 prints it instead)
#   bench/cluster.sh edit [KV [UPLOADS]]
#                                  edit to effect across two nodes (cluster_edit.py; 200 KV writes
#                                  and 100 uploads by default); prints the table that the
#                                  "Cluster" section of docs/benchmarks.md holds (about a minute)
#   bench/cluster.sh               both
#
# Throughput: every node serves the forwarding dispatcher → hello configuration of bench/run.sh
# (bench/workers/forward.js, hello.js, uploaded through the admin API); wrk on 16 and 64
# connections (BENCH_CONNS), BENCH_SECONDS (3) per point after a 2 s warm-up, the node counts in
# BENCH_NODES ("1 2 3"), BENCH_PASSES (2) passes. Everything runs on this machine, so the nodes,
# nginx, PostgreSQL and wrk share its cores: the CPU columns say where the time went. Run it niced
# on a shared machine (nice -n 10 bench/cluster.sh throughput).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export CLUSTER_DIR=${CLUSTER_DIR:-/tmp/switchyard-bench-cluster}
export CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-25432}
export CLUSTER_BASE_PORT=${CLUSTER_BASE_PORT:-28801}
export CLUSTER_NGINX_PORT=${CLUSTER_NGINX_PORT:-28787}
cluster=$root/scripts/cluster.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench-cluster-results.XXXXXX")
# BENCH_KEEP=1 keeps the results folder (wrk outputs, throughput.jsonl).
trap '"$cluster" down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"; [ -n "${BENCH_KEEP:-}" ] && echo "results in $work" >&2 || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
log() { printf '[bench cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

what=${1:-all}
case $what in throughput | edit | all) ;; *) echo "usage: bench/cluster.sh [throughput | edit [KV [UPLOADS]]]" >&2; exit 2 ;; esac

fresh_cluster() {
    "$cluster" down >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    mkdir -p "$CLUSTER_DIR"
}

# --- edit to effect ------------------------------------------------------------------------------
edit() {
    fresh_cluster
    "$cluster" up 2 >/dev/null
    python3 "$root/bench/cluster_edit.py" $((CLUSTER_BASE_PORT + 100)) $((CLUSTER_BASE_PORT + 1)) \
        "$(cat "$CLUSTER_DIR/admin-token")" "${1:-200}" "${2:-100}"
}

# --- throughput ------------------------------------------------------------------------------------
tree() { # a process and its descendants
    local kids k
    echo "$1"
    kids=$(cat /proc/"$1"/task/*/children 2>/dev/null || true)
    for k in $kids; do tree "$k"; done
}
ticks() { # CPU of the given processes' trees, in clock ticks: each live process's utime + stime,
    # and cutime + cstime for its children that ended (PostgreSQL's backends come and go)
    local sum=0 p f
    for p in $(for q in "$@"; do tree "$q"; done); do
        f=$(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null) || continue
        set -- $f
        sum=$((sum + ${12} + ${13} + ${14} + ${15}))
    done
    echo $sum
}
machine_ticks() { # busy and total ticks of every core since boot
    awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8; total = busy + $5 + $6; print busy, total}' /proc/stat
}

upload() { # admin path, worker file, metadata JSON
    local code
    code=$(curl -s -o "$work/upload.json" -w '%{http_code}' -X PUT \
        -H "Authorization: Bearer $(cat "$CLUSTER_DIR/admin-token")" \
        -F "metadata=$3;type=application/json" \
        -F "index.js=@$2;type=application/javascript+module" \
        "http://127.0.0.1:$((CLUSTER_BASE_PORT + 100))/client/v4/accounts/local$1")
    [ "$code" = 200 ] || { log "upload $1 answered $code: $(cat "$work/upload.json")"; exit 1; }
}

answers_hello() { # port: waits until it answers the hello Worker's body
    for _ in $(seq 1 300); do
        [ "$(curl -s "http://127.0.0.1:$1/" || true)" = "hello world" ] && return 0
        sleep 0.1
    done
    log "127.0.0.1:$1 never answered hello"
    exit 1
}

# point NAME NODES PASS PORT CONNS: one wrk run against PORT, with each component's CPU over it.
point() {
    local name=$1 nodes=$2 pass=$3 port=$4 conns=$5 i
    local node_pids=() nginx_pid pg_pid
    for i in $(seq 1 "$nodes"); do node_pids+=("$(cat "$CLUSTER_DIR/node-$i/pid")"); done
    nginx_pid=$(cat "$CLUSTER_DIR/nginx/nginx.pid")
    pg_pid=$(head -1 "$CLUSTER_DIR/pg/postmaster.pid")
    wrk -t2 -c"$conns" -d2s "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
    local n0 g0 p0 m0 t0 n1 g1 p1 m1 t1
    n0=$(ticks "${node_pids[@]}") g0=$(ticks "$nginx_pid") p0=$(ticks "$pg_pid")
    read -r m0 t0 < <(machine_ticks)
    wrk --latency -t2 -c"$conns" -d"${seconds}s" "http://127.0.0.1:$port/" \
        >"$work/$name.n$nodes.p$pass.c$conns.wrk" 2>&1 || true
    n1=$(ticks "${node_pids[@]}") g1=$(ticks "$nginx_pid") p1=$(ticks "$pg_pid")
    read -r m1 t1 < <(machine_ticks)
    printf '{"config":"%s","nodes":%s,"pass":%s,"conns":%s,"seconds":%s,"hz":%s,"cores":%s,"node_ticks":%s,"nginx_ticks":%s,"pg_ticks":%s,"machine_busy":%s,"machine_total":%s,"wrk":"%s"}\n' \
        "$name" "$nodes" "$pass" "$conns" "$seconds" "$(getconf CLK_TCK)" "$(nproc)" \
        $((n1 - n0)) $((g1 - g0)) $((p1 - p0)) $((m1 - m0)) $((t1 - t0)) \
        "$work/$name.n$nodes.p$pass.c$conns.wrk" >>"$work/throughput.jsonl"
    log "$name, $nodes node(s), $conns conns, pass $pass: $(awk '/Requests\/sec/ {print $2}' "$work/$name.n$nodes.p$pass.c$conns.wrk") req/s"
}

throughput() {
    command -v wrk >/dev/null || { log "wrk is not installed (scripts/setup.sh installs it)"; exit 1; }
    seconds=${BENCH_SECONDS:-3}
    local passes=${BENCH_PASSES:-2} node_counts=${BENCH_NODES:-1 2 3} conns_list=${BENCH_CONNS:-16 64}
    local pass n c
    fresh_cluster
    printf '{"date":"%s","cpu":"%s","cores":%s,"kernel":"%s","os":"%s","nginx":"%s","switchyard":"%s","wrk":"%s","load_start":"%s",' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
        "$(nproc)" "$(uname -r)" "$(. /etc/os-release && echo "$PRETTY_NAME")" \
        "$(nginx -v 2>&1 | sed 's/.*: //')" \
        "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$work/machine.json"
    "$cluster" up 1 >/dev/null
    local token
    token=$(cat "$CLUSTER_DIR/admin-token")
    curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"name":"bench"}' "http://127.0.0.1:$((CLUSTER_BASE_PORT + 100))/client/v4/accounts/local/workers/dispatch/namespaces"
    upload /workers/dispatch/namespaces/bench/scripts/hello "$root/bench/workers/hello.js" \
        '{"main_module":"index.js"}'
    upload "/workers/scripts/forward?kind=dispatcher&active_dispatcher=true" \
        "$root/bench/workers/forward.js" \
        '{"main_module":"index.js","bindings":[{"type":"dispatch_namespace","name":"DISPATCHER","namespace":"bench"}]}'
    for pass in $(seq 1 "$passes"); do
        for n in $node_counts; do
            "$cluster" up "$n" >/dev/null
            for i in $(seq 1 "$n"); do answers_hello $((CLUSTER_BASE_PORT + i - 1)); done
            answers_hello "$CLUSTER_NGINX_PORT"
            for c in $conns_list; do
                [ "$n" = 1 ] && point direct 1 "$pass" "$CLUSTER_BASE_PORT" "$c"
                point nginx "$n" "$pass" "$CLUSTER_NGINX_PORT" "$c"
            done
        done
    done
    printf '"load_end":"%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/machine.json"
    "$cluster" down >/dev/null
    if [ -n "${BENCH_PRINT:-}" ]; then
        python3 "$root/bench/cluster_report.py" "$work"
    else
        python3 "$root/bench/cluster_report.py" "$work" \
            | python3 "$root/bench/section.py" "$root/docs/benchmarks.md" \
                "Cluster throughput: 1, 2 and 3 nodes behind nginx"
        log "wrote the \"Cluster throughput\" section of docs/benchmarks.md"
    fi
}

case $what in
throughput) throughput ;;
edit) edit "${2:-200}" "${3:-100}" ;;
all)
    throughput
    edit
    ;;
esac
