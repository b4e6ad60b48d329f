#!/usr/bin/env bash
# Rewrites the expected outputs of every golden case from the current build,
# for review with git diff. A sample without a case gets one (capture and
# args from its companions, see common.sh).
# Usage: tests/golden/regen.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
. "$src/tests/golden/common.sh"
declare -A covered=()
while read -r case; do covered[$(case_capture "$case")]=1; done < <(golden_cases "$src")
shopt -s nullglob
for pcap in "$src"/samples/*.pcap; do
  [ -n "${covered[$pcap]:-}" ] && continue
  case=$src/tests/golden/$(basename "$pcap" .pcap)
  [ -e "$case" ] && { echo "$case exists but does not name $pcap" >&2; exit 1; }
  mkdir -p "$case"
  echo "samples/$(basename "$pcap")" >"$case/capture"
  sample_args "$pcap" >"$case/args"
  echo "new case $(basename "$case")"
done
while read -r case; do
  for kind in text eve dialogs; do
    run_case "$build" "$case" "$kind" "$case/expected.$kind" ||
      { echo "imsec failed on $(basename "$case") ($kind)" >&2; exit 1; }
  done
done < <(golden_cases "$src")
echo "goldens rewritten; review with: git diff tests/golden"
