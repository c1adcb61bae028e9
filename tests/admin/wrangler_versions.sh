#!/usr/bin/env bash
# wrangler (pinned) rolling versions of the platform's dispatcher, against
# `switchyard --headless --demo`:
#   - `wrangler whoami` with the admin token as a user API token;
#   - `wrangler deploy` (version 1), `wrangler versions upload --message --tag` (version 2, not
#     serving), `wrangler versions list|view`;
#   - `wrangler versions deploy v1@60% v2@40% -y`: a gradual deployment, checked through the
#     dispatch listener: of 200 requests both versions answer, each near its share;
#   - `wrangler deployments list|status`, `wrangler rollback V1 -y` (the next request runs V1),
#     `wrangler rollback -y` with no version (the latest stable one before);
#   - the deployment survives a restart of switchyard on the same data directory;
#   - `wrangler versions secret put|list|delete|bulk`, each a new version deployed on its own.
# Usage: wrangler_versions.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: wrangler_versions.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using wrangler $("$wrangler" --version | tail -n 1)"
start_switchyard "$switchyard"

# The body the dispatch listener answers for the site Worker's host.
body() { curl -sS --max-time 20 -H "Host: site.localhost" "http://127.0.0.1:$dispatch_port/"; }
uuid_re='[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}'

mkdir -p "$work/empty"
cd "$work/empty"
wr whoami --account local
expect "whoami names the admin user" "$out" "admin@switchyard.localhost"
expect "whoami lists the account" "$out" "Switchyard"
expect "whoami shows the membership" "$out" "Administrator"

# The dispatcher answers with its version's word; it still routes, so the demo keeps working.
mkdir -p "$work/dispatcher/src"
cat >"$work/dispatcher/wrangler.toml" <<TOML
name = "dispatcher"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[dispatch_namespaces]]
binding = "DISPATCHER"
namespace = "production"
TOML
write_version() {
    cat >"$work/dispatcher/src/index.js" <<JS
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/") return new Response("version:$1");
    return env.DISPATCHER.get(new URL(request.url).hostname.split(".")[0]).fetch(request);
  },
};
JS
}
cd "$work/dispatcher"
write_version one
wr deploy --message "first"
v1=$(grep -o "Current Version ID: $uuid_re" <<<"$out" | grep -o "$uuid_re" || true)
[ -n "$v1" ] || fail "wrangler deploy printed no version id"
expect "version one serves" "$(body)" "version:one"

write_version two
wr versions upload --message "second try" --tag v2
v2=$(grep -o "Worker Version ID: $uuid_re" <<<"$out" | grep -o "$uuid_re" || true)
[ -n "$v2" ] || fail "wrangler versions upload printed no version id"
expect "an uploaded version does not serve yet" "$(body)" "version:one"

wr versions list
expect "versions list shows version one" "$out" "$v1"
expect "versions list shows version two" "$out" "$v2"
expect "versions list shows the tag" "$out" "v2"
expect "versions list shows the message" "$out" "second try"
wr versions view "$v2"
expect "versions view shows the version" "$out" "$v2"
expect "versions view shows its message" "$out" "second try"

wr versions deploy "$v1@60%" "$v2@40%" -y --message "canary"
expect "versions deploy confirms the split" "$out" "60%"
wr deployments status
expect "deployments status shows version one at 60%" "$out" "(60%) $v1"
expect "deployments status shows version two at 40%" "$out" "(40%) $v2"

# 200 requests through the dispatch listener: both versions answer. Under a fair 40 % split the
# count of version two is Binomial(200, 0.4): mean 80, sd ~6.9; 40..120 is more than 5.8 sd either
# side, so a correct split fails this bound with probability below 1e-8.
ones=0; twos=0
for _ in $(seq 1 200); do
    case "$(body)" in
        version:one) ones=$((ones + 1)) ;;
        version:two) twos=$((twos + 1)) ;;
        *) fail "an answer from neither version" ;;
    esac
done
echo "split over 200 requests: version one $ones, version two $twos"
[ "$ones" -gt 0 ] && [ "$twos" -gt 0 ] || fail "both versions must answer under a split"
[ "$twos" -ge 40 ] && [ "$twos" -le 120 ] || fail "version two answered $twos of 200, not near 40%"

wr deployments list
expect "deployments list shows the canary" "$out" "canary"
expect "deployments list shows the first deploy" "$out" "first"

# The deployment is in the store: a restart serves the same split.
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
start_switchyard "$switchyard"
seen_one=0; seen_two=0
for _ in $(seq 1 60); do
    case "$(body)" in
        version:one) seen_one=1 ;;
        version:two) seen_two=1 ;;
    esac
done
[ "$seen_one" = 1 ] && [ "$seen_two" = 1 ] || fail "after a restart the split is gone"
echo "ok   the split survives a restart"

wr rollback "$v2" -y --message "all in on two"
expect "rollback confirms" "$out" "Worker Version $v2 has been deployed to 100% of traffic"
for _ in $(seq 1 20); do
    [ "$(body)" = "version:two" ] || fail "after the rollback a request ran another version"
done
echo "ok   after the rollback every request runs version two"

wr rollback -y
expect "rollback without a version picks the last stable one" "$out" "Worker Version $v1 has been deployed"
expect "the next request runs version one" "$(body)" "version:one"
wr deployments list
expect "deployments list shows the rollback" "$out" "Rollback"

# The demo's routing still works through the rolled-back dispatcher.
answer=$(curl -sS --max-time 20 -H "Host: site.localhost" "http://127.0.0.1:$dispatch_port/anything")
expect "the dispatcher still routes to user Workers" "$answer" "Acme Rockets"

# `wrangler versions secret put|list|delete|bulk`: each makes a new version of the Worker with the
# secrets changed (code and other bindings copied from the latest version), deployed separately.
# The dispatcher is switched to the dispatcher that reports its secret, so the listener shows it.
cat >"$work/dispatcher/src/index.js" <<'JS'
export default {
  async fetch(request, env) {
    return new Response(`secret:${env.API_KEY ?? "none"} dispatch:${env.DISPATCHER ? "yes" : "no"}`);
  },
};
JS
wr deploy --message "reports its secret"
expect "the new code serves" "$(body)" "secret:none dispatch:yes"
out=$(echo -n "s3cret" | w versions secret put API_KEY --message "add the key" 2>&1) \
    || { echo "$out"; fail "versions secret put failed"; }
expect "versions secret put made a version" "$out" "with secret API_KEY"
vs=$(grep -o "Created version $uuid_re" <<<"$out" | grep -o "$uuid_re" || true)
[ -n "$vs" ] || fail "versions secret put printed no version id"
expect "an undeployed secret version changes nothing" "$(body)" "secret:none dispatch:yes"
wr versions secret list --latest-version
expect "versions secret list names the secret" "$out" "API_KEY"
wr versions deploy "$vs@100%" -y
expect "the secret version serves its secret and keeps the binding" "$(body)" "secret:s3cret dispatch:yes"
wr versions secret delete API_KEY
expect "versions secret delete made a version" "$out" "with deleted secret API_KEY"
vd=$(grep -o "Created version $uuid_re" <<<"$out" | grep -o "$uuid_re" || true)
wr versions deploy "$vd@100%" -y
expect "the deleted secret is gone" "$(body)" "secret:none dispatch:yes"
echo '{"API_KEY":"from-bulk","OTHER":"x"}' >"$work/secrets.json"
wr versions secret bulk "$work/secrets.json"
expect "versions secret bulk made a version" "$out" "with 2 secrets"
echo "PASS"
