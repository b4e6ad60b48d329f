#!/usr/bin/env python3
"""ESP decrypt throughput capture (issue 4): one IMS AKA registration in
clear (REGISTER with Security-Client, 401 with the AKA nonce and
Security-Server), then N SIP MESSAGEs UE -> P-CSCF inside SA1 (ESP
transport mode, RFC 4303), encrypted with the keys imsec must derive
itself: CK/IK by Milenage (tests/lab/aka.py) over the challenged RAND,
CK_ESP/IK_ESP per TS 33.203 Annex I.

  gen_esp_pcap.py OUT.pcap N [--ealg aes-cbc|des-ede3-cbc|null] [--alg hmac-sha-1-96|hmac-md5-96]

Also writes OUT.keys.json with the subscriber only (no explicit SAs), so
`imsec --keys OUT.keys.json OUT.pcap` runs Milenage + ESP the way it does on
the lab captures. Deterministic (fixed timestamps; IVs from SHA-256 of SPI
and sequence number, as tests/lab/espnode.py — fine for a benchmark, not how
a real implementation picks CBC IVs). SYNTHETIC traffic; needs
python3-cryptography."""
import argparse
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import warnings

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
import aka  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

UE, P = "10.45.0.10", "10.1.0.1"
UC, US, PC, PS = 5100, 5101, 5102, 5103
SPI_UC, SPI_US, SPI_PC, SPI_PS = 0x1001, 0x1002, 0x2001, 0x2002
IMPI = "user1@home1.net"
K = b"imsec-lab-K-0001"
OP = b"imsec-lab-OP-001"
AMF = b"AM"
RAND = bytes.fromhex("4c61622d52414e442d42454e43483031")
SQN = bytes.fromhex("000000000021")
T0 = 1795900000


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def csum(b):
    s = sum(struct.unpack("!10H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


ETH_UP = bytes.fromhex("020000000002" "020000000001" "0800")
ETH_DN = bytes.fromhex("020000000001" "020000000002" "0800")


def ipv4(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000, 64, proto, 0,
                    ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def udp(sp, dp, payload):
    return struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload


def sip(lines, body=""):
    return ("\r\n".join(lines) + "\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)).encode()


class SA:
    def __init__(self, spi, ealg, alg, ck_esp, ik_esp):
        self.spi, self.ealg, self.seq = spi, ealg, 0
        self.ekey, self.akey = ck_esp, ik_esp
        self.hash = hashlib.sha1 if alg == "hmac-sha-1-96" else hashlib.md5
        self.block, self.ivlen = {"aes-cbc": (16, 16), "des-ede3-cbc": (8, 8), "null": (4, 0)}[ealg]

    def seal(self, payload, nh=17):
        self.seq += 1
        padlen = (-(len(payload) + 2)) % self.block
        plain = payload + bytes(range(1, padlen + 1)) + bytes([padlen, nh])
        if self.ivlen:
            iv = hashlib.sha256(struct.pack("!II", self.spi, self.seq)).digest()[: self.ivlen]
            alg = algorithms.AES(self.ekey) if self.ealg == "aes-cbc" else algorithms.TripleDES(self.ekey)
            enc = Cipher(alg, modes.CBC(iv)).encryptor()
            body = iv + enc.update(plain) + enc.finalize()
        else:
            body = plain
        head = struct.pack("!II", self.spi, self.seq)
        return head + body + hmac.new(self.akey, head + body, self.hash).digest()[:12]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--ealg", default="aes-cbc")
    ap.add_argument("--alg", default="hmac-sha-1-96")
    a = ap.parse_args()
    opc = aka.opc_of(K, OP)
    m = aka.milenage(K, opc, RAND, SQN, AMF)
    autn = aka.xor(SQN, m["ak"]) + AMF + m["mac_a"]
    nonce = base64.b64encode(RAND + autn).decode()
    ik_esp, ck_esp = aka.esp_keys(m["ck"], m["ik"], a.alg, a.ealg)
    sa1 = SA(SPI_PS, a.ealg, a.alg, ck_esp, ik_esp)
    secc = ("ipsec-3gpp;prot=esp;mod=trans;spi-c=%d;spi-s=%d;port-c=%d;port-s=%d;alg=%s;ealg=%s"
            % (SPI_UC, SPI_US, UC, US, a.alg, a.ealg))
    secs = ("ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=%d;spi-s=%d;port-c=%d;port-s=%d;alg=%s;ealg=%s"
            % (SPI_PC, SPI_PS, PC, PS, a.alg, a.ealg))
    frm = "From: <sip:user1@home1.net>;tag=bench"
    reg = sip(["REGISTER sip:home1.net SIP/2.0", "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKbench0" % (UE, UC),
               "Max-Forwards: 70", frm, "To: <sip:user1@home1.net>", "Call-ID: bench-reg@10.45.0.10",
               "CSeq: 1 REGISTER", "Contact: <sip:user1@%s:%d>;expires=600" % (UE, US),
               'Authorization: Digest username="%s", realm="home1.net", uri="sip:home1.net", nonce="", response=""' % IMPI,
               "Security-Client: " + secc, "Require: sec-agree", "Proxy-Require: sec-agree", "Expires: 600"])
    c401 = sip(["SIP/2.0 401 Unauthorized", "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKbench0" % (UE, UC),
                frm, "To: <sip:user1@home1.net>;tag=pcscf", "Call-ID: bench-reg@10.45.0.10", "CSeq: 1 REGISTER",
                'WWW-Authenticate: Digest realm="home1.net", nonce="%s", algorithm=AKAv1-MD5, qop="auth"' % nonce,
                "Security-Server: " + secs, "Require: sec-agree"])
    body = "Benchmark message %08d " + "x" * 180
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

        def put(ts_us, frame):
            f.write(struct.pack("<IIII", T0 + ts_us // 1000000, ts_us % 1000000, len(frame), len(frame)) + frame)

        put(0, ETH_UP + ipv4(UE, P, 17, udp(UC, 5060, reg), 1))
        put(1000, ETH_DN + ipv4(P, UE, 17, udp(5060, UC, c401), 2))
        for i in range(a.n):
            msg = sip(["MESSAGE sip:user2@home1.net SIP/2.0",
                       "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKb%08d" % (UE, UC, i), "Max-Forwards: 70",
                       frm + "%d" % i, "To: <sip:user2@home1.net>", "Call-ID: bench-%d@10.45.0.10" % i,
                       "CSeq: 1 MESSAGE", "Route: <sip:%s:%d;lr>" % (P, PS),
                       "P-Preferred-Identity: <sip:user1@home1.net>", "Content-Type: text/plain"],
                      body % i)
            put(2000 + 100 * i, ETH_UP + ipv4(UE, P, 50, sa1.seal(udp(UC, PS, msg)), 3 + i))
    with open(os.path.splitext(a.out)[0] + ".keys.json", "w") as f:
        json.dump({"subscribers": [{"impi": IMPI, "k": K.hex(), "opc": opc.hex(), "amf": AMF.hex()}]}, f)


if __name__ == "__main__":
    main()
