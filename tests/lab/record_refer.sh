#!/usr/bin/env bash
# Record a call transfer between three SIPp UAs (direct, no proxy).
#   record_refer.sh OUTDIR [blind|attended]
#     blind    -> refer-blind.pcap: D1 Alice->Bob; Bob REFERs Alice to Carol;
#                 202, NOTIFY 100/200 sipfrag; Alice INVITEs Carol with
#                 Referred-By (new Call-ID); BYEs.
#     attended -> refer-attended.pcap: first Bob's consultation call D2 to
#                 Carol; the REFER's Refer-To carries ?Replaces=D2; Alice's
#                 INVITE to Carol carries Replaces; Carol ends D2.
# Alice 10.45.0.10 (D1 on 5060, the transferred call on 5062), Bob 10.45.0.20
# (D1 on 5060, D2 on 5062), Carol 10.45.0.30 (D2 on 5060, new call on 5062).
. "$(dirname "$0")/lib.sh"
OUT="${1:?usage: $0 OUTDIR [blind|attended]}"; VAR="${2:-blind}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
A=10.45.0.10; B=10.45.0.20; C=10.45.0.30
case "$VAR" in
  blind) NAME=refer-blind; REFER_TO="<sip:carol@home1.net>"; EXTRA="Subject: transferred by bob" ;;
  attended) NAME=refer-attended
    REFER_TO="<sip:carol@home1.net?Replaces=consult-1%40home1.net%3Bto-tag%3Dctag1%3Bfrom-tag%3Db2tag>"
    EXTRA="Replaces: consult-1@home1.net;to-tag=ctag1;from-tag=b2tag" ;;
  *) lab_die "unknown variant $VAR" ;;
esac
lab_init
lab_node alice $A
lab_node bob $B
lab_node carol $C
lab_capture_start "$OUT/$NAME.pcap"
# Carol's new-call UAS (the transferred INVITE lands here).
lab_sipp_bg carol -sf "$LAB_SCEN/uas-call.xml" -i $C -p 5062 -mi $C
CNEW=$LAB_LAST
if [ "$VAR" = attended ]; then
  lab_sipp_bg carol -sf "$LAB_SCEN/consult-uas.xml" -i $C -p 5060 -mi $C
  CD2=$LAB_LAST
  lab_sipp_bg bob -sf "$LAB_SCEN/consult-uac.xml" -i $B -p 5062 -mi $B -s carol -cid_str 'consult-%u@home1.net' "$C:5060"
  BD2=$LAB_LAST
fi
lab_sipp_bg bob -sf "$LAB_SCEN/refer-b-d1.xml" -i $B -p 5060 -mi $B -key refer_to "$REFER_TO"
BD1=$LAB_LAST
LAB_BG_SLEEP=0 lab_sipp_bg alice -sf "$LAB_SCEN/refer-a-d1.xml" -i $A -p 5060 -mi $A -s bob -key me alice "$B:5060"
AD1=$LAB_LAST
# Alice acts on the REFER (it arrives ~0.2 s after D1 is up).
sleep 0.7
lab_sipp alice -sf "$LAB_SCEN/xfer-invite.xml" -i $A -p 5062 -mi $A -s carol -key me alice -key extra "$EXTRA" "$C:5062"
lab_wait "$AD1" alice-d1
lab_wait "$BD1" bob-d1
lab_wait "$CNEW" carol-new
if [ "$VAR" = attended ]; then
  lab_wait "$CD2" carol-d2
  lab_wait "$BD2" bob-d2
fi
lab_capture_stop
lab_finish "$OUT/$NAME.pcap"
