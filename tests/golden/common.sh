# Shared by run_golden.sh and regen.sh. One folder per golden case,
# tests/golden/CASE/, holding:
#   capture        the capture's path relative to the repository (a sample),
#                  or capture.pcap / capture.pcapng itself for a test-only one;
#   args           imsec's arguments, one per line, paths relative to the
#                  capture's folder (imsec runs there so outputs name no
#                  checkout path);
#   expected.text, expected.eve, expected.dialogs   the outputs, byte for byte;
#   checks.json    optional semantic checks (check_findings.py).

# golden_cases SRC: the case folders, one per line.
golden_cases() {
  local d
  for d in "$1"/tests/golden/*/; do
    d=${d%/}
    [ -f "$d/capture" ] || [ -f "$d/capture.pcap" ] || [ -f "$d/capture.pcapng" ] && echo "$d"
  done
  return 0
}
# case_capture CASE_DIR: the capture's path.
case_capture() {
  local d=$1 c rel
  for c in "$d/capture.pcap" "$d/capture.pcapng"; do
    [ -f "$c" ] && { echo "$c"; return 0; }
  done
  read -r rel <"$d/capture"
  echo "$(cd "$d/../../.." && pwd)/$rel"
}
# sample_args PCAP: the arguments a new case for a sample starts with, from
# its companions NAME.keys.json (--keys) and NAME.rules.json (--rules).
sample_args() {
  local base=${1%.*}
  [ -f "$base.keys.json" ] && printf -- '--keys\n%s\n' "$(basename "$base.keys.json")"
  [ -f "$base.rules.json" ] && printf -- '--rules\n%s\n' "$(basename "$base.rules.json")"
  return 0
}
# run_case BUILD CASE_DIR KIND OUT: KIND is text, eve or dialogs.
run_case() {
  local build=$1 case=$2 kind=$3 out=$4 args=() pcap dir name
  pcap=$(case_capture "$case") || return 1
  [ -f "$pcap" ] || return 1
  mapfile -t args <"$case/args"
  dir=$(dirname "$pcap"); name=$(basename "$pcap")
  # imsec exits 1 when it has findings: that is a result here, not a failure.
  local rc=0
  case $kind in
    text)    (cd "$dir" && "$build/imsec" "${args[@]}" "$name") >"$out" 2>/dev/null || rc=$? ;;
    eve)     (cd "$dir" && "$build/imsec" --format eve "${args[@]}" "$name") >"$out" 2>/dev/null || rc=$? ;;
    dialogs) (cd "$dir" && "$build/imsec" dialogs --format eve "${args[@]}" "$name") >"$out" 2>/dev/null || rc=$? ;;
  esac
  [ $rc -le 1 ]
}
