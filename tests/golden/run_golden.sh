#!/usr/bin/env bash
# Golden tests (issue 2, style.md §2.9): every sample's text, EVE and
# dialogs output must equal tests/golden/expected/ byte for byte, and the
# semantic checks in tests/golden/checks/NAME.json must hold. Output must
# also be identical across two runs (determinism).
# Args: BUILD_DIR SOURCE_DIR [TESTDATA]. Regenerate with tests/golden/regen.sh.
set -uo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
. "$src/tests/golden/common.sh"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0 n=0
shopt -s nullglob
for pcap in "$src"/samples/*.pcap; do
  name=$(basename "$pcap" .pcap)
  for kind in text eve dialogs; do
    exp="$src/tests/golden/expected/$name.$kind"
    run_case "$build" "$pcap" "$kind" "$work/out" || { echo "FAIL $name.$kind: imsec failed"; fail=1; continue; }
    run_case "$build" "$pcap" "$kind" "$work/out2"
    cmp -s "$work/out" "$work/out2" || { echo "FAIL $name.$kind: output differs between runs"; fail=1; }
    if [ ! -f "$exp" ]; then echo "FAIL $name.$kind: no golden (run tests/golden/regen.sh)"; fail=1; continue; fi
    if cmp -s "$work/out" "$exp"; then n=$((n + 1)); else
      echo "FAIL $name.$kind differs from golden:"; diff "$exp" "$work/out" | head -20; fail=1
    fi
  done
  chk="$src/tests/golden/checks/$name.json"
  if [ -f "$chk" ]; then
    run_case "$build" "$pcap" eve "$work/eve"
    if python3 "$src/tests/golden/check_findings.py" "$chk" "$work/eve"; then n=$((n + 1)); else
      echo "FAIL $name: semantic checks"; fail=1; fi
  fi
done
echo "golden: $n comparisons ok"
exit $fail
