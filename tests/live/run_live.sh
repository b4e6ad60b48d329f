#!/usr/bin/env bash
# imsec live, end to end: captures are replayed with tcpreplay into one end of
# a veth pair inside a network namespace this script creates, while
# `imsec live` captures on the other end. Checks:
#   1. findings equal `imsec --format eve` on the same file (rule + reason +
#      subject; frame numbers inside reasons are masked), for every capture in
#      tests/live/captures and the Ethernet captures in samples/;
#   2. SIGINT: exit 0, final stats record (capture counters, no drops);
#   3. evidence: one pcap per finding, readable by tshark, holding the cited
#      frames byte for byte (checked against the replayed file);
#   4. rotation by size (-C) and time (-G), SIGHUP reopen after a rename;
#   5. refusal to write through symlinks; -Z drops to an unprivileged user.
# Args: BUILD_DIR SOURCE_DIR [TESTDATA]. Exit 77 when namespaces, tcpreplay,
# tshark or jq are unavailable. Bounded: well under 3 minutes.
set -u
BUILD=${1:?build dir}
SRC=${2:?source dir}
IMSEC=$BUILD/imsec
HERE=$SRC/tests/live
skip() { echo "SKIP: $*"; exit 77; }

[ -x "$IMSEC" ] || skip "no $IMSEC"
for t in ip tcpreplay tshark jq python3 capinfos; do
    command -v $t >/dev/null || skip "$t not installed"
done
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"

NS=imsec_live_$$
WORK=$(mktemp -d /tmp/imsec-live.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}" $(cat "$WORK/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NS" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
ip -n "$NS" link add va type veth peer name vb || skip "cannot create veth"
# A jumbo MTU: hand-built samples may hold frames larger than 1514 bytes.
ip -n "$NS" link set va mtu 9000 && ip -n "$NS" link set vb mtu 9000
ip -n "$NS" link set va up && ip -n "$NS" link set vb up
# No IPv6 autoconfiguration chatter: the capture holds only what we replay,
# so live frame numbers equal the file's.
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.va.disable_ipv6=1 \
    net.ipv6.conf.vb.disable_ipv6=1 2>/dev/null

FAIL=0
fail() { echo "FAIL: $*"; FAIL=1; }
nsx() { ip netns exec "$NS" "$@"; }

# start_live LOG ARGS... : starts imsec live in the namespace, waits until it listens.
start_live() {
    local log=$1; shift
    ip netns exec "$NS" "$IMSEC" live -i vb "$@" 2>"$log" &
    LIVE=$!
    PIDS+=("$LIVE")
    for _ in $(seq 100); do
        grep -q "listening on" "$log" 2>/dev/null && return 0
        kill -0 "$LIVE" 2>/dev/null || break
        sleep 0.05
    done
    echo "imsec live did not start:"; cat "$log"; kill -KILL "$LIVE" 2>/dev/null; return 1
}
# stop_live: SIGINT, wait, check the exit code.
stop_live() {
    sleep 0.3
    kill -INT "$LIVE"
    local rc=0
    wait "$LIVE" || rc=$?
    [ $rc = 0 ] || fail "imsec live exited $rc after SIGINT"
}
replay() { nsx tcpreplay -q -i va "$@" >/dev/null 2>&1 || fail "tcpreplay $*"; }
# rule, reason with frame numbers and durations masked, subject: one sorted
# line per finding. Durations come from packet times, which on a live
# interface are the replay's and can differ from the file's by a second.
norm() {
    jq -c 'select(.event_type=="alert") | .imsec | [.rule,
           (.reason | gsub("frames? [0-9][0-9, and]*"; "frame #") | gsub("[0-9]+(\\.[0-9]+)?s\\b"; "Ns")),
           (.subject // {})]' "$1" | sort
}

# ---- 1-3: equivalence, SIGINT, evidence ----
# Captures are replayed at their own pace (timeouts run on packet time, so
# no speed-up), four at a time on four veth pairs to stay well inside the
# time budget; each capture gets its own imsec live.
LANES=4
for l in $(seq 1 $((LANES - 1))); do
    ip -n "$NS" link add va$l type veth peer name vb$l || skip "cannot create veth"
    ip -n "$NS" link set va$l mtu 9000 && ip -n "$NS" link set vb$l mtu 9000
    ip -n "$NS" link set va$l up && ip -n "$NS" link set vb$l up
done
caps=("$HERE"/captures/*.pcap)
for f in "$SRC"/samples/*.pcap; do
    [ -e "$f" ] || continue
    [ -e "$HERE/captures/$(basename "$f")" ] && continue
    capinfos -E "$f" 2>/dev/null | grep -q 'Ethernet' && caps+=("$f")
done
# lane L IDX CAP: one capture on veth pair L; failures go to $WORK/fail
one_capture() {
    local lane=$1 idx=$2 cap=$3 va=va vb=vb
    [ "$lane" = 0 ] || { va=va$lane; vb=vb$lane; }
    local name d extra=() rc=0 live
    name=$(basename "$cap" .pcap); d=$WORK/c$idx-$name; mkdir -p "$d"
    lfail() { echo "FAIL: $name: $*" >>"$WORK/fail"; }
    [ -f "${cap%.pcap}.keys.json" ] && extra+=(--keys "${cap%.pcap}.keys.json")
    [ -f "${cap%.pcap}.rules.json" ] && extra+=(--rules "${cap%.pcap}.rules.json")
    # a sample whose rule file this build does not accept is not ours to judge
    "$IMSEC" --format eve "${extra[@]}" "$cap" >"$d/off.json" 2>/dev/null
    [ $? -le 1 ] || { echo "skip $name: offline run refuses it" >>"$WORK/skipped"; rm -rf "$d"; return; }
    ip netns exec "$NS" "$IMSEC" live -i $vb -f '' "${extra[@]}" --ring 8 --evidence-ring 8 \
        -o "$d/eve.json" -w "$d/ev" --stats-interval 0 2>"$d/err" &
    live=$!; echo $live >>"$WORK/pids"
    for _ in $(seq 200); do
        grep -q "listening on" "$d/err" 2>/dev/null && break
        sleep 0.05
    done
    grep -q "listening on" "$d/err" || { lfail "did not start: $(head -c 300 "$d/err")"; kill -KILL $live; return; }
    nsx tcpreplay -q -i $va "$cap" >/dev/null 2>&1 || lfail "tcpreplay"
    sleep 0.3
    kill -INT $live 2>/dev/null; wait $live || rc=$?
    [ $rc = 0 ] || lfail "imsec live exited $rc after SIGINT"
    norm "$d/off.json" >"$d/want"
    norm "$d/eve.json" >"$d/got"
    diff -u "$d/want" "$d/got" >"$d/diff" || { lfail "live findings differ from offline"; cat "$d/diff" >>"$WORK/fail"; }
    local last drops pcap pkts cited infile n a b i
    last=$(tail -n 1 "$d/eve.json")
    [ "$(jq -r '.event_type + " " + (.stats.live.final|tostring)' <<<"$last")" = "stats true" ] ||
        lfail "no final stats record"
    drops=$(jq '.stats.capture.kernel_dropped + .stats.capture.ring_dropped' <<<"$last")
    [ "$drops" = 0 ] || lfail "$drops drops"
    [ "$(jq .stats.frames <<<"$last")" = "$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $NF}')" ] ||
        lfail "frame count differs from the file"
    # evidence: every alert names a pcap; tshark reads it; cited frames are the file's frames
    while IFS=$'\t' read -r pcap pkts cited infile; do
        [ -f "$pcap" ] || { lfail "missing $pcap"; continue; }
        # tshark must read one evidence file per capture (it is slow to start)
        if [ ! -e "$d/evchecked" ]; then
            n=$(tshark -r "$pcap" 2>/dev/null | wc -l)
            [ "$n" = "$pkts" ] || lfail "tshark reads $n packets in $pcap, EVE says $pkts"
        fi
        n=$(python3 "$HERE/pcapfr.py" "$pcap" "$cap" "$infile" "$cited" 2>>"$WORK/fail") ||
            lfail "cited frames of $pcap are not the capture's"
        [ "$n" = "$pkts" ] || lfail "$pcap holds $n packets, EVE says $pkts"
        echo x >>"$d/evchecked"
    done < <(jq -r 'select(.event_type=="alert") | .imsec | [.evidence.pcap, .evidence.packets,
                 (.frames|map(tostring)|join(",")), (.evidence.frames_in_pcap|map(tostring)|join(","))] | @tsv' "$d/eve.json")
}
for l in $(seq 0 $((LANES - 1))); do
    (
        for i in "${!caps[@]}"; do
            [ $((i % LANES)) = "$l" ] || continue
            # bound the suite: samples/ keeps growing; what does not fit is listed
            if [ $SECONDS -gt "${LIVE_EQUIV_BUDGET:-110}" ]; then
                echo "skip $(basename "${caps[$i]}"): time budget" >>"$WORK/skipped"; continue
            fi
            one_capture "$l" "$i" "${caps[$i]}"
        done
    ) &
    PIDS+=($!)
done
wait
if [ -s "$WORK/fail" ]; then FAIL=1; cat "$WORK/fail"; fi
nfind=$(cat "$WORK"/c*/want | wc -l)
ncheck=$(cat "$WORK"/c*/evchecked 2>/dev/null | wc -l)
[ -s "$WORK/skipped" ] && cat "$WORK/skipped"
echo "equivalence: ${#caps[@]} captures, $nfind findings, $ncheck evidence files checked"
[ "$nfind" -ge 3 ] || fail "expected findings from the captures (got $nfind)"
[ "$(grep -c SESS-PARALLEL-LIMIT "$WORK"/c*-sess-parallel-5/got)" = 2 ] || fail "SESS-PARALLEL-LIMIT not twice"
cat "$WORK"/c*-impi-aka-invite/got | grep -q KEY-IMPI-OUTSIDE-REGISTER || fail "KEY-IMPI-OUTSIDE-REGISTER missing"

# ---- 4a: size rotation (-C 4k: stats lines every 50 ms fill a file fast) ----
R=$WORK/rot; mkdir -p "$R"
SITE=(--rules "$HERE/captures/sess-parallel-5.rules.json") # its site profile pins IMS
start_live "$R/err" "${SITE[@]}" -o "$R/eve.json" -C 4k --stats-interval 0.05 || fail "rotation start"
replay "$HERE/captures/sess-parallel-5.pcap"
stop_live
nrot=$(ls "$R" | grep -c '^eve.json[0-9]*$')
[ "$nrot" -ge 3 ] || fail "-C 4k: expected >= 3 files, got $nrot"
for f in "$R"/eve.json*; do
    jq -e . "$f" >/dev/null 2>&1 || fail "-C: $f is not whole JSON lines"
done
nalerts=$(cat "$R"/eve.json* | jq -r 'select(.event_type=="alert") | .imsec.rule' | wc -l)
[ "$nalerts" = 2 ] || fail "-C: expected 2 alerts across the files, got $nalerts"
echo "size rotation: $nrot files"

# ---- 4b: time rotation -G 1 with an strftime name ----
G=$WORK/grot; mkdir -p "$G"
start_live "$G/err" -o "$G/eve-%s.json" -G 1 --stats-interval 0.2 || fail "-G start"
sleep 2.6
stop_live
ng=$(ls "$G" | grep -c '^eve-[0-9]*\.json$')
[ "$ng" -ge 2 ] || fail "-G 1: expected >= 2 files in 2.6 s, got $ng"
echo "time rotation: $ng files"

# ---- 4c: SIGHUP reopen after logrotate-style rename ----
H=$WORK/hup; mkdir -p "$H"
start_live "$H/err" "${SITE[@]}" -o "$H/eve.json" --stats-interval 0 || fail "hup start"
replay "$HERE/captures/impi-aka-invite.pcap"
sleep 0.3
mv "$H/eve.json" "$H/eve.json.1"
kill -HUP "$LIVE"
sleep 0.3
replay "$HERE/captures/sess-parallel-5.pcap"
stop_live
[ -f "$H/eve.json" ] || fail "SIGHUP: eve.json not reopened"
grep -q KEY-IMPI-OUTSIDE-REGISTER "$H/eve.json.1" || fail "SIGHUP: first finding not in the rotated file"
grep -q SESS-PARALLEL-LIMIT "$H/eve.json" 2>/dev/null || fail "SIGHUP: later findings not in the new file"
grep -q '"final":true' "$H/eve.json" 2>/dev/null || fail "SIGHUP: final stats not in the new file"
echo "SIGHUP reopen: ok"

# ---- 5: symlinks refused, -Z ----
S=$WORK/sym; mkdir -p "$S"
ln -s "$S/target.json" "$S/link.json"
nsx "$IMSEC" live -i vb -q -o "$S/link.json" --duration 0.2 2>"$S/err1"; rc=$?
{ [ $rc = 2 ] && [ ! -e "$S/target.json" ] && grep -q "symbolic link" "$S/err1"; } ||
    fail "-o through a symlink was not refused (rc $rc)"
mkdir -p "$S/realdir"; ln -s "$S/realdir" "$S/evlink"
nsx "$IMSEC" live -i vb -q -w "$S/evlink" --duration 0.2 >/dev/null 2>"$S/err2"; rc=$?
[ $rc = 2 ] || fail "-w through a symlink was not refused (rc $rc)"
if id nobody >/dev/null 2>&1; then
    Z=$WORK/z; mkdir -p "$Z"; chmod 0777 "$Z"
    start_live "$Z/err" -Z nobody -o "$Z/eve.json" -w "$Z/ev" --stats-interval 0 || fail "-Z start"
    u=$(ps -o user= -p "$LIVE" | tr -d ' ')
    replay "$HERE/captures/impi-aka-invite.pcap"
    stop_live
    [ "$u" = nobody ] || fail "-Z nobody: process runs as '$u'"
    [ "$(stat -c %U "$Z/eve.json")" = nobody ] || fail "-Z: output not handed to nobody"
    ls "$Z"/ev/*.pcap >/dev/null 2>&1 || fail "-Z: no evidence written after the drop"
    echo "-Z: running as $u"
fi

[ $FAIL = 0 ] && echo "PASS" || echo "FAILED"
exit $FAIL
