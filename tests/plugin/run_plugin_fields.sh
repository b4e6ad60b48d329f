#!/usr/bin/env bash
# Field extraction on real SIPp IMS AKA captures (issue 7): every
# Security-Client/Server/Verify mechanism, the Digest username/algorithm/
# auts, ck/ik presence (values only with imsec.show_secrets) and the AKA
# nonce split (RAND, AUTN = SQN^AK | AMF | MAC) must equal what Wireshark's
# own SIP dissector shows for the same frames.
# usage: run_plugin_fields.sh BUILD_DIR SOURCE_DIR [TESTDATA]   (exit 77 = skip)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

caps=()
for f in "$SRC"/samples/ims-aka-*.pcap; do [ -f "$f" ] && caps+=("$f"); done
[ "${#caps[@]}" -gt 0 ] || skip "no samples/ims-aka-*.pcap yet (recorded by the lab helper)"

compared=0
for f in "${caps[@]}"; do
    name=$(basename "$f")
    in=$(stage "$f")
    for secrets in TRUE FALSE; do
        flag=(); [ $secrets = TRUE ] && flag=(--secrets)
        if ! ts -o "imsec.show_secrets:$secrets" -r "$in" -T pdml >"$WORK/p.xml" 2>"$WORK/p.err"; then
            fail "$name: tshark failed: $(grep -v 'Running as user' "$WORK/p.err" | head -n 2)"
            continue
        fi
        python3 "$HERE/fields.py" "$WORK/p.xml" "${flag[@]}" >"$WORK/out.txt"
        rc=$?
        case $rc in
            0) echo "ok: $name (show_secrets=$secrets):$(tail -n 1 "$WORK/out.txt")"
               compared=$((compared + 1)) ;;
            2) echo "note: $name: no security header or AKA nonce in clear" ;;
            *) fail "$name (show_secrets=$secrets)"; cat "$WORK/out.txt" ;;
        esac
    done
done
[ "$compared" -gt 0 ] || fail "no capture had a security header or AKA nonce to compare"
[ "$FAILED" -eq 0 ] || exit 1
echo "PASS"
