#!/usr/bin/env bash
# Sets everything up, builds, checks formatting, and runs every test through CTest.
set -euo pipefail
# --asan: the whole suite built with AddressSanitizer + UBSan into build-asan/ (no jemalloc: ASan
# must own malloc), then run with scripts/sanitizers/*. Nothing else below runs in that mode.
if [ "${1:-}" = --asan ]; then
  shift
  top=$(cd "$(dirname "$0")/.." && pwd)
  v8=${V8_PREFIX:-/usr}  # as scripts/setup.sh chose it: Debian's libnode-dev, else .deps/libnode
  dpkg-query -W -f='${Status}' libnode-dev 2>/dev/null | grep -q "install ok installed" \
    || [ -n "${V8_PREFIX:-}" ] || v8="$top/.deps/libnode/usr"
  cmake -S "$top" -B "$top/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" -DSWITCHYARD_SANITIZE=ON \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DV8_PREFIX="$v8" >/dev/null
  nice -n 19 cmake --build "$top/build-asan"
  san="$top/scripts/sanitizers"
  cd "$top/build-asan"
  ASAN_OPTIONS="$(grep -v '^#' "$san/asan.options" | paste -sd:)" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$san/ubsan.supp" \
    QT_QPA_PLATFORM=offscreen exec ctest --output-on-failure -j"$(nproc)" -LE bench "$@"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/check-format.sh"
cd "$top/build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j"$(nproc)" "$@"
