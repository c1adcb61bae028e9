#!/usr/bin/env bash
# The Debian package as a user gets it: CPack builds it from the build tree, and the test checks
# what it holds (the executable without a RUNPATH into the build machine, the desktop entry and
# icon), that the desktop entry is valid, that every package it depends on is a Debian 12 package
# name apt knows, and that the packaged executable, unpacked, serves the demo platform headless
# and starts its window on the offscreen platform.
# Usage: package.sh BUILD_DIR V8_LIBRARY_DIR
set -euo pipefail
build=${1:?usage: package.sh BUILD_DIR V8_LIBRARY_DIR}
v8lib=${2:?usage: package.sh BUILD_DIR V8_LIBRARY_DIR}

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok   $*"; }
work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) \
    || { cat "$work/cpack.log"; fail "cpack did not build the package"; }
deb=$(ls "$work"/out/switchyard_*_amd64.deb)
ok "built $(basename "$deb")"

contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/switchyard ./usr/share/applications/switchyard.desktop \
    ./usr/share/icons/hicolor/scalable/apps/switchyard.svg; do
    grep -q " $f\$" <<<"$contents" || { echo "$contents"; fail "the package lacks $f"; }
done
ok "holds the executable, the desktop entry and the icon"

root=$work/root
dpkg-deb -x "$deb" "$root"
if readelf -d "$root/usr/bin/switchyard" | grep -qiE 'rpath|runpath'; then
    readelf -d "$root/usr/bin/switchyard" | grep -iE 'rpath|runpath'
    fail "the packaged executable carries a RUNPATH"
fi
ok "no RUNPATH"

desktop-file-validate "$root/usr/share/applications/switchyard.desktop" \
    || fail "desktop-file-validate refused the desktop entry"
xmllint --noout "$root/usr/share/icons/hicolor/scalable/apps/switchyard.svg" \
    || fail "the icon is not well-formed SVG"
ok "desktop entry and icon valid"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for name in libnode108 libqt6sql6-sqlite qml6-module-qtquick-controls libqt6quick6 libssl3 \
    libgit2-1.5; do
    grep -qE "(^|, )$name( |,|$)" <<<"$depends" || fail "Depends does not name $name"
done
# Every name must be a real package: installed here, or known to apt (libnode108 is only
# unpacked on a machine whose nodejs blocks it).
IFS=',' read -ra deps <<<"$depends"
for dep in "${deps[@]}"; do
    name=$(sed 's/^ *//; s/ .*//' <<<"$dep")
    dpkg-query -W "$name" >/dev/null 2>&1 || apt-cache show "$name" >/dev/null 2>&1 \
        || fail "Depends names $name, which is no Debian package apt knows"
done
ok "every dependency is a known package"

# The unpacked executable runs from the package's files alone (V8 from where this machine has
# libnode, as /usr/lib has it on the machine the package is installed on).
export LD_LIBRARY_PATH=$v8lib
version=$("$root/usr/bin/switchyard" --version)
grep -q "switchyard" <<<"$version" || fail "--version printed: $version"
ok "--version: $version"

start() { # start LOG ARGS...: waits for the listening line
    local log=$1; shift
    "$root/usr/bin/switchyard" "$@" --demo --data-dir "$work/data-$#" --listen 127.0.0.1:0 \
        --admin 127.0.0.1:0 --admin-token package-test >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
        grep -q 'dispatching on' "$log" && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "the packaged switchyard exited"; }
        sleep 0.1
    done
    cat "$log"; fail "the packaged switchyard did not start listening"
}
stop() { kill "$pid"; wait "$pid" || true; pid=; }

start "$work/headless.log" --headless
port=$(sed -n 's|.*dispatching on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/headless.log")
answer=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' -H 'Host: site.localhost' \
    "http://127.0.0.1:$port/")
[ "$answer" = 200 ] || fail "site.localhost answered $answer through the packaged executable"
ok "the packaged executable serves the demo headless"
stop

QT_QPA_PLATFORM=offscreen start "$work/gui.log"
sleep 2
kill -0 "$pid" 2>/dev/null || { cat "$work/gui.log"; fail "the window's process ended"; }
if grep -E 'qrc:/|could not be created|QQmlApplicationEngine failed|is not installed|module .* not found' "$work/gui.log"; then
    fail "the window's QML did not load from the package"
fi
ok "the packaged executable opens its window (offscreen) with no QML error"
stop
echo "PASS"
