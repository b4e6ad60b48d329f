#!/usr/bin/env bash
# Check that a capture shows what samples/lab/expected.txt claims for NAME.
#   check_capture.sh NAME FILE.pcap [FILE.keys.json]
# Exit 0 when every claim holds; prints each failed claim.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
EXP="$HERE/../../samples/lab/expected.txt"
NAME="$1"; PCAP="$2"; KEYS="${3:-}"
targs=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE)
if [ -n "$KEYS" ] && [ -f "$KEYS" ]; then
  while read -r l; do targs+=(-o "uat:esp_sa:$l"); done < <(python3 "$HERE/esp_uat.py" "$KEYS")
fi
fail=0; n=0
ERRF="$(mktemp)"; trap 'rm -f "$ERRF"' EXIT
while IFS='|' read -r name kind a b; do
  [ "$name" = "$NAME" ] || continue
  n=$((n + 1))
  case "$kind" in
    sig)
      got="$(python3 "$HERE/signature.py" "$PCAP" "$KEYS")"
      if [ "$got" != "$a" ]; then echo "FAIL $NAME signature: want $a got $got"; fail=1; fi ;;
    count)
      # A bad filter must not pass a "want 0" claim: check tshark's status.
      if ! out="$(tshark -r "$PCAP" "${targs[@]}" -Y "$a" 2>"$ERRF")"; then
        echo "FAIL $NAME count [$a]: tshark: $(grep -v 'Running as user' "$ERRF" | head -2)"; fail=1; continue
      fi
      got="$(printf '%s' "$out" | grep -c .)"
      if [ "$got" != "$b" ]; then echo "FAIL $NAME count [$a]: want $b got $got"; fail=1; fi ;;
    aka)
      if ! python3 "$HERE/check_aka.py" "$PCAP" "$KEYS" "$a"; then echo "FAIL $NAME AKA response"; fail=1; fi ;;
    *) echo "FAIL $NAME: unknown claim kind $kind"; fail=1 ;;
  esac
done < <(grep -v '^#' "$EXP" | grep -v '^$')
if [ "$n" -eq 0 ]; then echo "FAIL $NAME: no claims in $EXP"; exit 1; fi
[ $fail -eq 0 ] && echo "ok   $NAME ($n claims) $PCAP"
exit $fail
