#!/usr/bin/env bash
# Record a plain (no IMS security) registration + call through Kamailio.
#   record_plain_call.sh OUTDIR [udp|tcp|ipv6|frag|frag6|tcpseg]
# Writes OUTDIR/plain-call-udp.pcap, plain-call-tcp.pcap, plain-call-ipv6.pcap,
# frag-invite.pcap (IPv4 fragments), frag-invite-ipv6.pcap (IPv6 fragment
# headers) or tcp-segmented-invite.pcap (one INVITE over several segments).
# Topology: UE-A 10.45.0.10, UE-B 10.45.0.20, P-CSCF/registrar (Kamailio)
# 10.1.0.1 (fd00:1ab::x for IPv6), all on one bridge; capture on the bridge.
. "$(dirname "$0")/lib.sh"
OUT="${1:?usage: $0 OUTDIR [udp|tcp|ipv6|frag|frag6|tcpseg]}"; VAR="${2:-udp}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
case "$VAR" in
  udp)  NAME=plain-call-udp; T=u1; KT=udp ;;
  tcp)  NAME=plain-call-tcp; T=t1; KT=tcp
        LAB_CAP_NODE=pcscf ;;  # tcpdump -i any in the proxy's namespace: SLL2
  ipv6) NAME=plain-call-ipv6; T=u1; KT=udp ;;
  frag) NAME=frag-invite;    T=u1; KT=udp ;;
  frag6) NAME=frag-invite-ipv6; T=u1; KT=udp ;;
  tcpseg) NAME=tcp-segmented-invite; T=t1; KT=tcp ;;
  *) lab_die "unknown variant $VAR" ;;
esac
lab_init
lab_node pcscf 10.1.0.1 fd00:1ab::1
lab_node uea 10.45.0.10 fd00:1ab::10
lab_node ueb 10.45.0.20 fd00:1ab::20
if [ "$VAR" = ipv6 ] || [ "$VAR" = frag6 ]; then
  P=fd00:1ab::1; A=fd00:1ab::10; B=fd00:1ab::20; PR="[$P]"
else
  P=10.1.0.1; A=10.45.0.10; B=10.45.0.20; PR="$P"
fi
PAD=x
if [ "$VAR" = frag ] || [ "$VAR" = frag6 ] || [ "$VAR" = tcpseg ]; then
  # ~2400 bytes of header value: over UDP the INVITE needs two IP fragments
  # at MTU 1500; over TCP it spans two segments (MSS 1448).
  PAD="$(printf 'imsec-lab-padding-%04d;' $(seq 1 100))"
fi
lab_capture_start "$OUT/$NAME.pcap"
lab_kamailio pcscf "$LAB_SCEN/kamailio-proxy.cfg" kam -l "$KT:$PR:5060"
lab_sipp uea -sf "$LAB_SCEN/reg.xml" -t "$T" -i "$A" -p 5060 -s alice -au alice -ap secret -auth_uri home1.net "$PR:5060"
lab_sipp ueb -sf "$LAB_SCEN/reg.xml" -t "$T" -i "$B" -p 5060 -s bob -au bob -ap secret -auth_uri home1.net "$PR:5060"
lab_sipp_bg ueb -sf "$LAB_SCEN/uas-call.xml" -t "$T" -i "$B" -p 5060 -mi "$B"
UAS=$LAB_LAST
lab_sipp uea -sf "$LAB_SCEN/uac-call.xml" -t "$T" -i "$A" -p 5060 -mi "$A" -s bob -key me alice -key pad "$PAD" "$PR:5060"
lab_wait "$UAS" uas
lab_capture_stop
lab_finish "$OUT/$NAME.pcap"
