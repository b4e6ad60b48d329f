#!/usr/bin/env bash
# Record an IMS AKA registration with sec-agree and ESP between UE and P-CSCF.
#   record_ims_aka.sh OUTDIR [aka|null|md5des|escape|mw|mwcall]
#     aka     -> ims-aka-register.pcap     hmac-sha-1-96 + aes-cbc
#     null    -> ims-aka-esp-null.pcap     hmac-sha-1-96 + ealg=null
#     md5des  -> ims-aka-md5-3des.pcap     hmac-md5-96 + des-ede3-cbc
#     escape  -> ims-aka-escape.pcap       aka, then one MESSAGE in clear to 5060
#     mw      -> ims-aka-mw-ckik.pcap      aka, plus the P-CSCF<->S-CSCF leg
#                                          with ck=/ik= in the 401 in clear
#     mwcall  -> ims-aka-mw-call.pcap      mw, then a call (INVITE with SDP, 180,
#                                          200, ACK, BYE, 200) through the SAs
#   Variants for the KEY-* detectors (scenarios edited with sed into LAB_TMP):
#     downgrade -> ims-aka-downgrade.pcap  P-CSCF picks hmac-md5-96, not offered
#     verifymis -> ims-aka-verify-mismatch.pcap  UE's Security-Verify != Security-Server
#     noclient  -> ims-aka-no-secclient.pcap     REGISTERs without Security-Client
#     noserver  -> ims-aka-no-secserver.pcap     401 without Security-Server
#     noverify  -> ims-aka-no-secverify.pcap     protected REGISTER without Security-Verify
#     intflag   -> ims-aka-intflag.pcap          UE's REGISTER has integrity-protected
#     noauth    -> ims-aka-noauth.pcap           P-CSCF answers 200 to the initial REGISTER
#     rereg     -> ims-aka-rereg.pcap            two AKA registrations, fresh RAND each
#     randreuse -> ims-aka-rand-reuse.pcap       the same, second challenge reuses RAND
#     badres    -> ims-aka-bad-res.pcap          UE with a wrong K, network accepts (200)
#     badresrej -> ims-aka-bad-res-rejected.pcap UE with a wrong K, network answers 403
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
  mwcall) NAME=ims-aka-mw-call; RAND=4c61622d52414e442d30303030303049 ;;
  downgrade) NAME=ims-aka-downgrade; ALG=hmac-md5-96; RAND=4c61622d52414e442d30303030303036 ;;
  verifymis) NAME=ims-aka-verify-mismatch; RAND=4c61622d52414e442d30303030303037 ;;
  noclient)  NAME=ims-aka-no-secclient; RAND=4c61622d52414e442d30303030303038 ;;
  noserver)  NAME=ims-aka-no-secserver; RAND=4c61622d52414e442d30303030303039 ;;
  noverify)  NAME=ims-aka-no-secverify; RAND=4c61622d52414e442d30303030303041 ;;
  intflag)   NAME=ims-aka-intflag; RAND=4c61622d52414e442d30303030303042 ;;
  noauth)    NAME=ims-aka-noauth; RAND=4c61622d52414e442d30303030303043 ;;
  rereg)     NAME=ims-aka-rereg; RAND=4c61622d52414e442d30303030303044; RAND2=4c61622d52414e442d30303030303045 ;;
  randreuse) NAME=ims-aka-rand-reuse; RAND=4c61622d52414e442d30303030303046; RAND2=$RAND ;;
  badres)    NAME=ims-aka-bad-res; RAND=4c61622d52414e442d30303030303047 ;;
  badresrej) NAME=ims-aka-bad-res-rejected; RAND=4c61622d52414e442d30303030303048 ;;
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

UE_ALG=$ALG
[ "$VAR" = downgrade ] && UE_ALG=hmac-sha-1-96   # the UE offers SHA-1 only

UE=10.45.0.10; P=10.1.0.1; S=10.1.0.2
UC=5100; US=5101; PC=5102; PS=5103
SPI_UC=4097; SPI_US=4098; SPI_PC=8193; SPI_PS=8194
SECCLIENT="ipsec-3gpp;prot=esp;mod=trans;spi-c=$SPI_UC;spi-s=$SPI_US;port-c=$UC;port-s=$US;alg=$UE_ALG;ealg=$EALG"
SECSERVER="ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=$SPI_PC;spi-s=$SPI_PS;port-c=$PC;port-s=$PS;alg=$ALG;ealg=$EALG"
# A second registration (rereg, randreuse): new ports and SPIs, challenged
# with RAND2 (= RAND for randreuse: KEY-AKA-RAND-REUSE).
TWO=0
case "$VAR" in rereg|randreuse) TWO=1 ;; esac
if [ $TWO = 1 ]; then
  SQN2=000000000022; [ "$RAND2" = "$RAND" ] && SQN2=$SQN
  eval "$(python3 "$LAB_DIR/aka.py" --k "$K" --op "$OP" --rand "$RAND2" --sqn "$SQN2" --amf "$AMF" --alg "$ALG" --ealg "$EALG" | sed 's/^/R2_/')"
  UC2=5200; US2=5201; PC2=5202; PS2=5203
  SPI_UC2=4099; SPI_US2=4100; SPI_PC2=8195; SPI_PS2=8196
  SECCLIENT2="ipsec-3gpp;prot=esp;mod=trans;spi-c=$SPI_UC2;spi-s=$SPI_US2;port-c=$UC2;port-s=$US2;alg=$ALG;ealg=$EALG"
  SECSERVER2="ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=$SPI_PC2;spi-s=$SPI_PS2;port-c=$PC2;port-s=$PS2;alg=$ALG;ealg=$EALG"
fi

lab_init
lab_node pcscf $P
lab_node ue $UE
MW=0; CALL=0   # the Mw leg (mw, mwcall); a call through the SAs (mwcall)
case "$VAR" in mw) MW=1 ;; mwcall) MW=1; CALL=1 ;; esac
[ $MW = 1 ] && lab_node scscf $S
if [ $TWO = 1 ]; then
  lab_ipsec_sas $UE $P $UC2 $US2 $PC2 $PS2 $SPI_UC2 $SPI_US2 $SPI_PC2 $SPI_PS2 "$EALG" "$R2_CK_ESP" "$ALG" "$R2_IK_ESP"
  for f in sas-ue.json sas-pcscf.json sas-keys.json; do cp "$LAB_TMP/$f" "$LAB_TMP/$f.2"; done
  LIST2="$LAB_SA_LIST"
fi
lab_ipsec_sas $UE $P $UC $US $PC $PS $SPI_UC $SPI_US $SPI_PC $SPI_PS "$EALG" "$CK_ESP" "$ALG" "$IK_ESP"
if [ $TWO = 1 ]; then
  for side in ue pcscf; do
    python3 - "$LAB_TMP/sas-$side.json" "$LAB_TMP/sas-$side.json.2" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
a["sas"] += b["sas"]; json.dump(a, open(sys.argv[1], "w"))
PY
  done
  { echo ','; cat "$LAB_TMP/sas-keys.json.2"; } >>"$LAB_TMP/sas-keys.json"
  sed -i '/^$/d' "$LAB_TMP/sas-keys.json"
  LAB_SA_LIST="$LAB_SA_LIST
$LIST2"
fi
lab_ipsec_up ue ue $UE
lab_ipsec_up pcscf pcscf $P

{
  echo '{ "subscribers": ['
  echo "    { \"impi\": \"$IMPI\", \"k\": \"$K\", \"opc\": \"$OPC\", \"amf\": \"$AMF\" } ],"
  echo '  "sas": ['
  cat "$LAB_TMP/sas-keys.json"
  echo '  ] }'
} >"$OUT/$NAME.keys.json"

# Scenario edits per variant (the checked-in scenarios stay the clean ones).
P401_XML="$LAB_TMP/pcscf-aka-401.xml"; cp "$LAB_SCEN/pcscf-aka-401.xml" "$P401_XML"
P200_XML="$LAB_TMP/pcscf-aka-200.xml"; cp "$LAB_SCEN/pcscf-aka-200.xml" "$P200_XML"
UE_XML="$LAB_TMP/ue-aka-register.xml"; cp "$LAB_SCEN/ue-aka-register.xml" "$UE_XML"
MSGS=1       # the protected MESSAGEs after the registration
UE_EXTRA=()
case "$VAR" in
  # Hold the 401 until the Mw leg has run (a P-CSCF waits for the S-CSCF).
  mw|mwcall) sed -i 's/<pause milliseconds="10"\/>/<pause milliseconds="350"\/>/' "$P401_XML" ;;
  verifymis)
    # The UE echoes a Security-Verify with ealg=null instead of the server's list.
    sed -i '/<ereg regexp=/d; s/Security-Verify: \[\$secserver\]/Security-Verify: [secverify]/' "$UE_XML"
    UE_EXTRA=(-key secverify "${SECSERVER/ealg=$EALG/ealg=null}") ;;
  noclient) sed -i '/Security-Client:/d' "$UE_XML" ;;
  noserver)
    sed -i '/Security-Server:/d' "$P401_XML"
    sed -i '/<ereg regexp=/d; /Security-Verify:/d' "$UE_XML" ;;
  noverify) sed -i '/<ereg regexp=/d; /Security-Verify:/d' "$UE_XML" ;;
  intflag) sed -i 's/response=""$/response="", integrity-protected="no"/' "$UE_XML" ;;
  noauth)
    # The P-CSCF registers the UE at once: 200 OK to the initial REGISTER.
    sed -i 's/401 Unauthorized/200 OK/; /WWW-Authenticate:/d; /Security-Server:/d; /Require: sec-agree/d' "$P401_XML"
    sed -i 's/\[last_CSeq:\]/[last_CSeq:]\n      [last_Contact:]/' "$P401_XML"
    python3 - "$UE_XML" <<'PY'
import sys
s = open(sys.argv[1]).read()
i = s.index("</send>") + len("</send>")
open(sys.argv[1], "w").write(s[:i] + '\n  <recv response="200"/>\n</scenario>\n')
PY
    MSGS=0 ;;
  badres|badresrej)
    # A UE that does not hold K answers with a made-up digest response.
    # (A SIPp UE configured with a wrong K stops earlier: it checks the
    # MAC in AUTN, "MAC != eXpectedMAC", as a real USIM would.)
    sed -i 's/\[authentication aka_K=[^]]*\]/Authorization: Digest username="[impi]", realm="home1.net", nonce="[nonce]", uri="sip:home1.net", response="0123456789abcdef0123456789abcdef", algorithm=AKAv1-MD5, cnonce="0a4f113b", qop=auth, nc=00000001/' "$UE_XML"
    UE_EXTRA=(-key nonce "$NONCE")
    if [ "$VAR" = badresrej ]; then
      sed -i 's/SIP\/2.0 200 OK/SIP\/2.0 403 Forbidden/; /Path:/d; /Service-Route:/d; /P-Associated-URI:/d; /last_Contact/d' "$P200_XML"
      sed -i 's/<recv response="200"\/>/<recv response="403"\/>/' "$UE_XML"
      MSGS=0
    fi ;;
esac

lab_capture_start "$OUT/$NAME.pcap"
[ -n "${LAB_DEBUG_CAP:-}" ] && { ip netns exec "$LAB_PREFIX-pcscf" timeout 15 tcpdump -i any -n -w /tmp/dbg-pcscf.pcap 2>/dev/null & LAB_PIDS+=("$!"); sleep 0.5; }
# P-CSCF: 401 on 5060, 200 on its protected server port.
lab_sipp_bg pcscf -sf "$P401_XML" -i $P -p 5060 -key nonce "$NONCE" -key secserver "$SECSERVER"
P401=$LAB_LAST
P200=
if [ "$VAR" != noauth ]; then
  lab_sipp_bg pcscf -sf "$P200_XML" -i $P -p $PS
  P200=$LAB_LAST
fi
UEARGS=(-sf "$UE_XML" -i $UE -p $UC -au "$IMPI" -auth_uri home1.net -key impi "$IMPI" -key impu user1
        -key pcscf $P -key ps $PS -key us $US -key secclient "$SECCLIENT" "${UE_EXTRA[@]}" "$P:5060")
if [ $MW = 1 ]; then
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
[ -n "$P200" ] && lab_wait "$P200" pcscf-200
if [ $MSGS = 1 ]; then
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
fi
if [ $TWO = 1 ]; then
  # Second registration of the same IMPI from new protected ports: a new
  # AKA challenge (RAND2) and a new SA set; one MESSAGE on the new set.
  lab_sipp_bg pcscf -sf "$P401_XML" -i $P -p 5060 -key nonce "$R2_NONCE" -key secserver "$SECSERVER2"
  P401=$LAB_LAST
  lab_sipp_bg pcscf -sf "$P200_XML" -i $P -p $PS2
  P200=$LAB_LAST
  lab_sipp ue -sf "$UE_XML" -i $UE -p $UC2 -au "$IMPI" -auth_uri home1.net -key impi "$IMPI" -key impu user1 \
    -key pcscf $P -key ps $PS2 -key us $US2 -key secclient "$SECCLIENT2" "$P:5060"
  lab_wait "$P401" pcscf-401b
  lab_wait "$P200" pcscf-200b
  lab_sipp_bg pcscf -sf "$LAB_SCEN/msg-uas.xml" -i $P -p $PS2
  M1=$LAB_LAST
  lab_sipp ue -sf "$LAB_SCEN/msg-uac.xml" -i $UE -p $UC2 -key from user1 -s user2 "$P:$PS2"
  lab_wait "$M1" msg1b
fi
if [ $CALL = 1 ]; then
  # A call from the registered UE through the SAs (SA1 out, SA2 back):
  # the INVITE exists only inside ESP (issue 7).
  lab_sipp_bg pcscf -sf "$LAB_SCEN/pcscf-call-uas.xml" -i $P -p $PS
  C1=$LAB_LAST
  lab_sipp ue -sf "$LAB_SCEN/ue-aka-call.xml" -i $UE -p $UC -key from user1 -key pcscf $P -key ps $PS \
    -key us $US -s user2 "$P:$PS"
  lab_wait "$C1" call1
fi
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
