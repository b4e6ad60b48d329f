#!/usr/bin/env bash
# Seeds for fuzz_sip_msg: every RFC 4475 / RFC 5118 torture message from the
# vendored test data (tests/data). Usage: make_sip_msg.sh CORPUS_DIR
set -eu
td=${IMSEC_TESTDATA:-$(cd "$(dirname "$0")/../.." && pwd)/data}
[ -d "$td/sip-torture" ] || exit 0
for f in "$td"/sip-torture/*/*.dat; do
  cp "$f" "$1/torture-$(basename "$(dirname "$f")")-$(basename "$f")"
done
