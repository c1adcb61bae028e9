#!/usr/bin/env bash
# Cloudflare's official SDK (npm `cloudflare`, pinned) against `switchyard --headless --demo`:
# runs sdk_flows.mjs, which drives every call a platform's backend makes.
# Usage: sdk_flows.sh path/to/switchyard. Exit 77 (skipped) only when the npm registry is
# unreachable and the pinned clients are not cached yet.
set -euo pipefail
switchyard=${1:?usage: sdk_flows.sh path/to/switchyard}
source "$(dirname "$0")/clients_env.sh"
echo "using cloudflare SDK $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$clients/node_modules/cloudflare/package.json")"
start_switchyard "$switchyard"
"$node_bin" "$here/sdk_flows.mjs" "$clients" "$admin_url" "$token" "$dispatch_port"
