#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang into build-fuzz/ and runs each for [seconds]
# (default 300), two at a time. The corpus each grows stays in build-fuzz/fuzz/corpus/<target>/;
# a crashing input is written as build-fuzz/fuzz/crash-* (or leak-, oom-, timeout-) and the test
# fails with the report. Replay one with `build-fuzz/bin/<target> <file>`.
#
#   scripts/fuzz.sh [seconds] [ctest arguments, e.g. -R multipart]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
shift || true
command -v clang++ >/dev/null && ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
  >/dev/null 2>&1 || { echo "fuzz: needs clang and libclang-rt-14-dev (scripts/setup.sh installs them)" >&2; exit 2; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$top" -B "$top/build-fuzz" -G Ninja -DSWITCHYARD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWITCHYARD_FUZZ_SECONDS="$seconds" "${launcher[@]}" >/dev/null
cmake --build "$top/build-fuzz"
ctest --test-dir "$top/build-fuzz" -L fuzz --output-on-failure -j2 "$@"
