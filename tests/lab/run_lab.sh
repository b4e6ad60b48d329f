#!/usr/bin/env bash
# ctest entry: run_lab.sh BUILD_DIR SOURCE_DIR TESTDATA_DIR
# 1. the shipped samples/*.pcap show what samples/lab/expected.txt claims;
# 2. every scenario is re-recorded in network namespaces into
#    BUILD_DIR/lab-recordings and shows the same.
# Exit 77 (skip) only when network namespaces cannot be created here.
set -uo pipefail
BUILD="${1:?usage: $0 BUILD_DIR SOURCE_DIR TESTDATA_DIR}"
SRC="${2:-$(cd "$(dirname "$0")/../.." && pwd)}"
HERE="$SRC/tests/lab"
START=$SECONDS
. "$HERE/lib.sh"
set +e

if ! lab_can_netns; then
  echo "run_lab: SKIP: cannot create network namespaces (needs root and 'ip netns'); the lab re-recording did not run"
  exit 77
fi
missing=()
for t in tshark capinfos tcpdump sipp kamailio python3; do command -v "$t" >/dev/null || missing+=("$t"); done
python3 -c 'import cryptography' 2>/dev/null || missing+=("python3-cryptography")
if [ ${#missing[@]} -gt 0 ]; then
  echo "run_lab: FAIL: missing ${missing[*]} (run scripts/setup.sh)"; exit 1
fi

fail=0
python3 "$HERE/aka.py" --selftest || fail=1
NAMES=$(grep -v '^#' "$SRC/samples/lab/expected.txt" | cut -d'|' -f1 | grep -v '^$' | sort -u)

echo "run_lab: checking shipped samples"
for n in $NAMES; do
  if [ ! -f "$SRC/samples/$n.pcap" ]; then echo "FAIL sample $n.pcap missing"; fail=1; continue; fi
  "$HERE/check_capture.sh" "$n" "$SRC/samples/$n.pcap" "$SRC/samples/$n.keys.json" || fail=1
done

OUT="$BUILD/lab-recordings"
rm -rf "$OUT"; mkdir -p "$OUT"
echo "run_lab: re-recording into $OUT"
for n in $NAMES; do
  # One bounded retry: a scenario can miss a timer on a loaded 2-core box.
  ok=0
  for attempt in 1 2; do
    if timeout 60 "$HERE/record_all.sh" "$OUT" "$n" >"$OUT/$n.log" 2>&1 \
       && "$HERE/check_capture.sh" "$n" "$OUT/$n.pcap" "$OUT/$n.keys.json"; then ok=1; break; fi
    echo "run_lab: $n attempt $attempt failed:"; tail -n 15 "$OUT/$n.log"
  done
  [ $ok -eq 1 ] || fail=1
  # A bound on the whole re-recording (about 200 s here): generous, because a
  # slower CI machine stretches every scenario, yet well inside ctest's 900 s.
  if [ $((SECONDS - START)) -gt 400 ]; then echo "run_lab: FAIL: time budget exceeded"; exit 1; fi
done
echo "run_lab: done in $((SECONDS - START)) s, status $fail"
exit $fail
