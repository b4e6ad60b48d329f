#!/usr/bin/env python3
"""imsec lab: userspace ESP transport mode (RFC 4303) as a bump in the stack.

Why: the lab kernel may be built without CONFIG_INET_ESP (`ip xfrm state add
... proto esp` then fails with "Requested type not found").  This program
does what the kernel's xfrm would do for the IMS SAs of TS 33.203 7.1:

  * outbound: the namespace routes UDP from the protected ports into a TUN
    device (ip rule ... ipproto udp sport P lookup T); we read the IPv4
    packet, pick the SA by (source port, destination port), wrap the UDP
    datagram in ESP (transport mode, next header 17) and send it with a raw
    IPPROTO_ESP socket, so the wire carries IP protocol 50 exactly as a
    kernel SA would put it there;
  * inbound: a raw IPPROTO_ESP socket receives the ESP packets, we find the
    SA by SPI, verify the ICV, decrypt, check next header and the inner
    ports against the SA, and write the rebuilt IPv4/UDP packet into the TUN
    device, so the local SIP stack (SIPp) receives plain UDP on its port.

Algorithms (reference 2.6/2.7): hmac-sha-1-96 (IK||0^32), hmac-md5-96 (IK),
aes-cbc (CK, 16-byte IV), des-ede3-cbc (CK||CK1, 8-byte IV), null.
IVs are derived deterministically from (SPI, sequence number) so that
re-recordings only differ in timestamps; that is fine for a test lab and
is NOT how a real implementation must choose CBC IVs.

SA file (JSON): {"sas": [{"dir": "out"|"in", "spi": int, "src": ip,
  "dst": ip, "sport": int, "dport": int, "ealg": ..., "ekey": hex,
  "alg": ..., "akey": hex}, ...]}
Runs until --timeout seconds have passed or SIGTERM.
"""
import argparse
import fcntl
import hashlib
import hmac
import json
import os
import select
import signal
import socket
import struct
import sys
import time
import warnings

warnings.filterwarnings("ignore")  # TripleDES deprecation in cryptography
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
IPPROTO_ESP = 50


def ip_checksum(hdr):
    if len(hdr) % 2:
        hdr += b"\0"
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class SA:
    def __init__(self, d):
        self.dir = d["dir"]
        self.spi = int(d["spi"])
        self.src = d["src"]
        self.dst = d["dst"]
        self.sport = int(d["sport"])
        self.dport = int(d["dport"])
        self.ealg = d["ealg"]
        self.ekey = bytes.fromhex(d.get("ekey", ""))
        self.alg = d["alg"]
        self.akey = bytes.fromhex(d["akey"])
        self.seq = 0
        if self.ealg == "aes-cbc":
            self.block, self.ivlen = 16, 16
        elif self.ealg == "des-ede3-cbc":
            self.block, self.ivlen = 8, 8
        elif self.ealg == "null":
            self.block, self.ivlen = 4, 0
        else:
            raise SystemExit("espnode: unsupported ealg " + self.ealg)
        if self.alg == "hmac-sha-1-96":
            self.hash = hashlib.sha1
        elif self.alg == "hmac-md5-96":
            self.hash = hashlib.md5
        else:
            raise SystemExit("espnode: unsupported alg " + self.alg)

    def _cipher(self, iv):
        if self.ealg == "aes-cbc":
            return Cipher(algorithms.AES(self.ekey), modes.CBC(iv))
        return Cipher(algorithms.TripleDES(self.ekey), modes.CBC(iv))

    def icv(self, data):
        return hmac.new(self.akey, data, self.hash).digest()[:12]

    def seal(self, payload, nh):
        self.seq += 1
        padlen = (-(len(payload) + 2)) % self.block
        plain = payload + bytes(range(1, padlen + 1)) + bytes([padlen, nh])
        if self.ivlen:
            iv = hashlib.sha256(struct.pack("!II", self.spi, self.seq)).digest()[: self.ivlen]
            enc = self._cipher(iv).encryptor()
            body = iv + enc.update(plain) + enc.finalize()
        else:
            body = plain
        head = struct.pack("!II", self.spi, self.seq)
        return head + body + self.icv(head + body)

    def open(self, esp):
        if len(esp) < 8 + self.ivlen + 12 + 2:
            return None
        data, icv = esp[:-12], esp[-12:]
        if not hmac.compare_digest(self.icv(data), icv):
            return None
        body = data[8:]
        if self.ivlen:
            iv, ct = body[: self.ivlen], body[self.ivlen:]
            if not ct or len(ct) % self.block:
                return None
            dec = self._cipher(iv).decryptor()
            plain = dec.update(ct) + dec.finalize()
        else:
            plain = body
        padlen, nh = plain[-2], plain[-1]
        if padlen + 2 > len(plain):
            return None
        return plain[: len(plain) - 2 - padlen], nh


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tun", required=True)
    ap.add_argument("--local", required=True)
    ap.add_argument("--sa-file", required=True)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--ready", help="file touched once the TUN device exists")
    a = ap.parse_args()

    with open(a.sa_file) as f:
        sas = [SA(d) for d in json.load(f)["sas"]]
    out = {(s.src, s.dst, s.sport, s.dport): s for s in sas if s.dir == "out"}
    inb = {(s.spi, s.dst): s for s in sas if s.dir == "in"}

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", a.tun.encode(), IFF_TUN | IFF_NO_PI))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_ESP)
    raw.bind((a.local, 0))
    if a.ready:
        open(a.ready, "w").close()

    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    deadline = time.monotonic() + a.timeout
    stats = {"out": 0, "in": 0, "drop": 0}
    while not stop[0] and time.monotonic() < deadline:
        r, _, _ = select.select([tun, raw], [], [], 0.2)
        if tun in r:
            pkt = os.read(tun, 65535)
            if len(pkt) < 28 or pkt[0] >> 4 != 4:
                continue  # only IPv4 is routed here
            ihl = (pkt[0] & 15) * 4
            proto = pkt[9]
            src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
            payload = pkt[ihl:]
            sport, dport = struct.unpack("!HH", payload[:4])
            sa = out.get((src, dst, sport, dport))
            if sa is None or proto != 17:
                stats["drop"] += 1
                continue
            raw.sendto(sa.seal(payload, proto), (dst, 0))
            stats["out"] += 1
        if raw in r:
            pkt, _ = raw.recvfrom(65535)
            ihl = (pkt[0] & 15) * 4
            src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
            esp = pkt[ihl:]
            if len(esp) < 8:
                continue
            spi = struct.unpack("!I", esp[:4])[0]
            sa = inb.get((spi, dst))
            res = sa.open(esp) if sa else None
            if res is None:
                stats["drop"] += 1
                continue
            inner, nh = res
            if nh != 17 or len(inner) < 8 or src != sa.src:
                stats["drop"] += 1
                continue
            sport, dport = struct.unpack("!HH", inner[:4])
            if (sport, dport) != (sa.sport, sa.dport):
                stats["drop"] += 1  # traffic selector of the SA (RFC 4301 5.2)
                continue
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(inner), 0, 0x4000, 64, nh, 0,
                              socket.inet_aton(src), socket.inet_aton(dst))
            hdr = hdr[:10] + struct.pack("!H", ip_checksum(hdr)) + hdr[12:]
            os.write(tun, hdr + inner)
            stats["in"] += 1
    print("espnode %s: out=%d in=%d drop=%d" % (a.local, stats["out"], stats["in"], stats["drop"]),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
