#!/usr/bin/env python3
"""Structure of an imsec HTML report, for golden and browser tests.

  check_report.py struct REPORT.html      prints a stable outline (golden file format)
  check_report.py static REPORT.html      asserts the page is self-contained and safe
  check_report.py dom DOM.html N FRAMES   asserts on Chromium's --dump-dom output:
        scripts ran, N finding rows, every frame in FRAMES (comma list) drawn as a
        highlighted arrow and nothing else highlighted; prints the outline
Exit 0 ok, 1 with a message on failure."""
import re
import sys
from html.parser import HTMLParser


class Outline(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.rows = []        # finding rows: dict
        self.sections = []    # dict(id, kind, flagged, lanes, arrows)
        self.scripts = 0
        self.external = []
        self.body = {}
        self.cur_row = None
        self.cur_cell = None
        self.cur_arrow = None
        self.cur_lane = None
        self.text_target = None
        self.in_template = 0
        self.title = ""
        self.in_title = False
        self.in_summary = False
        self.xchains = []     # transfer chains: dict(chain, nodes, arrows)
        self.xnone = False
        self.xcap = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if self.in_template:
            # Inside a message only our redaction marks are markup.
            if not (tag == "span" and attrs == [("class", "red")]):
                self.external.append("markup inside a message template: <%s %s>" % (tag, attrs))
            return
        if tag == "template":
            self.in_template += 1
            return
        if tag == "script":
            self.scripts += 1
            if "src" in a:
                self.external.append("script src")
        for k, v in a.items():
            if k.startswith("on"):
                self.external.append("event handler attribute %s on <%s>" % (k, tag))
            if k in ("src", "href", "action", "srcset", "poster", "data") and v and not v.startswith("#"):
                if tag not in ("svg",):
                    self.external.append("%s=%s on <%s>" % (k, v, tag))
        if tag in ("link", "iframe", "img", "object", "embed", "base", "form"):
            self.external.append("<%s>" % tag)
        if tag == "body":
            self.body = a
        if tag == "svg" and "xfer" in cls:
            self.xchains.append({"chain": a.get("data-chain"), "nodes": [], "arrows": []})
        if tag == "g" and "xnode" in cls and self.xchains:
            self.xchains[-1]["nodes"].append("%s sec=%s%s" % (a.get("data-cid"), a.get("data-sec"),
                                                             " charged" if "chg" in cls else ""))
        if tag == "g" and "xarrow" in cls and self.xchains:
            self.xchains[-1]["arrows"].append("%s -> %s frame=%s by=%s charged=%s" % (
                a.get("data-from"), a.get("data-to"), a.get("data-frame"), a.get("data-by"), a.get("data-charged")))
        if a.get("id") == "xfer-none":
            self.xnone = True
        if a.get("id") == "xfer-cap":
            self.xcap = True
        if tag == "title":
            self.in_title = True
        if tag == "tr" and "finding" in cls:
            self.cur_row = {"id": a.get("data-id"), "sev": a.get("data-sev"), "rule": a.get("data-rule"),
                            "hidden": "hidden" in cls, "cells": []}
        if tag == "td" and self.cur_row is not None:
            self.cur_cell = []
        if tag == "details" and "flow" in cls:
            self.sections.append({"id": a.get("id"), "kind": a.get("data-kind"),
                                  "flagged": "flagged" in cls, "lanes": [], "arrows": [], "summary": ""})
        if tag == "summary" and self.sections:
            self.in_summary = True
        if tag == "g" and "lanegrp" in cls:
            self.cur_lane = []
        if tag == "g" and "arrow" in cls and self.sections:
            self.cur_arrow = {"frame": a.get("data-frame"), "hl": "hl" in cls, "prot": "prot" in cls,
                              "sel": "sel" in cls, "f": a.get("data-f") or "", "text": []}
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template = max(0, self.in_template - 1)
            return
        if self.in_template:
            return
        if tag == "title":
            self.in_title = False
        if tag == "summary":
            self.in_summary = False
        if tag == "td" and self.cur_row is not None and self.cur_cell is not None:
            self.cur_row["cells"].append(" ".join("".join(self.cur_cell).split()))
            self.cur_cell = None
        if tag == "tr" and self.cur_row is not None:
            self.rows.append(self.cur_row)
            self.cur_row = None
        if tag == "g" and self.cur_arrow is not None and self.stack and self.stack[-1] == "g":
            pass
        if self.stack:
            self.stack.pop()
        if tag == "g":
            if self.cur_lane is not None and "g" not in self.stack[-1:]:
                self.sections[-1]["lanes"].append(" / ".join(self.cur_lane))
                self.cur_lane = None
            elif self.cur_arrow is not None:
                self.cur_arrow["text"] = [t for t in self.cur_arrow["text"] if t]
                self.sections[-1]["arrows"].append(self.cur_arrow)
                self.cur_arrow = None

    def handle_data(self, data):
        if self.in_template:
            return
        if self.in_title:
            self.title += data
        if self.cur_cell is not None:
            self.cur_cell.append(data)
        if self.in_summary and self.sections:
            self.sections[-1]["summary"] += data
        if self.cur_lane is not None and data.strip():
            self.cur_lane.append(data.strip())
        if self.cur_arrow is not None and data.strip():
            self.cur_arrow["text"].append(data.strip())


def parse(path):
    p = Outline()
    with open(path, encoding="utf-8") as fh:
        p.feed(fh.read())
    p.close()
    return p


def outline(p):
    out = ["title: " + p.title.strip(), "findings: %d" % len(p.rows)]
    for r in p.rows:
        c = r["cells"]
        out.append("  F%s %s %s frames=[%s] where=%s" % (r["id"], c[1] if len(c) > 1 else "?", r["rule"],
                                                       c[6] if len(c) > 6 else "", c[8] if len(c) > 8 else ""))
    out.append("flows: %d" % len(p.sections))
    for s in p.sections:
        out.append("  %s %s%s lanes=%d arrows=%d highlighted=%d protected=%d" % (
            s["id"], s["kind"], " flagged" if s["flagged"] else "", len(s["lanes"]), len(s["arrows"]),
            sum(a["hl"] for a in s["arrows"]), sum(a["prot"] for a in s["arrows"])))
        out.append("    summary: " + " ".join(s["summary"].split()))
        for ln in s["lanes"]:
            out.append("    lane: " + ln)
        for a in s["arrows"]:
            out.append("    #%s %s%s%s %s" % (a["frame"], " ".join(a["text"][2:]),
                                             " [protected]" if a["prot"] else "",
                                             " [" + a["f"] + "]" if a["hl"] else "", ""))
    out.append("transfers: chains=%d arrows=%d%s%s" % (
        len(p.xchains), sum(len(c["arrows"]) for c in p.xchains),
        " (none noted)" if p.xnone else "", " (cap noted)" if p.xcap else ""))
    for c in p.xchains:
        out.append("  chain %s nodes=%d arrows=%d" % (c["chain"], len(c["nodes"]), len(c["arrows"])))
        for n in c["nodes"]:
            out.append("    node " + n)
        for a in c["arrows"]:
            out.append("    arrow " + a)
    return "\n".join(line.rstrip() for line in out) + "\n"


def fail(msg):
    print("check_report: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    p = parse(path)
    if mode == "struct":
        sys.stdout.write(outline(p))
    elif mode == "static":
        raw = open(path, encoding="utf-8").read()
        if p.scripts != 1:
            fail("%d <script> elements, expected exactly 1 (ours)" % p.scripts)
        if p.external:
            fail("not self-contained or unsafe: " + "; ".join(p.external[:5]))
        if re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", raw):
            fail("external reference in the page")
        if "Content-Security-Policy" not in raw:
            fail("no Content-Security-Policy")
    elif mode == "dom":
        n, frames = int(sys.argv[3]), set(f for f in sys.argv[4].split(",") if f)
        if p.body.get("data-ready") != "1":
            fail("page script did not run (body data-ready missing)")
        if len(p.rows) != n:
            fail("%d finding rows in the DOM, CLI reported %d" % (len(p.rows), n))
        if any(r["hidden"] for r in p.rows):
            fail("finding rows hidden with no filter set")
        hl = set(a["frame"] for s in p.sections for a in s["arrows"] if a["hl"])
        if hl != frames:
            fail("highlighted arrows for frames %s, findings cite %s" % (sorted(hl), sorted(frames)))
        if p.scripts != 1:
            fail("%d script elements in the rendered DOM" % p.scripts)
        if p.external:
            fail("rendered DOM not safe: " + "; ".join(p.external[:5]))
        sys.stdout.write(outline(p))
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main()
