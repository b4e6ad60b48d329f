#!/usr/bin/env bash
# Second command of the README (and all that .ci/run does): install what is
# missing, then build and run the whole suite three ways —
#   1. Release build: unit, data checksums, golden, oracle, realworld, lab
#      and plugin tests;
#   2. ASan+UBSan build: the same tests under sanitizers (lab once is enough);
#   3. libFuzzer build (clang): every fuzz target briefly, plus regressions.
# Prints one closing line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 2
JOBS=$(nproc)
passed=0 failed=0 skipped=0
log=$(mktemp)

count_ctest() { # parse ctest's own summary from $log
  local line p t
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  t=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  p=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
  local s; s=$(grep -cE '\*\*\*Skipped|Not Run.*Disabled' "$log" || true)
  passed=$((passed + t - p - s)); failed=$((failed + p)); skipped=$((skipped + s))
}

stage() { echo; echo "==== $* ===="; }

stage "Release build"
if cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j"$JOBS" >/dev/null; then
  (cd build && ctest --output-on-failure -j"$JOBS") 2>&1 | tee "$log"; count_ctest
else
  echo "release build failed"; cmake --build build -j1 2>&1 | tail -40; failed=$((failed + 1))
fi

stage "ASan+UBSan build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DIMSEC_SANITIZE=ON -DIMSEC_PLUGIN=OFF >/dev/null &&
   cmake --build build-asan -j"$JOBS" >/dev/null; then
  (cd build-asan && ctest --output-on-failure -j"$JOBS" -LE 'lab|plugin') 2>&1 | tee "$log"; count_ctest
else
  echo "sanitizer build failed"; cmake --build build-asan -j1 2>&1 | tail -40; failed=$((failed + 1))
fi

stage "Fuzz smoke (libFuzzer)"
if cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DIMSEC_FUZZ=ON >/dev/null &&
   cmake --build build-fuzz -j"$JOBS" >/dev/null; then
  bash tests/fuzz/smoke.sh build-fuzz "${IMSEC_FUZZ_SECONDS:-15}" 2>&1 | tee "$log"
  p=$(grep -c '^fuzz-smoke: PASS' "$log" || true); f=$(grep -c '^fuzz-smoke: FAIL' "$log" || true)
  passed=$((passed + p)); failed=$((failed + f))
else
  echo "fuzz build failed"; cmake --build build-fuzz -j1 2>&1 | tail -40; failed=$((failed + 1))
fi
rm -f "$log"
echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
