#!/usr/bin/env bash
# Independent oracle (issue 2): for every capture in samples/ and tests/,
# the Call-IDs and SIP messages per Call-ID reported by `imsec dialogs`
# equal what tshark reports. Args: BUILD_DIR SOURCE_DIR [TESTDATA]
set -uo pipefail
build=$1 src=$2
command -v tshark >/dev/null || { echo "tshark missing"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0 n=0
shopt -s nullglob
for pcap in "$src"/samples/*.pcap "$src"/samples/*.pcapng "$src"/tests/captures/*.pcap; do
  name=$(basename "$pcap")
  # ESP: both sides get the sample's keys (tshark through its esp_sa UAT)
  # and both decode ESP-NULL, so each sees the protected SIP too.
  keys=${pcap%.*}.keys.json
  iargs=() targs=(-o esp.enable_null_encryption_decode_heuristic:TRUE)
  if [ -f "$keys" ]; then
    iargs=(--keys "$keys")
    targs+=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE)
    while read -r l; do targs+=(-o "uat:esp_sa:$l"); done < <(python3 "$src/tests/lab/esp_uat.py" "$keys")
  fi
  "$build/imsec" dialogs --format eve -q "${iargs[@]}" -o "$work/$name.eve" "$pcap" >/dev/null 2>"$work/err"
  rc=$?
  if [ $rc -gt 1 ]; then echo "FAIL $name: imsec exit $rc: $(cat "$work/err")"; fail=1; continue; fi
  tshark -n "${targs[@]}" -r "$pcap" -Y sip -T fields -e sip.Call-ID -E occurrence=a -E aggregator=, \
    >"$work/$name.tshark" 2>/dev/null
  if python3 "$(dirname "$0")/compare_callids.py" "$work/$name.eve" "$work/$name.tshark" >"$work/out"; then
    echo "ok   $name $(tail -1 "$work/out")"
  else
    echo "FAIL $name"; cat "$work/out"; fail=1
  fi
  n=$((n + 1))
done
[ $n -gt 0 ] || { echo "no captures found"; exit 1; }
exit $fail
