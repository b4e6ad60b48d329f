#!/usr/bin/env bash
# imsec report in a real browser: headless Chromium loads the report of a
# sample, the page script runs, and the rendered DOM is checked (finding rows
# = the CLI's findings, lanes, highlighted arrows, a click-through to a
# message). Screenshots are kept as artifacts in BUILD_DIR/report-test/.
# The page may not reach the network: Chromium runs with every host mapped
# to nothing, and the page's CSP forbids any fetch. Args: BUILD_DIR SOURCE_DIR.
set -u
BUILD=$(cd "${1:?build dir}" && pwd)
SRC=${2:?source dir}
IMSEC="$BUILD/imsec"
HERE="$SRC/tests/report"
DATA="$HERE/data"
OUT="$BUILD/report-test"
[ -x "$IMSEC" ] || { echo "SKIP: $IMSEC not built"; exit 77; }
CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || { echo "SKIP: chromium not installed (scripts/setup.sh installs it)"; exit 77; }
mkdir -p "$OUT"
PROFILE=$(mktemp -d "$OUT/chromium-profile.XXXXXX")
trap 'rm -rf "$PROFILE"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

chrome() { # chrome ARGS... URL
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-default-apps \
    --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$PROFILE" "$@" 2>>"$OUT/chromium.log"
}

# case | pcap | report args
for c in "sess-parallel-5|sess-parallel-5.pcap|" "mw-ckik|ims-aka-mw-ckik.pcap|--report-dialogs all" \
         "escape-synthetic|escape-synthetic.pcap|--report-dialogs all" \
         "xfer-chain-abcd|xfer-chain-abcd.pcap|--report-dialogs all"; do
  IFS='|' read -r name pcap extra <<<"$c"
  site=(); [ -f "$DATA/${pcap%.pcap}.rules.json" ] && site=(--rules "$DATA/${pcap%.pcap}.rules.json")
  html="$OUT/browser-$name.html"
  # shellcheck disable=SC2086
  "$IMSEC" report -q -o "$html" "${site[@]}" $extra "$DATA/$pcap"
  # What the CLI says: number of findings, and every frame they cite.
  eve=$("$IMSEC" --format eve -q "${site[@]}" "$DATA/$pcap")
  n=$(grep -c '"event_type":"alert"' <<<"$eve")
  frames=$(grep '"event_type":"alert"' <<<"$eve" | python3 -c '
import json, sys
fr = set()
for line in sys.stdin:
    fr.update(str(f) for f in json.loads(line)["imsec"]["frames"])
print(",".join(sorted(fr, key=int)))')
  chrome --dump-dom "file://$html" >"$OUT/browser-$name.dom.html"
  if python3 "$HERE/check_report.py" dom "$OUT/browser-$name.dom.html" "$n" "$frames" >"$OUT/browser-$name.dom.struct"; then
    ok "$name: DOM has $n finding rows; highlighted arrows = frames {$frames}"
  else
    bad "$name: DOM check"
  fi
  # The rendered DOM has the golden outline: same lanes (labels and order),
  # arrows, highlights and finding rows as the file the CLI wrote.
  g="$HERE/golden/$name.struct"
  [ -f "$g" ] || g="$HERE/golden/$name-all.struct"
  if diff -u "$g" "$OUT/browser-$name.dom.struct" >"$OUT/browser-$name.diff"; then
    ok "$name: rendered lanes/arrows match $(basename "$g") ($(grep -c '^    lane: ' "$g") lanes)"
  else
    bad "$name: rendered DOM differs from $(basename "$g") (see $OUT/browser-$name.diff)"
  fi
done

# Click-through: #frame-N opens the flow and shows that message's text.
first=$(grep -o 'data-frame="[0-9]*"' "$OUT/browser-sess-parallel-5.html" | head -1 | grep -o '[0-9]*')
chrome --dump-dom "file://$OUT/browser-sess-parallel-5.html#frame-$first" >"$OUT/browser-select.dom.html"
python3 - "$OUT/browser-select.dom.html" "$first" <<'PY' && ok "#frame-$first selects the arrow and shows the INVITE text" || bad "message view"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
sel = re.search(r'<g class="arrow[^"]*\bsel\b[^"]*"[^>]*data-frame="(\d+)"', dom)
assert sel and sel.group(1) == sys.argv[2], "no selected arrow for the frame"
view = re.search(r'<div class="msgview"><div class="hd">frame ' + sys.argv[2] + r' [^<]*</div><pre>(.*?)</pre>', dom, re.S)
assert view and view.group(1).startswith("INVITE sip:"), "message text not shown"
PY
# Escaping in the browser: the injected text shows as text in the message view.
chrome --dump-dom "file://$OUT/browser-escape-synthetic.html#frame-3" >"$OUT/browser-escape-select.dom.html"
if grep -qF 'X-Evil: &lt;img src=x onerror=alert(2)&gt; "quoted"' "$OUT/browser-escape-select.dom.html" \
   && ! grep -q '<img' "$OUT/browser-escape-select.dom.html"; then
  ok "escape: injected markup rendered as text after selection"
else
  bad "escape: injected markup in the rendered message view"
fi

# Screenshots (artifacts): the overview, and a flow with a selected message.
chrome --window-size=1400,2200 --screenshot="$OUT/report-screenshot.png" "file://$OUT/browser-sess-parallel-5.html" >/dev/null
[ -s "$OUT/report-screenshot.png" ] && ok "screenshot $OUT/report-screenshot.png" || bad "no screenshot"
chrome --window-size=1400,2000 --screenshot="$OUT/report-screenshot-ckik.png" "file://$OUT/browser-mw-ckik.html#frame-3" >/dev/null
[ -s "$OUT/report-screenshot-ckik.png" ] && ok "screenshot $OUT/report-screenshot-ckik.png" || bad "no screenshot (ckik)"
# Transfer chains: the graph renders one arrow per transfer the CLI reports.
nx=$("$IMSEC" dialogs --format eve "$DATA/xfer-chain-abcd.pcap" | grep -c '"transfer":{')
[ "$(grep -c '<g class="xarrow"' "$OUT/browser-xfer-chain-abcd.dom.html")" = "$nx" ] \
  && ok "xfer-chain-abcd: rendered graph has $nx transfer arrows" || bad "xfer-chain-abcd: rendered arrows"
chrome --window-size=1400,1300 --screenshot="$OUT/report-screenshot-xfer.png" "file://$OUT/browser-xfer-chain-abcd.html" >/dev/null
[ -s "$OUT/report-screenshot-xfer.png" ] && ok "screenshot $OUT/report-screenshot-xfer.png" || bad "no screenshot (xfer)"

[ "$fails" = 0 ] && { echo "browser: all checks passed"; exit 0; }
echo "browser: $fails check(s) failed"; exit 1
