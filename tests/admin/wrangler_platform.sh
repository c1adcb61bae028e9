#!/usr/bin/env bash
# wrangler (pinned) as a platform team uses it, against `switchyard --headless --demo`:
#   - `wrangler deploy` of the dispatcher itself, under the demo's active dispatcher's name
#     (`dispatcher`), with a KV binding, a var, cron triggers and workers.dev: wrangler redeploys
#     an existing Worker through versions + deployments, and the new code answers at once;
#   - `wrangler deploy` of a second dispatcher (`edge`, with routes): a first deploy, which does
#     not take over until the admin setting `active_dispatcher` says so;
#   - `wrangler secret put|list|delete|bulk` on the platform Worker, `wrangler delete`;
#   - `wrangler dispatch-namespace create|get|list|rename|delete`;
#   - `wrangler kv namespace create|list|delete`, `kv key put|get|list|delete`, `kv bulk put|get|delete`.
# Usage: wrangler_platform.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: wrangler_platform.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using wrangler $("$wrangler" --version | tail -n 1)"
start_switchyard "$switchyard"

# The dispatch listener as a browser would reach it: prints the response head and body.
visit() { curl -sS --max-time 20 -i -H "Host: $1" "http://127.0.0.1:$dispatch_port${2:-/}"; }

mkdir -p "$work/empty"
cd "$work/empty"

# --- KV, as a platform provisions it ---
wr kv namespace create ROUTES
routes_id=$(sed -n 's/.*"id": "\([0-9a-f]\{32\}\)".*/\1/p' <<<"$out" | head -n 1)
[ -n "$routes_id" ] || fail "kv namespace create printed no id"
wr kv namespace list
expect "kv namespace list shows ROUTES" "$out" "$routes_id"
wr kv key put --remote --namespace-id "$routes_id" alias.localhost json-api
wr kv key get --remote --namespace-id "$routes_id" alias.localhost
expect "kv key get" "$out" "json-api"
printf '[{"key":"a","value":"1"},{"key":"b","value":"2","metadata":{"n":2}},{"key":"c","value":"3"}]' >bulk.json
printf '["a","c"]' >delete.json
wr kv bulk put --remote --namespace-id "$routes_id" bulk.json
wr kv key list --remote --namespace-id "$routes_id"
expect "kv bulk put wrote b with its metadata" "$out" '"n": 2'
printf '["a","b"]' >get.json
wr kv bulk get --remote --namespace-id "$routes_id" get.json
expect "kv bulk get" "$out" '"b": "2"'
wr kv bulk delete --remote --force --namespace-id "$routes_id" delete.json
wr kv key delete --remote --namespace-id "$routes_id" b
wr kv key list --remote --namespace-id "$routes_id"
expect "kv key list after the deletes" "$out" '"alias.localhost"'
if grep -q '"name": "[abc]"' <<<"$out"; then fail "kv bulk delete / key delete left keys"; fi
wr kv namespace create SCRATCH
scratch_id=$(sed -n 's/.*"id": "\([0-9a-f]\{32\}\)".*/\1/p' <<<"$out" | head -n 1)
wr kv namespace delete --namespace-id "$scratch_id"
wr kv namespace list
if grep -qF "$scratch_id" <<<"$out"; then fail "kv namespace delete left SCRATCH"; fi

# --- the dispatcher itself, deployed with wrangler under the active dispatcher's name ---
mkdir -p "$work/dispatcher/src"
cat >"$work/dispatcher/wrangler.toml" <<TOML
name = "dispatcher"
main = "src/index.js"
compatibility_date = "2025-01-01"
workers_dev = true

[triggers]
crons = ["*/5 * * * *"]

[vars]
BANNER = "deployed-by-wrangler"

[[dispatch_namespaces]]
binding = "DISPATCHER"
namespace = "production"

[[kv_namespaces]]
binding = "ROUTES"
id = "$routes_id"
TOML
cat >"$work/dispatcher/src/index.js" <<'JS'
export default {
  async fetch(request, env) {
    const host = new URL(request.url).hostname;
    const name = (await env.ROUTES.get(host)) || host.split(".")[0];
    let response;
    try {
      response = await env.DISPATCHER.get(name).fetch(request);
    } catch (e) {
      response = new Response(`no Worker ${name}`, { status: 404 });
    }
    response = new Response(response.body, response);
    response.headers.set("x-platform", env.BANNER);
    response.headers.set("x-secret", env.PLATFORM_KEY ? "set" : "none");
    return response;
  },
};
JS
cd "$work/dispatcher"
wr deploy
expect "wrangler deploy printed the version" "$out" "Current Version ID:"
expect "wrangler deploy printed the cron trigger" "$out" "schedule: */5 * * * *"
answer=$(visit site.localhost)
expect "the redeployed dispatcher answers at once" "$answer" "x-platform: deployed-by-wrangler"
expect "and routes to the site Worker" "$answer" "Acme Rockets"
answer=$(visit alias.localhost /time)
expect "the dispatcher reads the KV binding wrangler set up" "$answer" "x-platform: deployed-by-wrangler"
settings=$(admin "$admin_url/accounts/local-account/workers/scripts/dispatcher/settings")
expect "it is still the active dispatcher" "$settings" '"active_dispatcher":true'
schedules=$(admin "$admin_url/accounts/local-account/workers/scripts/dispatcher/schedules")
expect "the cron trigger is remembered (and never runs)" "$schedules" '"cron":"*/5 * * * *"'

# --- secrets on the platform Worker ---
echo "s3cret" | wr secret put PLATFORM_KEY --name dispatcher
expect "the secret reaches the dispatcher" "$(visit site.localhost)" "x-secret: set"
wr secret list --name dispatcher
expect "secret list" "$out" '"name": "PLATFORM_KEY"'
wr secret delete PLATFORM_KEY --name dispatcher
expect "the deleted secret is gone" "$(visit site.localhost)" "x-secret: none"

printf '{"PLATFORM_KEY":"bulk-1","OTHER_KEY":"bulk-2"}' >"$work/secrets.json"
wr secret bulk "$work/secrets.json" --name dispatcher
answer=$(visit site.localhost)
expect "secret bulk keeps the other bindings and adds the secrets" "$answer" "x-secret: set"
expect "and the dispatcher still routes" "$answer" "Acme Rockets"
wr secret delete PLATFORM_KEY --name dispatcher

# --- `wrangler secret put` on a missing Worker creates it; `wrangler delete` removes it ---
echo "v" | wr secret put ONLY --name scratch
wr delete --name scratch --force
gone=$(admin "$admin_url/accounts/local-account/workers/scripts/scratch/settings")
expect "wrangler delete removed the Worker" "$gone" '"code":10007'

# --- a second dispatcher: a first deploy, not active until the admin setting says so ---
mkdir -p "$work/edge/src"
cat >"$work/edge/wrangler.jsonc" <<'JSON'
{
  "name": "edge",
  "main": "src/index.js",
  "compatibility_date": "2025-01-01",
  "routes": ["shop.example.com/*"],
  "dispatch_namespaces": [{ "binding": "DISPATCHER", "namespace": "production" }]
}
JSON
cat >"$work/edge/src/index.js" <<'JS'
export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    const response = await env.DISPATCHER.get(name).fetch(request);
    return new Response(`edge: ${await response.text()}`, response);
  },
};
JS
cd "$work/edge"
wr deploy
expect "the route is accepted (Switchyard takes every host anyway)" "$out" "shop.example.com/*"
expect "edge does not take over by itself" "$(visit site.localhost)" "x-platform: deployed-by-wrangler"
admin -X PATCH "$admin_url/accounts/local-account/workers/scripts/edge/settings" \
    -H 'content-type: application/json' -d '{"active_dispatcher": true}' >/dev/null
expect "active_dispatcher makes edge the dispatcher" "$(visit site.localhost)" "edge: <!doctype html>"

# --- dispatch namespaces ---
cd "$work/empty"
wr dispatch-namespace create staging
wr dispatch-namespace get staging
expect "dispatch-namespace get" "$out" "namespace_name: 'staging'"
mkdir -p "$work/tenant/src"
printf 'export default { fetch() { return new Response("tenant in staging"); } };\n' >"$work/tenant/src/index.js"
printf '{ "name": "tenant", "main": "src/index.js", "compatibility_date": "2025-01-01" }\n' >"$work/tenant/wrangler.jsonc"
(cd "$work/tenant" && wr deploy --dispatch-namespace staging)
wr dispatch-namespace rename staging staging-2
expect "dispatch-namespace rename" "$out" 'Renamed dispatch namespace "staging" to "staging-2"'
moved=$(admin "$admin_url/accounts/local-account/workers/dispatch/namespaces/staging-2/scripts/tenant")
expect "the renamed namespace keeps its scripts" "$moved" '"dispatch_namespace":"staging-2"'
wr dispatch-namespace list
expect "dispatch-namespace list" "$out" "namespace_name: 'staging-2'"
if grep -q "namespace_name: 'staging'" <<<"$out"; then fail "the old name is still listed"; fi
wr dispatch-namespace delete staging-2
wr dispatch-namespace list
if grep -q "staging-2" <<<"$out"; then fail "dispatch-namespace delete left staging-2"; fi

echo "PASS: wrangler deployed and scripted the platform"
