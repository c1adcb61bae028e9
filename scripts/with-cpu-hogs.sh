#!/usr/bin/env bash
# Runs a command while two shell loops spin on the CPU, as a busy machine would: CTest's `stress`
# label runs the dispatch and engine suites this way, so a test that only holds on a quiet
# machine fails here rather than for a user. The hogs end with the command, however it ends.
set -u
hogs=()
for _ in 1 2; do
    sh -c 'while :; do :; done' &
    hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null; wait "${hogs[@]}" 2>/dev/null' EXIT
"$@"
