#!/usr/bin/env python3
"""SYNTHETIC captures for the SIP-* attack rules (issue 13), for edge cases
the loopback SIPp recordings (tests/lab/record_attack_loopback.sh) cannot
show: sources that are not loopback (a Contact naming 127.0.0.1 only means
something from another host), an INVITE challenged and never re-sent, a
Call-ID with shell metacharacters, stale nonces, and one source guessing the
passwords of many users. Each firing capture has a twin that differs only
in the point the rule looks at. Addresses are documentation ranges
(RFC 5737): attacker 203.0.113.66, phone 192.0.2.50, PBX 198.51.100.10.

Usage: gen_attack.py OUTDIR
Deterministic: fixed times, tags and branches; no randomness.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_xfer  # noqa: E402  (its pcap writer and message builder)

gen_xfer.IP.update({"atk": "203.0.113.66", "phone": "192.0.2.50", "pbx": "198.51.100.10"})
PBX = gen_xfer.IP["pbx"]
msg = gen_xfer.msg


class Flow:
    def __init__(self):
        self.p = gen_xfer.Pcap()
        self.t = 0.0
        self.n = 0

    def send(self, src, dst, data, dt=0.05):
        self.t += dt
        self.p.udp(self.t, src, dst, data)

    def req(self, src, method, ruri, frm, to, cid, cseq, extra=(), body=b"", ctype=None, tag="t1",
            dt=0.05):
        self.n += 1
        h = ["Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKgen%04d" % (gen_xfer.IP[src], self.n),
             "From: <%s>;tag=%s" % (frm, tag), "To: <%s>" % to, "Call-ID: %s" % cid,
             "CSeq: %d %s" % (cseq, method), "Max-Forwards: 70"] + list(extra)
        self.send(src, "pbx", msg("%s %s SIP/2.0" % (method, ruri), h, body, ctype), dt)
        return h

    def resp(self, dst, code, reason, h, extra=()):
        out = [x if not x.startswith("To:") else x + ";tag=pbx%d" % self.n for x in h[:5]]
        self.send("pbx", dst, msg("SIP/2.0 %d %s" % (code, reason), out + list(extra)))

    def write(self, out, name):
        self.p.write(os.path.join(out, name + ".pcap"))


def contact_spoof(host):
    """REGISTER from the phone whose Contact names host (127.0.0.1: the PBX
    would call itself back; twin: the phone's own address)."""
    f = Flow()
    aor = "sip:1001@%s" % PBX
    h = f.req("phone", "REGISTER", "sip:%s" % PBX, aor, aor, "reg-spoof-1", 1,
              ["Contact: <sip:1001@%s:5060>" % host, "Expires: 3600"])
    f.resp("phone", 401, "Unauthorized", h,
           ['WWW-Authenticate: Digest realm="pbx", nonce="a1b2c3d4e5", algorithm=MD5'])
    return f


def toll_challenged():
    """Unauthenticated INVITE to 011 972 599 123456 (NANP international
    dialling) challenged 407 and never re-sent with credentials."""
    f = Flow()
    num = "011972599123456"
    body = ("v=0\r\no=- 1 1 IN IP4 203.0.113.66\r\ns=-\r\nc=IN IP4 203.0.113.66\r\nt=0 0\r\n"
            "m=audio 40000 RTP/AVP 0\r\n").encode()
    h = f.req("atk", "INVITE", "sip:%s@%s" % (num, PBX), "sip:100@203.0.113.66",
              "sip:%s@%s" % (num, PBX), "toll-ch-1", 1,
              ["Contact: <sip:100@203.0.113.66:5060>", "User-Agent: pbx-dialer"], body,
              "application/sdp")
    f.resp("atk", 100, "Trying", h)
    f.resp("atk", 407, "Proxy Authentication Required", h,
           ['Proxy-Authenticate: Digest realm="pbx", nonce="f00dfeed01", algorithm=MD5'])
    f.req("atk", "ACK", "sip:%s@%s" % (num, PBX), "sip:100@203.0.113.66",
          "sip:%s@%s" % (num, PBX), "toll-ch-1", 1)
    return f


def callid_inject(cid):
    """OPTIONS whose Call-ID is cid ("...$(reboot)@...": shell command
    substitution, characters no Call-ID word may hold; twin: a plain one)."""
    f = Flow()
    h = f.req("atk", "OPTIONS", "sip:%s" % PBX, "sip:100@203.0.113.66", "sip:%s" % PBX,
              cid, 1, ["Contact: <sip:100@203.0.113.66:5060>"])
    f.resp("atk", 200, "OK", h)
    return f


def distributed(nsrc):
    """nsrc sources (203.0.113.61..) each send one credentialed REGISTER for
    1001, refused 403: distributed guessing below any per-source limit."""
    f = Flow()
    aor = "sip:1001@%s" % PBX
    for i in range(nsrc):
        src = "d%d" % i
        gen_xfer.IP[src] = "203.0.113.%d" % (61 + i)
        auth = ('Authorization: Digest username="1001", realm="pbx", nonce="d%02d", uri="sip:%s", '
                'response="%032x", algorithm=MD5' % (i, PBX, 0xD15 + i))
        h = f.req(src, "REGISTER", "sip:%s" % PBX, aor, aor, "dist-%d" % i, 2,
                  ["Contact: <sip:1001@%s:5060>" % gen_xfer.IP[src], auth, "Expires: 3600"], dt=1.0)
        f.resp(src, 403, "Forbidden", h)
    return f


def guesses(users, stale):
    """One source sends credentialed REGISTERs (a computed response) for each
    user in turn; each is refused 403, or re-challenged 401 stale=true (the
    nonce expired: the password was right, RFC 7616 §3.3)."""
    f = Flow()
    for i, u in enumerate(users):
        aor = "sip:%s@%s" % (u, PBX)
        auth = ('Authorization: Digest username="%s", realm="pbx", nonce="n%02d", uri="sip:%s", '
                'response="%032x", algorithm=MD5' % (u, i, PBX, 0x5EED + i))
        h = f.req("atk", "REGISTER", "sip:%s" % PBX, aor, aor, "guess-%d" % i, 2,
                  ["Contact: <sip:%s@203.0.113.66:5060>" % u, auth, "Expires: 3600"], dt=1.0)
        if stale:
            f.resp("atk", 401, "Unauthorized", h,
                   ['WWW-Authenticate: Digest realm="pbx", nonce="m%02d", algorithm=MD5, stale=true' % i])
        else:
            f.resp("atk", 403, "Forbidden", h)
    return f


def ghost_rang(n):
    """Twin of sip-ghost-calls-4 (SIPp): n INVITEs to 2001, each cancelled
    after 180 Ringing (a caller giving up while it rings), 200, 487, ACK."""
    f = Flow()
    for i in range(n):
        ruri = "sip:2001@%s" % PBX
        cid = "ghost-rang-%d" % i
        h = f.req("atk", "INVITE", ruri, "sip:100@203.0.113.66", ruri, cid, 1,
                  ["Contact: <sip:100@203.0.113.66:5060>"], tag="g%d" % i, dt=0.1)
        f.resp("atk", 100, "Trying", h)
        f.resp("atk", 180, "Ringing", h)
        # CANCEL and ACK repeat the INVITE's Via branch and Call-ID (RFC 3261 §9.1, §17.1.1.3).
        c = h[:4] + ["CSeq: 1 CANCEL", "Max-Forwards: 70"]
        f.send("atk", "pbx", msg("CANCEL %s SIP/2.0" % ruri, c))
        f.resp("atk", 200, "OK", c)
        f.resp("atk", 487, "Request Terminated", h)
        a = h[:2] + [h[2] + ";tag=pbx%d" % f.n, h[3], "CSeq: 1 ACK", "Max-Forwards: 70"]
        f.send("atk", "pbx", msg("ACK %s SIP/2.0" % ruri, a))
    return f


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    contact_spoof("127.0.0.1").write(out, "sip-spoofed-contact")
    contact_spoof("192.0.2.50").write(out, "sip-spoofed-contact-clean")
    toll_challenged().write(out, "sip-toll-fraud-challenged")
    callid_inject("a84b4c76e66710$(reboot)@203.0.113.66").write(out, "sip-injection-callid")
    callid_inject("a84b4c76e66710@203.0.113.66").write(out, "sip-injection-callid-clean")
    spray = ["1001", "1002", "1003", "1004", "1005"]
    guesses(spray, False).write(out, "sip-bruteforce-spray")
    guesses(spray, True).write(out, "sip-bruteforce-stale")
    ghost_rang(4).write(out, "sip-ghost-calls-rang")
    distributed(5).write(out, "sip-bruteforce-distributed-5")
    distributed(4).write(out, "sip-bruteforce-distributed-4")


if __name__ == "__main__":
    main()
