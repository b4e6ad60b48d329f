#!/usr/bin/env bash
# Decrypted SIP as a data source (issue 7): on the ESP sample with ck/ik on
# the Mw leg, each request that exists only inside ESP (the INVITE when the
# sample has a call; REGISTER/MESSAGE otherwise) is found by Wireshark's
# own SIP filters (`sip.Method == "INVITE"`) once the plugin is loaded, and
# not without it. Runs on samples/ims-aka-mw-call.pcap (fails when it is
# missing); skips (77) only when libimsec decrypts none of its ESP.
# usage: run_plugin_esp.sh BUILD_DIR SOURCE_DIR [TESTDATA]   (exit 77 = skip)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# samples/ims-aka-mw-call.pcap (tests/lab/record_ims_aka.sh OUT mwcall):
# ck/ik in clear on the Mw leg, then a call whose INVITE exists only in ESP.
sample="$SRC/samples/ims-aka-mw-call.pcap"
if [ ! -f "$sample" ]; then
    echo "FAIL: $sample missing (record it with tests/lab/record_ims_aka.sh OUT mwcall)"; exit 1
fi
grep -aq 'ck="' "$sample" || { echo "FAIL: $sample has no ck= on the wire"; exit 1; }
name=$(basename "$sample")
in=$(stage "$sample")

keys=${sample%.*}.keys.json
cli_opt=(); ws_opt=()
if [ -f "$keys" ] && "$IMSEC" --keys "$keys" --format eve -o /dev/null "$sample" 2>/dev/null; then
    k=$(stage "$keys"); cli_opt=(--keys "$keys"); ws_opt=(-o "imsec.keys_file:$k")
fi
dec=$("$IMSEC" "${cli_opt[@]}" --format eve "$sample" 2>/dev/null |
      python3 -c 'import json,sys
for l in sys.stdin:
    e=json.loads(l)
    if e.get("event_type")=="stats": print(e["stats"]["esp"]["decrypted"])')
[ "${dec:-0}" -gt 0 ] || skip "libimsec decrypted no ESP packet of $name (ESP decryption not landed yet, or the keys file does not load); the plugin's data-source path shows SIP from imsec_msg_rec.in_esp plaintext as soon as it does"

count() { ts "${ws_opt[@]}" "$@" -r "$in" 2>/dev/null | wc -l; }
# Request methods libimsec saw inside ESP (INVITE on a sample with a call).
methods=$(ts "${ws_opt[@]}" -r "$in" -Y 'imsec.in_esp == 1 && !imsec.status' -T fields \
          -e imsec.method 2>/dev/null | tr ',' '\n' | sort -u)
[ -n "$methods" ] || fail "libimsec decrypted $dec ESP packets of $name but reports no request inside"
for m in $methods; do
    inner=$(count -Y "imsec.in_esp == 1 && imsec.method == \"$m\" && !imsec.status")
    with=$(count -Y "esp && sip.Method == \"$m\"")
    without=$(count --disable-protocol imsec -Y "esp && sip.Method == \"$m\"")
    echo "$name: $m inside ESP per imsec: $inner frame(s); sip.Method == \"$m\" on ESP frames:" \
         "$with with the plugin, $without without"
    [ "$with" -eq "$inner" ] || fail "$m: Wireshark's SIP filter finds $with ESP frames, imsec $inner"
    [ "$without" -eq 0 ] || echo "note: Wireshark alone already decodes $m in ESP (ESP-NULL heuristics?)"
done
grep -qx INVITE <<<"$methods" || fail "libimsec reports no INVITE inside ESP in $name"
# Issue 7, literally: Wireshark's own filter `sip.Method == "INVITE"` (no
# esp qualifier) finds the INVITE(s) that exist only inside ESP once the
# plugin is loaded, with the keys file and without it (CK/IK then come from
# the Mw 401 in clear), and finds none without the plugin.
inv_esp=$(count -Y 'esp && imsec.in_esp == 1 && imsec.method == "INVITE" && !imsec.status')
inv_with=$(count -Y 'sip.Method == "INVITE"')
inv_nokeys=$(ts -r "$in" -Y 'sip.Method == "INVITE"' 2>/dev/null | wc -l)
inv_without=$(ts --disable-protocol imsec -r "$in" -Y 'sip.Method == "INVITE"' 2>/dev/null | wc -l)
inv_frames=$(ts "${ws_opt[@]}" -r "$in" -Y 'sip.Method == "INVITE"' -T fields -e frame.number -e esp.spi 2>/dev/null | tr '\t\n' ' ;')
echo "$name: sip.Method == \"INVITE\": $inv_with frame(s) with the plugin (+keys) [$inv_frames]," \
     "$inv_nokeys with the plugin and no keys file, $inv_without without the plugin; INVITE inside ESP per imsec: $inv_esp"
[ "$inv_esp" -ge 1 ] || fail "no INVITE inside ESP per imsec in $name"
[ "$inv_with" -eq "$inv_esp" ] || fail "sip.Method == \"INVITE\" finds $inv_with frames with the plugin, expected the $inv_esp ESP frame(s)"
[ "$inv_nokeys" -eq "$inv_esp" ] || fail "without the keys file the plugin finds $inv_nokeys INVITE frames, expected $inv_esp"
[ "$inv_without" -eq 0 ] || fail "without the plugin sip.Method == \"INVITE\" finds $inv_without frames (the INVITE must exist only inside ESP)"
# Every decrypted message is dissected by Wireshark's SIP dissector.
esp_msgs=$(count -Y 'imsec.in_esp == 1')
esp_sip=$(count -Y 'imsec.in_esp == 1 && sip')
[ "$esp_msgs" -eq "$esp_sip" ] || fail "$esp_sip of $esp_msgs frames with decrypted SIP show sip"
echo "ok: $esp_sip frame(s) with SIP decrypted from ESP dissected by Wireshark's SIP dissector"
[ "$FAILED" -eq 0 ] || exit 1
echo "PASS"
