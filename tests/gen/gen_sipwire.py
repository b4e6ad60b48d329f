#!/usr/bin/env python3
"""SYNTHETIC captures for the SIP-* parser-differential rules (issue 13),
each with a near-identical clean twin:

  gen_sipwire.py OUTDIR

  sip-header-flood.pcap   MESSAGE with 120 "X-Pn: y" lines before its real
                          headers, + 200 OK            -> SIP-HEADER-FLOOD
  sip-header-plain.pcap   the same MESSAGE without the padding -> silent
  sip-two-to.pcap         INVITE with "t:" and "To:" naming different users,
                          + 486                        -> SIP-AMBIGUOUS-HEADER
  sip-one-to.pcap         the same with both To values equal -> silent
  sip-bad-cl.pcap         OPTIONS with "Content-Length: abc", MESSAGE with
                          "l: 0" and "Content-Length: 5", + 200s
                                                       -> SIP-BAD-CONTENT-LENGTH x2
  sip-good-cl.pcap        the same with one numeric Content-Length -> silent
  sip-oversized-tcp.pcap  INVITE with a 70000-byte SDP body over TCP, + 100
                                                       -> SIP-OVERSIZED
  sip-large-tcp.pcap      the same with a 60000-byte body -> silent
  sip-oversized-udp.pcap  MESSAGE of about 7 KB in one UDP datagram, + 200
                                                       -> SIP-OVERSIZED (datagram bound)
  sip-large-udp.pcap      the same at about 5 KB       -> silent
  sip-long-method.pcap    a request with a 40-character extension method,
                          + 501: analysed (2 SIP messages), no finding

No stack emits these on demand (they are what an attacker writes by hand),
hence a generator. UDP 10.45.0.10:5060 <-> 10.1.0.1:5060, TCP
10.45.0.10:40000 -> 10.1.0.1:5060 with a handshake and MSS-sized segments.
Deterministic: fixed timestamps and identifiers."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_aka_sync import csum, ip4  # noqa: E402  (the same IPv4 helpers)

UE, P = "10.45.0.10", "10.1.0.1"
T0 = 1795990000


def ip_frame(src, dst, proto, l4, ident):
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, 64, proto, 0, ip4(src), ip4(dst))
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    return eth + iph + l4


def udp(src, dst, sp, dp, payload, ident):
    u = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(u))
    c = csum(pseudo + u) or 0xFFFF
    u = u[:6] + struct.pack("!H", c) + u[8:]
    return ip_frame(src, dst, 17, u, ident)


def tcp(src, dst, sp, dp, seq, ack, flags, payload, ident):
    t = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(t))
    t = t[:16] + struct.pack("!H", csum(pseudo + t)) + t[18:]
    return ip_frame(src, dst, 6, t, ident)


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            us = i * 1000
            f.write(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, len(fr), len(fr)))
            f.write(fr)


def sip(lines, body=b""):
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def dialog(cid, method, tag="ue1"):
    return ["Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%s" % (UE, cid),
            "From: <sip:alice@home1.net>;tag=" + tag, "Call-ID: %s@imsec.test" % cid,
            "CSeq: 1 " + method, "Max-Forwards: 70"]


def reply(req_lines, status, to_tag="p1"):
    """A response echoing Via/From/Call-ID/CSeq/To of the request lines."""
    keep = [l for l in req_lines if l.split(":")[0] in ("Via", "From", "Call-ID", "CSeq", "To", "t")]
    out, seen_to = [], False
    for l in keep:
        if l.split(":")[0] in ("To", "t"):
            if seen_to:
                continue
            seen_to = True
            l += ";tag=" + to_tag
        out.append(l)
    return sip(["SIP/2.0 " + status] + out + ["Content-Length: 0"])


def udp_pair(req, resp):
    return [udp(UE, P, 5060, 5060, req, 1), udp(P, UE, 5060, 5060, resp, 2)]


def header_flood(pad):
    h = ["MESSAGE sip:bob@home1.net SIP/2.0"]
    h += ["X-P%d: y" % i for i in range(pad)]
    h += dialog("flood", "MESSAGE") + ["To: <sip:bob@home1.net>", "Content-Type: text/plain",
                                       "Content-Length: 5"]
    req = sip(h, b"hello")
    return udp_pair(req, reply(h, "200 OK"))


def two_to(second):
    h = (["INVITE sip:97239287044@home1.net SIP/2.0"] + dialog("twoto", "INVITE") +
         ["t: <sip:97239287044@home1.net>", "To: <sip:%s@home1.net>" % second,
          "Contact: <sip:alice@%s:5060>" % UE, "Content-Length: 0"])
    return udp_pair(sip(h), reply(h, "486 Busy Here"))


def content_length(bad):
    o = (["OPTIONS sip:bob@home1.net SIP/2.0"] + dialog("cl1", "OPTIONS") +
         ["To: <sip:bob@home1.net>", "Content-Length: " + ("abc" if bad else "0")])
    m = (["MESSAGE sip:bob@home1.net SIP/2.0"] + dialog("cl2", "MESSAGE") +
         ["To: <sip:bob@home1.net>", "Content-Type: text/plain"] +
         (["l: 0", "Content-Length: 5"] if bad else ["Content-Length: 5"]))
    return udp_pair(sip(o), reply(o, "200 OK")) + udp_pair(sip(m, b"hello"), reply(m, "200 OK"))


def tcp_invite(body_len):
    sdp = b"v=0\r\no=- 1 1 IN IP4 10.45.0.10\r\ns=-\r\nc=IN IP4 10.45.0.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
    body = sdp + b"a=x-pad:" + b"A" * (body_len - len(sdp) - 10) + b"\r\n"
    assert len(body) == body_len
    h = (["INVITE sip:bob@home1.net SIP/2.0",
          "Via: SIP/2.0/TCP %s:40000;branch=z9hG4bK-big%d" % (UE, body_len),
          "From: <sip:alice@home1.net>;tag=ue1", "To: <sip:bob@home1.net>",
          "Call-ID: big%d@imsec.test" % body_len, "CSeq: 1 INVITE", "Max-Forwards: 70",
          "Contact: <sip:alice@%s:40000;transport=tcp>" % UE, "Content-Type: application/sdp",
          "Content-Length: %d" % body_len])
    req = sip(h, body)
    resp = sip(["SIP/2.0 100 Trying", h[1], h[2], h[3], h[4], h[5], "Content-Length: 0"])
    c, s = 1000, 5000
    fr = [tcp(UE, P, 40000, 5060, c, 0, 0x02, b"", 1),
          tcp(P, UE, 5060, 40000, s, c + 1, 0x12, b"", 2),
          tcp(UE, P, 40000, 5060, c + 1, s + 1, 0x10, b"", 3)]
    off, ident = 0, 4
    while off < len(req):
        seg = req[off:off + 1448]
        fr.append(tcp(UE, P, 40000, 5060, c + 1 + off, s + 1, 0x18, seg, ident))
        off += len(seg)
        ident += 1
    fr.append(tcp(P, UE, 5060, 40000, s + 1, c + 1 + len(req), 0x18, resp, ident))
    return fr


def udp_message(body_len):
    h = (["MESSAGE sip:bob@home1.net SIP/2.0"] + dialog("udp%d" % body_len, "MESSAGE") +
         ["To: <sip:bob@home1.net>", "Content-Type: text/plain",
          "Content-Length: %d" % body_len])
    return udp_pair(sip(h, b"m" * body_len), reply(h, "200 OK"))


def long_method():
    meth = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN"
    h = (["%s sip:bob@home1.net SIP/2.0" % meth] + dialog("longmethod", meth) +
         ["To: <sip:bob@home1.net>", "Content-Length: 0"])
    return udp_pair(sip(h), reply(h, "501 Not Implemented"))


def main():
    out = sys.argv[1]
    caps = {
        "sip-header-flood": header_flood(120), "sip-header-plain": header_flood(0),
        "sip-two-to": two_to("12345"), "sip-one-to": two_to("97239287044"),
        "sip-bad-cl": content_length(True), "sip-good-cl": content_length(False),
        "sip-oversized-tcp": tcp_invite(70000), "sip-large-tcp": tcp_invite(60000),
        "sip-oversized-udp": udp_message(6800), "sip-large-udp": udp_message(4800),
        "sip-long-method": long_method(),
    }
    for name, frames in caps.items():
        write_pcap(os.path.join(out, name + ".pcap"), frames)


if __name__ == "__main__":
    main()
