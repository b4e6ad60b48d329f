#!/usr/bin/env bash
# ESP cross-check against tshark (issue 4): for every samples/ims-aka-*.pcap
# with ESP, imsec derives the SAs itself — CK/IK by Milenage from the keys
# file's subscriber only (its explicit "sas" are removed), or from ck=/ik=
# in the capture when there is no keys file — and exports them with
# `imsec dialogs --export-esp-sa F --show-secrets` (Wireshark esp_sa UAT).
# tshark, given only those exported SAs, must then
#   - verify the ICV of every ESP packet (esp.icv_good == ESP packets),
#   - see SIP inside every ESP packet (ESP && sip == imsec's esp.decrypted),
#   - report the same SIP messages per Call-ID as imsec
#     (tests/oracle/compare_callids.py, as run_oracle.sh).
# Captures whose SAs cannot be derived (no Security-Client/Server: nothing to
# export) are reported as skipped. Args: BUILD_DIR SOURCE_DIR [TESTDATA]
set -uo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
command -v tshark >/dev/null || { echo "tshark missing"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0 n=0 skipped=0
shopt -s nullglob
# Keys are secrets: without --show-secrets the export is refused (exit 2) and no file is written.
"$build/imsec" dialogs -q --export-esp-sa "$work/refused" --keys "$src/samples/ims-aka-register.keys.json" \
  "$src/samples/ims-aka-register.pcap" >/dev/null 2>"$work/err"
rc=$?
if [ $rc -ne 2 ] || [ -e "$work/refused" ] || ! grep -q -- --show-secrets "$work/err"; then
  echo "FAIL --export-esp-sa without --show-secrets: exit $rc, $(cat "$work/err")"; fail=1
fi
for pcap in "$src"/samples/ims-aka-*.pcap; do
  name=$(basename "$pcap" .pcap)
  nesp=$(tshark -n -r "$pcap" -Y esp 2>/dev/null | wc -l)
  [ "$nesp" -gt 0 ] || continue
  keys=${pcap%.*}.keys.json iargs=()
  if [ -f "$keys" ]; then
    python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); k.pop("sas",None); json.dump(k,open(sys.argv[2],"w"))' \
      "$keys" "$work/subs.json"
    iargs=(--keys "$work/subs.json")
  fi
  rm -f "$work/esp_sa"
  if ! "$build/imsec" dialogs --format eve -q --show-secrets --export-esp-sa "$work/esp_sa" "${iargs[@]}" \
       -o "$work/$name.eve" "$pcap" 2>"$work/err"; then
    [ $? -le 1 ] || { echo "FAIL $name: imsec: $(cat "$work/err")"; fail=1; continue; }
  fi
  if [ ! -s "$work/esp_sa" ]; then
    echo "skip $name: no SA derivable (imsec exported none)"; skipped=$((skipped + 1)); continue
  fi
  targs=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE)
  while read -r l; do targs+=(-o "uat:esp_sa:$l"); done <"$work/esp_sa"
  good=$(tshark -n "${targs[@]}" -r "$pcap" -Y 'esp.icv_good == 1' 2>/dev/null | wc -l)
  espsip=$(tshark -n "${targs[@]}" -r "$pcap" -Y 'esp && sip' 2>/dev/null | wc -l)
  dec=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("event_type") == "stats": print(r["stats"]["esp"]["decrypted"])' "$work/$name.eve")
  tshark -n "${targs[@]}" -r "$pcap" -Y sip -T fields -e sip.Call-ID -E occurrence=a -E aggregator=, \
    >"$work/$name.tshark" 2>/dev/null
  ok=1
  [ "$good" = "$nesp" ] || { echo "FAIL $name: tshark verified $good of $nesp ICVs with imsec's SAs"; ok=0; }
  [ "$espsip" = "$dec" ] || { echo "FAIL $name: tshark found SIP in $espsip ESP frames, imsec decrypted $dec"; ok=0; }
  if ! python3 "$src/tests/oracle/compare_callids.py" "$work/$name.eve" "$work/$name.tshark" >"$work/out"; then
    echo "FAIL $name: per-Call-ID SIP counts differ"; cat "$work/out"; ok=0
  fi
  if [ $ok = 1 ]; then
    echo "ok   $name: $(wc -l <"$work/esp_sa") SAs exported, $good/$nesp ESP verified by tshark, $dec decrypted by imsec, $(tail -1 "$work/out")"
  else fail=1; fi
  n=$((n + 1))
done
echo "esp-tshark: $n captures agree, $skipped skipped"
[ $n -gt 0 ] || { echo "no ESP capture checked"; exit 1; }
exit $fail
