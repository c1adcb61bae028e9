#!/usr/bin/env bash
# Runs the engine benchmark and writes its table into docs/benchmarks.md under "## Engine"
# (replacing that section if present). BUILD_DIR defaults to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
cmake --build "$build" --target bench_engine
table=$("$build/bin/bench_engine")
echo "$table"
out=docs/benchmarks.md
mkdir -p docs
[ -f "$out" ] || printf '# Benchmarks\n' > "$out"
section=$(printf '## Engine\n\n`bench/engine.sh` on %s, %s (%s cores): a hello Worker straight through the engine, no HTTP.\n\n%s\n' \
  "$(date -u +%Y-%m-%d)" "$(uname -m)" "$(nproc)" "$table")
python3 - "$out" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2].rstrip("\n") + "\n"
text = open(path).read()
pattern = re.compile(r"^## Engine\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda m: section + "\n", text, count=1)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text.rstrip("\n") + "\n")
PY
echo "wrote $out"
