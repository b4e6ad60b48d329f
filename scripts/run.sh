#!/usr/bin/env bash
# First command of the README: install what is missing, build, and analyse
# every shipped sample with the built-in default rules. Each sample is its
# own capture (several files on one command line would be merged into one
# capture in time order), with its companion keys or site file when it has
# one, as samples/README.md describes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "imsec $(build/imsec --version | cut -d' ' -f2): findings per sample (built-in rules)"
for pcap in samples/*.pcap; do
  base=${pcap%.pcap}
  args=()
  [ -f "$base.keys.json" ] && args+=(--keys "$base.keys.json")
  [ -f "$base.rules.json" ] && args+=(--rules "$base.rules.json")
  echo
  echo "== $pcap ${args[*]}"
  status=0
  build/imsec -q "${args[@]}" "$pcap" || status=$?
  # 1 only means "findings at or above --fail-on": many samples are meant to fire.
  [ "$status" -le 1 ] || exit "$status"
done
echo
echo "Summaries, EVE JSON, dialogs and the HTML report: see README.md (e.g."
echo "  build/imsec report -o report.html samples/ims-aka-mw-ckik.pcap)"
