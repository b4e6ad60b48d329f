#!/usr/bin/env bash
# Records the SIPp-on-loopback captures behind the SESS-PARALLEL-LIMIT and
# KEY-IMPI-OUTSIDE-REGISTER tests: real SIPp UAC/UAS, recorded by tcpdump on
# lo. Every run is bounded (-m calls, timeout). Usage: record_loopback.sh OUTDIR
. "$(dirname "$0")/loopback.sh" "$1"

# record NAME UAS_PORT -- UAS_ARGS -- UAC_ARGS
record() {
  local name=$1 port=$2; shift 2
  local uas=() uac=()
  shift; while [ "$1" != "--" ]; do uas+=("$1"); shift; done; shift; uac=("$@")
  tcpdump -i lo -U -s 0 -w "$work/$name.pcap" "udp port $port" 2>/dev/null & local tp=$!; pids+=("$tp")
  sleep 0.5
  timeout 30 sipp "${uas[@]}" -i 127.0.0.1 -p "$port" -m "${COUNT}" -bg -trace_err >/dev/null 2>&1 || true
  timeout 30 sipp 127.0.0.1:"$port" "${uac[@]}" -i 127.0.0.1 -p $((port + 1)) -m "${COUNT}" \
      -l "${COUNT}" -r 50 -timeout 25 -timeout_error -trace_err >/dev/null 2>&1
  sleep 0.5
  pkill -f "sipp.*-p $port" 2>/dev/null || true
  kill "$tp"; wait "$tp" 2>/dev/null || true
  cp "$work/$name.pcap" "$out/$name.pcap"
}

# Five calls from one UE held at once (pause 2 s), default limit is 4: fires.
COUNT=5 record sess-parallel-5 5090 -- -sn uas -- -sn uac -d 2000 -s bob
# Near-identical twin with four calls: at the limit, silent.
COUNT=4 record sess-parallel-4 5092 -- -sn uas -- -sn uac -d 2000 -s bob
# INVITE answered 407; SIPp retries with Proxy-Authorization username a NAI
# (alice@home1.net, the IMS private identity form): fires.
COUNT=1 record impi-nai-invite 5094 -- -sf "$scen/uas_auth.xml" -- -sf "$scen/uac_auth.xml" \
    -au alice@home1.net -ap secret -s bob
# Twin: ordinary SIP Digest username "alice": silent.
COUNT=1 record impi-plain-invite 5096 -- -sf "$scen/uas_auth.xml" -- -sf "$scen/uac_auth.xml" \
    -au alice -ap secret -s bob
ls -l "$out"
