#!/usr/bin/env bash
# Records the SIPp-on-loopback captures behind XFER-REFER-FLOOD,
# REG-REREG-WRONG-SCSCF and SESS-UNREGISTERED-IDENTITY (issue 6): real SIPp
# UAC/UAS pairs (samples/scenarios/*.xml), tcpdump on lo. Every run is
# bounded (-m calls, timeout); only processes started here are stopped, by
# pid. Usage: [SKIP_FLOOD=1] record_xfer_loopback.sh OUTDIR
. "$(dirname "$0")/loopback.sh" "$1"

cap_start() { tcpdump -i lo -U -s 0 -w "$work/$1.pcap" "udp portrange $2-$3" 2>/dev/null & CAP=$!; pids+=("$CAP"); sleep 0.5; }
cap_stop() { sleep 1.5; kill "$CAP"; wait "$CAP" 2>/dev/null || true; cp "$work/$1.pcap" "$out/$1.pcap"; }
# uas PORT COUNT ARGS...: background UAS, pid in UAS
uas() { local port=$1 n=$2; shift 2
  timeout 30 sipp "$@" -i 127.0.0.1 -p "$port" -m "$n" -trace_err -nostdin >/dev/null 2>&1 & UAS=$!; pids+=("$UAS"); sleep 0.3; }
# uac DEST_PORT LOCAL_PORT COUNT ARGS...
uac() { local dport=$1 lport=$2 n=$3; shift 3
  timeout 30 sipp 127.0.0.1:"$dport" "$@" -i 127.0.0.1 -p "$lport" -m "$n" -l "$n" -r 10 \
      -timeout 25 -timeout_error -trace_err -nostdin >/dev/null 2>&1; }
uas_wait() { wait "$UAS" 2>/dev/null || true; }

# REFER flood: N out-of-dialog REFERs from mallory at 10/s (default limit 10 per 60 s).
flood() { local name=$1 n=$2 port=$3
  cap_start "$name" "$port" $((port + 1))
  uas "$port" "$n" -sf "$scen/refer_flood_uas.xml"
  uac "$port" $((port + 1)) "$n" -sf "$scen/refer_flood_uac.xml"
  uas_wait; cap_stop "$name"; }
[ -n "${SKIP_FLOOD:-}" ] || flood xfer-refer-flood-sipp-11 11 5110
[ -n "${SKIP_FLOOD:-}" ] || flood xfer-refer-flood-sipp-10 10 5112

# Registration and re-registration; the 200 to the re-REGISTER names S-CSCF sr2.
rereg() { local name=$1 sr2=$2 port=$3
  cap_start "$name" "$port" $((port + 1))
  uas "$port" 1 -sf "$scen/reg_scscf_uas.xml" -key aor alice -key sr1 scscf1 -key sr2 "$sr2"
  uac "$port" $((port + 1)) 1 -sf "$scen/reg_scscf_uac.xml" -key aor alice -key impi alice@home1.net \
      -au alice@home1.net -ap secret
  uas_wait; cap_stop "$name"; }
rereg reg-rereg-sipp-other scscf2 5120
rereg reg-rereg-sipp-same scscf1 5122

# Registration with an implicit set (alice, alice.work, tel:+15550100), then
# the same UE (same port as its Contact) calls as alice.private (outside the
# set: SESS-UNREGISTERED-IDENTITY) or alice.work (inside: silent).
unreg() { local name=$1 me=$2 port=$3
  cap_start "$name" "$port" $((port + 2))
  uas "$port" 1 -sf "$scen/reg_scscf_uas.xml" -key aor alice -key sr1 scscf1 -key sr2 scscf1
  uac "$port" $((port + 1)) 1 -sf "$scen/reg_scscf_uac.xml" -key aor alice -key impi alice@home1.net \
      -au alice@home1.net -ap secret
  uas_wait
  uas $((port + 2)) 1 -sn uas
  uac $((port + 2)) $((port + 1)) 1 -sf "$scen/inv_as_uac.xml" -key me "$me"
  uas_wait; cap_stop "$name"; }
unreg sess-unreg-sipp-outside alice.private 5130
unreg sess-unreg-sipp-inside alice.work 5134
ls -l "$out"
