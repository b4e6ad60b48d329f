#!/usr/bin/env bash
# fuzz-smoke: run every libFuzzer target briefly on its seeds, then replay
# every saved regression input. Usage: smoke.sh BUILD_FUZZ_DIR [SECONDS_PER_TARGET]
# fuzz-long: same script with a long time, e.g. smoke.sh build-fuzz 600
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bdir=$(cd "$1" && pwd)
secs=${2:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shopt -s nullglob
targets=("$bdir"/tests/fuzz/fuzz_*)
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz-smoke: FAIL no fuzz targets built"; exit 1; }
for t in "${targets[@]}"; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  corpus="$work/$name"; mkdir -p "$corpus"
  short=${name#fuzz_}
  for d in "$here/seeds/$name" "$here/seeds/$short" "$here/seeds/${short%%_*}"; do
    [ -d "$d" ] && cp -r "$d"/. "$corpus"/ 2>/dev/null
  done
  [ -x "$here/seeds/make_$short.sh" ] && bash "$here/seeds/make_$short.sh" "$corpus" >/dev/null 2>&1
  out="$work/$name.log"
  if "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$name-" "$corpus" >"$out" 2>&1; then
    execs=$(grep -E '^stat::number_of_executed_units' "$out" | awk '{print $2}')
    regs=0; rfail=0
    for r in "$here"/regressions/"$name"/* "$here"/regressions/"$short"/*; do
      regs=$((regs + 1))
      "$t" "$r" >/dev/null 2>&1 || { rfail=1; echo "  regression $r fails"; }
    done
    if [ "$rfail" -eq 0 ]; then
      echo "fuzz-smoke: PASS $name ${execs:-?} execs in ${secs}s, $regs regressions replayed"
    else
      echo "fuzz-smoke: FAIL $name regression"
    fi
  else
    echo "fuzz-smoke: FAIL $name"; tail -40 "$out"
    ls "$work/$name-"* 2>/dev/null
  fi
done
