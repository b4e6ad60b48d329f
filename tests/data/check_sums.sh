#!/usr/bin/env bash
# The vendored test corpora are intact: `sha256sum -c` on tests/data/SHA256SUMS
# and tests/data/realworld/SHA256SUMS, and no data file is left unlisted (a
# capture added without its sum would otherwise go unchecked). Documentation
# files (README.md, TEST_SETS.md, KEYS.txt, the sums themselves and this
# script) are excluded, as the corpora's own README says.
# Usage: check_sums.sh [TESTDATA_DIR]   (default: this script's directory)
set -uo pipefail
td=${1:-$(dirname "$0")}
cd "$td" || { echo "FAIL no test data at $td"; exit 1; }
fail=0
sha256sum -c --quiet --strict SHA256SUMS || fail=1
(cd realworld && sha256sum -c --quiet --strict SHA256SUMS) || fail=1
unlisted=$(comm -23 \
  <(find . -type f ! -name README.md ! -name SHA256SUMS ! -name TEST_SETS.md ! -name KEYS.txt \
      ! -name check_sums.sh | sed 's|^\./||' | LC_ALL=C sort) \
  <({ awk '{sub(/^\*/, "", $2); print $2}' SHA256SUMS
      awk '{sub(/^\*/, "", $2); print "realworld/" $2}' realworld/SHA256SUMS; } | LC_ALL=C sort))
if [ -n "$unlisted" ]; then echo "FAIL data files without a sum:"; echo "$unlisted"; fail=1; fi
n=$(( $(wc -l <SHA256SUMS) + $(wc -l <realworld/SHA256SUMS) ))
[ $fail = 0 ] && echo "ok: $n files match their SHA256SUMS, none unlisted"
exit $fail
