#!/usr/bin/env bash
# The real client against the admin API: the pinned wrangler (tests/admin/clients) runs
# `wrangler deploy --dispatch-namespace production` against `switchyard --headless --demo`, and
# the deployed Worker then answers through the dispatch listener.
# Usage: wrangler_deploy.sh path/to/switchyard. Exits 77 (CTest: skipped) only when the npm
# registry cannot be reached and the pinned clients are not cached yet.
set -euo pipefail

switchyard=${1:?usage: wrangler_deploy.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using wrangler $("$wrangler" --version | tail -n 1)"
start_switchyard "$switchyard"

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
