#!/usr/bin/env python3
"""SYNTHETIC captures for the XFER-*, SESS-UNREGISTERED-IDENTITY and
REG-REREG-WRONG-SCSCF tests (issue 6): multi-party transfer and registration
flows written message by message as RFC 3261/3515/3891/3892 and TS 24.229
describe them, for patterns SIPp scenarios cannot easily play (three
transfers in parallel, a chain A->B->C->D across four UAs, a transferor that
de-registers while the transferred call goes on, a forged Referred-By, a
premium number or an opaque token in Refer-To, a call toward an unregistered
identity). The REFER flood, re-registration and origination-from-outside-
the-set captures are real SIPp (tests/lab/record_xfer_loopback.sh). Each firing capture has a twin that
differs only in the one point the rule looks at.

Usage: gen_xfer.py OUTDIR        (writes xfer-*.pcap and sess-unreg-*.pcap)
Deterministic: fixed times, tags and branches; no randomness.
"""
import os
import struct
import sys

DOM = "home1.net"
IP = {"alice": "10.45.0.10", "bob": "10.45.0.20", "carol": "10.45.0.30", "dave": "10.45.0.40",
      "erin": "10.45.0.50", "frank": "10.45.0.60", "gina": "10.45.0.70", "mallory": "10.45.0.66",
      "pcscf": "10.45.1.1", "scscf1": "10.45.2.1", "scscf2": "10.45.2.2",
      "a1": "10.45.0.11", "a2": "10.45.0.12", "a3": "10.45.0.13",
      "c1": "10.45.0.31", "c2": "10.45.0.32", "c3": "10.45.0.33"}
T0 = 1764410400  # 2025-11-29 10:00:00 UTC


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Pcap:
    def __init__(self):
        self.frames = []
        self.ipid = 1

    def udp(self, t, src, dst, payload, sport=5060, dport=5060):
        udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), self.ipid, 0, 64, 17, 0,
                          ip4(IP[src]), ip4(IP[dst]))
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        self.ipid += 1
        eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
        self.frames.append((t, eth + hdr + udp))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for t, d in self.frames:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack("<IIII", T0 + sec, usec, len(d), len(d)))
                f.write(d)


def uri(who):
    return "sip:%s@%s" % (who, DOM) if not who.startswith(("sip:", "tel:")) else who


def msg(start, hdrs, body=b"", ctype=None):
    lines = [start] + hdrs
    if ctype:
        lines.append("Content-Type: " + ctype)
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def sdp(who, port):
    return ("v=0\r\no=%s 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n" % (who, IP[who], IP[who], port)).encode()


class Flow:
    """Messages between named hosts; every request gets a matching response."""

    def __init__(self):
        self.p = Pcap()
        self.n = 0

    def send(self, t, src, dst, data):
        self.p.udp(t, src, dst, data)

    def req(self, t, src, dst, method, ruri, frm, to, cid, cseq, extra=(), body=b"", ctype=None,
            ftag=None, ttag=None, contact=None):
        self.n += 1
        h = ["Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%s-%d" % (IP[src], cid.split("@")[0], self.n),
             "Max-Forwards: 70",
             "From: <%s>;tag=%s" % (uri(frm), ftag or "f-" + cid.split("@")[0]),
             "To: <%s>%s" % (uri(to), ";tag=" + ttag if ttag else ""),
             "Call-ID: " + cid, "CSeq: %d %s" % (cseq, method)]
        if contact is not False:
            h.append("Contact: <sip:%s@%s:5060>" % (contact or src, IP[contact or src]))
        h += list(extra)
        self.send(t, src, dst, msg("%s %s SIP/2.0" % (method, ruri), h, body, ctype))
        return h

    def resp(self, t, src, dst, code, reason, h, extra=(), body=b"", ctype=None, ttag=None):
        out = []
        for x in h:
            if x.startswith(("Via:", "From:", "Call-ID:", "CSeq:")):
                out.append(x)
            elif x.startswith("To:"):
                out.append(x if ";tag=" in x or not ttag else x + ";tag=" + ttag)
        out += list(extra)
        self.send(t, src, dst, msg("SIP/2.0 %d %s" % (code, reason), out, body, ctype))

    # -- building blocks --
    def call(self, t, a, b, cid, ruri=None, extra=(), a_as=None, b_as=None):
        """a INVITEs b; 200; ACK. a_as/b_as: identities (default sip:NAME@home1.net)."""
        fa, fb = a_as or a, b_as or b
        ru = ruri or ("%s" % uri(fb) if uri(fb).startswith("tel:") else "sip:%s@%s:5060" % (b, IP[b]))
        h = self.req(t, a, b, "INVITE", ru, fa, fb, cid, 1, extra, sdp(a, 6000), "application/sdp")
        self.resp(t + 0.01, b, a, 200, "OK", h, ["Contact: <sip:%s@%s:5060>" % (b, IP[b])],
                  sdp(b, 6000), "application/sdp", ttag="t-" + cid.split("@")[0])
        self.req(t + 0.02, a, b, "ACK", "sip:%s@%s:5060" % (b, IP[b]), fa, fb, cid, 1,
                 ttag="t-" + cid.split("@")[0])
        return (a, b, fa, fb, cid)

    def bye(self, t, d, by_callee=False, cseq=2):
        a, b, fa, fb, cid = d
        tag_a, tag_b = "f-" + cid.split("@")[0], "t-" + cid.split("@")[0]
        if by_callee:
            h = self.req(t, b, a, "BYE", "sip:%s@%s:5060" % (a, IP[a]), fb, fa, cid, 100,
                         ftag=tag_b, ttag=tag_a)
            self.resp(t + 0.01, a, b, 200, "OK", h)
        else:
            h = self.req(t, a, b, "BYE", "sip:%s@%s:5060" % (b, IP[b]), fa, fb, cid, cseq,
                         ftag=tag_a, ttag=tag_b)
            self.resp(t + 0.01, b, a, 200, "OK", h)

    def refer(self, t, d, target, referred_by=None, pai=None, notify=True, by_callee=True,
              seq=101):
        """In-dialog REFER from the callee of d (the transferor) to the caller."""
        a, b, fa, fb, cid = d
        tag_a, tag_b = "f-" + cid.split("@")[0], "t-" + cid.split("@")[0]
        src, dst, fs, ts, ft, tt = (b, a, fb, fa, tag_b, tag_a) if by_callee else \
            (a, b, fa, fb, tag_a, tag_b)
        ex = ["Refer-To: <%s>" % target, "Referred-By: <%s>" % uri(referred_by or fs)]
        if pai:
            ex.append("P-Asserted-Identity: <%s>" % uri(pai))
        h = self.req(t, src, dst, "REFER", "sip:%s@%s:5060" % (dst, IP[dst]), fs, ts, cid, seq, ex,
                     ftag=ft, ttag=tt)
        self.resp(t + 0.01, dst, src, 202, "Accepted", h)
        if notify:
            n = self.req(t + 0.02, dst, src, "NOTIFY", "sip:%s@%s:5060" % (src, IP[src]), ts, fs,
                         cid, seq + 1000, ["Event: refer", "Subscription-State: active;expires=60"],
                         b"SIP/2.0 100 Trying\r\n", "message/sipfrag", ftag=tt, ttag=ft)
            self.resp(t + 0.03, src, dst, 200, "OK", n)

    def notify_done(self, t, d, by_callee=True, seq=101):
        a, b, fa, fb, cid = d
        tag_a, tag_b = "f-" + cid.split("@")[0], "t-" + cid.split("@")[0]
        src, dst, fs, ts, ft, tt = (b, a, fb, fa, tag_b, tag_a) if by_callee else \
            (a, b, fa, fb, tag_a, tag_b)
        n = self.req(t, dst, src, "NOTIFY", "sip:%s@%s:5060" % (src, IP[src]), ts, fs, cid,
                     seq + 1001, ["Event: refer", "Subscription-State: terminated;reason=noresource"],
                     b"SIP/2.0 200 OK\r\n", "message/sipfrag", ftag=tt, ttag=ft)
        self.resp(t + 0.01, src, dst, 200, "OK", n)

    def register(self, t, ue, impi, aor, cseq, expires=600, pau=(), sroute="scscf1", cid=None,
                 scscf_ip=None):
        """UE -> P-CSCF REGISTER (Authorization username = IMPI), 200 from the S-CSCF side
        relayed by the P-CSCF, with P-Associated-URI and Service-Route."""
        cid = cid or "reg-%s@%s" % (ue, DOM)
        route = "Route: <sip:%s:5060;lr>" % IP["pcscf"]
        nonce = "bm9uY2UtJXMtJWQ%d" % cseq
        if cseq == 1:
            # Initial registration: challenged first (RFC 3261 §22.4, TS 24.229 §5.1.1.2).
            auth = ('Authorization: Digest username="%s", realm="%s", uri="sip:%s", nonce="", '
                    'response=""' % (impi, DOM, DOM))
            h = self.req(t, ue, "pcscf", "REGISTER", "sip:" + DOM, aor, aor, cid, cseq,
                         [auth, "Expires: %d" % expires, route], ftag="rt-" + ue)
            self.resp(t + 0.02, "pcscf", ue, 401, "Unauthorized", h,
                      ['WWW-Authenticate: Digest realm="%s", nonce="%s", algorithm=MD5' % (DOM, nonce)],
                      ttag="rr-" + ue)
            t += 0.03
            cseq += 1
        auth = ('Authorization: Digest username="%s", realm="%s", uri="sip:%s", nonce="%s", '
                'response="6629fae49393a05397450978507c4ef1", algorithm=MD5'
                % (impi, DOM, DOM, nonce))
        h = self.req(t, ue, "pcscf", "REGISTER", "sip:" + DOM, aor, aor, cid, cseq,
                     [auth, "Expires: %d" % expires, route], ftag="rt-" + ue)
        ex = ["Contact: <sip:%s@%s:5060>;expires=%d" % (ue, IP[ue], expires)]
        if expires:
            if pau:
                ex.append("P-Associated-URI: " + ", ".join("<%s>" % uri(x) for x in pau))
            ex.append("Service-Route: <sip:orig@%s.%s;lr>" % (sroute, DOM))
            ex.append("Path: <sip:term@pcscf.%s;lr>" % DOM)
        self.resp(t + 0.05, "pcscf", ue, 200, "OK", h, ex, ttag="rr-" + ue)

    def write(self, out, name):
        self.p.write(os.path.join(out, name + ".pcap"))


# ---------------------------------------------------------------------------

def parallel(n):
    """bob (registered, IMPI bob@home1.net) takes calls from a1..an and
    transfers each caller to c1..cn; the n transferred calls are up at once."""
    f = Flow()
    f.register(0.0, "bob", "bob@" + DOM, "bob", 1, pau=("bob",))
    ds = []
    for i in range(n):
        a, c = "a%d" % (i + 1), "c%d" % (i + 1)
        ds.append(f.call(1.0 + i, a, "bob", "d%d@%s" % (i + 1, DOM), a_as="sip:%s@%s" % (a, DOM)))
    xs = []
    for i, d in enumerate(ds):
        a, c = "a%d" % (i + 1), "c%d" % (i + 1)
        t = 5.0 + i
        f.refer(t, d, uri(c))
        x = f.call(t + 0.2, a, c, "x%d@%s" % (i + 1, DOM),
                   extra=["Referred-By: <sip:bob@%s>" % DOM], a_as=uri(a), b_as=uri(c))
        f.notify_done(t + 0.3, d)
        f.bye(t + 0.4, d, by_callee=True)
        xs.append(x)
    for i, x in enumerate(xs):
        f.bye(20.0 + i, x)
    return f


def chain(two):
    """alice calls bob; bob transfers alice to carol; (two:) carol transfers
    alice on to dave -> A->B->C->D."""
    f = Flow()
    d1 = f.call(0.0, "alice", "bob", "c1@" + DOM)
    f.refer(1.0, d1, uri("carol"))
    d2 = f.call(1.2, "alice", "carol", "c2@" + DOM, extra=["Referred-By: <sip:bob@%s>" % DOM])
    f.notify_done(1.3, d1)
    f.bye(1.4, d1, by_callee=True)
    if two:
        f.refer(3.0, d2, uri("dave"))
        d3 = f.call(3.2, "alice", "dave", "c3@" + DOM, extra=["Referred-By: <sip:carol@%s>" % DOM])
        f.notify_done(3.3, d2)
        f.bye(3.4, d2, by_callee=True)
        f.bye(6.0, d3)
    else:
        f.bye(6.0, d2)
    return f


def chain_loop():
    """alice calls bob; bob transfers alice to carol; carol transfers her back to bob."""
    f = Flow()
    d1 = f.call(0.0, "alice", "bob", "l1@" + DOM)
    f.refer(1.0, d1, uri("carol"))
    d2 = f.call(1.2, "alice", "carol", "l2@" + DOM, extra=["Referred-By: <sip:bob@%s>" % DOM])
    f.notify_done(1.3, d1)
    f.bye(1.4, d1, by_callee=True)
    f.refer(3.0, d2, uri("bob"))
    d3 = f.call(3.2, "alice", "bob", "l3@" + DOM, extra=["Referred-By: <sip:carol@%s>" % DOM])
    f.notify_done(3.3, d2)
    f.bye(3.4, d2, by_callee=True)
    f.bye(6.0, d3)
    return f


def orphan(after):
    """bob (registered) transfers alice to carol and de-registers. after=True:
    de-registration at t=5 while alice-carol stays up until t=65 (60 s);
    twin: bob de-registers only after alice-carol ended."""
    f = Flow()
    f.register(0.0, "bob", "bob@" + DOM, "bob", 1, pau=("bob",))
    d1 = f.call(1.0, "alice", "bob", "o1@" + DOM)
    f.refer(2.0, d1, uri("carol"))
    d2 = f.call(2.2, "alice", "carol", "o2@" + DOM, extra=["Referred-By: <sip:bob@%s>" % DOM])
    f.notify_done(2.3, d1)
    f.bye(2.4, d1, by_callee=True)
    if after:
        f.register(5.0, "bob", "bob@" + DOM, "bob", 3, expires=0)
        f.bye(65.0, d2)
    else:
        f.bye(65.0, d2)
        f.register(66.0, "bob", "bob@" + DOM, "bob", 3, expires=0)
    return f


def orphan_netdereg():
    """As orphan(True), but the network de-registers bob: the S-CSCF's
    NOTIFY of the reg event package (RFC 3680; TS 24.229 §5.4.1.5) with
    every registration terminated, relayed by the P-CSCF."""
    f = Flow()
    f.register(0.0, "bob", "bob@" + DOM, "bob", 1, pau=("bob",))
    d1 = f.call(1.0, "alice", "bob", "n1@" + DOM)
    f.refer(2.0, d1, uri("carol"))
    d2 = f.call(2.2, "alice", "carol", "n2@" + DOM, extra=["Referred-By: <sip:bob@%s>" % DOM])
    f.notify_done(2.3, d1)
    f.bye(2.4, d1, by_callee=True)
    body = ('<?xml version="1.0"?>\r\n<reginfo xmlns="urn:ietf:params:xml:ns:reginfo" '
            'version="1" state="full">\r\n<registration aor="sip:bob@%s" id="a7" '
            'state="terminated">\r\n<contact id="76" state="terminated" event="deactivated">'
            'sip:bob@%s:5060</contact>\r\n</registration>\r\n</reginfo>\r\n' % (DOM, IP["bob"])).encode()
    n = f.req(5.0, "pcscf", "bob", "NOTIFY", "sip:bob@%s:5060" % IP["bob"], "sip:bob@" + DOM,
              "sip:bob@" + DOM, "sub-reg-bob@" + DOM, 2,
              ["Event: reg", "Subscription-State: terminated;reason=deactivated"], body,
              "application/reginfo+xml", ftag="scscf-reg", ttag="ue-sub", contact="pcscf")
    f.resp(5.01, "bob", "pcscf", 200, "OK", n)
    f.bye(65.0, d2)
    return f


def premium(num):
    """bob transfers alice to a number (tel: Refer-To)."""
    f = Flow()
    d1 = f.call(0.0, "alice", "bob", "p1@" + DOM)
    f.refer(1.0, d1, num)
    # The number is reached through a gateway (carol's address stands for it).
    d2 = f.call(1.2, "alice", "carol", "p2@" + DOM, ruri=num,
                extra=["Referred-By: <sip:bob@%s>" % DOM], b_as=num)
    f.notify_done(1.3, d1)
    f.bye(1.4, d1, by_callee=True)
    f.bye(5.0, d2)
    return f


def refby(claimed):
    """bob's REFER (P-Asserted-Identity bob) with Referred-By = claimed."""
    f = Flow()
    d1 = f.call(0.0, "alice", "bob", "r1@" + DOM)
    f.refer(1.0, d1, uri("carol"), referred_by=claimed, pai="bob")
    d2 = f.call(1.2, "alice", "carol", "r2@" + DOM, extra=["Referred-By: <%s>" % uri(claimed)])
    f.notify_done(1.3, d1)
    f.bye(1.4, d1, by_callee=True)
    f.bye(5.0, d2)
    return f


def token(host):
    """bob transfers alice to an opaque token (a hidden target) at host."""
    f = Flow()
    tok = "Xk3f9a0QpZ7mT2rB4vL8w"
    d1 = f.call(0.0, "alice", "bob", "k1@" + DOM)
    f.refer(1.0, d1, "sip:%s@%s" % (tok, host))
    d2 = f.call(1.2, "alice", "carol", "k2@" + DOM, ruri="sip:%s@%s" % (tok, host),
                extra=["Referred-By: <sip:bob@%s>" % DOM], b_as="sip:%s@%s" % (tok, host))
    f.notify_done(1.3, d1)
    f.bye(1.4, d1, by_callee=True)
    f.bye(5.0, d2)
    return f


def unreg(outside):
    """alice registers (IMPI alice@home1.net; implicit set alice, alice.work,
    tel:+15550100). Then she originates a call as alice.private (outside)
    or alice.work (inside), and bob calls alice.private / alice.work."""
    f = Flow()
    f.register(0.0, "alice", "alice@" + DOM, "alice", 1,
               pau=("alice", "alice.work", "tel:+15550100"))
    f.register(0.2, "bob", "bob@" + DOM, "bob", 1, pau=("bob",))
    me = "alice.private" if outside else "alice.work"
    d1 = f.call(1.0, "alice", "bob", "u1@" + DOM, a_as=uri(me),
                extra=["P-Preferred-Identity: <%s>" % uri(me)])
    f.bye(3.0, d1)
    d2 = f.call(4.0, "bob", "alice", "u2@" + DOM, b_as=uri(me),
                ruri="sip:alice@%s:5060" % IP["alice"])
    f.bye(6.0, d2)
    return f


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    parallel(3).write(out, "xfer-parallel-3")
    parallel(2).write(out, "xfer-parallel-2")
    chain(True).write(out, "xfer-chain-abcd")
    chain(False).write(out, "xfer-chain-single")
    chain_loop().write(out, "xfer-chain-loop")
    orphan(True).write(out, "xfer-orphan")
    orphan(False).write(out, "xfer-orphan-released")
    orphan_netdereg().write(out, "xfer-orphan-netdereg")
    premium("tel:+1-900-555-0199").write(out, "xfer-premium")
    premium("tel:+1-212-555-0199").write(out, "xfer-premium-normal")
    refby("mallory").write(out, "xfer-refby-mismatch")
    refby("bob").write(out, "xfer-refby-match")
    token("10.45.0.99").write(out, "xfer-token-unattributed")
    token(DOM).write(out, "xfer-token-attributed")
    unreg(True).write(out, "sess-unreg-outside")
    unreg(False).write(out, "sess-unreg-inside")


if __name__ == "__main__":
    main()
