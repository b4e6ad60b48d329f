#!/usr/bin/env bash
# Soak test for `imsec live` (long target, not in ctest): a generated SIP
# capture is replayed in a loop (tcpreplay --loop, original pacing times
# SPEED) into a veth pair in a namespace made here for SOAK_S seconds while
# `imsec live -w` captures the other end with evidence on. RSS is sampled
# every 10 s; after the warm-up (first WARM_S seconds) it must stay within
# 10 % of its first post-warm-up value. Prints the RSS curve.
#
# usage: tests/live/long_soak.sh BUILD_DIR SOURCE_DIR
# env:   SOAK_S (default 600), WARM_S (default 120), SPEED (default 20),
#        LOAD_PCAP (capture; generated if unset)
set -u
BUILD=${1:?build dir}; SRC=${2:?source dir}
SOAK_S=${SOAK_S:-600}; WARM_S=${WARM_S:-120}; SPEED=${SPEED:-20}
IMSEC=$BUILD/imsec
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
NS=imsec_soak_$$
WORK=$(mktemp -d /tmp/imsec-soak.XXXXXX)
LIVE=; TR=
cleanup() {
    [ -n "$TR" ] && kill -KILL "$TR" 2>/dev/null
    [ -n "$LIVE" ] && kill -KILL "$LIVE" 2>/dev/null
    ip netns del "$NS" 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS" || exit 77
ip -n "$NS" link add va type veth peer name vb || exit 77
ip -n "$NS" link set va up; ip -n "$NS" link set vb up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
PCAP=${LOAD_PCAP:-$WORK/soak.pcap}
[ -f "$PCAP" ] || python3 "$SRC/tests/bench/gen_ims_pcap.py" --out "$PCAP" --sip-only \
    --target-mb 40 --quiet || exit 1
ip netns exec "$NS" "$IMSEC" live -i vb -o "$WORK/eve.json" -w "$WORK/ev" --evidence-max 64 \
    --stats-interval 10 2>"$WORK/err" &
LIVE=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/err" && break; sleep 0.05; done
ip netns exec "$NS" tcpreplay -q -i va --loop=0 --multiplier="$SPEED" "$PCAP" >/dev/null 2>&1 &
TR=$!
echo "t_s rss_kib frames sip_messages kernel_dropped ring_dropped"
base=; max=0; min=
for t in $(seq 10 10 "$SOAK_S"); do
    sleep 10
    rss=$(awk '/VmRSS/ {print $2}' /proc/$LIVE/status)
    st=$(grep '"event_type":"stats"' "$WORK/eve.json" | tail -n 1 |
         jq -r '[.stats.frames,.stats.sip_messages,.stats.capture.kernel_dropped,.stats.capture.ring_dropped]|@tsv')
    echo "$t $rss $st"
    if [ "$t" -gt "$WARM_S" ]; then
        [ -n "$base" ] || base=$rss
        [ "$rss" -gt "$max" ] && max=$rss
        { [ -z "$min" ] || [ "$rss" -lt "$min" ]; } && min=$rss
    fi
done
kill -KILL $TR; TR=
kill -INT $LIVE; wait $LIVE; rc=$?; LIVE=
echo "exit $rc; after warm-up: first $base KiB, min $min KiB, max $max KiB"
ok=$(awk -v b="$base" -v lo="$min" -v hi="$max" 'BEGIN {print (hi <= b*1.10 && lo >= b*0.90) ? 1 : 0}')
ls "$WORK/ev" | wc -l | sed 's/^/evidence files kept: /'
du -sk "$WORK/ev" | awk '{print "evidence KiB on disk: " $1}'
[ "$ok" = 1 ] && [ "$rc" = 0 ] && { echo PASS; exit 0; }
echo FAIL; exit 1
