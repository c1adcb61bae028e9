#!/usr/bin/env bash
# Sets everything up, builds, checks formatting, and runs every test through CTest: the suites in
# parallel, then the `stress` label (the dispatch and engine suites beside two CPU hogs) one at a
# time, then the `fuzz` label (each libFuzzer target for 20 s, built with clang in build-fuzz/ by
# scripts/fuzz.sh). Ends with one summary line; fails when a test failed or was skipped for any
# reason but an unreachable package registry. Arguments go to the first ctest run instead (e.g.
# `-R v8`), and then the stress and fuzz runs are left out.
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
    QT_QPA_PLATFORM=offscreen exec ctest --output-on-failure -j"$(nproc)" -LE "bench|stress" "$@"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/check-format.sh"
cd "$top/build"
rm -f junit-*.xml
export QT_QPA_PLATFORM=offscreen
status=0
if [ $# -gt 0 ]; then
    ctest --output-on-failure -j"$(nproc)" --output-junit junit-selected.xml "$@" || status=$?
else
    ctest --output-on-failure -j"$(nproc)" -LE stress --output-junit junit-suites.xml || status=$?
    ctest --output-on-failure -L stress --output-junit junit-stress.xml || status=$?
    "$top/scripts/fuzz.sh" 20 --output-junit "$top/build/junit-fuzz.xml" || status=$?
fi
python3 "$top/scripts/ctest-report.py" junit-*.xml || status=1
exit $status
