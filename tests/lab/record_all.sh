#!/usr/bin/env bash
# Re-record every lab scenario into OUTDIR (default: a new temp dir).
#   record_all.sh OUTDIR [NAME...]   (names as in samples/lab/expected.txt)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:?usage: $0 OUTDIR [NAME...]}"; shift
mkdir -p "$OUT"
ALL=(plain-call-udp plain-call-tcp plain-call-ipv6 frag-invite frag-invite-ipv6 tcp-segmented-invite
     ims-aka-register ims-aka-esp-null ims-aka-md5-3des ims-aka-escape ims-aka-mw-ckik ims-aka-mw-call
     ims-aka-downgrade ims-aka-verify-mismatch ims-aka-no-secclient ims-aka-no-secserver
     ims-aka-no-secverify ims-aka-intflag ims-aka-noauth ims-aka-rereg ims-aka-rand-reuse
     ims-aka-bad-res ims-aka-bad-res-rejected
     refer-blind refer-attended kamailio-topoh kamailio-topoh-leak
     kamailio-topoh-defkey kamailio-topoh-rotated privacy-leak privacy-honour)
[ $# -gt 0 ] && ALL=("$@")
for n in "${ALL[@]}"; do
  case "$n" in
    plain-call-udp) "$HERE/record_plain_call.sh" "$OUT" udp ;;
    plain-call-tcp) "$HERE/record_plain_call.sh" "$OUT" tcp ;;
    plain-call-ipv6) "$HERE/record_plain_call.sh" "$OUT" ipv6 ;;
    frag-invite) "$HERE/record_plain_call.sh" "$OUT" frag ;;
    frag-invite-ipv6) "$HERE/record_plain_call.sh" "$OUT" frag6 ;;
    tcp-segmented-invite) "$HERE/record_plain_call.sh" "$OUT" tcpseg ;;
    ims-aka-register) "$HERE/record_ims_aka.sh" "$OUT" aka ;;
    ims-aka-esp-null) "$HERE/record_ims_aka.sh" "$OUT" null ;;
    ims-aka-md5-3des) "$HERE/record_ims_aka.sh" "$OUT" md5des ;;
    ims-aka-escape) "$HERE/record_ims_aka.sh" "$OUT" escape ;;
    ims-aka-mw-ckik) "$HERE/record_ims_aka.sh" "$OUT" mw ;;
    ims-aka-mw-call) "$HERE/record_ims_aka.sh" "$OUT" mwcall ;;
    ims-aka-downgrade) "$HERE/record_ims_aka.sh" "$OUT" downgrade ;;
    ims-aka-verify-mismatch) "$HERE/record_ims_aka.sh" "$OUT" verifymis ;;
    ims-aka-no-secclient) "$HERE/record_ims_aka.sh" "$OUT" noclient ;;
    ims-aka-no-secserver) "$HERE/record_ims_aka.sh" "$OUT" noserver ;;
    ims-aka-no-secverify) "$HERE/record_ims_aka.sh" "$OUT" noverify ;;
    ims-aka-intflag) "$HERE/record_ims_aka.sh" "$OUT" intflag ;;
    ims-aka-noauth) "$HERE/record_ims_aka.sh" "$OUT" noauth ;;
    ims-aka-rereg) "$HERE/record_ims_aka.sh" "$OUT" rereg ;;
    ims-aka-rand-reuse) "$HERE/record_ims_aka.sh" "$OUT" randreuse ;;
    ims-aka-bad-res) "$HERE/record_ims_aka.sh" "$OUT" badres ;;
    ims-aka-bad-res-rejected) "$HERE/record_ims_aka.sh" "$OUT" badresrej ;;
    refer-blind) "$HERE/record_refer.sh" "$OUT" blind ;;
    refer-attended) "$HERE/record_refer.sh" "$OUT" attended ;;
    kamailio-topoh) "$HERE/record_topoh.sh" "$OUT" ok ;;
    kamailio-topoh-leak) "$HERE/record_topoh.sh" "$OUT" leak ;;
    kamailio-topoh-defkey) "$HERE/record_topoh.sh" "$OUT" defkey ;;
    kamailio-topoh-rotated) "$HERE/record_topoh.sh" "$OUT" rotated ;;
    privacy-leak) "$HERE/record_privacy.sh" "$OUT" leak ;;
    privacy-honour) "$HERE/record_privacy.sh" "$OUT" honour ;;
    *) echo "record_all: unknown scenario $n" >&2; exit 2 ;;
  esac
done
