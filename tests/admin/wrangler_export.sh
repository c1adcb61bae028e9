#!/usr/bin/env bash
# `switchyard export` and the pinned wrangler, as someone moving a platform to Cloudflare would use
# them, against `switchyard --headless --demo` (standing in for the account):
#   - a user Worker of two ES modules, one in a subfolder, uploaded, the platform exported while it
#     serves;
#   - `wrangler deploy --dispatch-namespace production --name ...` run in exported user Worker
#     folders, untouched: the copies answer through the dispatch listener as the originals do;
#   - `wrangler deploy` run in the exported dispatcher folder (dispatch namespace, KV and
#     Analytics Engine bindings from the exported wrangler.toml): every host still routes;
#   - `wrangler kv bulk put` of an exported KV file into a new namespace: every key, value and
#     metadata arrives;
#   - `switchyard import` of the export into a new data dir, refused a second time.
# Usage: wrangler_export.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: wrangler_export.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using wrangler $("$wrangler" --version | tail -n 1)"
start_switchyard "$switchyard"

fail() { echo "FAIL: $*"; exit 1; }
w() {
    HOME="$work/home" XDG_CONFIG_HOME="$work/config" CI=1 WRANGLER_SEND_METRICS=false \
        CLOUDFLARE_API_BASE_URL="$admin_url" CLOUDFLARE_API_TOKEN="$token" \
        CLOUDFLARE_ACCOUNT_ID=local-account timeout 120 "$wrangler" "$@"
}
wr() {
    echo "\$ wrangler $*"
    if ! out=$(w "$@" 2>&1); then echo "$out"; fail "wrangler $* failed"; fi
    echo "$out" | sed 's/^/    /'
}
admin() { curl -sS --max-time 20 -H "Authorization: Bearer $token" "$@"; }
body() { curl -sS --max-time 20 -H "Host: $1" "http://127.0.0.1:$dispatch_port${2:-/}"; }
expect() { # expect "what" "haystack" "needle"
    grep -qF -- "$3" <<<"$2" || { echo "$2"; fail "$1: expected to find \"$3\""; }
    echo "ok   $1"
}
json() { "$node_bin" -e "$1" "${@:2}"; }

# A user Worker of two modules (one in a subfolder), as a platform's backend uploads it.
cat >"$work/index.js" <<'JS'
import { greeting } from "./lib/greeting.js";
export default {
  fetch(request, env) {
    return new Response(`${greeting} from ${env.WHO} on ${new URL(request.url).hostname}`);
  },
};
JS
printf 'export const greeting = "bonjour";\n' >"$work/greeting.js"
admin -X PUT "$admin_url/accounts/local-account/workers/dispatch/namespaces/production/scripts/two-modules" \
    -F 'metadata={"main_module":"index.js","compatibility_date":"2025-01-01","bindings":[{"type":"plain_text","name":"WHO","text":"switchyard"}]};type=application/json' \
    -F "index.js=@$work/index.js;type=application/javascript+module" \
    -F "lib/greeting.js=@$work/greeting.js;type=application/javascript+module;filename=lib/greeting.js" >"$work/upload.json"
expect "upload of two-modules" "$(cat "$work/upload.json")" '"success":true'
expect "two-modules answers" "$(body two-modules.localhost)" "bonjour from switchyard on two-modules.localhost"

# --- export while the platform serves ---
"$switchyard" export "$work/export" --data-dir "$work/data"
find "$work/export" -type f | sort
cat "$work/export/namespaces/production/two-modules/wrangler.toml"

# --- wrangler deploys exported user Worker folders as they are ---
for worker in two-modules site; do
    cd "$work/export/namespaces/production/$worker"
    wr deploy --dispatch-namespace production --name "$worker-copy"
    original=$(body "$worker.localhost" /page)
    copy=$(body "$worker-copy.localhost" /page)
    expect "$worker-copy answers as $worker" "$copy" "${original//$worker.localhost/$worker-copy.localhost}"
done
expect "the copy has both modules and the var" "$(body two-modules-copy.localhost)" \
    "bonjour from switchyard on two-modules-copy.localhost"

# --- wrangler deploys the exported dispatcher, bindings and all ---
cd "$work/export/workers/dispatcher"
wr deploy
expect "the redeployed dispatcher routes by USER_ROUTING" "$(body api.localhost /)" '"routes"'
expect "the redeployed dispatcher applies plans" \
    "$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -H 'Host: cpu-burner.localhost' "http://127.0.0.1:$dispatch_port/")" "429"
expect "the redeployed dispatcher serves user Workers" "$(body site.localhost)" "Acme Rockets"

# --- wrangler kv bulk put takes an exported KV file ---
cd "$work"
plans_file=$(json 'const m=require(process.argv[1]);const n=m.kv_namespaces.find(n=>n.title==="PLANS");console.log(n.file)' "$work/export/switchyard-export.json")
wr kv namespace create PLANS_COPY
copy_id=$(sed -n 's/.*"id": "\([0-9a-f]\{32\}\)".*/\1/p' <<<"$out" | head -n 1)
[ -n "$copy_id" ] || fail "kv namespace create printed no id"
wr kv bulk put --remote --namespace-id "$copy_id" "$work/export/$plans_file"
for plan in enterprise pro free; do
    original=$(admin "$admin_url/accounts/local-account/storage/kv/namespaces/$(basename "$plans_file" .json)/values/$plan")
    copied=$(admin "$admin_url/accounts/local-account/storage/kv/namespaces/$copy_id/values/$plan")
    [ -n "$copied" ] && [ "$copied" = "$original" ] || fail "PLANS $plan: \"$copied\", not \"$original\""
    echo "ok   kv bulk put: $plan = $copied"
done

# --- and back: import into a new data dir, once ---
"$switchyard" import "$work/export" --data-dir "$work/imported"
[ -f "$work/imported/switchyard.db" ] || fail "import wrote no store"
if again=$("$switchyard" import "$work/export" --data-dir "$work/imported" 2>&1); then
    fail "a second import into the same data dir succeeded"
fi
expect "a second import is refused" "$again" "already holds a store"
echo "PASS: exported Workers deploy with wrangler, an exported KV file bulk-puts, import round-trips"
