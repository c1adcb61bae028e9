#!/usr/bin/env bash
# A Switchyard cluster on this machine: one PostgreSQL 15, N headless nodes sharing it, and nginx
# balancing one dispatch address across the nodes.
#
#   scripts/cluster.sh up N     start PostgreSQL (creating it on first use), nodes 1..N and nginx
#   scripts/cluster.sh status   what runs, and the nodes table
#   scripts/cluster.sh down     stop nginx, the nodes, then PostgreSQL; the data stays for the next `up`
#
# Everything lives in .cluster/ (CLUSTER_DIR): the server's data directory, its password (mode
# 0600, handed to the nodes as PGPASSWORD, never on a command line), the admin token, each node's
# data directory, log and pid, and nginx's configuration, error log and pid. Node i dispatches on
# 127.0.0.1:$((CLUSTER_BASE_PORT + i - 1)) and serves the admin API on
# 127.0.0.1:$((CLUSTER_BASE_PORT + 100 + i - 1)); nginx listens on 127.0.0.1:$CLUSTER_NGINX_PORT and
# hands each request to the next node in turn (round robin, over keep-alive connections). Run as
# root, the server runs as `nobody` (PostgreSQL refuses root), and so do nginx's workers. Remove
# .cluster/ to start from nothing.
#
# Health checks are nginx's passive ones (open-source nginx has no active probes): a node that
# refuses a connection, or closes it before answering, is skipped for CLUSTER_NGINX_FAIL_TIMEOUT
# seconds and the request goes to the next node, so a stopped node costs no client an error. A
# request a node has begun answering, or a non-idempotent one (POST, PATCH) it may have begun, is
# not retried elsewhere (proxy_next_upstream's rules): its client gets nginx's 502.
#
# Environment: CLUSTER_DIR (.cluster), CLUSTER_PG_PORT (55432), CLUSTER_BASE_PORT (8801),
# CLUSTER_NGINX_PORT (8787), CLUSTER_NGINX_WORKERS (auto), CLUSTER_NGINX_FAIL_TIMEOUT (5),
# SWITCHYARD_BIN (build/bin/switchyard), SWITCHYARD_PG_BIN (/usr/lib/postgresql/15/bin),
# NGINX_BIN (nginx on PATH, else /usr/sbin/nginx).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${CLUSTER_DIR:-$root/.cluster}
pg_port=${CLUSTER_PG_PORT:-55432}
base_port=${CLUSTER_BASE_PORT:-8801}
bin=${SWITCHYARD_BIN:-$root/build/bin/switchyard}
pg_bin=${SWITCHYARD_PG_BIN:-/usr/lib/postgresql/15/bin}
nginx_port=${CLUSTER_NGINX_PORT:-8787}
nginx_workers=${CLUSTER_NGINX_WORKERS:-auto}
nginx_fail_timeout=${CLUSTER_NGINX_FAIL_TIMEOUT:-5}
nginx_bin=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
pg_user=switchyard
database=switchyard

die() { echo "cluster.sh: $*" >&2; exit 1; }

# PostgreSQL's programs run as the server's user: ourselves, or nobody when we are root.
as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

pg_running() {
    [ -f "$dir/pg/postmaster.pid" ] && as_server "$pg_bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1
}

# Whether PID runs: a zombie (a killed node its new parent has not reaped yet) does not.
running() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ "$state" != Z* ]]
}

node_pid() {
    local pidfile=$dir/node-$1/pid
    [ -f "$pidfile" ] || return 1
    local pid
    pid=$(cat "$pidfile")
    running "$pid" || return 1
    echo "$pid"
}

node_numbers() {
    local d
    for d in "$dir"/node-*/; do
        [ -d "$d" ] || continue
        d=${d%/}
        echo "${d##*/node-}"
    done | sort -n
}

start_postgres() {
    [ -x "$pg_bin/initdb" ] || die "PostgreSQL 15 is not installed ($pg_bin/initdb): run scripts/setup.sh"
    mkdir -p "$dir"
    chmod 0755 "$dir"
    if [ ! -f "$dir/pg-password" ]; then
        (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/pg-password")
    fi
    if [ ! -f "$dir/pg/PG_VERSION" ]; then
        rm -rf "$dir/pg" "$dir/pg-init"
        mkdir -p "$dir/pg" "$dir/pg-init"
        cp "$dir/pg-password" "$dir/pg-init/password"
        if [ "$(id -u)" = 0 ]; then chown -R nobody: "$dir/pg" "$dir/pg-init"; fi
        chmod 0700 "$dir/pg" "$dir/pg-init"
        as_server "$pg_bin/initdb" -D "$dir/pg" -U "$pg_user" --pwfile "$dir/pg-init/password" \
            --auth=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
            || die "initdb failed: see $dir/initdb.log"
        rm -rf "$dir/pg-init"
        # TCP on loopback only; no Unix socket (it would need a directory the server owns).
        printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = ''\nmax_connections = 200\n" \
            "$pg_port" | as_server tee "$dir/pg/postgresql.auto.conf" >/dev/null
    fi
    if ! pg_running; then
        touch "$dir/postgres.log"
        if [ "$(id -u)" = 0 ]; then chown nobody: "$dir/postgres.log"; fi
        as_server "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start: see $dir/postgres.log"
    fi
    export PGPASSWORD
    PGPASSWORD=$(cat "$dir/pg-password")
    if ! "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U "$pg_user" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$database" \
            || die "cannot create the database $database"
    fi
}

start_node() {
    local i=$1 port=$((base_port + $1 - 1)) admin=$((base_port + 100 + $1 - 1))
    local ndir=$dir/node-$i
    if node_pid "$i" >/dev/null; then
        echo "node-$i: already running (pid $(node_pid "$i"))"
        return
    fi
    mkdir -p "$ndir/data"
    : >"$ndir/log"
    # The URL carries no password: the node reads PGPASSWORD, so `ps` shows none.
    PGPASSWORD=$(cat "$dir/pg-password") setsid "$bin" --headless \
        --store "postgresql://$pg_user@127.0.0.1:$pg_port/$database" \
        --node-name "node-$i" --data-dir "$ndir/data" \
        --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" \
        --admin-token "$(cat "$dir/admin-token")" --shutdown-grace-ms 5000 \
        >"$ndir/log" 2>&1 </dev/null &
    echo $! >"$ndir/pid"
    local waited=0
    until grep -q "dispatching on" "$ndir/log"; do
        if ! running "$(cat "$ndir/pid")"; then
            cat "$ndir/log" >&2
            die "node-$i exited while starting (log: $ndir/log)"
        fi
        waited=$((waited + 1))
        [ $waited -lt 600 ] || die "node-$i did not start within 60 s (log: $ndir/log)"
        sleep 0.1
    done
    echo "node-$i: http://127.0.0.1:$port/ (admin API http://127.0.0.1:$admin/client/v4, pid $(cat "$ndir/pid"))"
}

stop_node() {
    local i=$1 pid
    pid=$(node_pid "$i") || { rm -f "$dir/node-$i/pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while running "$pid" && [ $waited -lt 150 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if running "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        echo "node-$i: did not stop within 15 s, killed"
    else
        echo "node-$i: stopped"
    fi
    rm -f "$dir/node-$i/pid"
}

nginx_pid() {
    local pidfile=$dir/nginx/nginx.pid
    [ -f "$pidfile" ] || return 1
    local pid
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && running "$pid" || return 1
    echo "$pid"
}

# nginx.conf for nodes 1..N. Requests reach a node as the client sent them (Host with its port:
# the dispatcher routes by it; bodies and responses streamed both ways; WebSocket upgrades passed
# through), and the limits a node enforces (body size, header and URL lengths) are left to the
# node, so a client meets the same 413, 414 and 431 through nginx as without it.
write_nginx_conf() {
    local n=$1 i servers=""
    for i in $(seq 1 "$n"); do
        servers+="        server 127.0.0.1:$((base_port + i - 1)) max_fails=1 fail_timeout=${nginx_fail_timeout}s;"$'\n'
    done
    mkdir -p "$dir/nginx"
    cat >"$dir/nginx/nginx.conf.new" <<EOF
# Written by scripts/cluster.sh up $n, and again by every \`up\`.
worker_processes $nginx_workers;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    server_tokens off;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    keepalive_requests 1000000;
    large_client_header_buffers 4 128k;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
    upstream switchyard_nodes {
        # Shared by the workers: one worker finding a node down spares the others the attempt.
        zone switchyard_nodes 64k;
$servers        keepalive 64;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        client_max_body_size 0;
        location / {
            proxy_pass http://switchyard_nodes;
            proxy_http_version 1.1;
            proxy_set_header Host \$http_host;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_pass_header Server;
            proxy_pass_header Date;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_connect_timeout 2s;
            proxy_send_timeout 3600s;
            proxy_read_timeout 3600s;
            proxy_next_upstream error timeout;
        }
    }
}
EOF
    mv "$dir/nginx/nginx.conf.new" "$dir/nginx/nginx.conf"
}

# Starts nginx in front of nodes 1..N, or has the running one load the new configuration (its old
# workers finish the requests they have).
start_nginx() {
    local n=$1 pid
    write_nginx_conf "$n"
    "$nginx_bin" -t -q -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" \
        || die "nginx refused its configuration ($dir/nginx/nginx.conf)"
    if pid=$(nginx_pid); then
        kill -HUP "$pid"
        echo "nginx: http://127.0.0.1:$nginx_port/ -> nodes 1..$n (configuration reloaded, pid $pid)"
        return
    fi
    "$nginx_bin" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" \
        || die "nginx did not start: see $dir/nginx/error.log"
    local waited=0
    until pid=$(nginx_pid); do
        waited=$((waited + 1))
        [ $waited -lt 100 ] || die "nginx did not start within 10 s: see $dir/nginx/error.log"
        sleep 0.1
    done
    echo "nginx: http://127.0.0.1:$nginx_port/ -> nodes 1..$n (pid $pid)"
}

stop_nginx() {
    local pid
    pid=$(nginx_pid) || { rm -f "$dir/nginx/nginx.pid"; return 0; }
    # QUIT: stop accepting, finish the requests in flight.
    kill -QUIT "$pid" 2>/dev/null || true
    local waited=0
    while running "$pid" && [ $waited -lt 100 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if running "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        echo "nginx: did not stop within 10 s, terminated"
    else
        echo "nginx: stopped"
    fi
}

case ${1:-} in
up)
    n=${2:-}
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "usage: cluster.sh up N (N nodes, at least 1)"
    [ -x "$bin" ] || die "$bin is missing: build it (ninja -C build switchyard) or set SWITCHYARD_BIN"
    [ -x "$nginx_bin" ] || die "nginx is not installed ($nginx_bin): run scripts/setup.sh"
    start_postgres
    echo "postgres: 127.0.0.1:$pg_port, database $database, user $pg_user (password in $dir/pg-password)"
    if [ ! -f "$dir/admin-token" ]; then
        (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/admin-token")
    fi
    for i in $(seq 1 "$n"); do start_node "$i"; done
    start_nginx "$n"
    # Nodes beyond N from an earlier `up` stop once nginx no longer sends them requests: the
    # cluster is what was asked for.
    for i in $(node_numbers); do
        if [ "$i" -gt "$n" ]; then stop_node "$i"; fi
    done
    echo "admin token: $dir/admin-token"
    ;;
down)
    stop_nginx
    for i in $(node_numbers); do stop_node "$i"; done
    if pg_running; then
        as_server "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null
        echo "postgres: stopped"
    fi
    ;;
status)
    running=0
    if pg_running; then
        echo "postgres: running on 127.0.0.1:$pg_port (data in $dir/pg)"
        running=1
    else
        echo "postgres: not running"
    fi
    if pid=$(nginx_pid); then
        echo "nginx: running, pid $pid, http://127.0.0.1:$nginx_port/ ->" \
            $(sed -n 's/^ *server \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$dir/nginx/nginx.conf")
        running=1
    elif [ -f "$dir/nginx/nginx.conf" ]; then
        echo "nginx: not running"
    fi
    for i in $(node_numbers); do
        if pid=$(node_pid "$i"); then
            echo "node-$i: running, pid $pid, http://127.0.0.1:$((base_port + i - 1))/"
            running=1
        else
            echo "node-$i: not running"
        fi
    done
    if pg_running; then
        PGPASSWORD=$(cat "$dir/pg-password") "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" \
            -U "$pg_user" -d "$database" -c "SELECT name, address, version,
                to_timestamp(started_at / 1000.0) AS started, round(requests_per_second::numeric, 1) AS req_per_s,
                live_instances, round((extract(epoch FROM now()) * 1000 - last_heartbeat) / 1000) AS heartbeat_s_ago
                FROM nodes ORDER BY name" 2>/dev/null || true
    fi
    [ $running = 1 ] || exit 3
    ;;
*)
    die "usage: cluster.sh up N | down | status"
    ;;
esac
