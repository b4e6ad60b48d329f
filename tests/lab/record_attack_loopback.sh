#!/usr/bin/env bash
# Records the SIPp-on-loopback captures behind the SIP-* attack rules
# (issue 13): real SIPp UAC/UAS pairs (samples/scenarios/atk_*.xml), the
# attacker at 127.0.0.2 and the target at 127.0.0.1 (so a packet's source
# and destination differ), tcpdump on lo. Every run is bounded (-m calls,
# timeout); only processes started here are stopped, by pid.
# Usage: record_attack_loopback.sh OUTDIR
. "$(dirname "$0")/loopback.sh" "$1"
A=127.0.0.2 T=127.0.0.1

cap_start() { tcpdump -i lo -U -s 0 -w "$work/$1.pcap" "udp and host $A and portrange $2-$3" 2>/dev/null & CAP=$!; pids+=("$CAP"); sleep 0.5; }
cap_stop() { sleep 1.5; kill "$CAP"; wait "$CAP" 2>/dev/null || true; cp "$work/$1.pcap" "$out/$1.pcap"; }
# uas PORT COUNT ARGS...: background UAS at T, pid in UAS
uas() { local port=$1 n=$2; shift 2
  timeout 30 sipp "$@" -i $T -p "$port" -m "$n" -trace_err -nostdin >/dev/null 2>&1 & UAS=$!; pids+=("$UAS"); sleep 0.3; }
# uac DEST_PORT COUNT ARGS...: from A, 10 calls/s
uac() { local dport=$1 n=$2; shift 2
  timeout 30 sipp $T:"$dport" "$@" -i $A -p "$dport" -m "$n" -l 1 -r 10 \
      -timeout 25 -timeout_error -trace_err -nostdin >/dev/null 2>&1; }
uas_wait() { wait "$UAS" 2>/dev/null || true; }
# SIPp checks a status code when it loads a scenario, so the UAS templates'
# "[code] [reason]" is filled in here: fill TEMPLATE CODE REASON -> path.
fill() { local f="$work/$(basename "$1" .xml)-$2.xml"
  sed "s/\[code\] \[reason\]/$2 ${3//_/ }/" "$1" >"$f"; echo "$f"; }
# run NAME PORT COUNT "UAS ARGS" "UAC ARGS"
run() { local name=$1 port=$2 n=$3
  cap_start "$name" "$port" "$port"
  eval "uas $port $n $4"
  eval "uac $port $n $5"
  uas_wait; cap_stop "$name"; }

# SIP-SCANNER: three OPTIONS with SIPVicious's User-Agent (twin: an ordinary
# monitor's), answered 200; then sweeps of 11 (10) extensions answered 404.
run sip-scanner-ua 5210 3 "-sf $(fill $scen/atk_options_uas.xml 200 OK)" \
    "-sf $scen/atk_options_uac.xml -key ruser 10 -key ua friendly-scanner"
run sip-scanner-ua-clean 5212 3 "-sf $(fill $scen/atk_options_uas.xml 200 OK)" \
    "-sf $scen/atk_options_uac.xml -key ruser 10 -key ua lab-monitor/1.0"
run sip-scanner-sweep-11 5214 11 "-sf $(fill $scen/atk_options_uas.xml 404 Not_Found)" \
    "-sf $scen/atk_options_uac.xml -key ruser 10 -key ua lab-monitor/1.0"
run sip-scanner-sweep-10 5216 10 "-sf $(fill $scen/atk_options_uas.xml 404 Not_Found)" \
    "-sf $scen/atk_options_uac.xml -key ruser 10 -key ua lab-monitor/1.0"

# SIP-AUTH-BRUTEFORCE: 5 (4) REGISTERs for alice with a wrong password, each
# challenged 401 and then refused 403 (default: 4 refusals per 600 s allowed).
run sip-bruteforce-5 5220 5 "-sf $(fill $scen/atk_reg_uas.xml 403 Forbidden) -key aor alice" \
    "-sf $scen/atk_reg_uac.xml -key aor alice -au alice -ap guess"
run sip-bruteforce-4 5222 4 "-sf $(fill $scen/atk_reg_uas.xml 403 Forbidden) -key aor alice" \
    "-sf $scen/atk_reg_uac.xml -key aor alice -au alice -ap guess"

# Plain INVITE fields (overridden per case below).
inv() { echo "-sf $scen/atk_invite_uac.xml -key caller 1001 -key ua lab-phone/1.0 $*"; }
# SIP-TOLL-FRAUD-PROBE: unauthenticated INVITE to +44 20 7946 0000 refused 403
# (twin: to extension 2001, also refused).
run sip-toll-fraud 5230 1 "-sf $(fill $scen/atk_invite_uas.xml 403 Forbidden)" \
    "$(inv -key ruser +442079460000 -key via_host $A -key contact_host $A -key conn $A)"
run sip-toll-fraud-clean 5232 1 "-sf $(fill $scen/atk_invite_uas.xml 403 Forbidden)" \
    "$(inv -key ruser 2001 -key via_host $A -key contact_host $A -key conn $A)"
# Twin: the same number, challenged 407 and re-sent with credentials (what a
# real phone of the PBX does), then answered 200 (uac_auth/uas_auth).
run sip-toll-fraud-auth 5240 1 "-sf $scen/uas_auth.xml" \
    "-sf $scen/uac_auth.xml -s +442079460000 -au 1001 -ap secret"
# SIP-SPOOFED-ORIGIN: Via sent-by names the target (127.0.0.1) while the
# packet comes from 127.0.0.2 (twin: Via names the sender).
run sip-spoofed-via 5234 1 "-sf $(fill $scen/atk_invite_uas.xml 603 Decline)" \
    "$(inv -key ruser 2001 -key via_host $T -key contact_host $A -key conn $A)"
run sip-spoofed-via-clean 5236 1 "-sf $(fill $scen/atk_invite_uas.xml 603 Decline)" \
    "$(inv -key ruser 2001 -key via_host $A -key contact_host $A -key conn $A)"
# SIP-INJECTION: SDP o=/c= address is ipip0's SQL payload (twin: an address).
run sip-injection-sdp 5238 1 "-sf $(fill $scen/atk_invite_uas.xml 488 Not_Acceptable_Here)" \
    "$(inv -key ruser 2001 -key via_host $A -key contact_host $A -key conn "\"'/**/OR/**/'1'/**/=/**/'1'--\"")"
run sip-injection-sdp-clean 5242 1 "-sf $(fill $scen/atk_invite_uas.xml 488 Not_Acceptable_Here)" \
    "$(inv -key ruser 2001 -key via_host $A -key contact_host $A -key conn $A)"
# SIP-GHOST-CALLS: 4 (3) INVITEs to extension 2001, each cancelled right
# after 100 Trying, before 180 (default: 3 per 60 s toward one callee).
run sip-ghost-calls-4 5252 4 "-sf $scen/atk_ghost_uas.xml" "-sf $scen/atk_ghost_uac.xml -key ruser 2001"
run sip-ghost-calls-3 5254 3 "-sf $scen/atk_ghost_uas.xml" "-sf $scen/atk_ghost_uac.xml -key ruser 2001"
ls -l "$out"
