#!/usr/bin/env bash
# A short tour of qmd on a fresh demo data directory (build/demo-data):
# create a VM, change it, show its history, its .conf and the audit checks.
set -euo pipefail
cd "$(dirname "$0")/.."
QM=${QM:-build/qm}
export QMD_DATA_DIR=${QMD_DATA_DIR:-$PWD/build/demo-data}
export QMD_NODE=${QMD_NODE:-demo}
rm -rf "$QMD_DATA_DIR"
mkdir -p "$QMD_DATA_DIR/template/iso"
: > "$QMD_DATA_DIR/template/iso/debian-12.iso"

run() { printf "$ qm"; printf " %q" "$@"; echo; "$QM" "$@"; echo; }

run create 100 --name web1 --memory 2048 --cores 2 --net0 virtio,bridge=vmbr0 \
    --scsi0 local:1 --cdrom debian-12.iso --ostype l26
run set 100 --memory 4096 --balloon 1024 --description "front-end web server"
run set 100 --delete cores
run config 100
run list
run history 100
run diff 100 --from 1
echo "\$ cat $QMD_DATA_DIR/nodes/$QMD_NODE/qemu-server/100.conf"
cat "$QMD_DATA_DIR/nodes/$QMD_NODE/qemu-server/100.conf"; echo
run verify
