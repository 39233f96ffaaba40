#!/usr/bin/env bash
# Installs the Debian 12 packages qmd's build, demo and tests need: the ONE
# package list of the repository (README's two commands and .ci/run call this).
# Needs root: run as root, or it re-runs itself through sudo.
# Adding a package = one word in the list below, in the group it serves.
#   tools/install-deps.sh          install what is missing (apt-get update only when needed)
#   tools/install-deps.sh --list   print the list, one package a line, and exit
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache
  # libraries (headers)
  libsqlite3-dev libsqlitecpp-dev libuv1-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libssl-dev libpq-dev catch2
  # run time: the log's shell, QEMU and its images, UEFI firmware
  sqlite3 qemu-utils qemu-system-x86 ovmf socat
  # cloud-init seed images (genisoimage; isoinfo reads them back in tests)
  genisoimage
  # PostgreSQL server for the shared-log tests
  postgresql-15
  # the test guest (tests/guest/build-guest.sh)
  busybox-static cpio xz-utils gzip zstd lz4 bzip2 util-linux
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps.sh: needs root (or sudo) to install packages" >&2; exit 1; }
  exec sudo "$0" "$@"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -q "$@"; }
echo "install-deps.sh: installing ${missing[*]}" >&2
# A fresh machine's lists may be empty or stale: update once, then install.
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
