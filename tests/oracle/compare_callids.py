#!/usr/bin/env python3
"""Compare imsec's per-Call-ID SIP message counts with tshark's.

imsec side: `imsec dialogs --format eve FILE` -> sip_dialog / sip_txn records
(call_id, sip_messages) and ims_registration records (call_ids[]).
tshark side: `tshark -r FILE -Y sip -T fields -e sip.Call-ID` (one line per
frame, several Call-IDs comma-joined when a frame carries several messages).
Usage: compare_callids.py IMSEC_EVE_FILE TSHARK_FIELDS_FILE
Exit 0 when both sides agree exactly, 1 otherwise (with the differences)."""
import collections
import json
import sys


def imsec_counts(path):
    counts = collections.Counter()
    dialogs = 0
    stats = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            et = rec.get("event_type")
            if et in ("sip_dialog", "sip_txn"):
                body = rec.get(et, rec)
                counts[body["call_id"]] += body["sip_messages"]
                if et == "sip_dialog":
                    dialogs += 1
            elif et == "ims_registration":
                body = rec.get(et, rec)
                for c in body.get("call_ids", []):
                    counts[c["call_id"]] += c["sip_messages"]
            elif et == "stats":
                stats = rec["stats"]
    return counts, dialogs, stats


def tshark_counts(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return tshark_counts_lines(f)


def tshark_counts_lines(lines):
    """Per-Call-ID message counts from the lines tshark printed; only the
    first tab-separated field is read, so callers may ask for more fields."""
    counts = collections.Counter()
    for line in lines:
        line = line.rstrip("\n").split("\t", 1)[0]
        if not line:
            continue
        for cid in line.split(","):
            counts[cid.strip()] += 1
    return counts


def compare(eve_path, theirs):
    """Differences between imsec's EVE file and tshark's per-Call-ID counts:
    (list of difference lines, summary line, imsec stats record or None)."""
    mine, dialogs, stats = imsec_counts(eve_path)
    diffs = []
    for cid in sorted(set(mine) | set(theirs)):
        if mine.get(cid, 0) != theirs.get(cid, 0):
            diffs.append(f"  Call-ID {cid!r}: imsec {mine.get(cid, 0)}, tshark {theirs.get(cid, 0)}")
    if stats is None:
        diffs.append("  no stats record")
    elif stats["dialogs"] != dialogs:
        diffs.append(f"  stats.dialogs {stats['dialogs']} != {dialogs} sip_dialog records")
    summary = (f"  {len(theirs)} Call-IDs, {sum(theirs.values())} SIP messages (tshark); "
               f"{len(mine)} Call-IDs, {sum(mine.values())} (imsec)")
    return diffs, summary, stats


def main():
    diffs, summary, _ = compare(sys.argv[1], tshark_counts(sys.argv[2]))
    for d in diffs:
        print(d)
    print(summary)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
