#!/usr/bin/env python3
"""Semantic checks on EVE output, in the spirit of suricata-verify's test.yaml.

checks JSON: {"fires": {"RULE": N, ...},          rule fires exactly N times
              "silent": ["RULE", ...],             rule never fires
              "frames": {"RULE": [[f1, f2], ...]}, evidence frames of each firing, in order
              "stats": {"dialogs": 5, ...}}        stats counters equal
Usage: check_findings.py CHECKS.json EVE_FILE"""
import collections
import json
import sys


def main():
    checks = json.load(open(sys.argv[1]))
    alerts, stats = [], {}
    for line in open(sys.argv[2], encoding="utf-8"):
        rec = json.loads(line)
        if rec.get("event_type") == "alert":
            alerts.append(rec["imsec"])
        elif rec.get("event_type") == "stats":
            stats = rec["stats"]
    fired = collections.Counter(a["rule"] for a in alerts)
    ok = True
    for rule, n in checks.get("fires", {}).items():
        if fired[rule] != n:
            print(f"  {rule}: fired {fired[rule]} times, expected {n}")
            ok = False
    for rule in checks.get("silent", []):
        if fired[rule]:
            print(f"  {rule}: expected silent, fired {fired[rule]} times")
            ok = False
    for rule, frames in checks.get("frames", {}).items():
        got = [a["frames"] for a in alerts if a["rule"] == rule]
        if got != frames:
            print(f"  {rule}: evidence frames {got}, expected {frames}")
            ok = False
    for key, val in checks.get("stats", {}).items():
        cur = stats
        for part in key.split("."):
            cur = cur.get(part, {}) if isinstance(cur, dict) else None
        if cur != val:
            print(f"  stats.{key} = {cur}, expected {val}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
