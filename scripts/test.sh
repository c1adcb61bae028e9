#!/usr/bin/env bash
# Sets everything up, builds, checks formatting, and runs every test through CTest: the suites in
# parallel, then the `stress` label (the dispatch and engine suites beside two CPU hogs) one at a
# time. Ends with one summary line; fails when a test failed or was skipped for any reason but an
# unreachable package registry. Arguments go to the first ctest run instead (e.g. `-R v8`), and
# then the stress run is left out.
set -euo pipefail
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
fi
python3 "$top/scripts/ctest-report.py" junit-*.xml || status=1
exit $status
