# Shared by run_golden.sh and regen.sh: how each sample is analysed.
# A sample may have companions: NAME.keys.json (--keys) and NAME.rules.json (--rules).
sample_args() {
  local pcap=$1 base=${1%.*}
  [ -f "$base.keys.json" ] && printf -- '--keys\n%s\n' "$base.keys.json"
  [ -f "$base.rules.json" ] && printf -- '--rules\n%s\n' "$base.rules.json"
  return 0
}
# run_case BUILD PCAP KIND OUT: KIND is text, eve or dialogs. Paths in the
# output are made relative so goldens do not depend on the checkout folder.
run_case() {
  local build=$1 pcap=$2 kind=$3 out=$4 args=()
  mapfile -t args < <(sample_args "$pcap")
  local dir; dir=$(dirname "$pcap"); local name; name=$(basename "$pcap")
  # imsec exits 1 when it has findings: that is a result here, not a failure.
  local rc=0
  case $kind in
    text)    (cd "$dir" && "$build/imsec" "${args[@]##"$dir"/}" "$name") >"$out" 2>/dev/null || rc=$? ;;
    eve)     (cd "$dir" && "$build/imsec" --format eve "${args[@]##"$dir"/}" "$name") >"$out" 2>/dev/null || rc=$? ;;
    dialogs) (cd "$dir" && "$build/imsec" dialogs --format eve "${args[@]##"$dir"/}" "$name") >"$out" 2>/dev/null || rc=$? ;;
  esac
  [ $rc -le 1 ]
}
