#!/usr/bin/env python3
"""SYNTHETIC captures for KEY-IMPI-OUTSIDE-REGISTER in an IMS network.

  gen_impi_invite.py OUT.pcap with-auth|no-auth

A UE registers with IMS AKA (Security-Client, 401 with an AKAv1-MD5 nonce
and Security-Server, REGISTER with the response, 200 OK with
P-Associated-URI), then sends an INVITE. With `with-auth` the INVITE
carries Authorization with the private identity although nobody challenged
it: IMS AKA authenticates REGISTER only (TS 33.203 §6.1, TS 24.229
§5.1.2A.1), so the IMPI leaves the registration. `no-auth` is the clean
twin (the INVITE carries no credentials). No stack sends such an INVITE on
demand, hence a generator; deterministic (fixed timestamps and nonces)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_aka_sync import IMPI, T0, UC, UE, nonce, sip, write_pcap  # noqa: E402


def main():
    out, mode = sys.argv[1], sys.argv[2]
    cid = "impi-reg@imsec.test"
    secc = ("ipsec-3gpp;prot=esp;mod=trans;spi-c=4097;spi-s=4098;port-c=5100;port-s=5101;"
            "alg=hmac-sha-1-96;ealg=aes-cbc")
    secs = ("ipsec-3gpp;q=0.1;prot=esp;mod=trans;spi-c=8193;spi-s=8194;port-c=5102;port-s=5103;"
            "alg=hmac-sha-1-96;ealg=aes-cbc")
    frm = "From: <sip:user1@home1.net>;tag=ue1"

    def via(b, resp=False):
        v = "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK-impi-%s" % (UE, UC, b)
        return v + (";received=%s;rport=%d" % (UE, UC) if resp else "")

    def reg(cseq, auth):
        return sip(["REGISTER sip:home1.net SIP/2.0", via(cseq), "Max-Forwards: 70", frm,
                    "To: <sip:user1@home1.net>", "Call-ID: " + cid, "CSeq: %d REGISTER" % cseq,
                    "Contact: <sip:user1@%s:5101>;expires=600" % UE, auth,
                    "Security-Client: " + secc, "Require: sec-agree", "Proxy-Require: sec-agree",
                    "Supported: path, sec-agree", "Expires: 600", "Content-Length: 0"])

    msgs = [
        (T0, True, reg(1, 'Authorization: Digest username="%s", realm="home1.net", '
                          'uri="sip:home1.net", nonce="", response=""' % IMPI)),
        (T0 + 0.01, False, sip(["SIP/2.0 401 Unauthorized", via(1, True), frm,
                                "To: <sip:user1@home1.net>;tag=p1", "Call-ID: " + cid,
                                "CSeq: 1 REGISTER",
                                'WWW-Authenticate: Digest realm="home1.net", nonce="%s", '
                                'algorithm=AKAv1-MD5, qop="auth"' % nonce(0),
                                "Security-Server: " + secs, "Content-Length: 0"])),
        (T0 + 0.05, True, reg(2, 'Authorization: Digest username="%s", realm="home1.net", '
                                 'uri="sip:home1.net", nonce="%s", algorithm=AKAv1-MD5, '
                                 'response="00112233445566778899aabbccddeeff"' % (IMPI, nonce(0)))),
        (T0 + 0.06, False, sip(["SIP/2.0 200 OK", via(2, True), frm,
                                "To: <sip:user1@home1.net>;tag=p2", "Call-ID: " + cid,
                                "CSeq: 2 REGISTER", "Contact: <sip:user1@%s:5101>;expires=600" % UE,
                                "P-Associated-URI: <sip:user1@home1.net>, <tel:+15550001>",
                                "Content-Length: 0"])),
    ]
    inv = ["INVITE sip:user2@home1.net SIP/2.0", via("inv"), "Max-Forwards: 70", frm,
           "To: <sip:user2@home1.net>", "Call-ID: impi-call@imsec.test", "CSeq: 1 INVITE",
           "Contact: <sip:user1@%s:5101>" % UE]
    if mode == "with-auth":
        inv.append('Authorization: Digest username="%s", realm="home1.net", '
                   'uri="sip:user2@home1.net", nonce="%s", algorithm=AKAv1-MD5, '
                   'response="00112233445566778899aabbccddeeff"' % (IMPI, nonce(0)))
    inv.append("Content-Length: 0")
    msgs.append((T0 + 2, True, sip(inv)))
    write_pcap(out, msgs)


if __name__ == "__main__":
    main()
