#!/usr/bin/env bash
# Record a call from a home UE to a peer network through a home proxy and a
# border proxy running Kamailio topoh.
#   record_topoh.sh OUTDIR [ok|leak|defkey|rotated]
#     ok   -> kamailio-topoh.pcap       masking toward the peer
#     leak -> kamailio-topoh-leak.pcap  topoh loaded but (misconfigured)
#                                       never applied: home Via/Record-Route/
#                                       Contact reach the peer in clear
#     defkey  -> kamailio-topoh-defkey.pcap  topoh with its default mask_key
#     rotated -> kamailio-topoh-rotated.pcap masked with another key than
#                                       the one the analyst configured
# UE 10.45.0.10 (SIPp) -> home proxy 10.1.0.2 (Kamailio) -> border 10.1.0.3
# (Kamailio + topoh) -> peer 10.200.0.10 (SIPp UAS).
. "$(dirname "$0")/lib.sh"
OUT="${1:?usage: $0 OUTDIR [ok|leak]}"; VAR="${2:-ok}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
case "$VAR" in
  ok) NAME=kamailio-topoh; LEAK=() ;;
  leak) NAME=kamailio-topoh-leak; LEAK=(-A TOPOH_LEAK) ;;
  defkey) NAME=kamailio-topoh-defkey; LEAK=(-A TOPOH_DEFKEY) ;;
  rotated) NAME=kamailio-topoh-rotated; LEAK=(-A TOPOH_ROTATED) ;;
  *) lab_die "unknown variant $VAR" ;;
esac
UE=10.45.0.10; H=10.1.0.2; I=10.1.0.3; PEER=10.200.0.10
lab_init
lab_node home $H
lab_node ibcf $I
lab_node ue $UE
lab_node peer $PEER
lab_capture_start "$OUT/$NAME.pcap"
lab_kamailio home "$LAB_SCEN/kamailio-thig.cfg" kam-home -l "udp:$H:5060" -A ROLE_HOME
lab_kamailio ibcf "$LAB_SCEN/kamailio-thig.cfg" kam-ibcf -l "udp:$I:5060" -A ROLE_IBCF "${LEAK[@]}"
lab_sipp_bg peer -sf "$LAB_SCEN/uas-call.xml" -i $PEER -p 5060 -mi $PEER
UAS=$LAB_LAST
lab_sipp ue -sf "$LAB_SCEN/uac-call.xml" -i $UE -p 5060 -mi $UE -s dave -key me alice -key pad x "$H:5060"
lab_wait "$UAS" peer
lab_capture_stop
lab_finish "$OUT/$NAME.pcap"
