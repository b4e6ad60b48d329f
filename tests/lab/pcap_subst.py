#!/usr/bin/env python3
"""Equal-length byte substitution inside the SIP payloads of a pcap, to make
a near-identical *synthetic* twin of a real capture (samples/README.md says
which samples are made this way).

  pcap_subst.py IN OUT [--line PREFIX] OLD=NEW [OLD=NEW ...]

Only lines of the UDP payload starting with PREFIX (e.g. "Call-ID:" or "o=";
repeat --line for several; default: every line) are rewritten. OLD and NEW
must have the same length so IP/UDP lengths stay valid; the UDP checksum is
set to 0 (RFC 768: no checksum). Classic pcap, Ethernet/IPv4 only."""
import struct, sys

def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    src, dst, rest = argv[1], argv[2], argv[3:]
    prefixes, subs = [], []
    i = 0
    while i < len(rest):
        if rest[i] == '--line':
            prefixes.append(rest[i + 1].encode()); i += 2; continue
        old, new = rest[i].split('=', 1)
        if len(old) != len(new):
            sys.exit('OLD and NEW must have the same length: %s' % rest[i])
        subs.append((old.encode(), new.encode())); i += 1
    data = open(src, 'rb').read()
    out = bytearray(data[:24])
    off, changed = 24, 0
    while off + 16 <= len(data):
        ts, us, incl, orig = struct.unpack('<IIII', data[off:off + 16])
        pkt = bytearray(data[off + 16:off + 16 + incl])
        off += 16 + incl
        if len(pkt) > 34 and pkt[12:14] == b'\x08\x00' and pkt[23] == 17:
            ihl = (pkt[14] & 0x0f) * 4
            u = 14 + ihl
            payload = bytes(pkt[u + 8:])
            lines = payload.split(b'\n')
            for k, ln in enumerate(lines):
                if prefixes and not any(ln.lower().startswith(p.lower()) for p in prefixes):
                    continue
                for o, n in subs:
                    ln = ln.replace(o, n)
                lines[k] = ln
            new = b'\n'.join(lines)
            if new != payload:
                changed += 1
                pkt[u + 8:] = new
                pkt[u + 6:u + 8] = b'\x00\x00'
        out += struct.pack('<IIII', ts, us, len(pkt), orig) + pkt
    open(dst, 'wb').write(out)
    print('%s: %d packets rewritten' % (dst, changed))

if __name__ == '__main__':
    main(sys.argv)
