#!/usr/bin/env bash
# `wrangler tail` (pinned) against `switchyard --headless --demo`, as a platform team runs it on
# its dispatcher: `wrangler tail dispatcher --format json` creates a tail session through the admin
# API, opens its trace-v1 WebSocket and prints every event; requests to the dispatch listener show
# up as the dispatcher's events and its user Workers' (a console.log line, an exception). Then
# each filter wrangler sends, applied by Switchyard: --status error, --method, --search, --header,
# --sampling-rate. A session the server ends (DELETE) closes wrangler's stream and wrangler exits.
# Usage: wrangler_tail_live.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: wrangler_tail_live.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using wrangler $("$wrangler" --version | tail -n 1)"
start_switchyard "$switchyard"

visit() { # visit host path [curl args...]
    local host=$1 path=$2
    shift 2
    curl -sS --max-time 20 -o /dev/null -H "Host: $host" "$@" "http://127.0.0.1:$dispatch_port$path"
}
tails_url="$admin_url/accounts/local-account/workers/scripts/dispatcher/tails"

# A user Worker that logs, uploaded as a platform's backend does.
cat >"$work/chatty.js" <<'JS'
export default {
  fetch(request) {
    console.log("hello", 42, { a: 1 }, new URL(request.url).pathname);
    return new Response("chatty");
  },
};
JS
uploaded=$(admin -X PUT "$admin_url/accounts/local-account/workers/dispatch/namespaces/production/scripts/chatty" \
    -F 'metadata={"main_module":"index.js"};type=application/json' \
    -F "index.js=@$work/chatty.js;type=application/javascript+module")
grep -qF '"success":true' <<<"$uploaded" || fail "chatty was not uploaded: $uploaded"

tail_pid=
out=
# start_tail name [wrangler tail options...]: runs `wrangler tail dispatcher --format json` in the
# background, its stdout in $out.
start_tail() {
    out="$work/tail-$1.json"
    shift
    echo "\$ wrangler tail dispatcher --format json $*"
    (cd "$work" && HOME="$work/home" XDG_CONFIG_HOME="$work/config" CI=1 WRANGLER_SEND_METRICS=false \
        CLOUDFLARE_API_BASE_URL="$admin_url" CLOUDFLARE_API_TOKEN="$token" \
        CLOUDFLARE_ACCOUNT_ID=local-account exec "$wrangler" tail dispatcher --format json "$@" \
        >"$out" 2>"$out.err") &
    tail_pid=$!
}
# until_seen needle command...: repeats the command (a request) until the needle is in $out.
until_seen() {
    local needle=$1
    shift
    for _ in $(seq 1 100); do
        "$@"
        sleep 0.2
        grep -qF -- "$needle" "$out" && return 0
        kill -0 "$tail_pid" 2>/dev/null || { cat "$out.err"; fail "wrangler tail exited"; }
    done
    cat "$out" "$out.err"
    fail "\"$needle\" never appeared in wrangler tail's output"
}
# Stops wrangler as a user does (Ctrl+C). wrangler's exit handler starts the DELETE of its session
# but the signal usually ends the process first; the session ends with its WebSocket anyway.
# Whatever is listed is deleted (the DELETE works), and nothing may be left.
stop_tail() {
    kill -INT "$tail_pid"
    for _ in $(seq 1 100); do kill -0 "$tail_pid" 2>/dev/null || break; sleep 0.1; done
    wait "$tail_pid" 2>/dev/null || true
    local id
    for id in $(admin "$tails_url" | grep -o '"id":"[0-9a-f]*"' | cut -d'"' -f4); do
        admin -X DELETE "$tails_url/$id" | grep -qF '"success":true' || fail "DELETE tails/$id"
    done
    grep -qF '"result":[]' <<<"$(admin "$tails_url")" || fail "a tail session was left behind"
}
# The events wrangler printed (JSON.stringify(event, null, 4), one after another), one line
# each: scriptName outcome method path logs exceptions.
summary() {
    node -e '
const text = require("fs").readFileSync(process.argv[1], "utf8");
const events = text.split(/^}$/m).map((s) => s.trim()).filter(Boolean).map((s) => JSON.parse(s + "}"));
for (const e of events) {
  const req = (e.event && e.event.request) || {};
  const path = req.url ? new URL(req.url).pathname : "-";
  console.log([e.scriptName, e.outcome, req.method, path, JSON.stringify(e.logs.map((l) => l.message)),
               JSON.stringify(e.exceptions.map((x) => x.name + ": " + x.message))].join(" "));
}' "$out"
}
expect() { # expect "what" "haystack" "needle"
    grep -qF -- "$3" <<<"$2" || { echo "$2"; fail "$1: expected to find \"$3\""; }
    echo "ok   $1"
}
refuse() { # refuse "what" "haystack" "needle"
    if grep -qF -- "$3" <<<"$2"; then echo "$2"; fail "$1: did not expect \"$3\""; fi
    echo "ok   $1"
}

# --- everything: the dispatcher's events and its user Workers' ---
start_tail all
until_seen '/warm-up' visit chatty.localhost /warm-up
session=$(admin "$tails_url")
expect "the session is listed while wrangler runs" "$session" '"url":"ws://127.0.0.1:'
visit chatty.localhost /logged
visit thrower.localhost /boom
until_seen '/boom' true
until_seen 'Something broke in customer code' true
stop_tail
events=$(summary)
echo "$events" | sed 's/^/    /'
expect "the user Worker's event with its console.log arguments" "$events" \
    'chatty ok GET /logged [["hello",42,{"a":1},"/logged"]] []'
expect "the user Worker's exception" "$events" \
    'thrower exception GET /boom [["about to fail for","/boom"]] ["Error: Something broke in customer code"]'
expect "the dispatcher's own events" "$events" 'dispatcher ok GET /logged'
expect "the raw JSON has the event's request and response" "$(cat "$out")" '"status": 200'

# --- --status error: only the invocations that failed ---
start_tail status --status error
until_seen '/first-error' visit thrower.localhost /first-error
visit chatty.localhost /not-an-error
visit thrower.localhost /second-error
until_seen '/second-error' true
stop_tail
events=$(summary)
expect "--status error shows the exception" "$events" 'thrower exception GET /second-error'
refuse "--status error hides what succeeded" "$events" 'chatty'
refuse "--status error hides the dispatcher that answered" "$events" 'dispatcher ok'

# --- --method POST ---
start_tail method --method POST
until_seen '/posted-1' visit chatty.localhost /posted-1 -X POST -d x
visit chatty.localhost /got
visit chatty.localhost /posted-2 -X POST -d x
until_seen '/posted-2' true
stop_tail
events=$(summary)
expect "--method POST shows POSTs" "$events" 'chatty ok POST /posted-2'
refuse "--method POST hides GETs" "$events" ' GET '

# --- --search: a text in console.log's arguments ---
start_tail search --search needle-
until_seen '/needle-1' visit chatty.localhost /needle-1
visit chatty.localhost /hay
visit chatty.localhost /needle-2
until_seen '/needle-2' true
stop_tail
events=$(summary)
expect "--search shows the matching log" "$events" 'chatty ok GET /needle-2'
refuse "--search hides the rest" "$events" '/hay'
refuse "--search hides the dispatcher (its logs do not match)" "$events" 'dispatcher'

# --- --header key:value ---
start_tail header --header 'x-tail-me: yes'
until_seen '/marked-1' visit chatty.localhost /marked-1 -H 'X-Tail-Me: yes'
visit chatty.localhost /unmarked
visit chatty.localhost /other-value -H 'X-Tail-Me: no'
visit chatty.localhost /marked-2 -H 'X-Tail-Me: yes'
until_seen '/marked-2' true
stop_tail
events=$(summary)
expect "--header shows the marked requests" "$events" 'chatty ok GET /marked-2'
refuse "--header hides requests without it" "$events" '/unmarked'
refuse "--header hides another value" "$events" '/other-value'

# --- --sampling-rate 0.5: about half of 40 requests ---
start_tail sampling --sampling-rate 0.5
until_seen '/sample-warm' visit chatty.localhost /sample-warm
for i in $(seq 1 40); do visit chatty.localhost "/sampled-$i"; done
# A last request sampled in tells that everything before it is out.
until_seen '/sample-end' visit chatty.localhost /sample-end
stop_tail
kept=$(summary | grep -c 'chatty ok GET /sampled-' || true)
echo "    --sampling-rate 0.5 kept $kept of 40"
# Every one or none happens once in 2^39 runs.
[ "$kept" -gt 0 ] && [ "$kept" -lt 40 ] || fail "--sampling-rate 0.5 kept $kept of 40"
echo "ok   --sampling-rate keeps a share"

# --- the server ends the session: wrangler's stream closes and it exits by itself ---
start_tail ended
until_seen '/before-the-end' visit chatty.localhost /before-the-end
id=$(admin "$tails_url" | grep -o '"id":"[0-9a-f]*"' | cut -d'"' -f4)
admin -X DELETE "$tails_url/$id" | grep -qF '"success":true' || fail "DELETE tails/$id"
for _ in $(seq 1 100); do kill -0 "$tail_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$tail_pid" 2>/dev/null; then kill "$tail_pid"; fail "wrangler kept running after its tail was deleted"; fi
wait "$tail_pid" 2>/dev/null || true
echo "ok   wrangler exits when its session is deleted"

echo "PASS: wrangler tail streams the dispatcher's and its user Workers' events, filtered as asked"
