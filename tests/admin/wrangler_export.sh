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
#   - the README's Cloudflare -> Switchyard loops (curl + jq over the API, wrangler kv key list,
#     base64 values, kv bulk put), with this Switchyard standing in for the account;
#   - `switchyard import` of the export into a new data dir, refused a second time.
# Usage: wrangler_export.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: wrangler_export.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using wrangler $("$wrangler" --version | tail -n 1)"
start_switchyard "$switchyard"

body() { curl -sS --max-time 20 -H "Host: $1" "http://127.0.0.1:$dispatch_port${2:-/}"; }
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

# --- Cloudflare -> Switchyard: the README's loops, with this Switchyard standing in for the
# account (CF) and a new namespace as the target (SY) ---
cd "$work" && mkdir -p fromcf && cd fromcf
CF=$admin_url/accounts/local-account
SY=$admin_url/accounts/local-account
cf() { curl -sS --max-time 20 -H "Authorization: Bearer $token" "$@"; }
sy() { curl -sS --max-time 20 -H "Authorization: Bearer $token" "$@"; }
sy $SY/workers/dispatch/namespaces -d '{"name": "migrated"}' >/dev/null
NS=production
for s in $(cf $CF/workers/dispatch/namespaces/$NS/scripts | jq -r '.result[].id'); do
  cf -D head.txt -o body.bin $CF/workers/dispatch/namespaces/$NS/scripts/$s/content
  type=$(sed -n 's/^content-type: *//Ip' head.txt | tr -d '\r')
  main=$(sed -n 's/^cf-entrypoint: *//Ip' head.txt | tr -d '\r')
  cf $CF/workers/dispatch/namespaces/$NS/scripts/$s/settings | jq -c --arg main "$main" \
    '.result | {main_module: $main, compatibility_date, compatibility_flags, tags,
      bindings: [.bindings[] | select(.type != "secret_text")]}' > meta.json
  boundary=${type#*boundary=}
  { printf -- '--%s\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n' "$boundary"
    cat meta.json; printf '\r\n'; cat body.bin; } > upload.bin
  sy -X PUT -H "Content-Type: $type" --data-binary @upload.bin $SY/workers/dispatch/namespaces/migrated/scripts/$s >result.json
  expect "script $s copied" "$(cat result.json)" '"success":true'
  for part in "content?raw=true" settings; do
    a=$(cf "$CF/workers/dispatch/namespaces/$NS/scripts/$s/$part" | jq -S 'if type == "object" then .result | del(.modified_on, .created_on) else . end' 2>/dev/null || cf "$CF/workers/dispatch/namespaces/$NS/scripts/$s/$part")
    b=$(sy "$SY/workers/dispatch/namespaces/migrated/scripts/$s/$part" | jq -S 'if type == "object" then .result | del(.modified_on, .created_on) else . end' 2>/dev/null || sy "$SY/workers/dispatch/namespaces/migrated/scripts/$s/$part")
    [ "$a" = "$b" ] || { echo "$a"; echo "$b"; fail "$s: $part differs after the copy"; }
  done
  echo "ok   $s: code and settings the same in migrated"
done
ID=$(basename "$plans_file" .json)
wr kv key list --namespace-id $ID --remote
printf '%s\n' "$out" | sed -n '/^\[/,$p' > keys.json
jq -c '.[]' keys.json | while IFS= read -r k; do
  key=$(jq -r .name <<<"$k")
  value=$(cf "$CF/storage/kv/namespaces/$ID/values/$(jq -rn --arg k "$key" '$k|@uri')" | base64 -w0)
  jq -c --arg v "$value" '{key: .name, value: $v, base64: true} + (if .expiration then {expiration} else {} end)
    + (if .metadata then {metadata} else {} end)' <<<"$k"
done | jq -s . > kv-$ID.json
wr kv namespace create PLANS_FROM_CF
from_cf_id=$(sed -n 's/.*"id": "\([0-9a-f]\{32\}\)".*/\1/p' <<<"$out" | head -n 1)
wr kv bulk put --remote --namespace-id "$from_cf_id" kv-$ID.json
for plan in enterprise pro free; do
    original=$(admin "$CF/storage/kv/namespaces/$ID/values/$plan")
    copied=$(admin "$SY/storage/kv/namespaces/$from_cf_id/values/$plan")
    [ -n "$copied" ] && [ "$copied" = "$original" ] || fail "PLANS via base64 $plan: \"$copied\", not \"$original\""
    echo "ok   kv copied through base64: $plan = $copied"
done

# --- and back: import into a new data dir, once ---
"$switchyard" import "$work/export" --data-dir "$work/imported"
[ -f "$work/imported/switchyard.db" ] || fail "import wrote no store"
if again=$("$switchyard" import "$work/export" --data-dir "$work/imported" 2>&1); then
    fail "a second import into the same data dir succeeded"
fi
expect "a second import is refused" "$again" "already holds a store"
echo "PASS: exported Workers deploy with wrangler, an exported KV file bulk-puts, import round-trips"
