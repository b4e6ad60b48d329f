#!/usr/bin/env bash
# Golden tests (issue 2, style.md §2.9): for every case folder
# tests/golden/CASE/ (see common.sh), imsec's text, EVE and dialogs output
# must equal expected.* byte for byte, the semantic checks in checks.json
# must hold, and output must be identical across two runs (determinism).
# Every sample must have a case.
# Args: BUILD_DIR SOURCE_DIR [TESTDATA]. Regenerate with tests/golden/regen.sh.
set -uo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
. "$src/tests/golden/common.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0 n=0
declare -A covered=()
while read -r case; do
  name=$(basename "$case")
  pcap=$(case_capture "$case")
  if [ ! -f "$pcap" ] || [ ! -f "$case/args" ]; then
    echo "FAIL $name: capture $pcap or args missing"; fail=1; continue
  fi
  covered[$pcap]=1
  for kind in text eve dialogs; do
    exp="$case/expected.$kind"
    run_case "$build" "$case" "$kind" "$work/out" || { echo "FAIL $name.$kind: imsec failed"; fail=1; continue; }
    run_case "$build" "$case" "$kind" "$work/out2"
    cmp -s "$work/out" "$work/out2" || { echo "FAIL $name.$kind: output differs between runs"; fail=1; }
    if [ ! -f "$exp" ]; then echo "FAIL $name.$kind: no golden (run tests/golden/regen.sh)"; fail=1; continue; fi
    if cmp -s "$work/out" "$exp"; then n=$((n + 1)); else
      echo "FAIL $name.$kind differs from golden:"; diff "$exp" "$work/out" | head -20; fail=1
    fi
  done
  if [ -f "$case/checks.json" ]; then
    run_case "$build" "$case" eve "$work/eve"
    if python3 "$src/tests/golden/check_findings.py" "$case/checks.json" "$work/eve"; then n=$((n + 1)); else
      echo "FAIL $name: semantic checks"; fail=1; fi
  fi
done < <(golden_cases "$src")
shopt -s nullglob
for pcap in "$src"/samples/*.pcap; do
  [ -n "${covered[$pcap]:-}" ] || { echo "FAIL $(basename "$pcap"): no golden case (run tests/golden/regen.sh)"; fail=1; }
done
echo "golden: $n comparisons ok"
exit $fail
