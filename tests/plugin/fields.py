#!/usr/bin/env python3
"""Field extraction check: the plugin's security-header and AKA fields
against Wireshark's own SIP dissector on the same frames (an independent
parser), from one `tshark -T pdml -o imsec.show_secrets:TRUE` run.

usage: fields.py PDML_FILE [--secrets]
Prints one line per checked item; exit 1 on any mismatch, 2 when nothing
was compared (no security header and no AKA nonce in the capture)."""
import base64
import sys
import xml.etree.ElementTree as ET

SEC_HDRS = ("Security-Client", "Security-Server", "Security-Verify")
KEYS = {"alg": "imsec.sec.alg", "ealg": "imsec.sec.ealg", "prot": "imsec.sec.prot",
        "mod": "imsec.sec.mod", "spi-c": "imsec.sec.spi_c", "spi-s": "imsec.sec.spi_s",
        "port-c": "imsec.sec.port_c", "port-s": "imsec.sec.port_s", "q": "imsec.sec.q"}


def unq(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        return s[1:-1]
    return s


def walk(el):
    yield el
    for c in el:
        yield from walk(c)


def oracle_mechs(value):
    """Wireshark's raw header value -> list of normalised mechanism dicts."""
    out = []
    for elem in value.split(","):
        parts = [p.strip() for p in elem.split(";")]
        d = {"mech": parts[0].lower()}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            k = k.strip().lower()
            if k in KEYS:
                d[k] = norm(k, v.strip())
        out.append(d)
    return out


def norm(k, v):
    if k in ("spi-c", "spi-s", "port-c", "port-s"):
        return str(int(v))
    if k == "q":
        return "%.3f" % float(v)
    return v.lower()


def plugin_mech(field):
    d = {}
    for c in field:
        n = c.get("name")
        if n == "imsec.sec.mechanism":
            d["mech"] = c.get("show").lower()
        for k, f in KEYS.items():
            if n == f:
                d[k] = norm(k, c.get("show"))
    hdr = next((c.get("show") for c in field if c.get("name") == "imsec.sec.header"), "")
    return hdr, d


def main():
    secrets = "--secrets" in sys.argv
    tree = ET.parse(sys.argv[1])
    checked = bad = 0

    def check(frame, what, want, got):
        nonlocal checked, bad
        checked += 1
        if want != got:
            bad += 1
            print("  frame %s %s: Wireshark %r, imsec %r" % (frame, what, want, got))

    for pkt in tree.getroot().iter("packet"):
        frame = next((f.get("show") for f in pkt.iter("field") if f.get("name") == "num"), "?")
        fields = list(walk(pkt))
        imsec = [p for p in pkt.iter("proto") if p.get("name") == "imsec"]
        isec = [f for p in imsec for f in p.iter("field") if f.get("name") == "imsec.sec"]
        iauth = [f for p in imsec for f in p.iter("field") if f.get("name") == "imsec.auth"]
        # Security agreement headers.
        for h in SEC_HDRS:
            want = []
            for f in fields:
                if f.get("name") == "sip." + h:
                    want += oracle_mechs(f.get("show", ""))
            got = [d for hdr, d in map(plugin_mech, isec) if hdr == h]
            if want or got:
                check(frame, h, want, got)
        # Digest / AKA.
        def sipv(name):
            return [unq(f.get("show", "")) for f in fields if f.get("name") == name]

        def imv(name):
            return [f.get("show", "") for a in iauth for f in a.iter("field")
                    if f.get("name") == name]

        for n, w in (("username", "sip.auth.username"), ("algorithm", "sip.auth.algorithm"),
                     ("auts", "sip.auth.auts")):
            want = sipv(w)
            if want:
                check(frame, n, want, imv("imsec.auth." + n))
        for k in ("ck", "ik"):
            want = sipv("sip.auth." + k)
            pres = imv("imsec.auth.%s_present" % k)
            if want or any(p.lower() in ("1", "true") for p in pres):
                check(frame, k + " present", bool(want), any(p.lower() in ("1", "true") for p in pres))
                check(frame, k + " value", want if secrets else [], imv("imsec.auth." + k))
        for nonce in sipv("sip.auth.nonce"):
            try:
                raw = base64.b64decode(nonce, validate=True)
            except Exception:
                continue
            if len(raw) < 32:
                continue
            want = {"rand": raw[:16].hex(), "autn": raw[16:32].hex(), "sqn_xor_ak": raw[16:22].hex(),
                    "amf": raw[22:24].hex(), "mac": raw[24:32].hex()}
            got = {k: "".join(imv("imsec.aka." + k)).replace(":", "").lower() for k in want}
            check(frame, "AKA nonce", want, got)
    print("  %d item(s) compared, %d mismatch(es)" % (checked, bad))
    if bad:
        return 1
    return 0 if checked else 2


if __name__ == "__main__":
    sys.exit(main())
