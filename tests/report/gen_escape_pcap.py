#!/usr/bin/env python3
"""Writes data/escape-synthetic.pcap: a SYNTHETIC capture (hand-made, not
recorded) whose SIP headers carry HTML/JS injection attempts and quotes, plus
a 401 with ck=/ik= in clear, for the report's escaping and redaction tests.

Frames (Ethernet/IPv4/UDP, 10.45.0.10 = UE, 10.1.0.1 = P-CSCF):
  1 REGISTER UE -> P-CSCF
  2 401 P-CSCF -> UE carrying ck="..." ik="..." (secrets to redact)
  3 INVITE with <script>, <img onerror> and quotes in From, Call-ID, X-Evil
  4 200 OK to it
Usage: gen_escape_pcap.py OUT.pcap"""
import struct
import sys

CK = "00112233445566778899aabbccddeeff"
IK = "ffeeddccbbaa99887766554433221100"
UE, PC = (10, 45, 0, 10), (10, 1, 0, 1)
EVIL_CID = "<script>alert(1)</script>\"'@10.45.0.10"


def sip(lines, body=""):
    return ("\r\n".join(lines) + "\r\n" + "Content-Length: %d\r\n\r\n" % len(body) + body).encode()


def ip_csum(h):
    s = sum(struct.unpack("!10H", h))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def frame(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(src), bytes(dst))
    iph = iph[:10] + struct.pack("!H", ip_csum(iph)) + iph[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + iph + udp


def main():
    reg_cid = "reg-1@10.45.0.10"
    msgs = [
        (UE, PC, 5060, 5060, sip([
            "REGISTER sip:home1.net SIP/2.0",
            "Via: SIP/2.0/UDP 10.45.0.10:5060;branch=z9hG4bK-r1",
            "From: <sip:user1@home1.net>;tag=r1", "To: <sip:user1@home1.net>",
            "Call-ID: " + reg_cid, "CSeq: 1 REGISTER", "Max-Forwards: 70",
            "Contact: <sip:user1@10.45.0.10:5060>", "Expires: 600",
            'Authorization: Digest username="user1@home1.net", realm="home1.net", nonce="", uri="sip:home1.net", response=""'])),
        (PC, UE, 5060, 5060, sip([
            "SIP/2.0 401 Unauthorized",
            "Via: SIP/2.0/UDP 10.45.0.10:5060;branch=z9hG4bK-r1",
            "From: <sip:user1@home1.net>;tag=r1", "To: <sip:user1@home1.net>;tag=p1",
            "Call-ID: " + reg_cid, "CSeq: 1 REGISTER",
            'WWW-Authenticate: Digest realm="home1.net", nonce="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", '
            'algorithm=AKAv1-MD5, ck="%s", ik="%s"' % (CK, IK)])),
        (UE, PC, 5060, 5060, sip([
            "INVITE sip:bob@home1.net SIP/2.0",
            "Via: SIP/2.0/UDP 10.45.0.10:5060;branch=z9hG4bK-i1",
            "From: \"<script>alert('from')</script>\" <sip:user1@home1.net>;tag=i1",
            "To: \"Bob's \\\"phone\\\"\" <sip:bob@home1.net>",
            "Call-ID: " + EVIL_CID, "CSeq: 1 INVITE", "Max-Forwards: 70",
            "Contact: <sip:user1@10.45.0.10:5060>",
            "X-Evil: <img src=x onerror=alert(2)> \"quoted\" 'single' & </template></pre>",
            "Subject: </textarea><svg onload=alert(3)>"])),
        (PC, UE, 5060, 5060, sip([
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 10.45.0.10:5060;branch=z9hG4bK-i1",
            "From: \"<script>alert('from')</script>\" <sip:user1@home1.net>;tag=i1",
            "To: \"Bob's \\\"phone\\\"\" <sip:bob@home1.net>;tag=b1",
            "Call-ID: " + EVIL_CID, "CSeq: 1 INVITE",
            "Contact: <sip:bob@10.1.0.1:5060>"])),
    ]
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t = 1700000000
    for i, (s, d, sp, dp, p) in enumerate(msgs):
        f = frame(s, d, sp, dp, p)
        out += struct.pack("<IIII", t + i, 1000 * i, len(f), len(f)) + f
    with open(sys.argv[1], "wb") as fh:
        fh.write(out)


if __name__ == "__main__":
    main()
