# Shared preamble of the SIPp-on-loopback recorders (source it with OUTDIR
# as $1): sets out, here, scen and work, and an EXIT trap that stops only the
# processes whose pids the recorder appended to pids, then removes work.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scen="$here/samples/scenarios"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
