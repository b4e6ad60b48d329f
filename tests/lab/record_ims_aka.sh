#!/usr/bin/env bash
# Record an IMS AKA registration with sec-agree and ESP between UE and P-CSCF.
#   record_ims_aka.sh OUTDIR [aka|null|md5des|escape|mw]
#     aka     -> ims-aka-register.pcap     hmac-sha-1-96 + aes-cbc
#     null    -> ims-aka-esp-null.pcap     hmac-sha-1-96 + ealg=null
#     md5des  -> ims-aka-md5-3des.pcap     hmac-md5-96 + des-ede3-cbc
#     escape  -> ims-aka-escape.pcap       aka, then one MESSAGE in clear to 5060
#     mw      -> ims-aka-mw-ckik.pcap      aka, plus the P-CSCF<->S-CSCF leg
#                                          with ck=/ik= in the 401 in clear
# Also writes OUTDIR/<name>.keys.json (interface.md keys file).
# UE 10.45.0.10 (SIPp), P-CSCF 10.1.0.1 (SIPp UAS scenarios), S-CSCF 10.1.0.2.
. "$(dirname "$0")/lib.sh"
OUT="${1:?usage: $0 OUTDIR [aka|null|md5des|escape|mw]}"; VAR="${2:-aka}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
ALG=hmac-sha-1-96; EALG=aes-cbc
case "$VAR" in
  aka)    NAME=ims-aka-register; RAND=4c61622d52414e442d30303030303031 ;;
  null)   NAME=ims-aka-esp-null; EALG=null; RAND=4c61622d52414e442d30303030303032 ;;
  md5des) NAME=ims-aka-md5-3des; ALG=hmac-md5-96; EALG=des-ede3-cbc; RAND=4c61622d52414e442d30303030303033 ;;
  escape) NAME=ims-aka-escape; RAND=4c61622d52414e442d30303030303034 ;;
  mw)     NAME=ims-aka-mw-ckik; RAND=4c61622d52414e442d30303030303035 ;;
  *) lab_die "unknown variant $VAR" ;;
esac
# Lab subscriber.  SIPp 3.6.1 takes aka_K/aka_OP/aka_AMF as raw text bytes,
# so the keys are 16 (2) printable characters; their hex is in the keys file.
IMPI=user1@home1.net
K_TXT=imsec-lab-K-0001; OP_TXT=imsec-lab-OP-001; AMF_TXT=AM
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
K=$(hex "$K_TXT"); OP=$(hex "$OP_TXT"); AMF=$(hex "$AMF_TXT")
SQN=000000000021
eval "$(python3 "$LAB_DIR/aka.py" --k "$K" --op "$OP" --rand "$RAND" --sqn "$SQN" --amf "$AMF" --alg "$ALG" --ealg "$EALG")"

UE=10.45.0.10; P=10.1.0.1; S=10.1.0.2
UC=5100; US=5101; PC=5102; PS=5103
SPI_UC=4097; SPI_US=4098; SPI_PC=8193; SPI_PS=8194
SECCLIENT="ipsec-3gpp;prot=esp;mod=trans;spi-c=$SPI_UC;spi-s=$SPI_US;port-c=$UC;port-s=$US;alg=$ALG;ealg=$EALG"
SECSERVER="ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=$SPI_PC;spi-s=$SPI_PS;port-c=$PC;port-s=$PS;alg=$ALG;ealg=$EALG"

lab_init
lab_node pcscf $P
lab_node ue $UE
[ "$VAR" = mw ] && lab_node scscf $S
lab_ipsec_sas $UE $P $UC $US $PC $PS $SPI_UC $SPI_US $SPI_PC $SPI_PS "$EALG" "$CK_ESP" "$ALG" "$IK_ESP"
lab_ipsec_up ue ue $UE
lab_ipsec_up pcscf pcscf $P

{
  echo '{ "subscribers": ['
  echo "    { \"impi\": \"$IMPI\", \"k\": \"$K\", \"opc\": \"$OPC\", \"amf\": \"$AMF\" } ],"
  echo '  "sas": ['
  cat "$LAB_TMP/sas-keys.json"
  echo '  ] }'
} >"$OUT/$NAME.keys.json"

P401_XML="$LAB_SCEN/pcscf-aka-401.xml"
if [ "$VAR" = mw ]; then
  # Hold the 401 until the Mw leg has run (a P-CSCF waits for the S-CSCF).
  P401_XML="$LAB_TMP/pcscf-aka-401-mw.xml"
  sed 's/<pause milliseconds="10"\/>/<pause milliseconds="350"\/>/' "$LAB_SCEN/pcscf-aka-401.xml" >"$P401_XML"
fi
lab_capture_start "$OUT/$NAME.pcap"
[ -n "${LAB_DEBUG_CAP:-}" ] && { ip netns exec "$LAB_PREFIX-pcscf" timeout 15 tcpdump -i any -n -w /tmp/dbg-pcscf.pcap 2>/dev/null & LAB_PIDS+=("$!"); sleep 0.5; }
# P-CSCF: 401 on 5060, 200 on its protected server port.
lab_sipp_bg pcscf -sf "$P401_XML" -i $P -p 5060 -key nonce "$NONCE" -key secserver "$SECSERVER"
P401=$LAB_LAST
lab_sipp_bg pcscf -sf "$LAB_SCEN/pcscf-aka-200.xml" -i $P -p $PS
P200=$LAB_LAST
UEARGS=(-sf "$LAB_SCEN/ue-aka-register.xml" -i $UE -p $UC -au "$IMPI" -auth_uri home1.net -key impi "$IMPI" -key impu user1
        -key pcscf $P -key ps $PS -key us $US -key secclient "$SECCLIENT" "$P:5060")
if [ "$VAR" = mw ]; then
  # The Mw leg (emulated: a separate SIPp pair while the P-CSCF holds the
  # UE's REGISTER): P-CSCF -> S-CSCF REGISTER with integrity-protected="no",
  # S-CSCF -> P-CSCF 401 with ck=/ik= in clear (TS 24.229 7.2A.1).
  lab_sipp_bg scscf -sf "$LAB_SCEN/scscf-aka-401.xml" -i $S -p 5060 -key nonce "$NONCE" -key ck "$CK" -key ik "$IK"
  SCS=$LAB_LAST
  LAB_BG_SLEEP=0 lab_sipp_bg ue "${UEARGS[@]}"
  UEP=$LAB_LAST
  sleep 0.1
  lab_sipp pcscf -sf "$LAB_SCEN/pcscf-mw-register.xml" -i $P -p 5070 -key impi "$IMPI" -key impu user1 -key ue $UE:$US "$S:5060"
  lab_wait "$SCS" scscf
  lab_wait "$UEP" ue
else
  lab_sipp ue "${UEARGS[@]}"
fi
lab_wait "$P401" pcscf-401
lab_wait "$P200" pcscf-200
# Protected MESSAGE UE -> P-CSCF (SA1, answer on SA2) ...
lab_sipp_bg pcscf -sf "$LAB_SCEN/msg-uas.xml" -i $P -p $PS
M1=$LAB_LAST
lab_sipp ue -sf "$LAB_SCEN/msg-uac.xml" -i $UE -p $UC -key from user1 -s user2 "$P:$PS"
lab_wait "$M1" msg1
# ... and a network-originated MESSAGE P-CSCF -> UE (SA3, answer on SA4).
lab_sipp_bg ue -sf "$LAB_SCEN/msg-uas.xml" -i $UE -p $US
M2=$LAB_LAST
lab_sipp pcscf -sf "$LAB_SCEN/msg-uac.xml" -i $P -p $PC -key from user3 -s user1 "$UE:$US"
lab_wait "$M2" msg2
if [ "$VAR" = escape ]; then
  # The UE sends one request outside the SAs, in clear, to the P-CSCF's 5060
  # while the SAs are alive: KEY-UNPROTECTED-AFTER-SA.
  lab_sipp_bg pcscf -sf "$LAB_SCEN/msg-uas.xml" -i $P -p 5060
  M3=$LAB_LAST
  lab_sipp ue -sf "$LAB_SCEN/msg-uac.xml" -i $UE -p 5060 -key from user1 -s user2 "$P:5060"
  lab_wait "$M3" msg3
fi
lab_capture_stop
lab_finish "$OUT/$NAME.pcap"
