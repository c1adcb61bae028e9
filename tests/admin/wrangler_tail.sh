#!/usr/bin/env bash
# wrangler (pinned) configuring Tail Workers as on Cloudflare, against `switchyard --headless
# --demo`: a tail Worker with a KV binding, then the dispatcher redeployed (versions, deployments,
# script settings) with [[tail_consumers]] naming it. The admin settings show the consumer, and a
# request through the dispatch listener reaches the tail Worker with the dispatcher's event and
# its user Worker's, the user Worker's console.log arguments as JSON.
# Usage: wrangler_tail.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: wrangler_tail.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
start_switchyard "$switchyard"


mkdir -p "$work/empty" && cd "$work/empty"
wr kv namespace create TAIL_LOG
log_id=$(sed -n 's/.*"id": "\([0-9a-f]\{32\}\)".*/\1/p' <<<"$out" | head -n 1)
[ -n "$log_id" ] || fail "kv namespace create printed no id"

# A user Worker that logs structured values, uploaded as a platform's backend does.
cat >chatty.js <<'JS'
export default {
  fetch() {
    console.log("hello", 42, { a: 1 });
    return new Response("chatty");
  },
};
JS
uploaded=$(admin -X PUT "$admin_url/accounts/local-account/workers/dispatch/namespaces/production/scripts/chatty" \
    -F 'metadata={"main_module":"index.js"};type=application/json' \
    -F 'index.js=@chatty.js;type=application/javascript+module')
expect "the user Worker is uploaded" "$uploaded" '"success":true'

mkdir -p "$work/tailer/src"
cat >"$work/tailer/wrangler.toml" <<TOML
name = "tailer"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[kv_namespaces]]
binding = "LOG"
id = "$log_id"
TOML
cat >"$work/tailer/src/index.js" <<'JS'
export default {
  async tail(events, env) {
    await env.LOG.put("batch-" + Date.now() + "-" + Math.random(), JSON.stringify(events));
  },
};
JS
cd "$work/tailer" && wr deploy

mkdir -p "$work/dispatcher/src"
cat >"$work/dispatcher/wrangler.toml" <<TOML
name = "dispatcher"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[dispatch_namespaces]]
binding = "DISPATCHER"
namespace = "production"

[[tail_consumers]]
service = "tailer"
TOML
cat >"$work/dispatcher/src/index.js" <<'JS'
export default {
  fetch(request, env) {
    return env.DISPATCHER.get(new URL(request.url).hostname.split(".")[0]).fetch(request);
  },
};
JS
cd "$work/dispatcher" && wr deploy
settings=$(admin "$admin_url/accounts/local-account/workers/scripts/dispatcher/settings")
expect "the dispatcher's settings name the tail consumer" "$settings" '"tail_consumers":[{"service":"tailer"}]'

answer=$(curl -sS --max-time 20 -H "Host: chatty.localhost" "http://127.0.0.1:$dispatch_port/")
expect "the user Worker answers through the new dispatcher" "$answer" "chatty"
keys=
for _ in $(seq 1 50); do
    keys=$(admin "$admin_url/accounts/local-account/storage/kv/namespaces/$log_id/keys")
    grep -q '"name":"batch-' <<<"$keys" && break
    sleep 0.2
done
key=$(sed -n 's/.*"name":"\(batch-[^"]*\)".*/\1/p' <<<"$keys" | head -n 1)
[ -n "$key" ] || fail "the tail Worker wrote nothing: $keys"
events=$(admin "$admin_url/accounts/local-account/storage/kv/namespaces/$log_id/values/$key")
expect "the tail Worker got the dispatcher's event" "$events" '"scriptName":"dispatcher"'
expect "and its user Worker's" "$events" '"scriptName":"chatty"'
expect "with console.log's arguments as JSON" "$events" '"message":["hello",42,{"a":1}]'
echo "PASS: wrangler configured a tail consumer and it receives the dispatcher's events"
