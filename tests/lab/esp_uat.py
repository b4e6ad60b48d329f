#!/usr/bin/env python3
"""Print Wireshark esp_sa UAT records (one per line) for the "sas" of an
imsec keys file (interface.md), for `tshark -o "uat:esp_sa:<record>"`.

  esp_uat.py FILE.keys.json
"""
import json
import sys

EALG = {"aes-cbc": "AES-CBC [RFC3602]", "des-ede3-cbc": "TripleDES-CBC [RFC2451]",
        "null": "NULL"}
ALG = {"hmac-sha-1-96": "HMAC-SHA-1-96 [RFC2404]", "hmac-md5-96": "HMAC-MD5-96 [RFC2403]"}

with open(sys.argv[1]) as f:
    keys = json.load(f)
for sa in keys.get("sas", []):
    ekey = "0x" + sa["ekey"] if sa.get("ekey") else ""
    print('"IPv4","%s","%s","0x%08x","%s","%s","%s","0x%s"' % (
        sa["src"], sa["dst"], int(sa["spi"], 16), EALG[sa["ealg"]], ekey,
        ALG[sa["alg"]], sa["akey"]))
