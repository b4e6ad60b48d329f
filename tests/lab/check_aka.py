#!/usr/bin/env python3
"""Check that the AKA digest responses in a capture are the ones Milenage
gives for the keys file's subscriber (RFC 3310 3.3, password = RES bytes).

  check_aka.py FILE.pcap FILE.keys.json SQN_HEX
Decrypts ESP with the keys' SAs (the protected REGISTER is inside ESP).
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import aka  # noqa: E402


def param(h, name):
    import re
    m = re.search(r'(?:^|[\s,])' + name + r'="?([^",]*)"?', h)
    return m.group(1) if m else None


def main():
    pcap, keysf, _sqn = sys.argv[1], sys.argv[2], sys.argv[3]
    keys = json.load(open(keysf))
    sub = keys["subscribers"][0]
    k, opc = bytes.fromhex(sub["k"]), bytes.fromhex(sub["opc"])
    args = ["tshark", "-r", pcap, "-o", "esp.enable_encryption_decode:TRUE"]
    uat = subprocess.check_output([sys.executable, os.path.join(HERE, "esp_uat.py"), keysf], text=True)
    for line in uat.splitlines():
        args += ["-o", "uat:esp_sa:" + line]
    out = subprocess.run(args + ["-Y", 'sip.Method=="REGISTER" && sip.Authorization contains "response"',
                                 "-T", "fields", "-e", "sip.Authorization"],
                         capture_output=True, text=True, check=True).stdout
    checked = 0
    for h in out.splitlines():
        resp = param(h, "response")
        nonce = param(h, "nonce")
        if not resp or not nonce:
            continue  # the initial REGISTER: empty response
        raw = base64.b64decode(nonce)
        rand, autn = raw[:16], raw[16:32]
        m = aka.milenage(k, opc, rand, bytes(6), autn[6:8])
        sqn = aka.xor(autn[:6], m["ak"])
        m = aka.milenage(k, opc, rand, sqn, autn[6:8])
        if m["mac_a"] != autn[8:16]:
            print("check_aka: MAC-A in AUTN does not verify", file=sys.stderr)
            return 1
        md5 = lambda b: hashlib.md5(b).hexdigest()  # noqa: E731
        ha1 = md5(param(h, "username").encode() + b":" + param(h, "realm").encode() + b":" + m["res"])
        ha2 = md5(("REGISTER:" + param(h, "uri")).encode())
        want = md5(":".join([ha1, nonce, param(h, "nc"), param(h, "cnonce"), param(h, "qop"), ha2]).encode())
        if want != resp:
            print("check_aka: response %s, Milenage gives %s" % (resp, want), file=sys.stderr)
            return 1
        checked += 1
    if checked == 0:
        print("check_aka: no AKA response found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
