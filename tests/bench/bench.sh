#!/usr/bin/env bash
# imsec benchmark harness (issues 3 and 12): throughput against the raw
# libpcap loop, tshark and sngrep on the same generated IMS capture, ESP
# decryption throughput, and memory growth per tracked dialog and per
# registration.  See tests/bench/README.md for what each column means.
#
#   tests/bench/bench.sh [--runs N] [--size 100mb|1gb|NNmb] [--traffic sip|mixed|both]
#                        [--esp-packets N] [--no-esp] [--keep] [--no-memory]
#                        [--no-throughput] [--imsec PATH]
#                        [--tools rawloop,imsec,tshark,sngrep] [--seed N]
#
# Captures are cached in tests/bench/data/ (git-ignored) and reused when the
# generator has not changed; files this run had to create are deleted at the
# end unless --keep is given.  Results: a table on stdout, every single
# measurement in tests/bench/out/runs.tsv and the medians and ratios in
# tests/bench/out/summary.json (its "issue12" object holds every issue-12
# figure of this one run, checked against the targets).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA="$HERE/data"
OUT="$HERE/out"

RUNS=3
SIZE=100mb
TRAFFIC=both
KEEP=0
MEMORY=1
THROUGHPUT=1
ESP=1
ESP_N=200000
SEED=1
IMSEC="$ROOT/build/imsec"
TOOLS="rawloop,imsec,tshark,sngrep"
TIMEOUT=${BENCH_TIMEOUT:-3600}
read -r -a MEM_SIZES <<<"${BENCH_MEM_SIZES:-10000 100000}"  # small first, large last

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --traffic) TRAFFIC=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --no-memory) MEMORY=0; shift ;;
    --no-throughput) THROUGHPUT=0; shift ;;
    --esp-packets) ESP_N=$2; shift 2 ;;
    --no-esp) ESP=0; shift ;;
    --imsec) IMSEC=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; usage 2 ;;
  esac
done
# 100mb and 1gb are the generator's presets; any other NNmb (e.g. 10mb for a
# quick smoke run) uses the 100mb preset's population with that target size
case "$SIZE" in
  100mb|1gb) SIZE_ARGS=(--preset "$SIZE") ;;
  [1-9]*mb) SIZE_ARGS=(--preset 100mb --target-mb "${SIZE%mb}") ;;
  *) echo "bench.sh: --size must be 100mb, 1gb or NNmb" >&2; exit 2 ;;
esac
case "$TRAFFIC" in sip|mixed|both) ;; *) echo "bench.sh: --traffic must be sip, mixed or both" >&2; exit 2 ;; esac
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --runs must be a positive integer" >&2; exit 2; }
[[ "$ESP_N" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --esp-packets must be a positive integer" >&2; exit 2; }

for need in python3 gcc /usr/bin/time; do
  command -v "$need" >/dev/null || { echo "bench.sh: $need is missing (run scripts/setup.sh)" >&2; exit 2; }
done

mkdir -p "$DATA" "$OUT"
RUNS_TSV="$OUT/runs.tsv"
META="$OUT/meta.tsv"
: >"$RUNS_TSV"
: >"$META"
CREATED=()
cleanup() {
  if [ "$KEEP" -eq 0 ]; then
    for f in "${CREATED[@]}"; do rm -f "$f"; done
  fi
  rm -f "$OUT"/.time.* 2>/dev/null || true
}
trap cleanup EXIT

has_tool() { [[ ",$TOOLS," == *",$1,"* ]]; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }

# --- tools -----------------------------------------------------------------
RAWLOOP="$OUT/rawloop"
if [ ! -x "$RAWLOOP" ] || [ "$HERE/rawloop.c" -nt "$RAWLOOP" ]; then
  gcc -O2 -std=c11 -Wall -Wextra -o "$RAWLOOP" "$HERE/rawloop.c" -lpcap
fi

HAVE_IMSEC=0
if has_tool imsec; then
  if [ -x "$IMSEC" ]; then
    HAVE_IMSEC=1
    meta imsec_version "$("$IMSEC" --version 2>&1 | head -n1 || true)"
  else
    echo "bench.sh: $IMSEC not found: imsec column skipped (build it: cmake -S . -B build && cmake --build build)" >&2
    meta imsec_missing "$IMSEC"
  fi
fi
HAVE_TSHARK=0
if has_tool tshark && command -v tshark >/dev/null; then
  HAVE_TSHARK=1
  meta tshark_version "$(tshark -v 2>/dev/null | head -n1)"
fi
HAVE_SNGREP=0
if has_tool sngrep && command -v sngrep >/dev/null; then
  HAVE_SNGREP=1
  meta sngrep_version "$(sngrep -V 2>/dev/null | head -n1)"
fi
meta host_cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
meta host_cpus "$(nproc)"
meta git_rev "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta loadavg_start "$(cut -d' ' -f1 /proc/loadavg)"
meta runs "$RUNS"
meta size "$SIZE"
meta esp_packets "$ESP_N"

# --- captures --------------------------------------------------------------
GEN="$HERE/gen_ims_pcap.py"
GENHASH=$(sha1sum "$GEN" | cut -c1-8)

# gen NAME ARGS...: generate $DATA/NAME-GENHASH.pcap unless cached; sets GEN_OUT
# (not printed: a $(...) subshell would lose the CREATED bookkeeping)
gen() {
  local name=$1; shift
  local f="$DATA/$name-$GENHASH.pcap"
  if [ ! -s "$f" ]; then
    echo "generating $f ..." >&2
    CREATED+=("$f" "$f.tmp")
    python3 "$GEN" "$@" --out "$f.tmp" >&2
    mv "$f.tmp" "$f"
  else
    echo "reusing $f" >&2
  fi
  GEN_OUT=$f
}

# gen_esp N: $DATA/esp-N-HASH.pcap and its .keys.json (gen_esp_pcap.py: one
# IMS AKA registration, then N ESP packets in SA1) unless cached; sets GEN_OUT
gen_esp() {
  local gen="$HERE/gen_esp_pcap.py"
  local f
  f="$DATA/esp-$1-$(sha1sum "$gen" | cut -c1-8).pcap"
  if [ ! -s "$f" ] || [ ! -s "${f%.pcap}.keys.json" ]; then
    echo "generating $f ..." >&2
    CREATED+=("$f" "${f%.pcap}.keys.json" "$f.tmp.pcap" "$f.tmp.keys.json")
    python3 "$gen" "$f.tmp.pcap" "$1" >&2
    mv "$f.tmp.keys.json" "${f%.pcap}.keys.json"
    mv "$f.tmp.pcap" "$f"
  else
    echo "reusing $f" >&2
  fi
  GEN_OUT=$f
}

# --- measuring -------------------------------------------------------------
# measure LABEL TOOL FILE OK_RCS RUN CMD...: one run; appends to runs.tsv:
# label tool run wall_s maxrss_kb rc file cpu_s (user+sys)
measure() {
  local label=$1 tool=$2 file=$3 okrcs=$4 run=$5; shift 5
  local tf="$OUT/.time.$$"
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$tf" timeout "$TIMEOUT" "$@" </dev/null >/dev/null 2>"$OUT/.stderr.$$" || rc=$?
  t1=$(date +%s.%N)
  local rss usr sys cpu
  read -r rss usr sys < <(tail -n1 "$tf" 2>/dev/null || echo "0 0 0")
  [[ "${rss:-}" =~ ^[0-9]+$ ]] || rss=0
  cpu=$(awk -v u="${usr:-0}" -v s="${sys:-0}" 'BEGIN{printf "%.2f", u + s}')
  if [[ ",$okrcs," != *",$rc,"* ]]; then
    echo "bench.sh: $tool on $(basename "$file") exited $rc:" >&2
    head -n5 "$OUT/.stderr.$$" >&2 || true
  fi
  rm -f "$OUT/.stderr.$$"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "$run" \
    "$(echo "$t1 - $t0" | awk '{printf "%.4f", $1 - $3}')" "$rss" "$rc" "$file" "$cpu" >>"$RUNS_TSV"
}

# The harness's own cost per measurement (date, /usr/bin/time, timeout, fork
# and exec) measured on /bin/true; bench_report.py subtracts its median from
# every wall time so that short runs (the raw loop on 100 MB takes ~40 ms) are
# not flattered or penalised by it.
for r in 1 2 3 4 5; do measure overhead true /dev/null 0 "$r" true; done

# throughput LABEL FILE [IMSEC_ARGS...]: every tool on FILE, RUNS times;
# IMSEC_ARGS (e.g. --keys K for the ESP file) go to imsec before its
# options, and then only rawloop and imsec run (tshark and sngrep cannot be
# given the same keys, so their figures would not compare)
throughput() {
  local label=$1 file=$2; shift 2
  local extra=("$@") others=1
  [ ${#extra[@]} -eq 0 ] || others=0
  local info
  info=$("$RAWLOOP" "$file")  # warm-up: every tool then reads from the page cache
  meta "packets:$label" "$(sed -n 's/.*packets=\([0-9]*\).*/\1/p' <<<"$info")"
  meta "bytes:$label" "$(stat -c %s "$file")"
  meta "file:$label" "$file"
  local r
  for r in $(seq 1 "$RUNS"); do
    echo "[$label] run $r/$RUNS" >&2
    has_tool rawloop && measure "$label" rawloop "$file" 0 "$r" "$RAWLOOP" "$file"
    [ "$HAVE_IMSEC" -eq 1 ] && measure "$label" imsec "$file" 0,1 "$r" \
        "$IMSEC" "${extra[@]}" -q --format eve -o /dev/null "$file"
    [ "$others" -eq 1 ] || continue
    [ "$HAVE_TSHARK" -eq 1 ] && measure "$label" tshark "$file" 0 "$r" \
        tshark -n -r "$file" -Y sip -T fields -e sip.Call-ID
    # -N: no interface (no TTY needed), -q: do not print dialogs, -l: lift the
    # default 20000-dialog limit so sngrep tracks every dialog like imsec does
    [ "$HAVE_SNGREP" -eq 1 ] && measure "$label" sngrep "$file" 0 "$r" \
        sngrep -N -q -l 100000000 -I "$file"
    true
  done
}

if [ "$THROUGHPUT" -eq 1 ]; then
  if [ "$TRAFFIC" = sip ] || [ "$TRAFFIC" = both ]; then
    gen "ims-$SIZE-sip-s$SEED" "${SIZE_ARGS[@]}" --sip-only --seed "$SEED" -q
    throughput "$SIZE-sip" "$GEN_OUT"
  fi
  if [ "$TRAFFIC" = mixed ] || [ "$TRAFFIC" = both ]; then
    gen "ims-$SIZE-mixed-s$SEED" "${SIZE_ARGS[@]}" --seed "$SEED" -q
    throughput "$SIZE-mixed" "$GEN_OUT"
  fi
  # ESP (issue 12): keys derived by Milenage from the keys file, every packet
  # verified (HMAC-SHA-1-96) and decrypted (AES-CBC), inner SIP analysed
  if [ "$ESP" -eq 1 ]; then
    gen_esp "$ESP_N"
    throughput "esp-$ESP_N" "$GEN_OUT" --keys "${GEN_OUT%.pcap}.keys.json"
  fi
fi

# --- memory growth per dialog and per registration --------------------------
if [ "$MEMORY" -eq 1 ]; then
  if [ "$HAVE_IMSEC" -eq 1 ]; then
    for kind in dialogs registrations; do
      for n in "${MEM_SIZES[@]}"; do
        gen "$kind-$n" "--$kind-concurrent" "$n" --seed "$SEED" -q
        f=$GEN_OUT
        meta "packets:$kind-$n" "$("$RAWLOOP" "$f" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')"
        meta "bytes:$kind-$n" "$(stat -c %s "$f")"
        meta "file:$kind-$n" "$f"
        # one extra run that keeps the EVE output, for the counts and evictions
        "$IMSEC" -q --format eve -o "$OUT/$kind-$n.eve" "$f" </dev/null >/dev/null 2>&1 || true
        meta "eve:$kind-$n" "$OUT/$kind-$n.eve"
        for r in $(seq 1 "$RUNS"); do
          echo "[$kind-$n] run $r/$RUNS" >&2
          measure "$kind-$n" imsec "$f" 0,1 "$r" "$IMSEC" -q --format eve -o /dev/null "$f"
        done
      done
    done
  else
    echo "bench.sh: memory growth test skipped (no imsec binary)" >&2
    meta memory_skipped "no imsec binary"
  fi
fi

meta loadavg_end "$(cut -d' ' -f1 /proc/loadavg)"
python3 "$HERE/bench_report.py" "$RUNS_TSV" "$META" "$OUT/summary.json"
