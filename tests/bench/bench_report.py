#!/usr/bin/env python3
"""Summarise bench.sh measurements: medians, rates, ratios against the issue-3
and issue-12 targets; prints a table and writes summary.json, whose "issue12"
object carries every issue-12 figure of the run with its target.

usage: bench_report.py RUNS_TSV META_TSV SUMMARY_JSON
RUNS_TSV lines: label tool run wall_s maxrss_kb rc file cpu_s
META_TSV lines: key value
"""
import json
import os
import statistics
import sys

TOOLS = ["rawloop", "imsec", "tshark", "sngrep"]
OK_RC = {"rawloop": {0}, "imsec": {0, 1}, "tshark": {0}, "sngrep": {0}}
TARGETS = {
    "imsec_vs_rawloop_pps_min": 0.5,   # on the SIP-only file
    "imsec_vs_tshark_speedup_min": 20.0,
    "imsec_vs_sngrep_speedup_min": 1.0,  # strictly faster
    "rss_per_dialog_bytes_max": 1024,
}
# Issue 12 ("Targets"): packets/s on one core, wall clock as the issue
# measures it, and RSS growth per tracked entry.
TARGETS_ISSUE12 = {
    "sip_packets_per_s_min": 1.0e6,
    "sip_vs_rawloop_min": 0.18,
    "mixed_packets_per_s_min": 4.0e6,
    "mixed_vs_rawloop_min": 0.30,
    "esp_packets_per_s_min": 1.0e6,
    "rss_per_dialog_bytes_max": 600,
    "rss_per_registration_bytes_max": 1024,
}
# Memory growth series: label prefix -> what one unit is
MEM_SERIES = {"dialogs": "dialog", "registrations": "registration"}


def load(runs_path, meta_path):
    runs = []
    with open(runs_path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 7:
                continue
            runs.append(dict(label=p[0], tool=p[1], run=int(p[2]), wall=float(p[3]),
                             rss_kb=int(p[4]), rc=int(p[5]), file=p[6],
                             cpu=float(p[7]) if len(p) > 7 and p[7] else None))
    meta = {}
    with open(meta_path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            meta[k] = v
    return runs, meta


def eve_stats(path):
    """The final "stats" record of an imsec EVE file, or None."""
    try:
        with open(path) as f:
            last = None
            for line in f:
                if '"event_type":"stats"' in line.replace(" ", ""):
                    last = line
        return json.loads(last)["stats"] if last else None
    except (OSError, ValueError, KeyError):
        return None


def fmt(x, spec, width):
    return ("%" + spec) % x if x is not None else "-".rjust(width)


def mem_series(label):
    """The memory series a label belongs to ("dialogs-10000" -> "dialogs"), or None."""
    kind, _, n = label.partition("-")
    return kind if kind in MEM_SERIES and n.isdigit() else None


def issue12(results, memory, meta):
    """Every issue-12 figure of this run: rates and ratios per traffic kind,
    RSS per entry, and one check per target (value, target, pass; value
    None when the run did not measure it)."""
    out = {"targets": TARGETS_ISSUE12, "traffic": {}, "checks": {}}

    def kind_of(label):
        if label.endswith("-sip"):
            return "sip"
        if label.endswith("-mixed"):
            return "mixed"
        if label.startswith("esp-"):
            return "esp"
        return None

    for label, res in results.items():
        kind = kind_of(label)
        im = res["tools"].get("imsec")
        if kind is None or im is None:
            continue
        r = res["ratios"]
        out["traffic"][kind] = {
            "label": label, "packets": res["packets"],
            "packets_per_s": im["packets_per_s"],
            "packets_per_cpu_s": im["packets_per_cpu_s"],
            "us_per_packet": 1e6 / im["packets_per_s"] if im["packets_per_s"] else None,
            "vs_rawloop": r.get("imsec_vs_rawloop_pps"),
            "vs_tshark": r.get("imsec_vs_tshark_speedup"),
            "vs_sngrep": r.get("imsec_vs_sngrep_speedup"),
            "rawloop_packets_per_s": (res["tools"].get("rawloop") or {}).get("packets_per_s"),
        }

    def check(name, value, target, at_least):
        ok = None if value is None else (value >= target if at_least else value <= target)
        out["checks"][name] = {"value": value, "target": target,
                               "op": ">=" if at_least else "<=", "pass": ok}

    t = out["traffic"]
    for kind in ("sip", "mixed", "esp"):
        check(kind + "_packets_per_s", (t.get(kind) or {}).get("packets_per_s"),
              TARGETS_ISSUE12[kind + "_packets_per_s_min"], True)
        if kind != "esp":
            check(kind + "_vs_rawloop", (t.get(kind) or {}).get("vs_rawloop"),
                  TARGETS_ISSUE12[kind + "_vs_rawloop_min"], True)
    for unit in MEM_SERIES.values():
        key = "rss_per_%s_bytes" % unit
        out[key] = memory.get(key)
        check(key, memory.get(key), TARGETS_ISSUE12[key + "_max"], False)
    loads = [meta.get(k) for k in ("loadavg_start", "loadavg_end")]
    out["loadavg"] = "/".join(x for x in loads if x)
    return out


def print_issue12(s):
    print()
    print("issue 12 targets (this run; wall-clock packets/s, load average %s)" % (s["loadavg"] or "?"))
    print("  %-8s %12s %14s %8s %10s %10s %10s" % ("traffic", "packets/s", "packets/cpu-s", "us/pkt",
                                                   "/rawloop", "x tshark", "x sngrep"))
    for kind in ("sip", "mixed", "esp"):
        x = s["traffic"].get(kind)
        if x is None:
            print("  %-8s %12s" % (kind, "not measured"))
            continue
        print("  %-8s %12s %14s %8s %10s %10s %10s" % (
            kind, fmt(x["packets_per_s"], ".0f", 12), fmt(x["packets_per_cpu_s"], ".0f", 14),
            fmt(x["us_per_packet"], ".2f", 8), fmt(x["vs_rawloop"], ".3f", 10),
            fmt(x["vs_tshark"], ".1f", 10), fmt(x["vs_sngrep"], ".1f", 10)))
    for name, c in s["checks"].items():
        v = c["value"]
        verdict = "not measured" if c["pass"] is None else ("PASS" if c["pass"] else "FAIL")
        vs = "-" if v is None else ("%.3f" % v if v < 10 else "%.0f" % v)
        print("  %-32s %12s  target %s %-10g %s" % (name, vs, c["op"], c["target"], verdict))


def main():
    runs, meta = load(sys.argv[1], sys.argv[2])
    out_path = sys.argv[3]
    # harness overhead (measured on /bin/true), subtracted from every wall time
    oh = [r["wall"] for r in runs if r["label"] == "overhead"]
    overhead = statistics.median(oh) if oh else 0.0
    meta["harness_overhead_s"] = "%.4f" % overhead
    runs = [r for r in runs if r["label"] != "overhead"]
    for r in runs:
        r["wall_raw"] = r["wall"]
        r["wall"] = max(0.001, r["wall"] - overhead)
    labels = []
    for r in runs:
        if r["label"] not in labels:
            labels.append(r["label"])
    results = {}
    for label in labels:
        packets = int(meta.get("packets:" + label, "0") or 0)
        nbytes = int(meta.get("bytes:" + label, "0") or 0)
        res = {"file": meta.get("file:" + label), "packets": packets, "bytes": nbytes,
               "tools": {}}
        for tool in TOOLS:
            rs = [r for r in runs if r["label"] == label and r["tool"] == tool]
            if not rs:
                continue
            ok = all(r["rc"] in OK_RC[tool] for r in rs)
            wall = statistics.median(r["wall"] for r in rs)
            rss = statistics.median(r["rss_kb"] for r in rs)
            res["tools"][tool] = {
                "runs": len(rs), "ok": ok, "exit_codes": sorted({r["rc"] for r in rs}),
                "walls_s": [r["wall"] for r in rs],
                "median_wall_s": wall,
                "packets_per_s": packets / wall if wall > 0 else None,
                "mib_per_s": nbytes / 1048576.0 / wall if wall > 0 else None,
                "peak_rss_kib": rss,
                # user+sys CPU seconds (10 ms resolution): less sensitive than
                # wall time to other load on the machine
                "median_cpu_s": statistics.median(r["cpu"] for r in rs)
                if all(r["cpu"] is not None for r in rs) else None,
            }
            cpu = res["tools"][tool]["median_cpu_s"]
            res["tools"][tool]["packets_per_cpu_s"] = packets / cpu if cpu else None
        t = res["tools"]
        ratios = {}
        if "imsec" in t:
            im = t["imsec"]["median_wall_s"]
            for other, key in (("rawloop", "imsec_vs_rawloop_pps"), ("tshark", "imsec_vs_tshark_speedup"),
                               ("sngrep", "imsec_vs_sngrep_speedup")):
                if other in t and im > 0:
                    ratios[key] = t[other]["median_wall_s"] / im
        res["ratios"] = ratios
        results[label] = res

    summary = {"meta": {k: v for k, v in meta.items()
                        if ":" not in k}, "targets": TARGETS, "throughput": {}, "memory": None}

    # ---- throughput table
    print()
    print("imsec benchmark (median of %s run(s); wall clock, page cache warm)" % meta.get("runs", "?"))
    for k in ("host_cpu", "host_cpus", "harness_overhead_s", "tshark_version", "sngrep_version", "imsec_version", "imsec_missing"):
        if k in meta:
            print("  %-15s %s" % (k, meta[k]))
    loads = [float(meta[k]) for k in ("loadavg_start", "loadavg_end") if meta.get(k)]
    if loads and max(loads) > 0.7:
        print("  WARNING: load average %s while measuring: other processes competed for the"
              " CPU, wall times (and ratios) are pessimistic; compare the cpu s column"
              % "/".join("%.2f" % x for x in loads))
    for label, res in results.items():
        if mem_series(label):
            continue
        summary["throughput"][label] = res
        print()
        print("%s: %s  (%d packets, %.1f MiB)" % (label, os.path.basename(res["file"] or "?"),
                                                 res["packets"], res["bytes"] / 1048576.0))
        print("  %-8s %10s %8s %12s %9s %12s  %s" % ("tool", "wall s", "cpu s", "packets/s", "MiB/s",
                                                     "peak RSS", "note"))
        for tool in TOOLS:
            x = res["tools"].get(tool)
            if x is None:
                note = "skipped (not built)" if tool == "imsec" and "imsec_missing" in meta else "skipped"
                if label.startswith("esp-") and tool in ("tshark", "sngrep"):
                    note = "not run (would need the derived keys)"
                print("  %-8s %10s %8s %12s %9s %12s  %s" % (tool, "-", "-", "-", "-", "-", note))
                continue
            note = "" if x["ok"] else "FAILED exit %s" % x["exit_codes"]
            cpu = "%8.2f" % x["median_cpu_s"] if x["median_cpu_s"] is not None else "%8s" % "-"
            print("  %-8s %10.3f %s %12.0f %9.1f %9.1f MiB  %s" % (
                tool, x["median_wall_s"], cpu, x["packets_per_s"] or 0, x["mib_per_s"] or 0,
                x["peak_rss_kib"] / 1024.0, note))
        r = res["ratios"]
        if r:
            sip = label.endswith("-sip")
            parts = []
            if "imsec_vs_rawloop_pps" in r:
                v = r["imsec_vs_rawloop_pps"]
                tgt = ""
                if sip:
                    tgt = " (target >= 0.50: %s)" % ("PASS" if v >= TARGETS["imsec_vs_rawloop_pps_min"] else "FAIL")
                parts.append("imsec/rawloop = %.2f%s" % (v, tgt))
            if "imsec_vs_tshark_speedup" in r:
                v = r["imsec_vs_tshark_speedup"]
                parts.append("imsec/tshark = %.1fx (target >= 20x: %s)"
                             % (v, "PASS" if v >= TARGETS["imsec_vs_tshark_speedup_min"] else "FAIL"))
            if "imsec_vs_sngrep_speedup" in r:
                v = r["imsec_vs_sngrep_speedup"]
                parts.append("imsec/sngrep = %.1fx (target > 1x: %s)"
                             % (v, "PASS" if v > TARGETS["imsec_vs_sngrep_speedup_min"] else "FAIL"))
            for p in parts:
                print("  " + p)
        elif "imsec" not in res["tools"]:
            raw = res["tools"].get("rawloop")
            for o in ("tshark", "sngrep"):
                if raw and o in res["tools"]:
                    print("  %s runs at %.3f of the raw loop's packets/s (imsec ratios need build/imsec)"
                          % (o, raw["median_wall_s"] / res["tools"][o]["median_wall_s"]))

    # ---- memory growth, one series per kind of tracked entry
    summary["memory"] = None
    for kind, unit in MEM_SERIES.items():
        mem = [(lab, res) for lab, res in results.items() if mem_series(lab) == kind]
        if not mem:
            continue
        print()
        print("memory growth: imsec peak RSS with N %s open at once" % kind)
        print("  %-16s %10s %12s %9s  %s" % ("file", kind, "peak RSS", "wall s", "imsec stats"))
        pts = []
        for lab, res in sorted(mem, key=lambda kv: int(kv[0].split("-")[1])):
            n = int(lab.split("-")[1])
            x = res["tools"].get("imsec")
            st = eve_stats(meta.get("eve:" + lab, ""))
            res["imsec_stats"] = st
            note = ""
            if st:
                ev = (st.get("evictions") or {}).get(kind)
                note = "%s=%s evictions=%s" % (kind, st.get(kind), ev)
                if st.get(kind) != n or ev:
                    note += "  WARNING: expected %s=%d evictions=0" % (kind, n)
            else:
                note = "(no stats record in %s)" % meta.get("eve:" + lab, "?")
            if x:
                pts.append((n, x["peak_rss_kib"]))
                print("  %-16s %10d %9.1f MiB %9.3f  %s" % (lab, n, x["peak_rss_kib"] / 1024.0,
                                                            x["median_wall_s"], note))
        memsum = summary["memory"] or {}
        if kind == "dialogs":
            memsum["points"] = {lab: res for lab, res in mem}  # the issue-3 layout
        else:
            memsum["points_" + kind] = {lab: res for lab, res in mem}
        if len(pts) >= 2:
            (n1, r1), (n2, r2) = pts[0], pts[-1]
            per = (r2 - r1) * 1024.0 / (n2 - n1)
            key = "rss_per_%s_bytes" % unit
            memsum[key] = per
            memsum["formula" if kind == "dialogs" else "formula_" + kind] = \
                "(rss(%d) - rss(%d)) / %d" % (n2, n1, n2 - n1)
            tmax = TARGETS_ISSUE12.get(key + "_max")
            print("  RSS per %s = (%.1f MiB - %.1f MiB) / %d = %.0f bytes%s"
                  % (unit, r2 / 1024.0, r1 / 1024.0, n2 - n1, per,
                     " (issue-12 target <= %d: %s)" % (tmax, "PASS" if per <= tmax else "FAIL")
                     if tmax else ""))
        summary["memory"] = memsum
    if summary["memory"] is None and "memory_skipped" in meta:
        print()
        print("memory growth: skipped (%s)" % meta["memory_skipped"])
        summary["memory"] = {"skipped": meta["memory_skipped"]}

    summary["issue12"] = issue12(results, summary["memory"] or {}, meta)
    print_issue12(summary["issue12"])

    with open(out_path, "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    print()
    print("summary: %s   all runs: %s" % (out_path, sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
