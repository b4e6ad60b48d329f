#!/usr/bin/env python3
"""What a lab capture shows, as one comparable line (via tshark).

  signature.py FILE.pcap [FILE.keys.json]

Output: linktype=..;sip=<METHOD>:<n>,..;resp=<CODE>:<n>,..;esp=<n>;esp_spis=..;
        icv_bad=<n>;frag=<n>;ipv6=<0|1>;tcp=<0|1>
SIP messages are counted once per (source, Call-ID, CSeq, method/status), so
a UDP retransmission on a loaded machine does not change the line.  With a
keys file, ESP is decrypted and ICV-checked by Wireshark with the keys'
SAs (esp_uat.py) and the SIP inside counts too.
"""
import collections
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    pcap = sys.argv[1]
    args = ["tshark", "-r", pcap, "-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE"]
    if len(sys.argv) > 2 and os.path.exists(sys.argv[2]):
        uat = subprocess.check_output([sys.executable, os.path.join(HERE, "esp_uat.py"), sys.argv[2]],
                                      text=True)
        for line in uat.splitlines():
            args += ["-o", "uat:esp_sa:" + line]
    fields = ["frame.number", "ip.src", "ipv6.src", "sip.Call-ID", "sip.CSeq", "sip.Method",
              "sip.Status-Code", "esp.spi", "esp.icv_bad", "ip.flags.mf", "ip.frag_offset",
              "ipv6.fraghdr.nxt", "tcp.srcport"]
    cmd = args + ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    seen = set()
    meth = collections.Counter()
    resp = collections.Counter()
    esp = 0
    spis = set()
    icv_bad = 0
    frag = 0
    v6 = 0
    tcp = 0
    for line in out.splitlines():
        c = (line.split("\t") + [""] * len(fields))[: len(fields)]
        (_n, s4, s6, cid, cseq, m, st, spi, bad, mf, off, f6, tport) = c
        src = s4 or s6
        if s6:
            v6 = 1
        if tport:
            tcp = 1
        if spi:
            esp += 1
            spis.add(spi)
        if bad in ("1", "True"):
            icv_bad += 1
        if mf in ("1", "True") or (off and off != "0") or f6:
            frag += 1
        if m or st:
            key = (src, cid, cseq, m, st)
            if key in seen:
                continue
            seen.add(key)
            if m:
                meth[m] += 1
            else:
                resp[st] += 1
    enc = subprocess.run(["capinfos", "-E", "-T", "-r", pcap], capture_output=True, text=True).stdout
    link = enc.strip().split("\t")[-1] if enc.strip() else "?"
    sig = "linktype=%s;sip=%s;resp=%s;esp=%d;esp_spis=%s;icv_bad=%d;frag=%d;ipv6=%d;tcp=%d" % (
        link.replace(" ", "_"),
        ",".join("%s:%d" % kv for kv in sorted(meth.items())),
        ",".join("%s:%d" % kv for kv in sorted(resp.items())),
        esp, ",".join(sorted(spis)), icv_bad, frag, v6, tcp)
    print(sig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
