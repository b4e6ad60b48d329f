#!/usr/bin/env bash
# Record a call that asks for privacy (Privacy: id;header;user;session, RFC
# 3323/3325) from a home UE to a peer network through a home proxy, with
# one second of RTP from the caller.
#   record_privacy.sh OUTDIR [leak|honour]
#     leak   -> privacy-leak.pcap    the proxy (kamailio-priv.cfg) relays as
#               is: PAI, From, Via/Contact and the UE's SDP addresses reach
#               the peer; SDES key (a=crypto) over plain UDP; RTP flows
#               straight from the UE to the peer
#     honour -> privacy-honour.pcap  the proxy honours Privacy (-A HONOUR):
#               PAI removed, From anonymised, Via/Contact masked (topoh),
#               SDP pointed at the media anchor 10.1.0.5, which relays the
#               RTP (udp_relay.py); no a=crypto in the offer
# UE 10.45.0.10 (SIPp uac-priv.xml + rtp_send.py) -> proxy 10.1.0.2
# (Kamailio) -> peer 10.200.0.10 (SIPp uas-call.xml); anchor 10.1.0.5.
. "$(dirname "$0")/lib.sh"
OUT="${1:?usage: $0 OUTDIR [leak|honour]}"; VAR="${2:-leak}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
UE=10.45.0.10; P=10.1.0.2; A=10.1.0.5; PEER=10.200.0.10
LABD="$(cd "$(dirname "$0")" && pwd)"
case "$VAR" in
  leak) NAME=privacy-leak; KARGS=()
        SDPX='a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32'
        RTP_DST=$PEER ;;
  honour) NAME=privacy-honour; KARGS=(-A HONOUR); SDPX='a=ptime:20'; RTP_DST=$A ;;
  *) lab_die "unknown variant $VAR" ;;
esac
lab_init
lab_node proxy $P
lab_node anchor $A
lab_node ue $UE
lab_node peer $PEER
lab_capture_start "$OUT/$NAME.pcap"
lab_kamailio proxy "$LAB_SCEN/kamailio-priv.cfg" kam-priv -l "udp:$P:5060" "${KARGS[@]}"
if [ "$VAR" = honour ]; then
  lab_bg anchor timeout 15 python3 "$LABD/udp_relay.py" 26000 $PEER 26000 20 10
fi
lab_sipp_bg peer -sf "$LAB_SCEN/uas-call.xml" -i $PEER -p 5060 -mi $PEER -mp 26000
UAS=$LAB_LAST
lab_bg ue timeout 15 python3 "$LABD/rtp_send.py" $RTP_DST 26000 16010 20 0.7
lab_sipp ue -sf "$LAB_SCEN/uac-priv.xml" -i $UE -p 5060 -mi $UE -mp 16000 -s bob -key me alice \
  -key privacy 'id;header;user;session' -key sdpx "$SDPX" "$P:5060"
lab_wait "$UAS" peer
sleep 0.3
lab_capture_stop
lab_finish "$OUT/$NAME.pcap"
