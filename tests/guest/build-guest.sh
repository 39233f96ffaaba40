#!/bin/bash
# Builds the tiny test guest used by qmd's integration tests, from Debian packages only:
#   OUT_DIR/vmlinux            uncompressed kernel of Debian's linux-image-6.1.0-*-amd64,
#                              booted directly with `qemu -kernel` (PVH entry)
#   OUT_DIR/initramfs.cpio.gz  busybox-static + virtio/balloon/button/evdev modules + /init
#   OUT_DIR/VERSION            the kernel version (uname -r of the guest)
#   OUT_DIR/README             one line saying what this is
#   OUT_DIR/REVISION           GUEST_REVISION below: what the guest does (a cached guest of
#                              another revision is rebuilt)
#
# Usage: build-guest.sh [OUT_DIR]   (default ${QMD_GUEST_DIR:-/var/cache/qmd/test-guest})
# Cached: does nothing when OUT_DIR already holds a complete guest (QMD_GUEST_FORCE=1 rebuilds).
# Atomic: builds in a sibling temporary directory and renames it into place, under a lock,
# so concurrent callers never see a half-built guest.
# Installs the host tools it needs with apt-get when missing (meant to run as root in CI).
set -euo pipefail

OUT=${1:-${QMD_GUEST_DIR:-/var/cache/qmd/test-guest}}
OUT=${OUT%/}
SELF_DIR=$(cd "$(dirname "$0")" && pwd)

say() { echo "build-guest: $*" >&2; }
die() { echo "build-guest: error: $*" >&2; exit 1; }

# The modules the guest loads, in this order after their dependencies.
WANTED_MODULES="virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_balloon button evdev ata_piix sr_mod isofs"

# Bump when the guest's modules or /init change, so cached guests are rebuilt.
# 2: IDE CD-ROM + ISO 9660 (the cloud-init seed on ide2), QMD-GUEST-CLOUDINIT.
GUEST_REVISION=2

guest_complete() {
  local d=$1
  [ -s "$d/vmlinux" ] && [ -s "$d/initramfs.cpio.gz" ] && [ -s "$d/VERSION" ] && [ -s "$d/README" ] &&
    [ "$(cat "$d/REVISION" 2>/dev/null)" = "$GUEST_REVISION" ] &&
    [ "$(head -c 4 "$d/vmlinux" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ] &&
    gzip -t "$d/initramfs.cpio.gz" 2>/dev/null
}

if [ "${QMD_GUEST_FORCE:-0}" != 1 ] && guest_complete "$OUT"; then
  say "guest already complete in $OUT (kernel $(cat "$OUT/VERSION")); nothing to do"
  exit 0
fi

apt_get() {
  # Other processes (unattended upgrades, other builds) may hold the dpkg lock: wait for it.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q "$@"
}

ensure_tools() {
  local missing=()
  command -v cpio >/dev/null || missing+=(cpio)
  command -v xz >/dev/null || missing+=(xz-utils)
  command -v gzip >/dev/null || missing+=(gzip)
  command -v zstd >/dev/null || missing+=(zstd)
  command -v lz4 >/dev/null || missing+=(lz4)
  command -v bunzip2 >/dev/null || missing+=(bzip2)
  command -v flock >/dev/null || missing+=(util-linux)
  command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} and not root: install them first"
    say "installing ${missing[*]}"
    apt_get install -y --no-install-recommends "${missing[@]}" >&2 ||
      { say "install failed; running apt-get update and retrying"; apt_get update >&2;
        apt_get install -y --no-install-recommends "${missing[@]}" >&2; }
  fi
}

# Prints the name of the current bookworm kernel image package (linux-image-6.1.0-N-amd64).
kernel_package() {
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-6\.1\.0-[0-9]+-amd64/ {print $2; exit}')
  if [ -z "$pkg" ]; then
    say "apt lists have no linux-image-amd64; running apt-get update"
    apt_get update >&2
    pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6\.1\.0-[0-9]+-amd64/ {print $2; exit}')
  fi
  [ -n "$pkg" ] || die "cannot find the bookworm linux-image-6.1.0-*-amd64 package"
  echo "$pkg"
}

# apt-get download into directory $1 the package $2 (the unsigned variant is preferred: same
# kernel, no signature wrapper); prints the .deb path.
download_deb() {
  local dir=$1 pkg=$2
  ( cd "$dir" && apt_get download "$pkg" >&2 ) || die "apt-get download $pkg failed"
  ls "$dir"/"${pkg}"_*.deb | head -n 1
}

# The kernel's scripts/extract-vmlinux logic: find each compression magic in the bzImage and
# try to decompress from there until an ELF image comes out.
extract_vmlinux() {
  local img=$1 out=$2 tmp=$2.try
  try_decompress() {
    local magic=$1 subst=$2 cmd=$3 pos
    for pos in $(tr "$magic\n$subst" "\n$subst=" <"$img" | grep -abo "^$subst" || true); do
      pos=${pos%%:*}
      tail -c+"$pos" "$img" | $cmd >"$tmp" 2>/dev/null || true
      if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]; then
        mv "$tmp" "$out"
        return 0
      fi
    done
    return 1
  }
  try_decompress '\037\213\010' xy gunzip ||
    try_decompress '\3757zXZ\000' abcde unxz ||
    try_decompress 'BZh' xy bunzip2 ||
    try_decompress '\135\0\0\0' xxx unlzma ||
    try_decompress '\002!L\030' xxx 'lz4 -d' ||
    try_decompress '(\265/\375' xxx unzstd ||
    { rm -f "$tmp"; die "no compressed ELF kernel found in $img"; }
}

# Prints the module names module $1 depends on (from its .modinfo section).
module_depends() {
  tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}

build() {
  local work=$1 kpkg deb root ver modroot initrd
  kpkg=$(kernel_package)
  say "kernel package: $kpkg (trying ${kpkg}-unsigned first)"
  mkdir -p "$work/debs" "$work/kernel" "$work/busybox"
  chmod 777 "$work/debs"
  deb=$( (cd "$work/debs" && apt_get download "${kpkg}-unsigned" >&2 && ls "$work"/debs/*.deb) 2>/dev/null || true)
  [ -n "$deb" ] || deb=$(download_deb "$work/debs" "$kpkg")
  say "extracting $(basename "$deb")"
  dpkg-deb -x "$deb" "$work/kernel"
  ver=$(ls "$work/kernel/lib/modules" | head -n 1)
  [ -n "$ver" ] || die "no lib/modules/<version> in $deb"
  say "kernel version $ver; extracting vmlinux from vmlinuz"
  extract_vmlinux "$work/kernel/boot/vmlinuz-$ver" "$work/out/vmlinux"

  say "downloading busybox-static"
  local bbdeb
  bbdeb=$(download_deb "$work/debs" busybox-static)
  dpkg-deb -x "$bbdeb" "$work/busybox"
  [ -x "$work/busybox/bin/busybox" ] || die "busybox-static has no bin/busybox"

  root=$work/root
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc/acpi/PWRF,lib/modules}
  cp "$work/busybox/bin/busybox" "$root/bin/busybox"

  # Modules: resolve dependencies from .modinfo, decompress, record the load order.
  modroot=$work/kernel/lib/modules/$ver
  local builtin=$modroot/modules.builtin order=() seen=" "
  add_module() {
    local name=$1 file dep
    case "$seen" in *" $name "*) return 0 ;; esac
    seen="$seen$name "
    if [ -f "$builtin" ] && grep -Eq "/${name}\.ko$" "$builtin"; then
      say "module $name is built in"
      return 0
    fi
    file=$(find "$modroot/kernel" \( -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" \) | head -n 1)
    if [ -z "$file" ]; then
      say "module $name not present in this kernel; skipped"
      return 0
    fi
    case "$file" in
      *.ko.xz) xz -dc "$file" >"$root/lib/modules/$name.ko" ;;
      *.ko.zst) zstd -qdc "$file" >"$root/lib/modules/$name.ko" ;;
      *) cp "$file" "$root/lib/modules/$name.ko" ;;
    esac
    for dep in $(module_depends "$root/lib/modules/$name.ko"); do
      add_module "${dep//-/_}"
    done
    order+=("$name")
  }
  local m
  for m in $WANTED_MODULES; do add_module "$m"; done
  printf '%s\n' "${order[@]}" >"$root/etc/qmd-modules"
  say "guest modules (load order): ${order[*]}"

  cp "$SELF_DIR/guest-init.sh" "$root/init"
  chmod 755 "$root/init"
  printf '#!/bin/sh\necho QMD-GUEST-POWERDOWN >/dev/console\npoweroff -f\n' >"$root/etc/acpi/PWRF/00000080"
  chmod 755 "$root/etc/acpi/PWRF/00000080"
  echo "$ver" >"$root/etc/qmd-kernel"
  if [ "$(id -u)" = 0 ]; then
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
  fi

  initrd=$work/out/initramfs.cpio.gz
  say "writing initramfs.cpio.gz"
  (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner 0:0 --quiet) |
    gzip -9 -n >"$initrd"
  echo "$ver" >"$work/out/VERSION"
  echo "$GUEST_REVISION" >"$work/out/REVISION"
  echo "qmd test guest: Debian $kpkg kernel $ver (vmlinux, PVH) + busybox-static initramfs; built $(date -u +%Y-%m-%dT%H:%M:%SZ) by tests/guest/build-guest.sh" >"$work/out/README"
}

ensure_tools
parent=$(dirname "$OUT")
mkdir -p "$parent"
exec 9>"$OUT.lock"
flock 9
# Another caller may have finished the build while we waited for the lock.
if [ "${QMD_GUEST_FORCE:-0}" != 1 ] && guest_complete "$OUT"; then
  say "guest completed by another build in $OUT; nothing to do"
  exit 0
fi
work=$(mktemp -d "$parent/.test-guest-build.XXXXXX")
chmod 755 "$work" # lets apt's sandbox user write the downloads
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"
build "$work"
guest_complete "$work/out" || die "built guest in $work/out is incomplete"
rm -rf "$OUT.old"
[ -e "$OUT" ] && mv "$OUT" "$OUT.old"
mv "$work/out" "$OUT"
rm -rf "$OUT.old"
say "guest ready in $OUT: kernel $(cat "$OUT/VERSION"), vmlinux $(stat -c %s "$OUT/vmlinux") bytes, initramfs $(stat -c %s "$OUT/initramfs.cpio.gz") bytes"
