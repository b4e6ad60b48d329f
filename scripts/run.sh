#!/usr/bin/env bash
# First command of the README: install what is missing, build, and analyse
# the shipped samples with the built-in default rules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== imsec $(build/imsec --version | cut -d' ' -f2) on samples/*.pcap (built-in rules) =="
status=0
build/imsec samples/*.pcap || status=$?
# Exit 1 only means "findings at or above --fail-on": the samples include
# captures that are meant to fire.
[ "$status" -le 1 ] || exit "$status"
