#!/usr/bin/env bash
# Soak: one `switchyard --headless --demo` (temporary data dir, free loopback ports) with a light
# tenant, six hostile tenants and a Worker re-uploaded every second, under mixed traffic; then
# errors by tenant, the light tenant's p50/p99, whether the process survived and its RSS slope.
# docs/reliability.md says what each tenant tests and holds the last results.
#
#   bench/soak.sh [minutes]     default 10; writes the results into docs/reliability.md
#
# SWITCHYARD=path/to/switchyard picks the binary (default build/bin/switchyard), SOAK_DOC=path
# another output file (SOAK_DOC= writes none), SOAK_LABEL=text a note for the heading, and
# SOAK_MAX_RSS_MB a ceiling above which the process is stopped (default 8192), and
# SOAK_HOSTILE="spinner timers" a subset of the hostile tenants (default: all six).
# Exit status: 0 when the process survived, 1 when it died (the report says how), 2 when the run
# could not start. Traffic goes to 127.0.0.1 only; the driver stops the process by its pid.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-10}
switchyard=${SWITCHYARD:-$top/build/bin/switchyard}
if [ ! -x "$switchyard" ]; then
  echo "soak: $switchyard is missing; build it (cmake --build build --target switchyard)" >&2
  exit 2
fi
command -v python3 >/dev/null || { echo "soak: python3 is required" >&2; exit 2; }
doc=${SOAK_DOC-$top/docs/reliability.md}
args=(--switchyard "$switchyard" --minutes "$minutes" --max-rss-mb "${SOAK_MAX_RSS_MB:-8192}")
[ -n "$doc" ] && args+=(--doc "$doc")
[ -n "${SOAK_LABEL:-}" ] && args+=(--label "$SOAK_LABEL")
[ -n "${SOAK_HOSTILE:-}" ] && args+=(--hostile "$SOAK_HOSTILE")
exec python3 "$top/bench/soak.py" "${args[@]}"
