#!/usr/bin/env bash
# Takes a screenshot of every view into docs/screenshots/ (at 1280×800, the README's), and into
# docs/screenshots/1000x700/ and docs/screenshots/1920x1080/ (the smallest supported window and a
# full-HD screen), and with the dark theme forced into docs/screenshots/dark/: starts the GUI with the demo platform under Xvfb on a fresh data directory,
# sends traffic with curl (including limit violations) so the live views have something to show,
# and lets the app save each view and quit (SWITCHYARD_SCREENSHOT_DIR and _SIZE, hooks kept out
# of --help).
#   scripts/screenshots.sh [path/to/switchyard]     default: build/bin/switchyard
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$top/build/bin/switchyard}
out=$top/docs/screenshots
port=${SWITCHYARD_SCREENSHOT_PORT:-8797}
[ -x "$binary" ] || { echo "screenshots: no executable at $binary (build first)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is not installed" >&2; exit 1; }

shoot() { # <directory> <width>x<height> [switchyard options]
  local dir=$1 size=$2 data
  shift 2
  data=$(mktemp -d)
  mkdir -p "$dir"
  rm -f "$dir"/*.png
  traffic &
  local traffic_pid=$!
  # Xvfb's default 8-bit depth makes Qt Quick's gradients band; ask for 24 bits.
  SWITCHYARD_SCREENSHOT_DIR=$dir SWITCHYARD_SCREENSHOT_SIZE=$size SWITCHYARD_SCREENSHOT_DELAY_MS=8000 \
    xvfb-run -a -s "-screen 0 1920x1080x24" \
    "$binary" --demo --data-dir "$data" --listen "127.0.0.1:$port" --admin 127.0.0.1:0 "$@"
  wait "$traffic_pid" 2>/dev/null || true
  rm -rf "$data"
}

traffic() {
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.2; done
  local end=$((SECONDS + 9))
  while [ $SECONDS -lt $end ]; do
    # The Host header carries the port, as a browser's does: the fanout Worker calls back to
    # the listener by it, and over its plan's 5 subrequests (n=8) it is stopped.
    for target in localhost/ www.localhost/ api.localhost/time json-api.localhost/echo \
                  site.localhost/ cpu-burner.localhost/ 'fanout.localhost/?n=3' \
                  'fanout.localhost/?n=8' thrower.localhost/ nobody.localhost/; do
      host=${target%%/*}
      curl -s -o /dev/null -H "Host: $host:$port" "http://127.0.0.1:$port/${target#*/}" &
    done
    wait
    sleep 0.15
  done
}

shoot "$out" 1280x800 --theme light
shoot "$out/1000x700" 1000x700 --theme light
shoot "$out/1920x1080" 1920x1080 --theme light
shoot "$out/dark" 1280x800 --theme dark
ls -R "$out"
