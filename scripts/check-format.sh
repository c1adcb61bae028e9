#!/usr/bin/env bash
# Fails when a tracked C++ file differs from _clang-format. `--fix` rewrites them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.h' 2>/dev/null || true)
[ -n "$files" ] || files=$(find app runtime models tests bench -name '*.cpp' -o -name '*.h' 2>/dev/null)
[ -n "$files" ] || exit 0
if [ "${1:-}" = --fix ]; then
  echo "$files" | xargs clang-format -i
else
  echo "$files" | xargs clang-format --dry-run --Werror
  echo "format: $(echo "$files" | wc -l) files match _clang-format"
fi
