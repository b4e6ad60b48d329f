#!/usr/bin/env python3
"""imsec lab: Milenage (TS 35.206) and IMS AKA material for the lab scenarios.

  aka.py --k HEX (--op HEX | --opc HEX) --rand HEX --sqn HEX --amf HEX [--alg A --ealg E]

Prints shell assignments: OPC, AUTN, NONCE (base64 RAND||AUTN, RFC 3310 3.2),
RES, CK, IK, AK and the ESP keys of TS 33.203 Annex I for the chosen
algorithms (IK_ESP, CK_ESP, as hex with 0x, ready for `ip xfrm`).
Checks itself against 35.207 test set 1 with --selftest.
"""
import argparse
import base64
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def aes(k, block):
    enc = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def rot(x, r):
    """Cyclic rotation of 128-bit x by r bits toward the MSB (35.206 4.1)."""
    r //= 8
    return x[r:] + x[:r]


def opc_of(k, op):
    return xor(op, aes(k, op))


def milenage(k, opc, rand, sqn, amf):
    c = [bytes(16)] + [bytes(15) + bytes([v]) for v in (1, 2, 4, 8)]
    r = [64, 0, 32, 64, 96]
    temp = aes(k, xor(rand, opc))
    in1 = sqn + amf + sqn + amf
    out1 = xor(aes(k, xor(xor(temp, rot(xor(in1, opc), r[0])), c[0])), opc)
    outs = []
    for n in range(1, 5):
        outs.append(xor(aes(k, xor(rot(xor(temp, opc), r[n]), c[n])), opc))
    out2, out3, out4, _out5 = outs
    return {"mac_a": out1[:8], "res": out2[8:16], "ak": out2[:6],
            "ck": out3, "ik": out4}


def esp_keys(ck, ik, alg, ealg):
    """TS 33.203 Annex I (reference section 2.6)."""
    if alg == "hmac-sha-1-96":
        ik_esp = ik + bytes(4)
    elif alg == "hmac-md5-96":
        ik_esp = ik
    else:
        raise SystemExit("unsupported alg " + alg)
    if ealg == "aes-cbc":
        ck_esp = ck
    elif ealg == "des-ede3-cbc":
        ck_esp = ck + ck[:8]
    elif ealg == "null":
        ck_esp = b""
    else:
        raise SystemExit("unsupported ealg " + ealg)
    return ik_esp, ck_esp


def selftest():
    k = bytes.fromhex("465b5ce8b199b49faa5f0a2ee238a6bc")
    op = bytes.fromhex("cdc202d5123e20f62b6d676ac72cb318")
    rand = bytes.fromhex("23553cbe9637a89d218ae64dae47bf35")
    sqn = bytes.fromhex("ff9bb4d0b607")
    amf = bytes.fromhex("b9b9")
    opc = opc_of(k, op)
    assert opc.hex() == "cd63cb71954a9f4e48a5994e37a02baf", opc.hex()
    m = milenage(k, opc, rand, sqn, amf)
    assert m["mac_a"].hex() == "4a9ffac354dfafb3"
    assert m["res"].hex() == "a54211d5e3ba50bf"
    assert m["ck"].hex() == "b40ba9a3c58b2a05bbf0d987b21bf8cb"
    assert m["ik"].hex() == "f769bcd751044604127672711c6d3441"
    assert m["ak"].hex() == "aa689c648370"
    autn = xor(sqn, m["ak"]) + amf + m["mac_a"]
    assert autn.hex() == "55f328b43577b9b94a9ffac354dfafb3"
    nonce = base64.b64encode(rand + autn).decode()
    assert nonce == "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=", nonce
    print("aka.py selftest: ok")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--k")
    ap.add_argument("--op")
    ap.add_argument("--opc")
    ap.add_argument("--rand")
    ap.add_argument("--sqn")
    ap.add_argument("--amf")
    ap.add_argument("--alg", default="hmac-sha-1-96")
    ap.add_argument("--ealg", default="aes-cbc")
    a = ap.parse_args()
    if a.selftest:
        selftest()
        return 0
    k = bytes.fromhex(a.k)
    opc = bytes.fromhex(a.opc) if a.opc else opc_of(k, bytes.fromhex(a.op))
    rand = bytes.fromhex(a.rand)
    sqn = bytes.fromhex(a.sqn)
    amf = bytes.fromhex(a.amf)
    m = milenage(k, opc, rand, sqn, amf)
    autn = xor(sqn, m["ak"]) + amf + m["mac_a"]
    ik_esp, ck_esp = esp_keys(m["ck"], m["ik"], a.alg, a.ealg)
    out = {
        "OPC": opc.hex(), "AUTN": autn.hex(),
        "NONCE": base64.b64encode(rand + autn).decode(),
        "RES": m["res"].hex(), "CK": m["ck"].hex(), "IK": m["ik"].hex(),
        "AK": m["ak"].hex(), "IK_ESP": ik_esp.hex(), "CK_ESP": ck_esp.hex(),
    }
    for key, v in out.items():
        print(f"{key}={v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
