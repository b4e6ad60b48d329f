#!/usr/bin/env python3
"""Writes small seed inputs for fuzz_net_frame, fuzz_frag and fuzz_tcp into
tests/fuzz/seeds/{net_frame,frag,tcp}/ (formats: see each fuzz_*.c)."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
V4A, V4B = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
V6A = bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [1])
V6B = bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [2])
SIP = b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n"


def udp(sp, dp, data):
    return struct.pack(">HHHH", sp, dp, 8 + len(data), 0) + data


def tcp(sp, dp, seq, flags, data):
    return struct.pack(">HHIIBBHHH", sp, dp, seq, 0, 0x50, flags, 65535, 0, 0) + data


def ip4(proto, payload, ident=1, fo=0):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, fo, 64, proto, 0,
                       V4A, V4B) + payload


def ip6(nh, payload):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nh, 64, V6A, V6B) + payload


def eth(et, payload, vlans=()):
    h = bytes(range(12))
    for tpid in vlans:
        h += struct.pack(">HH", tpid, 100)
    return h + struct.pack(">H", et) + payload


def sctp_data(ppid, data):
    chunk = struct.pack(">BBHIHHI", 0, 3, 16 + len(data), 1, 0, 0, ppid) + data
    chunk += b"\0" * (-len(chunk) % 4)
    return struct.pack(">HHII", 5060, 5060, 1, 0) + chunk


def write(sub, name, data):
    d = os.path.join(HERE, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# fuzz_net_frame: first byte indexes {1,113,276,12,14,101,228,229,0,108,147}
write("net_frame", "eth_udp4", b"\x00" + eth(0x0800, ip4(17, udp(5060, 5060, SIP))))
write("net_frame", "qinq_udp6", b"\x00" + eth(0x88a8, ip6(17, udp(5060, 5060, SIP)), (0x8100,)))
write("net_frame", "sll_tcp", b"\x01" + bytes(14) + b"\x08\x00" + ip4(6, tcp(1, 5060, 1, 0x18, SIP)))
write("net_frame", "raw_esp", b"\x05" + ip4(50, struct.pack(">II", 0x1234, 1) + bytes(range(40)) + b"\x02\x11"))
write("net_frame", "natt", b"\x06" + ip4(17, udp(4500, 4500, struct.pack(">II", 7, 1) + bytes(24))))
write("net_frame", "v6_ext_sctp", b"\x07" + ip6(0, bytes([132, 0]) + bytes(6) + sctp_data(46, SIP)))
write("net_frame", "null_frag", b"\x08" + b"\x02\x00\x00\x00" + ip4(17, udp(1, 2, b"x" * 8), 9, 0x2000))

# fuzz_frag: pieces "ctl off_hi off_lo data" joined by FRAG
dg = udp(5060, 5060, SIP)
write("frag", "v4_three", b"FRAG".join([b"\x02\x00\x00" + dg[:16], b"\x02\x00\x02" + dg[16:32],
                                        b"\x00\x00\x04" + dg[32:]]))
write("frag", "v6_reverse", b"FRAG".join([b"\x01\x00\x02" + dg[16:], b"\x03\x00\x00" + dg[:16]]))
write("frag", "overlap", b"FRAG".join([b"\x02\x00\x00" + b"A" * 24, b"\x02\x00\x01" + b"B" * 32,
                                       b"\x00\x00\x04" + b"C" * 8]))

# fuzz_tcp: segments "ctl delta_hi delta_lo data" joined by SEG!
write("tcp", "syn_data_fin", b"SEG!".join([b"\x02\x00\x00", b"\x00\x00\x01" + SIP[:20],
                                           b"\x00\x00\x00" + SIP[20:], b"\x04\x00\x00"]))
write("tcp", "ooo", b"SEG!".join([b"\x00\x00\x00" + b"aaaa", b"\x00\x00\x04" + b"cccc",
                                  b"\x00\xff\xf8" + b"bbbb", b"\x01\x00\x00" + b"reply"]))
