#!/usr/bin/env bash
# imsec lab helpers: an IMS-like topology out of network namespaces.
#
# Every node is a namespace "imsl-<pid>-<node>" joined by a veth pair to a
# Linux bridge "br0" inside the switch namespace "imsl-<pid>-sw".  One
# tcpdump on br0 therefore sees every packet between nodes with an Ethernet
# link type.  Addresses are 10.x (and fd00:1ab::/64) inside our own
# namespaces only; no namespace has a route to anything outside.
#
# Source this file, then call lab_init; the EXIT trap removes every
# namespace and kills every process this script started, also on failure.

set -euo pipefail

LAB_PREFIX="imsl-$$"
LAB_NODES=()
LAB_PIDS=()
LAB_TMP=""
LAB_CAP_PID=""
# Hard bounds so a broken stack never hangs a run.
LAB_SIPP_TIMEOUT="${LAB_SIPP_TIMEOUT:-20}"
LAB_KAM_TIMEOUT="${LAB_KAM_TIMEOUT:-60}"

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_SRC="$(cd "$LAB_DIR/../.." && pwd)"
LAB_SCEN="$LAB_SRC/samples/lab"
KAM_MODULES="${KAM_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}"

lab_log() { echo "lab[$LAB_PREFIX]: $*" >&2; }
lab_die() { echo "lab[$LAB_PREFIX]: ERROR: $*" >&2; exit 1; }

lab_cleanup() {
  local rc=$?
  set +e
  if [ -n "$LAB_CAP_PID" ]; then kill "$LAB_CAP_PID" 2>/dev/null; wait "$LAB_CAP_PID" 2>/dev/null; fi
  local p
  for p in "${LAB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${LAB_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  local n
  for n in "${LAB_NODES[@]}" sw; do
    ip netns pids "$LAB_PREFIX-$n" 2>/dev/null | while read -r q; do kill -9 "$q" 2>/dev/null; done
    ip netns del "$LAB_PREFIX-$n" 2>/dev/null
  done
  if [ -n "$LAB_TMP" ] && [ -z "${LAB_KEEP_TMP:-}" ]; then rm -rf "$LAB_TMP"; fi
  exit "$rc"
}

# lab_can_netns: 0 when this process may create namespaces (root, ip netns).
lab_can_netns() {
  [ "$(id -u)" -eq 0 ] || return 1
  command -v ip >/dev/null || return 1
  local t="imsl-$$-probe"
  ip netns add "$t" 2>/dev/null || return 1
  ip netns del "$t" 2>/dev/null
  return 0
}

lab_init() {
  trap lab_cleanup EXIT
  trap 'exit 130' INT TERM
  LAB_TMP="$(mktemp -d /tmp/imsl-$$.XXXXXX)"
  ip netns add "$LAB_PREFIX-sw"
  ip -n "$LAB_PREFIX-sw" link set lo up
  ip -n "$LAB_PREFIX-sw" link add br0 type bridge
  ip -n "$LAB_PREFIX-sw" link set br0 up
  # IPv6 on the bridge itself is not needed; keep it quiet (no RS/MLD noise).
  ip netns exec "$LAB_PREFIX-sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

ns() { echo "$LAB_PREFIX-$1"; }
# nsx NODE CMD...: run CMD inside NODE's namespace.
nsx() { local n="$1"; shift; ip netns exec "$LAB_PREFIX-$n" "$@"; }

# lab_node NODE IPV4 [IPV6] [MTU]: a namespace with eth0 on the bridge.
lab_node() {
  local n="$1" v4="$2" v6="${3:-}" mtu="${4:-1500}"
  local nsn="$LAB_PREFIX-$n" idx="${#LAB_NODES[@]}"
  LAB_NODES+=("$n")
  ip netns add "$nsn"
  ip -n "$nsn" link set lo up
  # No router solicitations / DAD / MLD chatter in the captures.
  ip netns exec "$nsn" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
    net.ipv6.conf.default.dad_transmits=0 net.ipv6.conf.all.dad_transmits=0 \
    net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
  ip -n "$LAB_PREFIX-sw" link add "p$idx" type veth peer name eth0 netns "$nsn"
  ip -n "$LAB_PREFIX-sw" link set "p$idx" master br0 mtu "$mtu" up
  # Fixed MACs keep re-recordings comparable.
  ip -n "$nsn" link set eth0 address "02:00:00:00:00:$(printf %02x $((idx + 16)))" mtu "$mtu"
  ip -n "$nsn" addr add "$v4/8" dev eth0
  if [ -n "$v6" ]; then
    ip -n "$nsn" addr add "$v6/64" dev eth0 nodad
  else
    ip netns exec "$nsn" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
  fi
  ip -n "$nsn" link set eth0 up
  # No segmentation or checksum offload: TCP leaves in MSS-sized segments and
  # every checksum in the capture is the real one, as on a physical wire
  # (with offload, tcpdump on the bridge sees 64 KB GSO super-packets).
  if command -v ethtool >/dev/null; then
    ip netns exec "$nsn" ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1 || true
  fi
}

# Only what imsec analyses: UDP, TCP, ESP, ICMP, and IPv6 fragments (their
# next header is 44, which the BPF "udp" primitive does not look through).
# Leaves out ARP, IGMP, MLD and neighbour discovery chatter.
LAB_FILTER='udp or tcp or ip proto 50 or ip6 proto 50 or icmp or ip6 proto 44'

# lab_capture_start FILE [FILTER]: tcpdump on the bridge (Ethernet link
# type).  With LAB_CAP_NODE=NODE set, tcpdump -i any inside NODE instead
# (Linux cooked capture v2, SLL2, on this kernel/libpcap).
# --immediate-mode: without it TPACKET_V3 holds the last packets in the ring
# when tcpdump is stopped, and they never reach the file.
lab_capture_start() {
  local out="$1" filt="${2:-$LAB_FILTER}" where="sw" ifc="br0"
  if [ -n "${LAB_CAP_NODE:-}" ]; then where="$LAB_CAP_NODE"; ifc="any"; fi
  ip netns exec "$LAB_PREFIX-$where" timeout "$LAB_KAM_TIMEOUT" \
    tcpdump -i "$ifc" --immediate-mode -U -n -s 0 -w "$out" "$filt" 2>"$LAB_TMP/tcpdump.log" &
  LAB_CAP_PID=$!
  local i
  for i in $(seq 1 50); do
    grep -q "listening on" "$LAB_TMP/tcpdump.log" 2>/dev/null && return 0
    sleep 0.1
  done
  lab_die "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.log")"
}

lab_capture_stop() {
  sleep 0.3
  if [ -n "$LAB_CAP_PID" ]; then
    kill -INT "$LAB_CAP_PID" 2>/dev/null || true
    wait "$LAB_CAP_PID" 2>/dev/null || true
    LAB_CAP_PID=""
  fi
}

# lab_bg NODE CMD...: start CMD in NODE in the background (killed at exit).
lab_bg() {
  local n="$1"; shift
  ip netns exec "$LAB_PREFIX-$n" "$@" &
  LAB_PIDS+=("$!")
}

# lab_sipp NODE ARGS...: one bounded foreground sipp run in NODE.
lab_sipp() {
  local n="$1"; shift
  ip netns exec "$LAB_PREFIX-$n" timeout "$LAB_SIPP_TIMEOUT" \
    sipp -m 1 -l 1 -nostdin -trace_err -error_file "$LAB_TMP/sipp-$n-err.log" \
    -timeout "$((LAB_SIPP_TIMEOUT - 2))" -timeout_error -recv_timeout 8000 "$@" \
    >>"$LAB_TMP/sipp-$n.out" 2>&1 || {
      lab_log "sipp in $n failed: $*"
      tail -n 30 "$LAB_TMP/sipp-$n-err.log" "$LAB_TMP/sipp-$n.out" 2>/dev/null >&2 || true
      return 1
    }
}

# lab_sipp_bg NODE ARGS...: a sipp UAS in the background; its pid in LAB_LAST.
lab_sipp_bg() {
  local n="$1"; shift
  ip netns exec "$LAB_PREFIX-$n" timeout "$LAB_SIPP_TIMEOUT" \
    sipp -m 1 -nostdin -trace_err -error_file "$LAB_TMP/sipp-$n-bg-err.log" \
    -timeout "$((LAB_SIPP_TIMEOUT - 2))" -timeout_error "$@" \
    >>"$LAB_TMP/sipp-$n-bg.out" 2>&1 &
  LAB_LAST=$!
  LAB_PIDS+=("$LAB_LAST")
  sleep "${LAB_BG_SLEEP:-0.4}"
}

# lab_wait PID: wait for a background sipp; fail with its log when it failed.
lab_wait() {
  local p="$1" n="${2:-?}"
  if ! wait "$p"; then
    lab_log "background process $n ($p) failed"
    tail -n 30 "$LAB_TMP"/sipp-*-bg-err.log "$LAB_TMP"/sipp-*-bg.out 2>/dev/null >&2 || true
    return 1
  fi
}

# lab_kamailio NODE CFG TAG [KAMAILIO ARGS...]: start kamailio in NODE in
# the foreground mode (-DD), bounded by a timeout, and wait until it listens.
lab_kamailio() {
  local n="$1" cfg="$2" tag="$3"; shift 3
  mkdir -p "$LAB_TMP/$tag-run"
  ip netns exec "$LAB_PREFIX-$n" timeout "$LAB_KAM_TIMEOUT" \
    kamailio -f "$cfg" -DD -E -m 32 -M 8 -Y "$LAB_TMP/$tag-run" -L "$KAM_MODULES" "$@" \
    >"$LAB_TMP/$tag.log" 2>&1 &
  LAB_PIDS+=("$!")
  local i
  for i in $(seq 1 50); do
    if nsx "$n" ss -lntu 2>/dev/null | grep -q ':5060 '; then sleep 0.3; return 0; fi
    sleep 0.1
  done
  cat "$LAB_TMP/$tag.log" >&2
  lab_die "kamailio did not start in $n"
}

# lab_finish OUT: make the pcap world-readable and say where it is.
lab_finish() {
  chmod 0644 "$1" 2>/dev/null || true
  lab_log "wrote $1 ($(stat -c %s "$1") bytes)"
}

# ---- IMS IPsec (TS 33.203 7.1): the four SAs between a UE and its P-CSCF ----
#
# lab_ipsec_sas UE PC UC US PC_PORT PS SPI_UC SPI_US SPI_PC SPI_PS EALG EKEY ALG AKEY
# writes $LAB_TMP/sas-ue.json and $LAB_TMP/sas-pcscf.json (espnode format)
# and $LAB_TMP/sas-keys.json (the "sas" array of interface.md's keys file).
# SA1 UE:uc->P:ps spi_ps, SA2 P:ps->UE:uc spi_uc, SA3 P:pc->UE:us spi_us,
# SA4 UE:us->P:pc spi_pc (reference 2.3).
lab_ipsec_sas() {
  local ue="$1" p="$2" uc="$3" us="$4" pc="$5" ps="$6" spi_uc="$7" spi_us="$8" spi_pc="$9" spi_ps="${10}"
  local ealg="${11}" ekey="${12}" alg="${13}" akey="${14}"
  LAB_SA_LIST="$(printf '%s\n' \
    "SA1 $ue $p $uc $ps $spi_ps" "SA2 $p $ue $ps $uc $spi_uc" \
    "SA3 $p $ue $pc $us $spi_us" "SA4 $ue $p $us $pc $spi_pc")"
  local f side name src dst sp dp spi dir first
  for side in ue pcscf; do
    f="$LAB_TMP/sas-$side.json"; first=1
    echo '{"sas": [' >"$f"
    while read -r name src dst sp dp spi; do
      if { [ "$side" = ue ] && [ "$src" = "$ue" ]; } || { [ "$side" = pcscf ] && [ "$src" = "$p" ]; }; then dir=out; else dir=in; fi
      [ $first -eq 1 ] || echo ',' >>"$f"; first=0
      printf '{"name":"%s","dir":"%s","spi":%d,"src":"%s","dst":"%s","sport":%d,"dport":%d,"ealg":"%s","ekey":"%s","alg":"%s","akey":"%s"}' \
        "$name" "$dir" "$spi" "$src" "$dst" "$sp" "$dp" "$ealg" "$ekey" "$alg" "$akey" >>"$f"
    done <<<"$LAB_SA_LIST"
    echo ']}' >>"$f"
  done
  f="$LAB_TMP/sas-keys.json"; first=1
  : >"$f"
  while read -r name src dst sp dp spi; do
    [ $first -eq 1 ] || echo ',' >>"$f"; first=0
    printf '    { "spi": "0x%x", "src": "%s", "dst": "%s", "ealg": "%s", "ekey": "%s", "alg": "%s", "akey": "%s" }' \
      "$spi" "$src" "$dst" "$ealg" "$ekey" "$alg" "$akey" >>"$f"
  done <<<"$LAB_SA_LIST"
  echo >>"$f"
  LAB_SA_EALG="$ealg"; LAB_SA_EKEY="$ekey"; LAB_SA_ALG="$alg"; LAB_SA_AKEY="$akey"
}

# lab_kernel_esp_ok: 0 when the kernel of this machine implements ESP.
lab_kernel_esp_ok() {
  local t="imsl-$$-espprobe" ok=1
  ip netns add "$t" 2>/dev/null || return 1
  ip -n "$t" xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 mode transport \
    auth-trunc 'hmac(sha1)' 0x00112233445566778899aabbccddeeff00000000 96 \
    enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff 2>/dev/null && ok=0
  ip netns del "$t"
  return $ok
}

_xfrm_algs() {  # the enc/auth arguments of `ip xfrm state` for LAB_SA_*
  local e a
  case "$LAB_SA_EALG" in
    aes-cbc) e=(enc 'cbc(aes)' "0x$LAB_SA_EKEY") ;;
    des-ede3-cbc) e=(enc 'cbc(des3_ede)' "0x$LAB_SA_EKEY") ;;
    null) e=(enc 'ecb(cipher_null)' '') ;;
  esac
  case "$LAB_SA_ALG" in
    hmac-sha-1-96) a=(auth-trunc 'hmac(sha1)' "0x$LAB_SA_AKEY" 96) ;;
    hmac-md5-96) a=(auth-trunc 'hmac(md5)' "0x$LAB_SA_AKEY" 96) ;;
  esac
  XFRM_ARGS=("${a[@]}" "${e[@]}")
}

# lab_ipsec_up NODE ROLE(ue|pcscf) LOCAL: install the SAs of lab_ipsec_sas in
# NODE.  LAB_ESP_MODE=espnode (default): tests/lab/espnode.py behind a TUN
# device, with policy routing on the SA selectors (UDP ports).
# LAB_ESP_MODE=kernel: ip xfrm state/policy, transport mode, the same
# selectors (needs CONFIG_INET_ESP; NOT exercised on the machine the
# shipped samples were recorded on).
lab_ipsec_up() {
  local n="$1" role="$2" local_ip="$3" name src dst sp dp spi dir
  # Default: espnode (the only path exercised on the lab machine, whose
  # kernel has no CONFIG_INET_ESP).  LAB_ESP_MODE=kernel selects ip xfrm.
  LAB_ESP_MODE="${LAB_ESP_MODE:-espnode}"
  if [ "$LAB_ESP_MODE" = kernel ] && ! lab_kernel_esp_ok; then
    lab_die "LAB_ESP_MODE=kernel but this kernel cannot add ESP states (CONFIG_INET_ESP?)"
  fi
  if [ "$LAB_ESP_MODE" = kernel ]; then
    _xfrm_algs
    while read -r name src dst sp dp spi; do
      if [ "$src" = "$local_ip" ]; then dir=out; else dir=in; fi
      nsx "$n" ip xfrm state add src "$src" dst "$dst" proto esp spi "$spi" reqid "$spi" \
        mode transport "${XFRM_ARGS[@]}" sel src "$src" dst "$dst" proto udp sport "$sp" dport "$dp"
      nsx "$n" ip xfrm policy add src "$src/32" dst "$dst/32" proto udp sport "$sp" dport "$dp" \
        dir "$dir" tmpl src "$src" dst "$dst" proto esp reqid "$spi" mode transport
    done <<<"$LAB_SA_LIST"
    return 0
  fi
  nsx "$n" ip tuntap add dev esp0 mode tun
  nsx "$n" ip link set esp0 mtu 1400 up
  nsx "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.esp0.rp_filter=0 \
    net.ipv4.conf.esp0.accept_local=1
  while read -r name src dst sp dp spi; do
    [ "$src" = "$local_ip" ] || continue
    nsx "$n" ip rule add from "$src" to "$dst" ipproto udp sport "$sp" dport "$dp" lookup 100 pref 100
  done <<<"$LAB_SA_LIST"
  local peer
  peer="$(awk -v l="$local_ip" '$2==l{print $3; exit}' <<<"$LAB_SA_LIST")"
  nsx "$n" ip route add "$peer/32" dev esp0 table 100
  rm -f "$LAB_TMP/esp-$n.ready"
  ip netns exec "$LAB_PREFIX-$n" timeout "$LAB_KAM_TIMEOUT" python3 "$LAB_DIR/espnode.py" \
    --tun esp0 --local "$local_ip" --sa-file "$LAB_TMP/sas-$role.json" \
    --timeout "$((LAB_KAM_TIMEOUT - 5))" --ready "$LAB_TMP/esp-$n.ready" 2>"$LAB_TMP/espnode-$n.log" &
  LAB_PIDS+=("$!")
  local i
  for i in $(seq 1 50); do [ -e "$LAB_TMP/esp-$n.ready" ] && return 0; sleep 0.1; done
  cat "$LAB_TMP/espnode-$n.log" >&2
  lab_die "espnode did not start in $n"
}
