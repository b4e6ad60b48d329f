#!/usr/bin/env python3
"""SYNTHETIC captures for KEY-AKA-SYNC-STORM (detections.md): a UE that
keeps answering the IMS AKA challenge with a synchronisation failure
(Authorization ... auts=, RFC 3310 §3.4; TS 33.102 §6.3.5).

  gen_aka_sync.py OUT.pcap N

Writes one registration (Call-ID sync-N@imsec.test): the UE's initial
REGISTER with Security-Client, the P-CSCF's 401 (AKAv1-MD5 nonce and
Security-Server), then N times [REGISTER with auts -> 401 with a fresh
RAND], 5 s apart, all in clear on UDP 10.45.0.10:5100 <-> 10.1.0.1:5060.
No SIP stack produces auts on demand (SIPp's UE checks AUTN's MAC but never
reports an SQN failure), hence a generator. Deterministic: fixed
timestamps, RAND/AUTN/AUTS from SHA-256 of a label."""
import base64
import hashlib
import struct
import sys

UE, P = "10.45.0.10", "10.1.0.1"
UC, PP = 5100, 5060
IMPI = "user1@home1.net"
T0 = 1795900000


def h(label, n):
    return hashlib.sha256(label.encode()).digest()[:n]


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src, dst, sp, dp, payload, ident):
    udp = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0, 64, 17, 0, ip4(src), ip4(dst))
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    return eth + iph + udp


def sip(lines):
    body = "\r\n".join(lines) + "\r\n\r\n"
    return body.replace("@@LEN@@", "0").encode()


def write_pcap(out, msgs):
    """msgs: (timestamp, UE->P-CSCF?, SIP bytes), as Ethernet/IPv4/UDP frames."""
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (ts, up, payload) in enumerate(msgs):
            fr = frame(UE, P, UC, PP, payload, i + 1) if up else frame(P, UE, PP, UC, payload, i + 1)
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)) + fr)


def nonce(i):
    return base64.b64encode(h("sync-rand-%d" % i, 16) + h("sync-autn-%d" % i, 16)).decode()


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    cid = "sync-%d@imsec.test" % n
    secc = "ipsec-3gpp;prot=esp;mod=trans;spi-c=4097;spi-s=4098;port-c=5100;port-s=5101;alg=hmac-sha-1-96;ealg=aes-cbc"
    secs = "ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=8193;spi-s=8194;port-c=5102;port-s=5103;alg=hmac-sha-1-96;ealg=aes-cbc"
    via = "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK-sync-%d" % (UE, UC, n)
    msgs = []

    def reg(cseq, auth):
        return sip(["REGISTER sip:home1.net SIP/2.0", via + "-%d" % cseq, "Max-Forwards: 70",
                    "From: <sip:user1@home1.net>;tag=ue%d" % n, "To: <sip:user1@home1.net>",
                    "Call-ID: " + cid, "CSeq: %d REGISTER" % cseq,
                    "Contact: <sip:user1@%s:5101>;expires=600" % UE, auth,
                    "Security-Client: " + secc, "Require: sec-agree", "Proxy-Require: sec-agree",
                    "Supported: path, sec-agree", "Expires: 600", "Content-Length: 0"])

    def r401(cseq, i):
        return sip(["SIP/2.0 401 Unauthorized", via + "-%d;received=%s;rport=%d" % (cseq, UE, UC),
                    "From: <sip:user1@home1.net>;tag=ue%d" % n, "To: <sip:user1@home1.net>;tag=pcscf%d" % n,
                    "Call-ID: " + cid, "CSeq: %d REGISTER" % cseq,
                    'WWW-Authenticate: Digest realm="home1.net", nonce="%s", algorithm=AKAv1-MD5, qop="auth"' % nonce(i),
                    "Security-Server: " + secs, "Require: sec-agree", "Supported: sec-agree", "Content-Length: 0"])

    t = T0
    msgs.append((t, True, reg(1, 'Authorization: Digest username="%s", realm="home1.net", uri="sip:home1.net", nonce="", response=""' % IMPI)))
    msgs.append((t + 0.01, False, r401(1, 0)))
    for k in range(1, n + 1):
        t = T0 + 5 * k
        auts = base64.b64encode(h("sync-auts-%d" % k, 14)).decode()
        auth = ('Authorization: Digest username="%s", realm="home1.net", uri="sip:home1.net", nonce="%s", '
                'response="", algorithm=AKAv1-MD5, auts="%s"' % (IMPI, nonce(k - 1), auts))
        msgs.append((t, True, reg(k + 1, auth)))
        msgs.append((t + 0.01, False, r401(k + 1, k)))
    write_pcap(out, msgs)


if __name__ == "__main__":
    main()
