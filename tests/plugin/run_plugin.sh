#!/usr/bin/env bash
# Plugin end to end with tshark (issue 7): loads, registers its fields and
# preferences, shows exactly the CLI's findings on every sample (one pass and
# two passes), turns them into expert info, honours imsec.rules_file, and
# survives every capture of the test corpora.
# usage: run_plugin.sh BUILD_DIR SOURCE_DIR [TESTDATA]   (exit 77 = skip)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# 1. tshark -G plugins lists it.
if ts -G plugins 2>/dev/null | grep -q '^imsec\.so'; then
    echo "ok: tshark -G plugins lists imsec.so"
else
    fail "tshark -G plugins does not list imsec.so"
    exit 1
fi

# 2. Field and preference names are a contract.
fields=$(ts -G fields 2>/dev/null | cut -f3)
for f in imsec.rule imsec.severity imsec.reason imsec.frame imsec.sa imsec.sa_frame \
         imsec.sec.mechanism imsec.sec.spi_c imsec.sec.spi_s imsec.sec.port_c imsec.sec.port_s \
         imsec.sec.alg imsec.sec.ealg imsec.sec.prot imsec.sec.mod imsec.sec.q \
         imsec.sec.verify_match imsec.aka.rand imsec.aka.sqn_xor_ak imsec.aka.amf imsec.aka.mac \
         imsec.auth.auts imsec.auth.integrity_protected imsec.auth.ck_present imsec.auth.ik_present; do
    grep -qx "$f" <<<"$fields" || fail "field $f not registered"
done
ts -G fields 2>/dev/null | awk -F'\t' '$3=="imsec.frame"{print $4}' | grep -q FT_FRAMENUM ||
    fail "imsec.frame is not FT_FRAMENUM"
prefs=$(ts -G currentprefs 2>/dev/null)
for p in imsec.rules_file imsec.keys_file imsec.show_secrets; do
    grep -q "^#\?$p:" <<<"$prefs" || fail "preference $p not registered"
done
echo "ok: fields and preferences registered"

# 3. (frame, rule) pairs equal the CLI's on every capture: all of them with
#    two passes (tshark -2), and all but the end-of-input ones in one pass.
captures=()
for f in "$SRC"/samples/*.pcap "$SRC"/samples/*.pcapng "$HERE"/captures/*.pcap; do
    [ -f "$f" ] && captures+=("$f")
done
[ "${#captures[@]}" -gt 0 ] || skip "no captures in samples/ or tests/plugin/captures/"
nfind=0
for f in "${captures[@]}"; do
    name=$(basename "$f")
    in=$(stage "$f")
    keys=${f%.*}.keys.json
    cli_opt=(); ws_opt=()
    if [ -f "$keys" ]; then
        if "$IMSEC" --keys "$keys" -q --format eve -o /dev/null "$f" >/dev/null 2>&1 ||
           [ $? -eq 1 ]; then
            k=$(stage "$keys")
            cli_opt=(--keys "$keys"); ws_opt=(-o "imsec.keys_file:$k")
        else
            echo "note: $name: the CLI rejects $(basename "$keys"); comparing without keys"
        fi
    fi
    "$IMSEC" "${cli_opt[@]}" --format eve -o "$WORK/cli.eve" "$f" >/dev/null 2>"$WORK/cli.err"
    rc=$?
    "$IMSEC" "${cli_opt[@]}" -o "$WORK/cli.txt" "$f" >/dev/null 2>>"$WORK/cli.err"
    if [ $rc -gt 1 ]; then
        fail "$name: CLI exit $rc: $(head -n 3 "$WORK/cli.err")"
        continue
    fi
    nfind=$((nfind + $(grep -c '"event_type":"alert"' "$WORK/cli.eve")))
    for pass in 1 2; do
        two=(); one=(--one-pass); [ $pass -eq 2 ] && { two=(-2); one=(); }
        if ! ts "${two[@]}" "${ws_opt[@]}" -r "$in" -Y imsec.rule -T fields \
               -e frame.number -e imsec.rule >"$WORK/ws.txt" 2>"$WORK/ws.err"; then
            fail "$name: tshark failed: $(grep -v 'Running as user' "$WORK/ws.err" | head -n 3)"
            continue
        fi
        if python3 "$HERE/pairs.py" "${one[@]}" "$WORK/cli.eve" "$WORK/cli.txt" "$WORK/ws.txt" >"$WORK/diff.txt"; then
            echo "ok: $name ($pass pass): $(cat "$WORK/diff.txt" | sed 's/^ *//')"
        else
            fail "$name ($pass pass): plugin and CLI disagree"
            cat "$WORK/diff.txt"
        fi
    done
done
[ "$nfind" -gt 0 ] || echo "note: no capture produced a finding: the comparison only shows both are silent"

# 4. Findings are expert info in the Security group; rules_file re-analyses.
sp5=$HERE/captures/sess-parallel-5.pcap
if [ -f "$sp5" ]; then
    in=$(stage "$sp5")
    # The lab scenario models IMS without 3GPP headers: its site profile pins it.
    printf '{"version":1,"site":{"network":"ims"}}\n' >"$WORK/in/ims.json"
    chmod a+r "$WORK/in/ims.json"
    ims=(-o "imsec.rules_file:$WORK/in/ims.json")
    n=$(ts "${ims[@]}" -r "$in" -Y 'imsec.finding.medium' 2>/dev/null | wc -l)
    [ "$n" -eq 1 ] && echo "ok: finding shown as expert info imsec.finding.medium" ||
        fail "expected 1 frame with expert imsec.finding.medium, got $n"
    ts "${ims[@]}" -r "$in" -Y imsec.rule -T fields -e _ws.expert.group 2>/dev/null | grep -qi 'security\|0x0*1500000' ||
        ts "${ims[@]}" -r "$in" -Y imsec.rule -V 2>/dev/null | grep -q 'Group: Security' ||
        fail "finding's expert item is not in the Security group"
    ev=$(ts "${ims[@]}" -r "$in" -Y imsec.rule -T fields -e imsec.frame 2>/dev/null | head -n 1)
    [ "$ev" = "1,5,9,13,17,19,1,5,9,13,17,19" ] && echo "ok: evidence frames $ev" ||
        fail "evidence frames: got '$ev'"
    printf '{"version":1,"site":{"network":"ims"},"rules":{"SESS-PARALLEL-LIMIT":{"enabled":false}}}\n' >"$WORK/in/off.json"
    chmod a+r "$WORK/in/off.json"
    n=$(ts -o "imsec.rules_file:$WORK/in/off.json" -r "$in" -Y imsec.rule 2>/dev/null | wc -l)
    c=$("$IMSEC" --rules "$WORK/in/off.json" --format eve "$sp5" 2>/dev/null | grep -c '"alert"')
    [ "$n" -eq 0 ] && [ "$c" -eq 0 ] && echo "ok: imsec.rules_file disables the rule like --rules" ||
        fail "rules_file: plugin shows $n finding frames, CLI $c"
    printf '{"version":1,"rules":{"NO-SUCH-RULE":{}}}\n' >"$WORK/in/bad.json"
    chmod a+r "$WORK/in/bad.json"
    ts -o "imsec.rules_file:$WORK/in/bad.json" -r "$in" >/dev/null 2>"$WORK/bad.err"
    rc=$?
    [ $rc -eq 0 ] && grep -q 'imsec' "$WORK/bad.err" &&
        echo "ok: a bad rules file is reported, not fatal" ||
        fail "bad rules file: tshark exit $rc, stderr: $(head -n 2 "$WORK/bad.err")"
fi

# 5. Any capture Wireshark opens must not crash or hang the plugin.
nrob=0
if [ -n "$TESTDATA" ] && [ -d "$TESTDATA" ]; then
    while IFS= read -r f; do
        in=$(stage "$f")
        timeout 120 bash -c "$(declare -f ts); RUNAS='$RUNAS' WORK='$WORK'; ts -r '$in' -V" \
            >/dev/null 2>"$WORK/rob.err"
        rc=$?
        # tshark exits 2 on a capture it cannot read fully (cut short); only
        # signals and timeouts are failures.
        if [ $rc -ge 124 ]; then
            fail "robustness: $(basename "$f"): exit $rc"
        fi
        nrob=$((nrob + 1))
    done < <(find "$TESTDATA" -name '*.pcap' -o -name '*.pcapng' | sort)
fi
# Damaged copies of every capture (editcap flips bytes, fixed seeds).
if command -v editcap >/dev/null 2>&1; then
    for f in "${captures[@]}"; do
        for seed in 1 2; do
            o="$WORK/in/mut-$seed-$(basename "$f")"
            editcap -E 0.03 --seed $seed "$f" "$o" >/dev/null 2>&1 || continue
            chmod a+r "$o"
            timeout 120 bash -c "$(declare -f ts); RUNAS='$RUNAS' WORK='$WORK'; ts -r '$o' -V" \
                >/dev/null 2>"$WORK/rob.err"
            rc=$?
            [ $rc -ge 124 ] && fail "robustness: $(basename "$o"): exit $rc"
            nrob=$((nrob + 1))
        done
    done
fi
echo "ok: $nrob corpus and damaged captures dissected with the plugin, no crash/hang"

[ "$FAILED" -eq 0 ] || exit 1
echo "PASS"
