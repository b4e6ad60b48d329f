#!/usr/bin/env bash
# Load test for `imsec live` (long target, not in ctest): a SIP-only capture
# from tests/bench/gen_ims_pcap.py is replayed with tcpreplay --pps at
# increasing rates into a veth pair in a namespace made here, while
# `imsec live` captures the other end. Per rate it reports the rate
# tcpreplay really reached (replay/s: on a loaded machine it can stay below
# the one asked for), packets and SIP messages analysed per second, kernel
# and ring drops, CPU of imsec (user+sys, % of one core: all threads, the
# engine thread, the capture threads), how long the engine thread was
# runnable but waiting for a CPU (wait%, from schedstat: high means other
# load on the machine, not imsec, set the limit) and peak RSS; at the end the highest
# rate with zero drops. Each step is bounded (STEP_S seconds of replay).
#
# usage: tests/live/long_load.sh BUILD_DIR SOURCE_DIR [RATES...]
# env:   STEP_S (default 8), LOAD_MB (capture size, default 40), LOAD_EXTRA
#        (more imsec live options, e.g. "-w /tmp/ev --evidence-max 64"),
#        LOAD_PCAP (use this capture instead of generating one)
set -u
BUILD=${1:?build dir}; SRC=${2:?source dir}; shift 2
RATES=("$@"); [ ${#RATES[@]} -gt 0 ] || RATES=(10000 25000 50000 75000 100000 150000 200000)
STEP_S=${STEP_S:-8}
IMSEC=$BUILD/imsec
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
NS=imsec_load_$$
WORK=$(mktemp -d /tmp/imsec-load.XXXXXX)
LIVE=
cleanup() { [ -n "$LIVE" ] && kill -KILL "$LIVE" 2>/dev/null; ip netns del "$NS" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ip netns add "$NS" || exit 77
ip -n "$NS" link add va type veth peer name vb || exit 77
ip -n "$NS" link set va up; ip -n "$NS" link set vb up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
PCAP=${LOAD_PCAP:-$WORK/load.pcap}
if [ ! -f "$PCAP" ]; then
    python3 "$SRC/tests/bench/gen_ims_pcap.py" --out "$PCAP" --sip-only \
        --target-mb "${LOAD_MB:-40}" --quiet || exit 1
fi
NPKT=$(capinfos -c -M "$PCAP" | awk '/Number of packets/ {print $NF}')
TCK=$(getconf CLK_TCK)
echo "capture: $PCAP ($NPKT packets)"
printf '%-8s %-9s %-10s %-10s %-10s %-8s %-8s %-6s %-6s %-6s %-6s %-8s\n' rate sent replay/s pkts/s sip/s \
    kdrop rdrop cpu% eng% cap% wait% rss_MiB
# ticks PID [engine|capture]: user+sys clock ticks of the engine thread (the
# main thread, TID = PID) or of the capture threads
ticks() {
    local t n=0
    for t in /proc/"$1"/task/*; do
        if [ "$2" = engine ] && [ "${t##*/}" != "$1" ]; then continue; fi
        if [ "$2" = capture ] && [ "${t##*/}" = "$1" ]; then continue; fi
        n=$((n + $(awk '{print $14+$15}' "$t/stat" 2>/dev/null || echo 0)))
    done
    echo "$n"
}
best=0
for rate in "${RATES[@]}"; do
    limit=$((rate * STEP_S))
    # shellcheck disable=SC2086
    ip netns exec "$NS" "$IMSEC" live -i vb -B 64 --ring 64 ${LOAD_EXTRA:-} -o "$WORK/eve-$rate.json" \
        --stats-interval 1 2>"$WORK/err-$rate" &
    LIVE=$!
    for _ in $(seq 100); do grep -q "listening on" "$WORK/err-$rate" && break; sleep 0.05; done
    t0=$(awk '{print $14+$15}' /proc/$LIVE/stat); e0=$(ticks $LIVE engine); c0=$(ticks $LIVE capture)
    w0=$(awk '{print $2}' /proc/$LIVE/schedstat 2>/dev/null || echo 0)
    s0=$(date +%s.%N)
    ip netns exec "$NS" tcpreplay -q -i va --loop=0 --pps="$rate" --limit="$limit" "$PCAP" >"$WORK/tr-$rate" 2>&1
    sleep 1
    t1=$(awk '{print $14+$15}' /proc/$LIVE/stat); e1=$(ticks $LIVE engine); c1=$(ticks $LIVE capture)
    w1=$(awk '{print $2}' /proc/$LIVE/schedstat 2>/dev/null || echo 0)
    s1=$(date +%s.%N)
    rss=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$LIVE/status)
    kill -INT $LIVE; wait $LIVE; LIVE=
    last=$(tail -n 1 "$WORK/eve-$rate.json")
    frames=$(jq .stats.frames <<<"$last"); sip=$(jq .stats.sip_messages <<<"$last")
    kd=$(jq .stats.capture.kernel_dropped <<<"$last"); rd=$(jq .stats.capture.ring_dropped <<<"$last")
    secs=$(awk '/Actual:/ {for (i=1;i<=NF;i++) if ($i=="sent") print $(i+2)}' "$WORK/tr-$rate")
    [ -n "$secs" ] || secs=$STEP_S
    rpps=$(awk '/Rated:/ {for (i=1;i<=NF;i++) if ($i ~ /^pps/) {print int($(i-1)); exit}}' "$WORK/tr-$rate")
    pct() { awk -v a="$1" -v b="$2" -v s0="$s0" -v s1="$s1" -v t="$TCK" 'BEGIN {printf "%.0f", 100*(b-a)/t/(s1-s0)}'; }
    cpu=$(pct "$t0" "$t1"); ecpu=$(pct "$e0" "$e1"); ccpu=$(pct "$c0" "$c1")
    qwait=$(awk -v a="$w0" -v b="$w1" -v s0="$s0" -v s1="$s1" 'BEGIN {printf "%.0f", (b-a)/1e7/(s1-s0)}')
    pps=$(awk -v f="$frames" -v s="$secs" 'BEGIN {printf "%.0f", f/s}')
    sps=$(awk -v f="$sip" -v s="$secs" 'BEGIN {printf "%.0f", f/s}')
    printf '%-8s %-9s %-10s %-10s %-10s %-8s %-8s %-6s %-6s %-6s %-6s %-8s\n' "$rate" "$limit" "${rpps:--}" \
        "$pps" "$sps" "$kd" "$rd" "$cpu" "$ecpu" "$ccpu" "$qwait" "$rss"
    if [ "$kd" = 0 ] && [ "$rd" = 0 ] && [ "$frames" -ge "$limit" ] && [ "$sps" -gt "$best" ]; then
        best=$sps
    fi
done
echo "highest zero-drop SIP message rate: $best/s"
