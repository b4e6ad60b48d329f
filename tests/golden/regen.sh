#!/usr/bin/env bash
# Rewrites every golden file from the current build, for review with git diff.
# Usage: tests/golden/regen.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
. "$src/tests/golden/common.sh"
mkdir -p "$src/tests/golden/expected"
for pcap in "$src"/samples/*.pcap; do
  name=$(basename "$pcap" .pcap)
  for kind in text eve dialogs; do
    run_case "$build" "$pcap" "$kind" "$src/tests/golden/expected/$name.$kind" ||
      { echo "imsec failed on $name ($kind)" >&2; exit 1; }
  done
done
echo "goldens rewritten; review with: git diff tests/golden/expected"
