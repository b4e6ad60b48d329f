#!/usr/bin/env bash
# README's rule table must agree with the rules imsec ships (issue 12: one
# rule definition): every rule of `imsec rules list` has a row with the same
# sid and default severity, and every row names a shipped rule.
# Args: BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
python3 - "$build/imsec" "$src/README.md" <<'PY'
import re, subprocess, sys
imsec, readme = sys.argv[1], sys.argv[2]
out = subprocess.run([imsec, "rules", "list"], capture_output=True, text=True, check=True).stdout
shipped = {}
for line in out.splitlines()[1:]:
    f = line.split()
    if len(f) >= 3:
        shipped[f[0]] = (f[1], f[2])
rows = {}
for line in open(readme, encoding="utf-8"):
    m = re.match(r"\| ([A-Z]+(?:-[A-Z0-9]+)+) \| (\d+) \| ([^|]+) \|", line)
    if m:
        rows[m.group(1)] = (m.group(2), m.group(3).strip())
bad = 0
for rid, (sid, sev) in shipped.items():
    if rid not in rows:
        print("FAIL %s: shipped but not in README's rule table" % rid); bad += 1
    elif rows[rid][0] != sid:
        print("FAIL %s: README sid %s, shipped %s" % (rid, rows[rid][0], sid)); bad += 1
    elif rows[rid][1] != sev and rows[rid][1] != "per algorithm":
        print("FAIL %s: README severity %s, shipped %s" % (rid, rows[rid][1], sev)); bad += 1
for rid in rows:
    if rid not in shipped:
        print("FAIL %s: in README but not shipped" % rid); bad += 1
print("readme rules: %d rules, %d rows, %d problems" % (len(shipped), len(rows), bad))
sys.exit(1 if bad else 0)
PY
