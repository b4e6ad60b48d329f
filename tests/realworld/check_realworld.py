#!/usr/bin/env python3
"""Realworld test: imsec against what is true on other projects' captures.

For every capture of tests/data/realworld (its SHA256SUMS lists them):
  - counts: SIP messages and per-Call-ID message counts of `imsec dialogs`
    equal tshark's (the oracle's compare_callids.py), with the decode-as
    options of expected.tsv;
  - findings: the alerts of `imsec --format eve` meet exactly the (rule,
    frame) findings of expected.tsv (see its header for what "meet" means);
  - the display filter of every expected.tsv record with a frame selects
    that frame in tshark, so the justifications stay checkable.
A deviation listed in known_gaps.tsv is XFAIL; any other deviation fails, and
so does a listed gap that no longer occurs (XPASS), so the list stays true.

Usage: check_realworld.py IMSEC DATA_DIR [--only SUBSTRING]
Exit 0 when nothing failed, 1 otherwise."""
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import compare_callids  # noqa: E402  (the oracle's comparison, reused)

KINDS = ("missing", "false", "count")
ISSUES = {"13": "precision, recall, parser drops", "14": "encapsulations"}
TSHARK = ["tshark", "-n", "-o", "tcp.reassemble_out_of_order:TRUE"]


def read_tsv(path):
    """(line number, fields) of the non-comment, non-blank lines."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield n, line.split("\t")


class Spec:
    """expected.tsv and known_gaps.tsv, checked for form."""

    def __init__(self, captures):
        self.errors = []
        self.args = {}                      # capture -> tshark decode-as args
        self.findings = collections.defaultdict(list)   # capture -> [(rule, frame)]
        self.checks = collections.defaultdict(list)     # capture -> [(frame, filter, where)]
        self.gaps = {}                      # (capture, kind, rule) -> (issue, where)
        exp = os.path.join(HERE, "expected.tsv")
        for n, f in read_tsv(exp):
            where = f"expected.tsv:{n}"
            if f[0] == "capture" and len(f) == 4:
                if f[1] in self.args:
                    self.errors.append(f"{where}: second capture record for {f[1]}")
                self.args[f[1]] = [] if f[2] == "-" else f[2].split()
            elif f[0] in ("finding", "not") and len(f) == 6:
                cap, rule, frame, flt = f[1], f[2], f[3], f[4]
                if f[0] == "finding":
                    if rule == "-" or not frame.isdigit():
                        self.errors.append(f"{where}: a finding needs a rule and a frame")
                        continue
                    self.findings[cap].append((rule, int(frame)))
                if frame.isdigit():
                    self.checks[cap].append((int(frame), flt, where))
                if cap not in captures:
                    self.errors.append(f"{where}: {cap} is not a realworld capture")
            else:
                self.errors.append(f"{where}: not a capture/finding/not record of 4/6 fields")
        for cap in captures:
            if cap not in self.args:
                self.errors.append(f"expected.tsv: no capture record for {cap}")
        for n, f in read_tsv(os.path.join(HERE, "known_gaps.tsv")):
            where = f"known_gaps.tsv:{n}"
            if len(f) != 5 or f[1] not in KINDS or f[3] not in ISSUES or f[0] not in captures:
                self.errors.append(f"{where}: want CAPTURE, KIND ({'/'.join(KINDS)}), "
                                   f"RULE or -, ISSUE ({'/'.join(ISSUES)}), NOTE")
                continue
            key = (f[0], f[1], f[2])
            if key in self.gaps:
                self.errors.append(f"{where}: repeats {self.gaps[key][1]}")
            self.gaps[key] = (f[3], where)


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          encoding="utf-8", errors="surrogateescape")


def alert_frames(alert):
    im = alert.get("imsec", {})
    fr = set(im.get("frames", []))
    for k in ("trigger_frame", "first_frame", "last_frame", "first", "last"):
        if isinstance(im.get(k), int):
            fr.add(im[k])
    return fr


def check_capture(imsec, path, cap, spec, work):
    """Returns (row, deviations, errors): deviations are (kind, rule, detail)."""
    devs, errors = [], []
    # imsec findings
    r = run([imsec, "--format", "eve", "-q", path])
    alerts = []
    if r.returncode > 1:
        errors.append(f"imsec exit {r.returncode}: {r.stderr.strip()[:200]}")
    for line in r.stdout.splitlines():
        rec = json.loads(line)
        if rec.get("event_type") == "alert":
            alerts.append(rec)
    # imsec dialogs against tshark
    eve = os.path.join(work, "dialogs.eve")
    r = run([imsec, "dialogs", "--format", "eve", "-q", "-o", eve, path])
    if r.returncode > 1:
        errors.append(f"imsec dialogs exit {r.returncode}: {r.stderr.strip()[:200]}")
        return None, devs, errors
    t = run(TSHARK + spec.args[cap] + ["-r", path, "-Y", "sip", "-T", "fields",
                                       "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code",
                                       "-E", "occurrence=a", "-E", "aggregator=,"])
    if t.returncode != 0:
        errors.append(f"tshark exit {t.returncode}: {t.stderr.strip()[:200]}")
        return None, devs, errors
    lines = t.stdout.splitlines()
    ts_msgs = sum(len(c.split(",")) for ln in lines for c in ln.split("\t")[1:] if c)
    theirs = compare_callids.tshark_counts_lines(lines)
    diffs, _, stats = compare_callids.compare(eve, theirs)
    im_msgs = stats["sip_messages"] if stats else -1
    if im_msgs != ts_msgs:
        diffs.insert(0, f"  SIP messages: imsec {im_msgs}, tshark {ts_msgs}")
    im_cids = len(compare_callids.imsec_counts(eve)[0])
    if diffs:
        devs.append(("count", "-", "; ".join(d.strip() for d in diffs[:4])
                     + (f"; ... {len(diffs) - 4} more" if len(diffs) > 4 else "")))
    # findings against expectations
    expected = spec.findings.get(cap, [])
    met = set()
    false = collections.defaultdict(list)
    for a in alerts:
        rule = a["imsec"]["rule"]
        fr = alert_frames(a)
        hit = [(ru, f) for (ru, f) in expected if ru == rule and f in fr]
        if hit:
            met.update(hit)
        else:
            false[rule].append(a["imsec"].get("trigger_frame") or min(fr, default=0))
    for rule, f in expected:
        if (rule, f) not in met:
            devs.append(("missing", rule, f"frame {f}"))
    for rule, frames in sorted(false.items()):
        shown = ",".join(map(str, frames[:8])) + (",..." if len(frames) > 8 else "")
        devs.append(("false", rule, f"x{len(frames)} at frames {shown}"))
    # the justifications' filters select their frames
    checks = spec.checks.get(cap, [])
    if checks:
        flt = " || ".join(f"(frame.number == {f} && ({x}))" for f, x, _ in checks)
        t = run(TSHARK + spec.args[cap] + ["-r", path, "-Y", flt, "-T", "fields", "-e", "frame.number"])
        got = {int(x) for x in t.stdout.split()} if t.returncode == 0 else set()
        if t.returncode != 0:
            errors.append(f"tshark rejects a filter of expected.tsv: {t.stderr.strip()[:200]}")
        for f, x, where in checks:
            if f not in got:
                errors.append(f"{where}: filter does not select frame {f} in tshark")
    row = (ts_msgs, im_msgs, len(theirs), im_cids, len(expected), len(met),
           sum(len(v) for v in false.values()))
    return row, devs, errors


def main():
    imsec, data = sys.argv[1], sys.argv[2]
    only = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--only" else None
    rw = os.path.join(data, "realworld")
    with open(os.path.join(rw, "SHA256SUMS"), encoding="utf-8") as f:
        captures = [ln.split(None, 1)[1].strip().lstrip("*") for ln in f if ln.strip()]
    spec = Spec(set(captures))
    for e in spec.errors:
        print(f"FAIL {e}")
    fail = bool(spec.errors)
    seen_gaps = set()
    counts = collections.Counter()
    by_issue = collections.Counter()
    fmt = "{:<62} {:>9} {:>9} {:>6} {:>5} {:>6}  {}"
    print(fmt.format("capture", "msgs t/i", "cids t/i", "expect", "met", "false", "status"))
    with tempfile.TemporaryDirectory() as work:
        for cap in captures:
            if only and only not in cap:
                continue
            row, devs, errors = check_capture(imsec, os.path.join(rw, cap), cap, spec, work)
            lines, status = [], "ok"
            for e in errors:
                lines.append(f"    FAIL {e}")
                status = "FAIL"
            for kind, rule, detail in devs:
                key = (cap, kind, rule)
                if key in spec.gaps:
                    seen_gaps.add(key)
                    issue = spec.gaps[key][0]
                    by_issue[issue] += 1
                    lines.append(f"    XFAIL {kind} {rule} {detail} (issue {issue})")
                    status = "xfail" if status == "ok" else status
                else:
                    lines.append(f"    FAIL {kind} {rule} {detail} (not in known_gaps.tsv)")
                    status = "FAIL"
            for key, (issue, where) in sorted(spec.gaps.items()):
                if key[0] == cap and key not in seen_gaps and row is not None:
                    lines.append(f"    XPASS: remove from known gaps: {where} {key[1]} {key[2]} "
                                 f"(issue {issue}) no longer occurs")
                    status = "FAIL"
            counts[status] += 1
            fail |= status == "FAIL"
            r = row or ("?",) * 7
            print(fmt.format(cap, f"{r[0]}/{r[1]}", f"{r[2]}/{r[3]}", r[4], r[5], r[6], status))
            for ln in lines:
                print(ln)
    xfails = sum(by_issue.values())
    print(f"realworld: {sum(counts.values())} captures: {counts['ok']} ok, {counts['xfail']} xfail "
          f"({xfails} known deviations: " +
          ", ".join(f"issue {i}: {by_issue[i]}" for i in sorted(ISSUES)) +
          f"), {counts['FAIL']} FAIL")
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
