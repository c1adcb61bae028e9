#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine needs to build and test Switchyard, then configures and
# builds into build/. Idempotent: when nothing is missing it only runs an incremental build.
#
# V8 comes from Debian's libnode-dev (Node 18, V8 10.2). Where a nodejs from another repository
# blocks that package, Debian's libnode108 + libnode-dev are downloaded and unpacked into
# .deps/libnode, and CMake is pointed there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools qt6-websockets-dev libqt6sql6-sqlite libsqlite3-dev
  libjemalloc-dev libtomlplusplus-dev libssl-dev
  # the PostgreSQL store (--store postgresql://...): Qt's driver, and the server binaries the
  # tests run in a throwaway cluster of their own under /tmp (tests/common/pgcluster.h)
  libqt6sql6-psql postgresql-15
  # scripts/cluster.sh: nginx in front of the nodes, one dispatch address for all of them
  nginx
  # TextDecoder's legacy encodings (ICU converters), Compression/DecompressionStream (zlib)
  libicu-dev zlib1g-dev
  # the Versions view's diff of two Worker Versions (git's line diff)
  libgit2-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel
  libgl-dev xvfb xauth
  # the package test (tests/package): desktop-file-validate and xmllint
  desktop-file-utils libxml2-utils
  # runtime libraries of libnode108, for the unpacked fallback
  libbrotli1 libc-ares2 libicu72 libnghttp2-14 libssl3 libuv1 zlib1g
  # benchmarks
  wrk hyperfine
  # fuzzing (scripts/fuzz.sh): clang with its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
apt_updated=0
apt_update() { [ $apt_updated = 1 ] || { sudo_ apt-get update -qq; apt_updated=1; }; }
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_update
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js and npm: the build bundles npm packages into the Worker prelude (runtime/engine/js/vendor,
# `npm ci` from its lock file), generates the editor's completion from @cloudflare/workers-types
# (models/completion, likewise), and a test deploys with the real wrangler. Whatever node the
# machine has is kept (another repository's nodejs would conflict with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then
  apt_update
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi

# The fidelity oracles (tests/fidelity): workerd and Node 20 from npm, pinned by
# tests/fidelity/oracle/package-lock.json, into ~/.cache/switchyard/oracle. Reinstalled only when
# the lock file changes.
oracle_dir=${SWITCHYARD_ORACLE_DIR:-$HOME/.cache/switchyard/oracle}
if ! cmp -s tests/fidelity/oracle/package-lock.json "$oracle_dir/package-lock.json" \
    || [ ! -x "$oracle_dir/node_modules/.bin/workerd" ]; then
  echo "setup: installing the fidelity oracles (workerd, Node 20) into $oracle_dir"
  mkdir -p "$oracle_dir"
  cp tests/fidelity/oracle/package.json tests/fidelity/oracle/package-lock.json "$oracle_dir/"
  (cd "$oracle_dir" && npm ci --silent --no-audit --no-fund)
fi

# V8: the system libnode-dev when it is (or can be) installed, else a project-local prefix.
v8_prefix=""
if dpkg-query -W -f='${Status}' libnode-dev 2>/dev/null | grep -q "install ok installed"; then
  v8_prefix=/usr
elif [ -f .deps/libnode/usr/include/node/v8-version.h ]; then
  v8_prefix="$top/.deps/libnode/usr"
else
  apt_update
  if sudo_ apt-get install -s -qq libnode-dev >/dev/null 2>&1; then
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libnode-dev
    v8_prefix=/usr
  else
    echo "setup: libnode-dev conflicts with the installed nodejs; unpacking Debian's into .deps/libnode"
    tmp=$(mktemp -d)
    (cd "$tmp" && chmod 777 . && apt-get download libnode108 libnode-dev)
    rm -rf .deps/libnode && mkdir -p .deps/libnode
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" .deps/libnode; done
    rm -rf "$tmp"
    v8_prefix="$top/.deps/libnode/usr"
  fi
fi

generator=()
[ -f build/CMakeCache.txt ] || generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DV8_PREFIX="$v8_prefix" >/dev/null
cmake --build build
