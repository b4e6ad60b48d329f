#!/usr/bin/env python3
"""Compare the (frame, rule) pairs the plugin shows with the CLI's findings.

usage: pairs.py [--one-pass] EVE_FILE TEXT_FILE TSHARK_FIELDS_FILE

The CLI side comes from one run's `--format eve` and one run's text output
on the same file and rules; both list the findings in the same order.
The frame of a finding is its trigger frame (imsec_finding.trigger_frame:
the frame being analysed when the detector fired), or, for findings of
end-of-input detectors that carry none, their first evidence frame. That is
what the text output prints as "frame N" and where the plugin attaches the
finding. EVE has no trigger frame field (imsec.trigger_frame is used when
it appears); it gives the rule list, cross-checked against the text.

End-of-input findings are emitted at imsec_engine_finish, which the plugin
runs when Wireshark's first pass is over; single-pass tshark prints every
frame while reading, so with --one-pass they are left out. EVE marks them by
the absence of imsec.trigger_frame (and usually of the 5-tuple, src_ip).

TSHARK side: lines "FRAME<TAB>RULE[,RULE...]" from
`-T fields -e frame.number -e imsec.rule`.
Pairs are compared as multisets (two findings of one rule on one frame count
twice). Exit 0 if equal, 1 otherwise (differences on stdout)."""
import collections
import json
import re
import sys

TEXT_RE = re.compile(r"^\[[A-Z]+\] (\S+)  frame (\d+)")


def cli_pairs(eve_path, text_path, one_pass):
    alerts = []
    with open(eve_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                ev = json.loads(line)
                if ev.get("event_type") == "alert":
                    alerts.append(ev)
    texts = []
    with open(text_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = TEXT_RE.match(line)
            if m:
                texts.append((m.group(1), int(m.group(2))))
    if len(texts) != len(alerts) or any(a["imsec"]["rule"] != t[0] for a, t in zip(alerts, texts)):
        raise SystemExit("  CLI text and EVE outputs list different findings")
    out = collections.Counter()
    skipped = 0
    for ev, (rule, frame) in zip(alerts, texts):
        im = ev["imsec"]
        # End-of-input findings (no trigger frame; most also have no 5-tuple)
        # exist only after the first pass ends, so single-pass tshark cannot
        # show them, whatever frame or tuple they cite.
        if one_pass and ("src_ip" not in ev or not im.get("trigger_frame")):
            skipped += 1
            continue
        if im.get("trigger_frame"):
            frame = int(im["trigger_frame"])
        out[(frame, rule)] += 1
    return out, skipped


def tshark_pairs(path):
    out = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            frame, _, rules = line.partition("\t")
            for r in rules.split(","):
                if r:
                    out[(int(frame), r)] += 1
    return out


def main():
    args = sys.argv[1:]
    one_pass = "--one-pass" in args
    args = [a for a in args if a != "--one-pass"]
    cli, skipped = cli_pairs(args[0], args[1], one_pass)
    ws = tshark_pairs(args[2])
    if cli == ws:
        note = " (%d end-of-input finding(s) need two passes)" % skipped if skipped else ""
        print("  %d pair(s) agree%s" % (sum(cli.values()), note))
        return 0
    for k in sorted(set(cli) | set(ws)):
        if cli[k] != ws[k]:
            print("  frame %d %s: CLI %d, plugin %d" % (k[0], k[1], cli[k], ws[k]))
    return 1


if __name__ == "__main__":
    sys.exit(main())
