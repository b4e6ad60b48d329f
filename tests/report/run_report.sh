#!/usr/bin/env bash
# imsec report: golden structure, determinism, self-containment, escaping,
# redaction and usage errors. Args: BUILD_DIR SOURCE_DIR [TESTDATA].
# REGEN=1 rewrites the golden outlines (review the diff before keeping it).
set -u
BUILD=$(cd "${1:?build dir}" && pwd)
SRC=${2:?source dir}
IMSEC="$BUILD/imsec"
HERE="$SRC/tests/report"
DATA="$HERE/data"
OUT="$BUILD/report-test"
[ -x "$IMSEC" ] || { echo "SKIP: $IMSEC not built"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
mkdir -p "$OUT"
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# case name | pcap | extra report args | expected exit code
cases=(
  "sess-parallel-5|sess-parallel-5.pcap||0"
  "impi-nai-invite|impi-nai-invite.pcap||0"
  "mw-ckik-all|ims-aka-mw-ckik.pcap|--report-dialogs all|1"
  "escape-synthetic|escape-synthetic.pcap|--report-dialogs all|1"
  "xfer-chain-abcd|xfer-chain-abcd.pcap|--report-dialogs all|0"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name pcap extra want <<<"$c"
  # a sample's site profile goes with it (samples/README.md)
  site=(); [ -f "$DATA/${pcap%.pcap}.rules.json" ] && site=(--rules "$DATA/${pcap%.pcap}.rules.json")
  html="$OUT/$name.html"
  # shellcheck disable=SC2086
  "$IMSEC" report -q -o "$html" "${site[@]}" $extra "$DATA/$pcap"; rc=$?
  [ "$rc" = "$want" ] && ok "$name: exit $rc" || bad "$name: exit $rc, want $want"
  # shellcheck disable=SC2086
  "$IMSEC" report -q -o "$html.again" "${site[@]}" $extra "$DATA/$pcap"
  cmp -s "$html" "$html.again" && ok "$name: deterministic" || bad "$name: two runs differ"
  python3 "$HERE/check_report.py" static "$html" && ok "$name: self-contained" || bad "$name: static check"
  python3 "$HERE/check_report.py" struct "$html" >"$OUT/$name.struct" || bad "$name: outline"
  if [ "${REGEN:-0}" = 1 ]; then
    cp "$OUT/$name.struct" "$HERE/golden/$name.struct"
  elif diff -u "$HERE/golden/$name.struct" "$OUT/$name.struct"; then
    ok "$name: structure matches golden"
  else
    bad "$name: structure differs from tests/report/golden/$name.struct"
  fi
  # finding rows = what the CLI reports for the same input
  n=$("$IMSEC" --format eve -q "${site[@]}" "$DATA/$pcap" | grep -c '"event_type":"alert"')
  rows=$(grep -c '<tr class="finding"' "$html")
  [ "$n" = "$rows" ] && ok "$name: $rows finding rows" || bad "$name: $rows rows, CLI has $n findings"
done

# Transfer chains: one arrow per transfer the CLI reports (imsec dialogs),
# each node linked to its drawn ladder; captures without transfers say so.
x="$OUT/xfer-chain-abcd.html"
nx=$("$IMSEC" dialogs --format eve "$DATA/xfer-chain-abcd.pcap" | grep -c '"transfer":{')
arrows=$(grep -c '<g class="xarrow"' "$x")
[ "$nx" -gt 0 ] && [ "$nx" = "$arrows" ] && ok "xfer-chain-abcd: $arrows chain arrows = CLI transfers" \
  || bad "xfer-chain-abcd: $arrows chain arrows, CLI has $nx transfers"
links=$(grep -o '<g class="xnode[^>]*><a href="#sec-[0-9]*">' "$x" | wc -l)
[ "$links" = "$(grep -c '<g class="xnode' "$x")" ] && [ "$links" -gt 0 ] && ok "xfer-chain-abcd: every node links to its ladder" \
  || bad "xfer-chain-abcd: nodes without a ladder link"
[ "$(grep -c '<g class="xnode chg"' "$x")" = "$nx" ] && ok "xfer-chain-abcd: charged party marked on $nx dialogs" \
  || bad "xfer-chain-abcd: charged marks"
grep -q 'id="xfer-none"' "$OUT/sess-parallel-5.html" && ok "no transfers: noted" || bad "no transfers: no note"

# Escaping: wire bytes with markup and quotes render as text only.
esc="$OUT/escape-synthetic.html"
for needle in '<script>alert' '<img' '<svg onload' "alert('from')</script>" '</textarea>'; do
  if grep -qF -- "$needle" "$esc"; then bad "escaping: raw '$needle' in the page"; else ok "escaping: no raw '$needle'"; fi
done
for needle in '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;@10.45.0.10' \
              '&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot; &#39;single&#39; &amp; &lt;/template&gt;&lt;/pre&gt;'; do
  grep -qF -- "$needle" "$esc" && ok "escaping: text kept: ${needle:0:30}..." || bad "escaping: missing '$needle'"
done
# Redaction: CK/IK in the 401 only with --show-secrets.
CK=00112233445566778899aabbccddeeff
IK=ffeeddccbbaa99887766554433221100
if grep -q -e "$CK" -e "$IK" "$esc"; then bad "redaction: CK/IK in the default report"; else ok "redaction: CK/IK redacted"; fi
grep -qF 'ck=&quot;<span class="red">' "$esc" || grep -qF 'ck=<span class="red">' "$esc" \
  && ok "redaction: marked" || bad "redaction: no redaction mark"
"$IMSEC" report -q --show-secrets --report-dialogs all -o "$OUT/escape-secrets.html" "$DATA/escape-synthetic.pcap"
grep -q "$CK" "$OUT/escape-secrets.html" && ok "--show-secrets shows CK" || bad "--show-secrets: CK missing"
# mw-ckik: the sample's ck/ik never appear either
if grep -qiE 'ck=&quot;[0-9a-f]{32}' "$OUT/mw-ckik-all.html"; then bad "mw-ckik: ck in clear"; else ok "mw-ckik: ck redacted"; fi

# Title is escaped too; --report-dialogs flagged draws fewer flows than all.
"$IMSEC" report -q --title 'Case <7> "x"' -o "$OUT/title.html" "$DATA/sess-parallel-5.pcap"
grep -qF '<title>Case &lt;7&gt; &quot;x&quot;</title>' "$OUT/title.html" && ok "title escaped" || bad "title not escaped"
"$IMSEC" report -q --max-flows 2 --rules "$DATA/sess-parallel-5.rules.json" -o "$OUT/cap.html" "$DATA/sess-parallel-5.pcap"
[ "$(grep -c '<details class="flow' "$OUT/cap.html")" = 2 ] && grep -q 'flows with findings are not drawn' "$OUT/cap.html" \
  && ok "flow cap with a note" || bad "flow cap"

# Usage errors exit 2.
"$IMSEC" report "$DATA/sess-parallel-5.pcap" 2>/dev/null; [ $? = 2 ] && ok "no -o: exit 2" || bad "no -o"
"$IMSEC" report -o "$OUT/x.html" --report-dialogs some "$DATA/sess-parallel-5.pcap" 2>/dev/null
[ $? = 2 ] && ok "bad --report-dialogs: exit 2" || bad "bad --report-dialogs"
"$IMSEC" report -o "$OUT/x.html" "$DATA/no-such.pcap" 2>/dev/null; [ $? = 2 ] && ok "missing input: exit 2" || bad "missing input"

[ "$fails" = 0 ] && { echo "report: all checks passed"; exit 0; }
echo "report: $fails check(s) failed"; exit 1
