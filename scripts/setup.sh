#!/usr/bin/env bash
# Install every Debian package that imsec's build, tests, lab and demos need.
# Idempotent: packages already present are skipped, apt runs only when needed.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config ninja-build
  libpcap-dev libssl-dev libjson-c-dev libcmocka-dev
  clang libclang-rt-14-dev llvm
  tshark tcpdump wireshark-dev libwireshark-dev
  sip-tester kamailio sngrep tcpreplay
  iproute2 python3 procps python3-cryptography ethtool
  chromium
  time
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
