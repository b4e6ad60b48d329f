#!/usr/bin/env python3
"""Evidence checks for run_live.sh (stdlib only; classic pcap, either byte order).

  pcapfr.py EVIDENCE CAPTURE IN_EVIDENCE CITED
      IN_EVIDENCE and CITED are comma lists of 1-based frame numbers: frame
      IN_EVIDENCE[i] of EVIDENCE must equal frame CITED[i] of CAPTURE byte for
      byte. Prints the number of packets in EVIDENCE; exit 1 on a mismatch."""
import struct
import sys


def frames(path):
    with open(path, 'rb') as f:
        hdr = f.read(24)
        magic = hdr[:4]
        if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
            end = '<'
        elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
            end = '>'
        else:
            raise SystemExit(f'{path}: not a classic pcap')
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack(end + 'IIII', rec)
            yield f.read(incl)


def main():
    ev, cap = sys.argv[1], sys.argv[2]
    inev = [int(x) for x in sys.argv[3].split(',') if x]
    cited = [int(x) for x in sys.argv[4].split(',') if x]
    evf = list(frames(ev))
    capf = list(frames(cap))
    print(len(evf))
    bad = 0
    for a, b in zip(inev, cited):
        if a < 1 or a > len(evf) or b < 1 or b > len(capf) or evf[a - 1] != capf[b - 1]:
            print(f'frame {b} of {cap} is not packet {a} of {ev}', file=sys.stderr)
            bad = 1
    sys.exit(bad)


if __name__ == '__main__':
    main()
