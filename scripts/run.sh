#!/usr/bin/env bash
# Sets everything up, then starts the demo platform: the GUI where there is a display, headless
# otherwise. Extra arguments go to switchyard.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
mode=()
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || mode=(--headless)
exec "$top/build/bin/switchyard" "${mode[@]}" --demo --data-dir "${SWITCHYARD_DATA_DIR:-$top/.data}" "$@"
