#!/usr/bin/env bash
# Switchyard side by side with workerd and nginx, in one run on this machine; writes the tables of
# docs/benchmarks.md (keeping its "## Engine" section) and charts docs/bench-*.png.
#
#   bench/run.sh            the full run (about 15 minutes): installs what is missing (nginx, wrk,
#                           gnuplot from Debian; workerd from npm into ~/.cache/switchyard/workerd),
#                           builds bench_server into build-bench/ (BUILD_DIR overrides), measures
#   bench/run.sh --smoke    seconds: Switchyard only, 1 s per point, no installs, writes nothing
#                           into docs/ (it prints the report instead); and bench/coldstart.sh --smoke
#                           (Switchyard's build/bin/switchyard against the oracle's workerd)
#   bench/run.sh --busy     about two minutes: only the CPU-limit overshoot and the noisy
#                           neighbour, each alone and again beside two CPU hogs
#                           (scripts/with-cpu-hogs.sh); prints the report, writes nothing into docs/
#
# The full run measures those two beside the hogs as well, and the goals table gives both.
# SWITCHYARD_CPU_TIMERS=0 in the environment makes the engine poll CPU clocks instead of arming
# per-executor CPU timers (runtime/engine/README.md, "Limits"): to compare the two.
#
# BENCH_KEEP=1 keeps the temporary folder with every raw result (wrk outputs, JSON).
#
# Every server listens on 127.0.0.1 only, every load is bounded in time, and every server this
# script starts is stopped by its pid when it ends.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

mode=full
[ "${1:-}" = "--smoke" ] && mode=smoke
[ "${1:-}" = "--busy" ] && mode=busy
build="${BUILD_DIR:-$top/build-bench}"
cache="${SWITCHYARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchyard}"
work=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench.XXXXXX")
results="$work/results"
mkdir -p "$results"
pids=()

cleanup() {
  [ -n "${work:-}" ] && rm -f "$work/hogs.on"
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "$mode" = full ]; then
  duration=10 warmup=3 passes=2 conns_list="1 16 64"
  noisy_rounds=6 noisy_seconds=5
  cold_count=50 kill_count=200 edit_count=100 many_workers=1000
elif [ "$mode" = busy ]; then
  duration=3 warmup=1 passes=0 conns_list="16"
  noisy_rounds=3 noisy_seconds=3
  kill_count=100
else
  duration=1 warmup=1 passes=1 conns_list="16"
  noisy_rounds=1 noisy_seconds=1
  cold_count=3 kill_count=10 edit_count=5 many_workers=20
fi

# --- what the run needs -------------------------------------------------------------------------
if [ "$mode" = full ]; then
  need=()
  command -v wrk >/dev/null || need+=(wrk)
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx-light)
  command -v gnuplot >/dev/null || need+=(gnuplot-nox)
  command -v python3 >/dev/null || need+=(python3)
  command -v npm >/dev/null || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    sudo_ apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
  workerd="$cache/workerd/node_modules/.bin/workerd"
  if ! "$workerd" --version >/dev/null 2>&1; then
    log "installing workerd from npm into $cache/workerd"
    mkdir -p "$cache/workerd"
    npm install --silent --no-audit --no-fund --prefix "$cache/workerd" workerd >&2
  fi
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  if [ ! -f "$build/CMakeCache.txt" ]; then
    v8=()
    [ -d "$top/.deps/libnode/usr" ] && v8=(-DV8_PREFIX="$top/.deps/libnode/usr")
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "${v8[@]}" >&2
  fi
  log "building bench_server in $build"
  cmake --build "$build" --target bench_server >&2
else
  if ! command -v wrk >/dev/null; then
    echo "bench $mode: wrk is not installed (scripts/setup.sh installs it); skipping"
    exit 77
  fi
  [ -n "${BENCH_SERVER:-}" ] || cmake --build "$build" --target bench_server >&2
fi
server="${BENCH_SERVER:-$build/bin/bench_server}"

# --- helpers ------------------------------------------------------------------------------------
# A port nothing on 127.0.0.1 answers on, below the kernel's ephemeral range: a port there may
# be the local end of some client connection (wrk's own, a moment ago), and then binding it fails.
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  for _ in $(seq 1 100); do
    p=$((10000 + RANDOM % (low - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  echo "no free port found" >&2
  exit 1
}

# The process and its descendants (nginx: master and workers).
tree() {
  local pid=$1 kids
  echo "$pid"
  kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
  for k in $kids; do tree "$k"; done
}
cpu_ticks() { # utime + stime of the tree, in clock ticks
  local sum=0 p f
  for p in $(tree "$1"); do
    f=$(sed 's/^.*) //' /proc/"$p"/stat 2>/dev/null) || continue
    set -- $f
    sum=$((sum + ${12} + ${13}))
  done
  echo $sum
}
rss_kb() {
  local sum=0 p v
  for p in $(tree "$1"); do
    v=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo $sum
}

# start NAME HOST CMD...: starts a server in the background, waits (at most 60 s) until it answers.
start() {
  local name=$1 host=$2
  shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 600); do
    if curl -s -o /dev/null -m 2 -H "Host: $host" "http://127.0.0.1:$port/"; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  log "$name did not start; its stderr:"
  cat "$work/$name.err" >&2
  exit 1
}
stop() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# Two CPU hogs (scripts/with-cpu-hogs.sh) from hogs_on until hogs_off: the hogs end with the
# command they wrap, which waits for a file this script removes (cleanup too).
hogs_on() {
  touch "$work/hogs.on"
  scripts/with-cpu-hogs.sh sh -c 'while [ -e "$1" ]; do sleep 0.2; done' hogs "$work/hogs.on" &
  hogs_pid=$!
  sleep 0.5
}
hogs_off() {
  rm -f "$work/hogs.on"
  wait "$hogs_pid" 2>/dev/null || true
}

# measure CONFIG PASS CONNS HOST [SECONDS [wrk options...]]: one wrk run with the server's CPU and RSS.
measure() {
  local config=$1 pass=$2 conns=$3 host=$4 seconds=${5:-$duration}
  shift 5 2>/dev/null || shift $#
  local threads=2
  [ "$conns" -lt 2 ] && threads=1
  local base="$results/$config.p$pass.c$conns"
  local t0 t1 n0 n1
  t0=$(cpu_ticks "$server_pid")
  n0=$(date +%s.%N)
  wrk --latency -t"$threads" -c"$conns" -d"${seconds}s" -H "Host: $host" "$@" \
    "http://127.0.0.1:$port/" >"$base.wrk" 2>&1 || true
  n1=$(date +%s.%N)
  t1=$(cpu_ticks "$server_pid")
  printf '{"config":"%s","pass":%s,"conns":%s,"cpu_ticks":%s,"hz":%s,"seconds":%s,"rss_kb":%s,"wrk":"%s"}\n' \
    "$config" "$pass" "$conns" "$((t1 - t0))" "$(getconf CLK_TCK)" \
    "$(awk "BEGIN {print $n1 - $n0}")" \
    "$(rss_kb "$server_pid")" "$base.wrk" >>"$results/http.jsonl"
  log "$config pass $pass, $conns conns: $(awk '/Requests\/sec/ {print $2}' "$base.wrk") req/s"
}

warm() { wrk -t2 -c16 -d"${warmup}s" -H "Host: $1" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true; }

# One HTTP configuration: start it, warm it, measure each connection count, stop it.
http_config() {
  local config=$1 host=$2 pass=$3
  shift 3
  port=$(free_port)
  local cmd=("$@")
  cmd=("${cmd[@]//@PORT@/$port}")
  start "$config" "$host" "${cmd[@]}"
  warm "$host"
  for c in $conns_list; do measure "$config" "$pass" "$c" "$host"; done
  stop
}

machine_load() {
  printf '{"loadavg":"%s","compilers":%s}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(pgrep -c -x cc1plus || true)"
}

# --- the machine --------------------------------------------------------------------------------
if [ "$mode" = full ]; then
  # Other builds skew everything: wait (at most 3 minutes) for a quiet machine, then go on and
  # record the load either way.
  for _ in $(seq 1 36); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$(pgrep -c -x cc1plus || true)" = 0 ] && awk "BEGIN {exit !($load < 1.0)}"; then break; fi
    log "waiting for a quiet machine (load $load, $(pgrep -c -x cc1plus || true) compilers)"
    sleep 5
  done
fi
{
  printf '{"date":"%s","cpu":"%s","cores":%s,"mem_gib":%s,"kernel":"%s","os":"%s",' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" \
    "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" "$(uname -r)" \
    "$(. /etc/os-release && echo "$PRETTY_NAME")"
  printf '"wrk":"%s","switchyard":"%s",' "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" \
    "$("$server" --versions | tr -d '\n')"
  if [ "$mode" = full ]; then
    printf '"nginx":"%s","workerd":"%s",' "$("$nginx" -v 2>&1 | sed 's/.*: //')" \
      "$("$workerd" --version)"
  fi
  printf '"mode":"%s","duration":%s,"passes":%s,"start":%s}\n' "$mode" "$duration" "$passes" \
    "$(machine_load)"
} >"$results/machine.json"
log "results in $results"

# --- HTTP: the same hello Worker everywhere ------------------------------------------------------
for pass in $(seq 1 "$passes"); do
  if [ "$mode" = full ]; then
    mkdir -p "$work/nginx"
    log "pass $pass: nginx"
    port=$(free_port)
    sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$work/nginx|g" bench/nginx/nginx.conf >"$work/nginx/nginx.conf"
    start nginx localhost "$nginx" -p "$work/nginx" -e "$work/nginx/error.log" \
      -c "$work/nginx/nginx.conf" -g 'daemon off;'
    warm localhost
    for c in $conns_list; do measure nginx "$pass" "$c" localhost; done
    stop

    for variant in direct routed; do
      log "pass $pass: workerd $variant"
      http_config "workerd-$variant" hello.localhost "$pass" "$workerd" serve \
        bench/workerd/config.capnp "$variant" --socket-addr "http=127.0.0.1:@PORT@"
    done
  fi
  for scenario in bare direct limits demo; do
    [ "$mode" = smoke ] && case "$scenario" in bare | demo) continue ;; esac
    log "pass $pass: switchyard $scenario"
    rm -rf "$work/sy-$scenario"
    http_config "switchyard-$scenario" hello.localhost "$pass" "$server" --scenario "$scenario" \
      --port @PORT@ --data-dir "$work/sy-$scenario"
  done
done

# --- noisy neighbour: hello's latency with and without a tenant spinning at its 10 ms limit ----
# A window's p99 on this shared 2-core VM is now and then blown up by a stall of tens of ms that
# happens with nothing spinning too, so one quiet/spinning pair decides little: the run measures
# several pairs back to back, and the report gives every pair and the median. PREFIX "busy-" names
# the rounds measured beside the CPU hogs.
noisy_neighbour() {
  local prefix=$1 c round spinner
  port=$(free_port)
  rm -rf "$work/sy-${prefix}noisy"
  start "switchyard-${prefix}noisy" hello.localhost "$server" --scenario noisy --port "$port" \
    --data-dir "$work/sy-${prefix}noisy"
  warm hello.localhost
  noisy_conns="1 16"
  [ "$mode" != full ] && noisy_conns=16
  for c in $noisy_conns; do
    for round in $(seq 1 "$noisy_rounds"); do
      measure "${prefix}noisy-quiet" "$round" "$c" hello.localhost "$noisy_seconds"
      wrk -t1 -c8 -d"$((noisy_seconds + 2))s" -H "Host: spinner.localhost" "http://127.0.0.1:$port/" \
        >"$results/${prefix}noisy-spinner.p$round.c$c.wrk" 2>&1 &
      spinner=$!
      pids+=("$spinner")
      sleep 1
      measure "${prefix}noisy-spinning" "$round" "$c" hello.localhost "$noisy_seconds"
      wait "$spinner" || true
    done
  done
  stop
}
log "noisy neighbour"
noisy_neighbour ""
if [ "$mode" != smoke ]; then
  log "noisy neighbour beside two CPU hogs"
  hogs_on
  noisy_neighbour busy-
  hogs_off
fi

if [ "$mode" = busy ]; then
  log "CPU-limit overshoot ($kill_count kills), alone and beside two CPU hogs"
  "$server" --measure overshoot --count "$kill_count" >"$results/overshoot.json"
  hogs_on
  "$server" --measure overshoot --count "$kill_count" --http-count 5 >"$results/overshoot-busy.json"
  hogs_off
  machine_load >"$results/end-load.json"
  python3 bench/report.py "$results" "$work/docs" >/dev/null
  cat "$work/docs/benchmarks.md"
  exit 0
fi

# --- 1,000 user Workers warm ---------------------------------------------------------------------
log "$many_workers user Workers"
port=$(free_port)
rm -rf "$work/sy-many"
start switchyard-many hello.localhost "$server" --scenario many --workers "$many_workers" \
  --port "$port" --data-dir "$work/sy-many"
idle_rss=$(rss_kb "$server_pid")
cat >"$work/many.lua" <<EOF
local i = 0
request = function()
  i = (i + 1) % $many_workers
  wrk.headers["Host"] = "w" .. i .. ".localhost"
  return wrk.format()
end
EOF
many_first=$((duration * 2))
measure many-first 1 16 hello.localhost "$many_first" -s "$work/many.lua"
measure many-warm 1 16 hello.localhost "$duration" -s "$work/many.lua"
kill -USR1 "$server_pid"
sleep 0.5
printf '{"workers":%s,"idle_rss_kb":%s,"warm_rss_kb":%s,"instances":%s,"upload":"%s"}\n' \
  "$many_workers" "$idle_rss" "$(rss_kb "$server_pid")" \
  "$(awk '/^instances/ {n=$2} END {print n+0}' "$work/switchyard-many.out")" \
  "$(grep -o 'uploaded.*' "$work/switchyard-many.err" | tail -1)" >"$results/many.json"
stop

# --- in-process measures ------------------------------------------------------------------------
log "cold start ($cold_count uploads)"
"$server" --measure cold-start --count "$cold_count" >"$results/cold-start.json"
log "CPU-limit overshoot ($kill_count kills)"
"$server" --measure overshoot --count "$kill_count" >"$results/overshoot.json"
if [ "$mode" = full ]; then
  log "CPU-limit overshoot beside two CPU hogs ($kill_count kills)"
  hogs_on
  "$server" --measure overshoot --count "$kill_count" --http-count 5 >"$results/overshoot-busy.json"
  hogs_off
fi
log "edit to effect ($edit_count edits)"
"$server" --measure edit --count "$edit_count" >"$results/edit.json"
machine_load >"$results/end-load.json"

# --- the report ---------------------------------------------------------------------------------
if [ "$mode" = full ]; then
  python3 bench/report.py "$results" docs
  log "wrote docs/benchmarks.md and docs/bench-*.png"
else
  # The smoke test's verdict: every point answered, only the spinner got non-2xx, every
  # in-process measure completed.
  failures=0
  for f in "$results"/*.wrk; do
    case "$f" in *noisy-spinner*) continue ;; esac
    if ! grep -q 'Requests/sec' "$f" || grep -q 'Non-2xx' "$f"; then
      echo "bench smoke: $(basename "$f") failed:"; cat "$f"; failures=$((failures + 1))
    fi
  done
  grep -q '"failed":0' "$results/cold-start.json" || { echo "bench smoke: cold start failed"; failures=$((failures + 1)); }
  grep -q '"not_killed":0' "$results/overshoot.json" || { echo "bench smoke: a spinner was not killed"; failures=$((failures + 1)); }
  grep -q '"failed":0' "$results/edit.json" || { echo "bench smoke: an edit never took effect"; failures=$((failures + 1)); }
  # A new tenant's first request against workerd's (bench/coldstart.sh), a few tenants.
  log "cold start against workerd (smoke)"
  SWITCHYARD_BIN="${SWITCHYARD_BIN:-$(dirname "$server")/switchyard}" bench/coldstart.sh --smoke \
    >"$results/coldstart-smoke.txt" 2>&1 \
    || { echo "bench smoke: bench/coldstart.sh --smoke failed:"; cat "$results/coldstart-smoke.txt"; failures=$((failures + 1)); }
  if command -v python3 >/dev/null; then
    python3 bench/report.py "$results" "$work/docs" >/dev/null
    cat "$work/docs/benchmarks.md"
  else
    grep -H 'Requests/sec' "$results"/*.wrk
  fi
  [ "$failures" = 0 ] || exit 1
  echo "bench smoke: passed"
fi
