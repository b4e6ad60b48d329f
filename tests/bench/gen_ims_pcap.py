#!/usr/bin/env python3
"""Generate large, realistic IMS (Gm interface) captures for imsec's benchmarks.

Python 3 standard library only.  The output is a classic pcap (Ethernet link
type 1 by default, or raw IPv4, link type 101, with --linktype raw), written
directly with struct.  The same arguments and --seed give the same bytes.

The capture point is the access side of one P-CSCF (10.1.0.1) with its media
anchor (IMS-AGW, 10.1.0.2); UEs live in 10.45.0.0/16 (and up).  Traffic:

* per UE an IMS AKA registration (TS 24.229 5.1.1.2, TS 33.203 7.1):
  unprotected REGISTER with Security-Client -> 401 with an AKAv1-MD5 nonce
  and Security-Server -> REGISTER on the new protected ports with the
  response and Security-Verify -> 200 OK with P-Associated-URI,
  Service-Route and Path; then periodic re-registrations over the SAs;
* calls between registered UEs (INVITE/100/180/200/ACK ... BYE/200), each
  message seen twice (UE -> P-CSCF and P-CSCF -> UE), SDP with c=/m=audio,
  AMR-WB RTP through the media anchor;
* some blind transfers (REFER/202/NOTIFY sipfrag/200, new INVITE with
  Referred-By, final NOTIFY, BYE of the old dialog);
* some OPTIONS in both directions;
* mostly UDP; a share of UEs uses TCP (three-way handshake, correct sequence
  and acknowledgement numbers, several SIP messages per connection, segments
  of at most 1448 bytes).

IPv4 and UDP/TCP checksums are correct (RTP is sent with UDP checksum 0,
which IPv4 allows).  SIP over UDP larger than the MTU (--mtu, default 1500:
the relayed INVITEs and 200s with SDP and the long Via/Record-Route sets) is
sent as IPv4 fragments, as real P-CSCFs do.

Modes:
  default            time-driven mix until --target-mb (or --total-calls)
  --dialogs-concurrent N
                     N calls set up (INVITE/100/180/200/ACK, a new call every
                     0.5 ms, transactions overlapping), all kept open, then
                     all released (BYE/200): for the memory-per-dialog test.
                     The capture spans about N ms + 5 s, so no dialog idles
                     long.  Unregistered UEs on port 5060, one UE per dialog
                     unless --ues is given.

Examples:
  gen_ims_pcap.py --preset 100mb --out ims100.pcap
  gen_ims_pcap.py --preset 1gb --sip-only --out sip1g.pcap
  gen_ims_pcap.py --dialogs-concurrent 100000 --out dlg100k.pcap
"""

import argparse
import base64
import hashlib
import heapq
import random
import struct
import sys
import time

DOMAIN = "ims.mnc001.mcc001.3gppnetwork.org"
PCSCF_IP = "10.1.0.1"
AGW_IP = "10.1.0.2"
PCSCF_HOST = "pcscf." + DOMAIN
SCSCF_HOST = "scscf." + DOMAIN
P_UNPROT = 5060
P_PC = 5104  # P-CSCF protected client port (TS 33.203 7.1)
P_PS = 5103  # P-CSCF protected server port
ALLOW = "INVITE, ACK, OPTIONS, CANCEL, BYE, UPDATE, INFO, REFER, NOTIFY, MESSAGE, PRACK"
ICSI = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel'
USER_AGENTS = [
    "Samsung IMS 6.0", "iOS/17.4 iPhone", "Xiaomi IMS 1.2", "Qualcomm IMS client",
    "Google Pixel IMS 2.1", "Nokia IMS 5.0",
]
PRESETS = {
    "100mb": dict(target_mb=100, ues=2000, calls=200),
    "1gb": dict(target_mb=1024, ues=20000, calls=1000),
}

START_S = 1767225600  # capture starts 2026-01-01T00:00:00Z
MAC_CORE = bytes.fromhex("020000000101")  # P-CSCF / IMS-AGW side
MAC_GW = bytes.fromhex("020000000001")    # PGW/UPF side (towards the UEs)
ETH_UP = MAC_CORE + MAC_GW + b"\x08\x00"   # UE -> core
ETH_DOWN = MAC_GW + MAC_CORE + b"\x08\x00"  # core -> UE

_rec = struct.Struct("<IIII").pack
_ip = struct.Struct(">BBHHHBBH4s4s").pack
_udp = struct.Struct(">HHHH").pack
_tcp = struct.Struct(">HHIIBBHHH").pack
_rtp = struct.Struct(">BBHII").pack
_H = struct.Struct(">H").pack


def ip_bytes(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    """Internet checksum (RFC 1071): the one's complement sum of 16-bit words
    equals the big integer modulo 0xFFFF (2^16 == 1 mod 0xFFFF)."""
    if len(data) & 1:
        data += b"\0"
    x = int.from_bytes(data, "big") % 0xFFFF
    if x == 0 and any(data):
        x = 0xFFFF
    return (~x) & 0xFFFF


class Writer:
    """Classic pcap writer with monotonic timestamps (integer microseconds)."""

    def __init__(self, path, linktype, mtu=1500):
        self.f = open(path, "wb", buffering=1 << 22)
        self.eth = linktype == "ether"
        lt = 1 if self.eth else 101
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, lt))
        self.size = 24
        self.last = 0
        self.packets = 0
        self.sip = 0
        self.rtp_packets = 0
        self.ipid = 1
        self.mtu = mtu

    def close(self):
        self.f.close()

    def _l2(self, src):
        if not self.eth:
            return b""
        return ETH_DOWN if src[1] == 1 and src[0] == 10 else ETH_UP

    def frame(self, t, data):
        if t <= self.last:
            t = self.last + 1
        self.last = t
        n = len(data)
        self.f.write(_rec(START_S + t // 1000000, t % 1000000, n, n) + data)
        self.size += 16 + n
        self.packets += 1
        return t

    def ipv4(self, src, dst, proto, l4, tos=0x68):
        self.ipid = (self.ipid + 1) & 0xFFFF
        h = _ip(0x45, tos, 20 + len(l4), self.ipid, 0x4000, 64, proto, 0, src, dst)
        c = csum(h)
        return self._l2(src) + h[:10] + _H(c) + h[12:] + l4

    def udp(self, t, src, sport, dst, dport, payload):
        ln = 8 + len(payload)
        pseudo = src + dst + b"\x00\x11" + _H(ln)
        c = csum(pseudo + _udp(sport, dport, ln, 0) + payload) or 0xFFFF
        l4 = _udp(sport, dport, ln, c) + payload
        if self.mtu and 20 + ln > self.mtu:
            return self.fragments(t, src, dst, 17, l4)
        return self.frame(t, self.ipv4(src, dst, 17, l4))

    def fragments(self, t, src, dst, proto, l4):
        """IPv4 fragmentation (RFC 791): what a sender does with a SIP request
        over UDP that is larger than the path MTU (common for INVITEs in IMS)."""
        self.ipid = (self.ipid + 1) & 0xFFFF
        step = (self.mtu - 20) & ~7
        l2 = self._l2(src)
        for off in range(0, len(l4), step):
            part = l4[off:off + step]
            more = 0x2000 if off + step < len(l4) else 0
            h = _ip(0x45, 0x68, 20 + len(part), self.ipid, more | (off >> 3), 64, proto, 0, src, dst)
            t = self.frame(t, l2 + h[:10] + _H(csum(h)) + h[12:] + part) + 1
        return t

    def tcp(self, t, src, sport, dst, dport, seq, ack, flags, payload=b""):
        hdr = _tcp(sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 64240, 0, 0)
        pseudo = src + dst + b"\x00\x06" + _H(20 + len(payload))
        c = csum(pseudo + hdr + payload)
        hdr = hdr[:16] + _H(c) + hdr[18:]
        return self.frame(t, self.ipv4(src, dst, 6, hdr + payload))

    def rtp(self, t, st):
        if t <= self.last:
            t = self.last + 1
        self.last = t
        st.seq = (st.seq + 1) & 0xFFFF
        st.ts = (st.ts + 320) & 0xFFFFFFFF
        n = st.flen
        self.f.write(_rec(START_S + t // 1000000, t % 1000000, n, n) + st.prefix
                     + _rtp(0x80, st.pt, st.seq, st.ts, st.ssrc) + RTP_PAYLOADS[st.seq & 7])
        self.size += 16 + n
        self.packets += 1
        self.rtp_packets += 1


RTP_PAYLOAD_LEN = 62  # AMR-WB 23.85 kbit/s octet-aligned: CMR, one ToC, 60 speech octets
RTP_PAYLOADS = []


class RtpStream:
    __slots__ = ("prefix", "flen", "seq", "ts", "ssrc", "pt", "left")

    def __init__(self, w, rng, src, sport, dst, dport, left):
        ln = 8 + 12 + RTP_PAYLOAD_LEN
        ip = _ip(0x45, 0xB8, 20 + ln, 0, 0x4000, 64, 17, 0, src, dst)
        ip = ip[:10] + _H(csum(ip)) + ip[12:]
        self.prefix = w._l2(src) + ip + _udp(sport, dport, ln, 0)
        self.flen = len(self.prefix) + 12 + RTP_PAYLOAD_LEN
        self.seq = rng.getrandbits(16)
        self.ts = rng.getrandbits(32)
        self.ssrc = rng.getrandbits(32)
        self.pt = 116
        self.left = left


class TcpConn:
    """One TCP connection; side a opened it."""

    def __init__(self, rng, a, ap, b, bp):
        self.a, self.ap, self.b, self.bp = a, ap, b, bp
        self.sa = rng.getrandbits(32)
        self.sb = rng.getrandbits(32)
        self.up = False

    def open(self, w, t):
        t = w.tcp(t, self.a, self.ap, self.b, self.bp, self.sa, 0, 0x02)
        t = w.tcp(t + 150, self.b, self.bp, self.a, self.ap, self.sb, self.sa + 1, 0x12)
        self.sa += 1
        self.sb += 1
        t = w.tcp(t + 150, self.a, self.ap, self.b, self.bp, self.sa, self.sb, 0x10)
        self.up = True
        return t

    def send(self, w, t, from_a, payload):
        if not self.up:
            t = self.open(w, t) + 50
        if from_a:
            s, sp, d, dp = self.a, self.ap, self.b, self.bp
        else:
            s, sp, d, dp = self.b, self.bp, self.a, self.ap
        for off in range(0, len(payload), 1448):
            seg = payload[off:off + 1448]
            if from_a:
                t = w.tcp(t, s, sp, d, dp, self.sa, self.sb, 0x18, seg)
                self.sa += len(seg)
            else:
                t = w.tcp(t, s, sp, d, dp, self.sb, self.sa, 0x18, seg)
                self.sb += len(seg)
        # the receiver's (delayed) pure ACK
        if from_a:
            w.tcp(t + 40, d, dp, s, sp, self.sb, self.sa, 0x10)
        else:
            w.tcp(t + 40, d, dp, s, sp, self.sa, self.sb, 0x10)

    def close(self, w, t):
        if not self.up:
            return
        t = w.tcp(t, self.a, self.ap, self.b, self.bp, self.sa, self.sb, 0x11)
        self.sa += 1
        t = w.tcp(t + 100, self.b, self.bp, self.a, self.ap, self.sb, self.sa, 0x11)
        self.sb += 1
        w.tcp(t + 100, self.a, self.ap, self.b, self.bp, self.sa, self.sb, 0x10)
        self.up = False


def hexid(rng, bits):
    return format(rng.getrandbits(bits), "0%dx" % (bits // 4))


def build(first, vias, maxf, hdrs, body=b"", ctype=None):
    lines = [first]
    for v in vias:
        lines.append("Via: " + v)
    if maxf is not None:
        lines.append("Max-Forwards: %d" % maxf)
    lines.extend(hdrs)
    if body:
        lines.append("Content-Type: " + ctype)
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def sdp(rng, ip, port, sess):
    return ("v=0\r\n"
            "o=- %d 1 IN IP4 %s\r\n"
            "s=-\r\n"
            "c=IN IP4 %s\r\n"
            "b=AS:49\r\n"
            "t=0 0\r\n"
            "m=audio %d RTP/AVP 116 118 111 110\r\n"
            "b=AS:49\r\n"
            "a=rtpmap:116 AMR-WB/16000/1\r\n"
            "a=fmtp:116 octet-align=1;mode-change-capability=2;max-red=0\r\n"
            "a=rtpmap:118 AMR/8000/1\r\n"
            "a=fmtp:118 octet-align=1;mode-change-capability=2;max-red=0\r\n"
            "a=rtpmap:111 telephone-event/16000\r\n"
            "a=rtpmap:110 telephone-event/8000\r\n"
            "a=ptime:20\r\n"
            "a=maxptime:240\r\n"
            "a=sendrecv\r\n" % (sess, ip, ip, port)).encode()


class UE:
    def __init__(self, idx, rng, tcp):
        n = (10 << 24) | (45 << 16) + idx + 2
        self.idx = idx
        self.ips = "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)
        self.ip = ip_bytes(self.ips)
        self.msisdn = "+1555%07d" % idx
        self.impi = "001010%09d@%s" % (idx, DOMAIN)
        self.impu = "sip:%s@%s" % (self.msisdn, DOMAIN)
        self.tel = "tel:" + self.msisdn
        # protected ports from 37100-41099: a range where Wireshark 4.0 has no
        # port-registered dissector, so tshark -Y sip sees every message
        self.puc = 37100 + 2 * rng.randrange(2000)
        self.pus = self.puc + 1
        self.spic = rng.getrandbits(32)
        self.spis = self.spic + 1
        self.pspic = rng.getrandbits(32)
        self.pspis = self.pspic + 1
        self.tcp = tcp
        self.tp = "TCP" if tcp else "UDP"
        self.ua = rng.choice(USER_AGENTS)
        self.imei = "%08d-%06d-0" % (rng.randrange(10 ** 8), rng.randrange(10 ** 6))
        self.registered = False
        self.busy = False
        self.reg_cid = None
        self.reg_tag = None
        self.reg_cseq = 0
        self.nonce = None
        self.nc = 0
        self.conn_uc = None  # UE port_uc -> P-CSCF port_ps
        self.conn_pc = None  # P-CSCF port_pc -> UE port_us
        self.contact = "<sip:%s@%s:%d>" % (self.msisdn, self.ips, self.pus)
        self.via_host = "%s:%d" % (self.ips, self.pus)

    def sec_client(self):
        return ("ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=%d;spi-s=%d;port-c=%d;port-s=%d"
                % (self.spic, self.spis, self.puc, self.pus))

    def sec_server(self):
        return ("ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=%d;spi-s=%d;port-c=%d;port-s=%d;"
                "alg=hmac-sha-1-96;ealg=aes-cbc" % (self.pspic, self.pspis, P_PC, P_PS))


class Dialog:
    pass


class Sim:
    def __init__(self, args, w):
        self.args = args
        self.w = w
        self.rng = random.Random(args.seed)
        self.now = 0
        self.stopping = False
        self.heap = []
        self.seq = 0
        self.pc = ip_bytes(PCSCF_IP)
        self.agw = ip_bytes(AGW_IP)
        self.buckets = [[] for _ in range(20)]
        self.calls_started = 0
        self.calls_established = 0
        self.other_base = None
        self.outstanding = 0  # RTP packets promised to running calls, not yet sent
        self.media_calls = 0
        self.transfers = 0
        self.options = 0
        self.registrations = 0
        self.agw_port = 30000
        self.target = int(args.target_mb * 1024 * 1024) if args.target_mb else None
        share = min(max(args.rtp_share, 0.0), 0.99)
        self.rtp_ratio = 0.0 if args.sip_only else share / (1.0 - share)
        rng = self.rng
        self.ues = [UE(i, rng, rng.random() < args.tcp_share) for i in range(args.ues)]

    # --- scheduling -------------------------------------------------------
    def spawn(self, gen, at):
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, gen))

    def run(self):
        w = self.w
        heap = self.heap
        while heap:
            t, _, g = heapq.heappop(heap)
            self.now = t
            try:
                d = next(g)
            except StopIteration:
                continue
            self.seq += 1
            heapq.heappush(heap, (t + d, self.seq, g))
            if not self.stopping and self.target is not None and w.size >= self.target:
                self.stopping = True

    # --- transport --------------------------------------------------------
    # Paths follow TS 33.203 7.1: the UE's requests go port_uc -> port_ps and
    # their responses come back on the same pair; the P-CSCF's requests go
    # port_pc -> port_us.  Over TCP each pair is one connection.
    def ue_req(self, ue, data):  # UE -> P-CSCF request (or its ACK/CANCEL)
        self.w.sip += 1
        if ue.tcp:
            if ue.conn_uc is None:
                ue.conn_uc = TcpConn(self.rng, ue.ip, ue.puc, self.pc, P_PS)
            ue.conn_uc.send(self.w, self.now, True, data)
        else:
            self.w.udp(self.now, ue.ip, ue.puc, self.pc, P_PS, data)

    def ue_req_resp(self, ue, data):  # P-CSCF -> UE response to a UE request
        self.w.sip += 1
        if ue.tcp:
            ue.conn_uc.send(self.w, self.now, False, data)
        else:
            self.w.udp(self.now, self.pc, P_PS, ue.ip, ue.puc, data)

    def p_req(self, ue, data):  # P-CSCF -> UE request
        self.w.sip += 1
        if ue.tcp:
            if ue.conn_pc is None:
                ue.conn_pc = TcpConn(self.rng, self.pc, P_PC, ue.ip, ue.pus)
            ue.conn_pc.send(self.w, self.now, True, data)
        else:
            self.w.udp(self.now, self.pc, P_PC, ue.ip, ue.pus, data)

    def p_req_resp(self, ue, data):  # UE -> P-CSCF response to a P-CSCF request
        self.w.sip += 1
        if ue.tcp:
            ue.conn_pc.send(self.w, self.now, False, data)
        else:
            self.w.udp(self.now, ue.ip, ue.pus, self.pc, P_PC, data)

    def jit(self, lo, hi):
        return int(self.rng.uniform(lo, hi) * 1000)  # ms -> us

    # --- registration -----------------------------------------------------
    def register(self, ue):
        rng = self.rng
        ue.reg_cid = "%s@%s" % (hexid(rng, 96), ue.ips)
        ue.reg_tag = hexid(rng, 32)
        ue.reg_cseq = 1
        frm = "From: <%s>;tag=%s" % (ue.impu, ue.reg_tag)
        to = "To: <%s>" % ue.impu
        cid = "Call-ID: " + ue.reg_cid
        contact = ('Contact: <sip:%s@%s:PORT>;+sip.instance="<urn:gsma:imei:%s>";'
                   '+g.3gpp.icsi-ref="%s";+g.3gpp.smsip;audio;expires=600000'
                   % (ue.msisdn, ue.ips, ue.imei, ICSI))
        common = ["Supported: path, gruu, sec-agree", "Require: sec-agree",
                  "Proxy-Require: sec-agree", "Allow: " + ALLOW,
                  "User-Agent: " + ue.ua]
        # 1. unprotected REGISTER (TS 24.229 5.1.1.2.1)
        unp_port = 5060 if not ue.tcp else 37100 + rng.randrange(4000)
        via = "SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport" % (ue.tp, ue.ips, unp_port, hexid(rng, 64))
        auth = ('Authorization: Digest username="%s",realm="%s",uri="sip:%s",nonce="",'
                'response="",algorithm=AKAv1-MD5' % (ue.impi, DOMAIN, DOMAIN))
        r1 = build("REGISTER sip:%s SIP/2.0" % DOMAIN, [via], 70,
                   [frm, to, cid, "CSeq: 1 REGISTER", contact.replace("PORT", str(unp_port)), "Expires: 600000"]
                   + common + [auth, "Security-Client: " + ue.sec_client()])
        conn = None
        if ue.tcp:
            conn = TcpConn(rng, ue.ip, unp_port, self.pc, P_UNPROT)
            conn.send(self.w, self.now, True, r1)
        else:
            self.w.udp(self.now, ue.ip, 5060, self.pc, P_UNPROT, r1)
        self.w.sip += 1
        yield self.jit(20, 80)
        # 2. 401 with the AKA challenge: nonce = base64(RAND || AUTN || ...)
        ue.nonce = base64.b64encode(rng.randbytes(32)).decode()
        ue.nc = 0
        r401 = build("SIP/2.0 401 Unauthorized", [via + ";received=" + ue.ips], None,
                     [frm, to + ";tag=" + hexid(rng, 32), cid, "CSeq: 1 REGISTER",
                      'WWW-Authenticate: Digest realm="%s",nonce="%s",algorithm=AKAv1-MD5,qop="auth"'
                      % (DOMAIN, ue.nonce),
                      "Security-Server: " + ue.sec_server()])
        if ue.tcp:
            conn.send(self.w, self.now, False, r401)
            self.w.sip += 1
            yield 300
            conn.close(self.w, self.now)
        else:
            self.w.udp(self.now, self.pc, P_UNPROT, ue.ip, 5060, r401)
            self.w.sip += 1
        yield self.jit(30, 120)
        # 3. REGISTER on the protected ports with the response and Security-Verify
        yield from self.reregister(ue, first=True)
        self.registrations += 1

    def auth_hdr(self, ue):
        ue.nc += 1
        cnonce = hexid(self.rng, 64)
        resp = hashlib.md5(("%s:%s:%d:%s" % (ue.impi, ue.nonce, ue.nc, cnonce)).encode()).hexdigest()
        return ('Authorization: Digest username="%s",realm="%s",uri="sip:%s",nonce="%s",'
                'nc=%08x,cnonce="%s",qop=auth,response="%s",algorithm=AKAv1-MD5'
                % (ue.impi, DOMAIN, DOMAIN, ue.nonce, ue.nc, cnonce, resp))

    def reregister(self, ue, first=False):
        rng = self.rng
        ue.reg_cseq += 1
        frm = "From: <%s>;tag=%s" % (ue.impu, ue.reg_tag)
        to = "To: <%s>" % ue.impu
        cid = "Call-ID: " + ue.reg_cid
        cseq = "CSeq: %d REGISTER" % ue.reg_cseq
        contact = ('Contact: <sip:%s@%s:%d>;+sip.instance="<urn:gsma:imei:%s>";'
                   '+g.3gpp.icsi-ref="%s";+g.3gpp.smsip;audio'
                   % (ue.msisdn, ue.ips, ue.pus, ue.imei, ICSI))
        via = "SIP/2.0/%s %s;branch=z9hG4bK%s;rport" % (ue.tp, ue.via_host, hexid(rng, 64))
        exp = self.args.rereg * 2
        r = build("REGISTER sip:%s SIP/2.0" % DOMAIN, [via], 70,
                  [frm, to, cid, cseq, contact, "Expires: %d" % exp,
                   "Supported: path, gruu, sec-agree", "Require: sec-agree",
                   "Proxy-Require: sec-agree", "Allow: " + ALLOW, "User-Agent: " + ue.ua,
                   self.auth_hdr(ue), "Security-Client: " + ue.sec_client(),
                   "Security-Verify: " + ue.sec_server()])
        self.ue_req(ue, r)
        yield self.jit(40, 150)
        ok = build("SIP/2.0 200 OK", [via + ";received=" + ue.ips], None,
                   [frm, to + ";tag=" + hexid(rng, 32), cid, cseq,
                    contact + ";expires=%d" % exp,
                    "Expires: %d" % exp,
                    "P-Associated-URI: <%s>, <%s>" % (ue.impu, ue.tel),
                    "Service-Route: <sip:orig@%s:6060;lr>" % SCSCF_HOST,
                    "Path: <sip:term@%s:%d;lr>" % (PCSCF_HOST, P_PC),
                    "P-Charging-Function-Addresses: ccf=pri_ccf_address",
                    "Date: Thu, 01 Jan 2026 00:00:00 GMT"])
        self.ue_req_resp(ue, ok)
        if first:
            ue.registered = True

    def ue_life(self, ue, start):
        yield start
        yield from self.register(ue)
        while True:
            yield int(self.args.rereg * 1e6 * self.rng.uniform(0.9, 1.1))
            if self.stopping:
                return
            if self.rng.random() < self.args.options:
                yield from self.options_flow(ue)
                yield self.jit(100, 1000)
            if ue.busy:
                yield self.jit(500, 2000)
            yield from self.reregister(ue)

    def options_flow(self, ue):
        rng = self.rng
        self.options += 1
        cid = "Call-ID: %s@%s" % (hexid(rng, 96), PCSCF_HOST if rng.random() < 0.5 else ue.ips)
        if rng.random() < 0.5:
            # P-CSCF keep-alive / reachability check towards the UE
            via = "SIP/2.0/%s %s:%d;branch=z9hG4bK%s" % (ue.tp, PCSCF_IP, P_PC, hexid(rng, 64))
            frm = "From: <sip:%s>;tag=%s" % (PCSCF_HOST, hexid(rng, 32))
            to = "To: <%s>" % ue.impu
            req = build("OPTIONS sip:%s@%s:%d SIP/2.0" % (ue.msisdn, ue.ips, ue.pus), [via], 70,
                        [frm, to, cid, "CSeq: 1 OPTIONS", "Accept: application/sdp"])
            self.p_req(ue, req)
            yield self.jit(10, 60)
            ok = build("SIP/2.0 200 OK", [via], None,
                       [frm, to + ";tag=" + hexid(rng, 32), cid, "CSeq: 1 OPTIONS",
                        "Allow: " + ALLOW, "Accept: application/sdp, message/sipfrag",
                        "Supported: 100rel, timer, replaces, sec-agree", "User-Agent: " + ue.ua])
            self.p_req_resp(ue, ok)
        else:
            # UE capability query towards its own registration
            via = "SIP/2.0/%s %s;branch=z9hG4bK%s;rport" % (ue.tp, ue.via_host, hexid(rng, 64))
            frm = "From: <%s>;tag=%s" % (ue.impu, hexid(rng, 32))
            to = "To: <%s>" % ue.impu
            req = build("OPTIONS %s SIP/2.0" % ue.impu, [via], 70,
                        [frm, to, cid, "CSeq: 1 OPTIONS",
                         "Route: <sip:%s:%d;lr>, <sip:orig@%s:6060;lr>" % (PCSCF_IP, P_PS, SCSCF_HOST),
                         "Accept: application/sdp", "User-Agent: " + ue.ua])
            self.ue_req(ue, req)
            yield self.jit(20, 90)
            ok = build("SIP/2.0 200 OK", [via + ";received=" + ue.ips], None,
                       [frm, to + ";tag=" + hexid(rng, 32), cid, "CSeq: 1 OPTIONS",
                        "Allow: " + ALLOW, "Accept: application/sdp"])
            self.ue_req_resp(ue, ok)

    # --- calls --------------------------------------------------------------
    def pick_idle(self, exclude=()):
        rng = self.rng
        for _ in range(20):
            ue = self.ues[rng.randrange(len(self.ues))]
            if ue.registered and not ue.busy and ue not in exclude:
                return ue
        return None

    def slot(self, start):
        args = self.args
        yield start
        while not self.stopping:
            if args.total_calls and self.calls_started >= args.total_calls:
                self.stopping = True
                return
            a = self.pick_idle()
            b = self.pick_idle((a,)) if a else None
            if not b:
                yield self.jit(100, 300)
                continue
            c = None
            if self.rng.random() < args.transfers:
                c = self.pick_idle((a, b))
            a.busy = b.busy = True
            if c:
                c.busy = True
            self.calls_started += 1
            yield from self.call(a, b, c)
            a.busy = b.busy = False
            if c:
                c.busy = False
            yield self.jit(100, 2000)

    def call(self, a, b, c):
        d = yield from self.setup(a, b, None)
        yield from self.media(d)
        if c is None:
            yield from self.bye(d, self.rng.random() < 0.5)
            return
        self.transfers += 1
        d2 = yield from self.transfer(d, c)
        yield from self.media(d2)
        yield from self.bye(d2, self.rng.random() < 0.5)

    def rr_sets(self):
        # Record-Route as seen by the callee (top first) and the caller's route set
        rr = ["<sip:%s:%d;lr>" % (PCSCF_IP, P_PC), "<sip:mt@%s:6060;lr>" % SCSCF_HOST,
              "<sip:mo@%s:6060;lr>" % SCSCF_HOST, "<sip:%s:%d;lr>" % (PCSCF_IP, P_PS)]
        return rr

    def core_vias(self, rng):
        return ["SIP/2.0/UDP %s:6060;branch=z9hG4bK%s" % (SCSCF_HOST, hexid(rng, 64)),
                "SIP/2.0/UDP %s:6060;branch=z9hG4bK%s" % (SCSCF_HOST, hexid(rng, 64)),
                "SIP/2.0/UDP %s:%d;branch=z9hG4bK%s" % (PCSCF_HOST, P_PS, hexid(rng, 64))]

    def setup(self, a, b, referred_by):
        """INVITE from a to b through the P-CSCF up to the ACK on both legs."""
        rng = self.rng
        w = self.w
        d = Dialog()
        d.a, d.b = a, b
        d.cid = "%s@%s" % (hexid(rng, 96), a.ips)
        d.atag, d.btag = hexid(rng, 32), hexid(rng, 32)
        d.acseq, d.bcseq = 1, 1
        d.a_rtp = 10000 + 2 * rng.randrange(20000)
        d.b_rtp = 10000 + 2 * rng.randrange(20000)
        self.agw_port = 30000 + (self.agw_port + 4 - 30000) % 30000
        d.agw_a, d.agw_b = self.agw_port, self.agw_port + 2
        d.frm = "From: <%s>;tag=%s" % (a.impu, d.atag)
        d.to_uri = "sip:%s@%s;user=phone" % (b.msisdn, DOMAIN)
        d.to0 = "To: <%s>" % d.to_uri
        d.to = d.to0 + ";tag=" + d.btag
        d.callid = "Call-ID: " + d.cid
        rr = self.rr_sets()
        d.rr_callee = "Record-Route: " + ", ".join(rr)
        d.rr_caller = "Record-Route: " + ", ".join(rr)
        d.route_a = "Route: " + ", ".join(reversed(rr))  # caller's in-dialog route set
        d.route_b = "Route: " + ", ".join(rr)
        sess = rng.getrandbits(31)
        cseq = "CSeq: 1 INVITE"
        via_a = "SIP/2.0/%s %s;branch=z9hG4bK%s;rport" % (a.tp, a.via_host, hexid(rng, 64))
        extra = []
        if referred_by is not None:
            extra = ["Referred-By: <%s>" % referred_by.impu]
        common = ["Supported: 100rel, timer, replaces", "Session-Expires: 1800;refresher=uac",
                  "Min-SE: 90", "Accept: application/sdp", "Allow: " + ALLOW]
        body_a = sdp(rng, a.ips, d.a_rtp, sess)
        inv_a = build("INVITE %s SIP/2.0" % d.to_uri, [via_a], 70,
                      ["Route: <sip:%s:%d;lr>, <sip:orig@%s:6060;lr>" % (PCSCF_IP, P_PS, SCSCF_HOST),
                       d.frm, d.to0, d.callid, cseq,
                       'Contact: %s;+g.3gpp.icsi-ref="%s";audio' % (a.contact, ICSI),
                       "P-Preferred-Identity: <%s>" % a.impu,
                       "P-Preferred-Service: urn:urn-7:3gpp-service.ims.icsi.mmtel",
                       'Accept-Contact: *;+g.3gpp.icsi-ref="%s"' % ICSI,
                       "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=0010100010019B01",
                       "User-Agent: " + a.ua] + common + extra, body_a, "application/sdp")
        self.ue_req(a, inv_a)
        yield self.jit(2, 8)
        via_a_r = via_a + ";received=" + a.ips
        self.ue_req_resp(a, build("SIP/2.0 100 Trying", [via_a_r], None,
                                  [d.frm, d.to0, d.callid, cseq]))
        yield self.jit(20, 80)
        vias_b = ["SIP/2.0/%s %s:%d;branch=z9hG4bK%s" % (b.tp, PCSCF_IP, P_PC, hexid(rng, 64))] \
            + self.core_vias(rng) + [via_a_r]
        body_b = sdp(rng, AGW_IP, d.agw_b, sess)
        inv_b = build("INVITE sip:%s@%s:%d SIP/2.0" % (b.msisdn, b.ips, b.pus), vias_b, 65,
                      [d.rr_callee, d.frm, d.to0, d.callid, cseq,
                       'Contact: %s;+g.3gpp.icsi-ref="%s";audio' % (a.contact, ICSI),
                       "P-Asserted-Identity: <%s>, <%s>" % (a.impu, a.tel),
                       "P-Called-Party-ID: <%s>" % d.to_uri,
                       'Accept-Contact: *;+g.3gpp.icsi-ref="%s"' % ICSI,
                       "User-Agent: " + a.ua] + common + extra, body_b, "application/sdp")
        self.p_req(b, inv_b)
        yield self.jit(30, 150)
        contact_b = 'Contact: %s;+g.3gpp.icsi-ref="%s";audio' % (b.contact, ICSI)
        ring_hdrs = [d.rr_callee, d.frm, d.to, d.callid, cseq, contact_b, "Allow: " + ALLOW]
        self.p_req_resp(b, build("SIP/2.0 180 Ringing", vias_b, None, ring_hdrs))
        yield self.jit(2, 8)
        self.ue_req_resp(a, build("SIP/2.0 180 Ringing", [via_a_r], None,
                                  [d.rr_caller, d.frm, d.to, d.callid, cseq, contact_b,
                                   "P-Asserted-Identity: <%s>" % b.impu, "Allow: " + ALLOW]))
        yield self.jit(800, 4000)
        ok_common = [d.frm, d.to, d.callid, cseq, contact_b, "Supported: timer",
                     "Session-Expires: 1800;refresher=uac", "Require: timer", "Allow: " + ALLOW,
                     "User-Agent: " + b.ua]
        self.p_req_resp(b, build("SIP/2.0 200 OK", vias_b, None, [d.rr_callee] + ok_common,
                                 sdp(rng, b.ips, d.b_rtp, sess + 7), "application/sdp"))
        yield self.jit(2, 8)
        self.ue_req_resp(a, build("SIP/2.0 200 OK", [via_a_r], None,
                                  [d.rr_caller, "P-Asserted-Identity: <%s>" % b.impu] + ok_common,
                                  sdp(rng, AGW_IP, d.agw_a, sess + 7), "application/sdp"))
        yield self.jit(30, 90)
        self.calls_established += 1
        d.acseq = 1
        yield from self.in_dialog(d, True, "ACK", [], ack_cseq=1)
        return d

    def in_dialog(self, d, from_a, method, hdrs, body=b"", ctype=None, ack_cseq=None,
                  resp=(200, "OK"), resp_hdrs=()):
        """Request inside dialog d from the caller (from_a) or the callee, relayed
        by the P-CSCF, and its final response (none for ACK)."""
        rng = self.rng
        s, r = (d.a, d.b) if from_a else (d.b, d.a)
        if ack_cseq is not None:
            n = ack_cseq
        elif from_a:
            d.acseq += 1
            n = d.acseq
        else:
            d.bcseq += 1
            n = d.bcseq
        cseq = "CSeq: %d %s" % (n, method)
        frm, to = (d.frm, d.to) if from_a else (
            "From: <%s>;tag=%s" % (d.to_uri, d.btag), "To: <%s>;tag=%s" % (d.a.impu, d.atag))
        route = d.route_a if from_a else d.route_b
        via_s = "SIP/2.0/%s %s;branch=z9hG4bK%s;rport" % (s.tp, s.via_host, hexid(rng, 64))
        hd = [route, frm, to, d.callid, cseq, "Contact: " + s.contact, "User-Agent: " + s.ua]
        up = build("%s sip:%s@%s:%d SIP/2.0" % (method, r.msisdn, r.ips, r.pus), [via_s], 70,
                   hd + hdrs, body, ctype)
        self.ue_req(s, up)
        yield self.jit(10, 60)
        via_s_r = via_s + ";received=" + s.ips
        vias_r = ["SIP/2.0/%s %s:%d;branch=z9hG4bK%s" % (r.tp, PCSCF_IP, P_PC, hexid(rng, 64))] \
            + self.core_vias(rng) + [via_s_r]
        down = build("%s sip:%s@%s:%d SIP/2.0" % (method, r.msisdn, r.ips, r.pus), vias_r, 65,
                     [frm, to, d.callid, cseq, "Contact: " + s.contact] + hdrs, body, ctype)
        self.p_req(r, down)
        if method == "ACK":
            return
        yield self.jit(20, 100)
        code = "SIP/2.0 %d %s" % resp
        rh = [frm, to, d.callid, cseq] + list(resp_hdrs)
        self.p_req_resp(r, build(code, vias_r, None, rh + ["User-Agent: " + r.ua]))
        yield self.jit(2, 8)
        self.ue_req_resp(s, build(code, [via_s_r], None, rh))

    def media(self, d):
        if self.rtp_ratio <= 0.0 or self.stopping:
            yield self.jit(1000, 5000)
            return
        w = self.w
        # packets that are not RTP (SIP, fragments, TCP) per call, counted
        # from the first call on so the initial registration burst does not
        # inflate the budget; the share then converges on --rtp-share
        other = w.packets - w.rtp_packets
        if self.other_base is None:
            self.other_base = other
        sip_per_call = (other - self.other_base) / max(1, self.calls_established)
        # plus a share of the deficit against the target over the whole file
        deficit = self.rtp_ratio * other - (w.rtp_packets + self.outstanding)
        total = int(self.rtp_ratio * sip_per_call + deficit / max(4, self.media_calls))
        n = max(1, total // 4)
        self.outstanding += 4 * n
        self.media_calls += 1
        rng = self.rng
        a, b = d.a, d.b
        streams = [RtpStream(w, rng, a.ip, d.a_rtp, self.agw, d.agw_a, n),
                   RtpStream(w, rng, self.agw, d.agw_a, a.ip, d.a_rtp, n),
                   RtpStream(w, rng, self.agw, d.agw_b, b.ip, d.b_rtp, n),
                   RtpStream(w, rng, b.ip, d.b_rtp, self.agw, d.agw_b, n)]
        k = rng.randrange(20)
        for i, st in enumerate(streams):
            self.buckets[(k + 5 * i) % 20].append(st)
        yield n * 20000 + 25000
        self.media_calls -= 1

    def rtp_tick(self):
        w = self.w
        buckets = self.buckets
        k = 0
        while True:
            b = buckets[k]
            if b:
                t = self.now
                keep = []
                stop = self.stopping
                for st in b:
                    w.rtp(t, st)
                    t += 2
                    st.left -= 1
                    self.outstanding -= 1
                    if st.left > 0:
                        if stop:
                            self.outstanding -= st.left
                        else:
                            keep.append(st)
                buckets[k] = keep
            k = (k + 1) % 20
            if self.stopping and not any(buckets):
                return
            yield 1000

    def bye(self, d, from_a):
        yield from self.in_dialog(d, from_a, "BYE",
                                  ["Reason: Q.850;cause=16;text=\"Normal call clearing\""])

    def transfer(self, d, c):
        """Blind transfer (RFC 3515, RFC 5589): the callee b refers the caller a to c."""
        a, b = d.a, d.b
        refer_to = "Refer-To: <sip:%s@%s;user=phone>" % (c.msisdn, DOMAIN)
        yield from self.in_dialog(d, False, "REFER",
                                  [refer_to, "Referred-By: <%s>" % b.impu, "Event: refer"],
                                  resp=(202, "Accepted"))
        yield self.jit(10, 50)
        yield from self.in_dialog(d, True, "NOTIFY",
                                  ["Event: refer", "Subscription-State: active;expires=60"],
                                  b"SIP/2.0 100 Trying\r\n", "message/sipfrag;version=2.0")
        yield self.jit(10, 50)
        d2 = yield from self.setup(a, c, b)
        yield self.jit(10, 50)
        yield from self.in_dialog(d, True, "NOTIFY",
                                  ["Event: refer", "Subscription-State: terminated;reason=noresource"],
                                  b"SIP/2.0 200 OK\r\n", "message/sipfrag;version=2.0")
        yield self.jit(50, 200)
        yield from self.bye(d, False)
        return d2


def run_mix(args, w):
    sim = Sim(args, w)
    rng = sim.rng
    spread = max(1.0, len(sim.ues) / 2000.0)  # about 2000 registrations per second
    for ue in sim.ues:
        sim.spawn(sim.ue_life(ue, int(rng.uniform(0, spread) * 1e6)), 0)
    for k in range(args.calls):
        sim.spawn(sim.slot(int((spread + 0.5 + rng.uniform(0, 2)) * 1e6)), 0)
    sim.spawn(sim.rtp_tick(), 0)
    sim.run()
    return dict(registrations=sim.registrations, calls=sim.calls_established,
                transfers=sim.transfers, options=sim.options)


def run_registrations(args, w):
    """N UEs each complete one IMS AKA registration (unprotected REGISTER,
    401 with Security-Server, protected REGISTER with Security-Verify, 200),
    one new UE every 0.5 ms, and stay registered: no re-registration and no
    de-registration, so every registration is held at the end of the file.
    All UEs use UDP so no TCP flow state is mixed in."""
    args.tcp_share = 0.0
    args.ues = args.registrations_concurrent
    sim = Sim(args, w)
    gap = 500  # us between UE starts: 2000 registrations per second
    for i, ue in enumerate(sim.ues):
        sim.spawn(sim.register(ue), i * gap)
    sim.run()
    return dict(registrations=sim.registrations, ues=len(sim.ues))


def run_dialogs(args, w):
    """N dialogs set up (one new call every 0.5 ms, their transactions
    overlapping), all left open, then all released.  The whole capture spans
    about N ms, so no dialog sits idle long enough for an analyzer's idle
    timeout to end it before the BYEs."""
    rng = random.Random(args.seed)
    n = args.dialogs_concurrent
    nues = args.ues if args.ues_given else n
    pc = ip_bytes(PCSCF_IP)
    pending = []  # (time, seq, src, dst, payload): messages of calls in setup
    seq = 0

    def flush(until):
        while pending and pending[0][0] <= until:
            t, _, src, dst, data = heapq.heappop(pending)
            w.udp(t, src, 5060, dst, 5060, data)
            w.sip += 1

    dialogs = []
    gap = 500  # us between call starts: 2000 call setups per second
    for i in range(n):
        t = i * gap
        flush(t)
        k = i % nues
        u = (10 << 24) | (45 << 16) + k + 2
        ips = "%d.%d.%d.%d" % (u >> 24, (u >> 16) & 255, (u >> 8) & 255, u & 255)
        ip = ip_bytes(ips)
        msisdn = "+1555%07d" % k
        impu = "sip:%s@%s" % (msisdn, DOMAIN)
        callee = "sip:+1666%07d@peer.example.net;user=phone" % i
        cid = "Call-ID: %s@%s" % (hexid(rng, 96), ips)
        frm = "From: <%s>;tag=%s" % (impu, hexid(rng, 32))
        to0 = "To: <%s>" % callee
        to = to0 + ";tag=" + hexid(rng, 32)
        contact = "Contact: <sip:%s@%s:5060>" % (msisdn, ips)
        via = "SIP/2.0/UDP %s:5060;branch=z9hG4bK%s;rport" % (ips, hexid(rng, 64))
        viar = [via + ";received=" + ips]
        rr = "Record-Route: <sip:%s:5060;lr>" % PCSCF_IP
        cseq = "CSeq: 1 INVITE"
        rtp_port = 10000 + 2 * rng.randrange(20000)
        sess = rng.getrandbits(31)
        remote = "Contact: <sip:+1666%07d@10.99.0.1:5060>" % i
        inv = build("INVITE %s SIP/2.0" % callee, [via], 70,
                    ["Route: <sip:%s:5060;lr>" % PCSCF_IP, frm, to0, cid, cseq, contact,
                     "P-Preferred-Identity: <%s>" % impu,
                     "Supported: 100rel, timer, replaces", "Allow: " + ALLOW,
                     "User-Agent: Samsung IMS 6.0"],
                    sdp(rng, ips, rtp_port, sess), "application/sdp")
        trying = build("SIP/2.0 100 Trying", viar, None, [frm, to0, cid, cseq])
        ring = build("SIP/2.0 180 Ringing", viar, None, [rr, frm, to, cid, cseq, remote])
        ok = build("SIP/2.0 200 OK", viar, None, [rr, frm, to, cid, cseq, remote, "Allow: " + ALLOW],
                   sdp(rng, AGW_IP, 30000 + 2 * (i % 15000), sess + 1), "application/sdp")
        ack_via = "SIP/2.0/UDP %s:5060;branch=z9hG4bK%s;rport" % (ips, hexid(rng, 64))
        ack = build("ACK sip:+1666%07d@10.99.0.1:5060 SIP/2.0" % i, [ack_via], 70,
                    ["Route: <sip:%s:5060;lr>" % PCSCF_IP, frm, to, cid, "CSeq: 1 ACK"])
        for dt, src, dst, data in ((0, ip, pc, inv), (3000, pc, ip, trying), (40000, pc, ip, ring),
                                   (140000, pc, ip, ok), (160000, ip, pc, ack)):
            seq += 1
            heapq.heappush(pending, (t + dt, seq, src, dst, data))
        dialogs.append((ip, ips, frm, to, cid, i))
    flush(1 << 62)
    t = n * gap + 5 * 1000000  # all n dialogs are open here
    for ip, ips, frm, to, cid, i in dialogs:
        via = "SIP/2.0/UDP %s:5060;branch=z9hG4bK%s;rport" % (ips, hexid(rng, 64))
        hd = [frm, to, cid, "CSeq: 2 BYE"]
        pending.append((t, 0, ip, pc, build("BYE sip:+1666%07d@10.99.0.1:5060 SIP/2.0" % i, [via], 70,
                                            ["Route: <sip:%s:5060;lr>" % PCSCF_IP] + hd)))
        pending.append((t + 30000, 1, pc, ip, build("SIP/2.0 200 OK", [via + ";received=" + ips],
                                                     None, hd)))
        # BYE/200 pairs overlap like the setups did
        flush(t)
        heapq.heapify(pending)
        t += gap
    flush(1 << 62)
    return dict(dialogs=n, ues=nues)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--out", "-o", required=True, help="output pcap file")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--preset", choices=sorted(PRESETS), help="100mb or 1gb (sets target/ues/calls)")
    ap.add_argument("--ues", type=int, default=None, help="number of UEs (default 1000)")
    ap.add_argument("--calls", type=int, default=None,
                    help="concurrent call slots: calls in progress at any time (default 100)")
    ap.add_argument("--transfers", type=float, default=0.05,
                    help="fraction of calls that are transferred with REFER (default 0.05)")
    ap.add_argument("--options", type=float, default=0.2,
                    help="probability of an OPTIONS exchange per UE per re-registration period")
    ap.add_argument("--rtp-share", type=float, default=0.8,
                    help="fraction of all packets that are RTP (default 0.8)")
    ap.add_argument("--sip-only", action="store_true", help="no RTP at all")
    ap.add_argument("--tcp-share", type=float, default=0.1,
                    help="fraction of UEs that use TCP for SIP (default 0.1)")
    ap.add_argument("--rereg", type=int, default=60,
                    help="re-registration interval in seconds of capture time (default 60)")
    ap.add_argument("--target-mb", type=float, default=None,
                    help="stop starting new activity when the file reaches N MiB (default 100)")
    ap.add_argument("--total-calls", type=int, default=0,
                    help="stop after this many calls instead (0 = use --target-mb)")
    ap.add_argument("--linktype", choices=["ether", "raw"], default="ether",
                    help="Ethernet (1) or raw IPv4 (101); default ether")
    ap.add_argument("--mtu", type=int, default=1500,
                    help="IP MTU: larger UDP messages are sent as IPv4 fragments (0 = never)")
    ap.add_argument("--dialogs-concurrent", type=int, default=0, metavar="N",
                    help="memory-test mode: N dialogs open at once, then released")
    ap.add_argument("--registrations-concurrent", type=int, default=0, metavar="N",
                    help="memory-test mode: N UEs registered at once (IMS AKA, UDP), never released")
    ap.add_argument("--quiet", "-q", action="store_true")
    args = ap.parse_args(argv)

    args.ues_given = args.ues is not None
    p = PRESETS.get(args.preset, {})
    if args.ues is None:
        args.ues = p.get("ues", 1000)
    if args.calls is None:
        args.calls = p.get("calls", 100)
    if args.target_mb is None and not args.total_calls:
        args.target_mb = p.get("target_mb", 100)
    if args.ues < 3 and not args.dialogs_concurrent and not args.registrations_concurrent:
        ap.error("--ues must be at least 3")
    if max(args.ues, args.dialogs_concurrent, args.registrations_concurrent) > 0x3FFFF:
        ap.error("at most 262143 UEs/dialogs (10.45.0.0 - 10.48.255.255)")

    seed_rng = random.Random(args.seed ^ 0x5EED)
    # RFC 4867 4.4: CMR=15 (no request), ToC F=0 FT=8 (23.85 kbit/s) Q=1, 60 octets
    RTP_PAYLOADS[:] = [b"\xf0\x44" + seed_rng.randbytes(RTP_PAYLOAD_LEN - 2) for _ in range(8)]

    t0 = time.time()
    w = Writer(args.out, args.linktype, args.mtu)
    try:
        if args.dialogs_concurrent:
            info = run_dialogs(args, w)
        elif args.registrations_concurrent:
            info = run_registrations(args, w)
        else:
            info = run_mix(args, w)
    finally:
        w.close()
    el = time.time() - t0
    if not args.quiet:
        share = w.rtp_packets / max(1, w.packets)
        extra = " ".join("%s=%d" % kv for kv in info.items())
        print("%s: %.1f MiB, %d packets (%d SIP messages, RTP share %.2f), %s, %.1f s"
              % (args.out, w.size / 1048576.0, w.packets, w.sip, share, extra, el),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
