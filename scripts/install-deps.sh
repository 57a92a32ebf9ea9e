#!/usr/bin/env bash
# Installs the Debian packages nfscope builds against and the tools its tests use as oracles, only when one
# is missing (so a warm machine skips apt entirely). Needs root.
set -euo pipefail
packages=(
  libmnl-dev libnftnl-dev libnetfilter-conntrack-dev pkg-config   # the Sys/ C modules
  iproute2 nftables iptables conntrack ipset kmod util-linux procps # test labs and oracles
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "swift is at /opt/swift/usr/bin; add it to PATH" >&2
  else
    echo "nfscope needs a Swift 6.1+ toolchain on PATH (swift.org's Debian 12 build)" >&2
  fi
  exit 1
fi
