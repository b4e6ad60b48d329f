#!/usr/bin/env bash
# -w FILE (offline evidence pcap): every frame a finding cites, byte for
# byte as in the input, plus the other frames of the same Call-ID and
# registration; the same bytes on every run; an output path that is a
# symlink is refused before any analysis. Args: BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
command -v tshark >/dev/null || { echo "tshark missing"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
s="$src/samples/ims-aka-escape.pcap"
"$build/imsec" -q -w "$work/ev.pcap" --format eve -o "$work/eve" "$s"
[ $? -le 1 ] || { echo "FAIL imsec -w exit"; exit 1; }
"$build/imsec" -q -w "$work/ev2.pcap" --format eve -o /dev/null "$s"
cmp -s "$work/ev.pcap" "$work/ev2.pcap" || { echo "FAIL evidence differs between runs"; fail=1; }
# Every cited frame must be in the evidence, byte-identical.
cited=$(python3 -c "import json,sys
fr=set()
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r.get('event_type')=='alert': fr.update(r['imsec']['frames'])
print(' '.join(map(str,sorted(fr))))" "$work/eve")
for f in $cited; do
  want=$(tshark -r "$s" -Y "frame.number==$f" -T fields -e frame.protocols -x 2>/dev/null | md5sum)
  found=0
  n=$(tshark -r "$work/ev.pcap" 2>/dev/null | wc -l)
  for i in $(seq 1 "$n"); do
    got=$(tshark -r "$work/ev.pcap" -Y "frame.number==$i" -T fields -e frame.protocols -x 2>/dev/null | md5sum)
    [ "$got" = "$want" ] && { found=1; break; }
  done
  [ $found = 1 ] || { echo "FAIL cited frame $f not in the evidence pcap"; fail=1; }
done
# Context: the escaping MESSAGE's answer (same Call-ID) is there too.
tshark -r "$work/ev.pcap" -Y 'sip.Status-Code == 200 && sip.CSeq.method == "MESSAGE"' 2>/dev/null | grep -q . ||
  { echo "FAIL context frame (200 OK to the MESSAGE) missing"; fail=1; }
ln -s /etc/hostname "$work/link"
out=$("$build/imsec" -w "$work/link" "$s" 2>&1); rc=$?
{ [ $rc = 2 ] && ! grep -q '^\[' <<<"$out"; } || { echo "FAIL symlink: exit $rc, analysis ran"; fail=1; }
[ $fail = 0 ] && echo "evidence: cited frames [$cited] and context written, deterministic, symlink refused"
exit $fail
