#!/usr/bin/env bash
# Realworld test (issue 13): on every capture of tests/data/realworld, imsec's
# SIP-message and Call-ID counts equal tshark's, and its findings are exactly
# the true ones stated in expected.tsv (each with a display filter that shows
# it in tshark). Deviations listed in known_gaps.tsv are XFAIL; any other
# deviation, or a listed one that no longer occurs, fails. See
# check_realworld.py. Args: BUILD_DIR SOURCE_DIR [TESTDATA]
set -uo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
data=${3:-$src/tests/data}
command -v tshark >/dev/null || { echo "tshark missing"; exit 77; }
[ -f "$data/realworld/SHA256SUMS" ] || { echo "FAIL no realworld captures in $data"; exit 1; }
exec python3 "$src/tests/realworld/check_realworld.py" "$build/imsec" "$data"
