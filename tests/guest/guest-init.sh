#!/bin/busybox sh
# /init of the qmd test guest (copied into the initramfs by build-guest.sh).
# Serial console protocol (ttyS0), one line each:
#   QMD-GUEST-BALLOON present|absent   after the modules are loaded
#   QMD-GUEST-READY <kernel version>   once acpid listens for the power button
#   QMD-GUEST-TICK <n>                 every second from n=0, while the guest runs
#   QMD-GUEST-POWERDOWN                when the ACPI power button arrives (then poweroff -f)
#   QMD-GUEST-CLOUDINIT user=<ciuser> instance-id=<id>
#                                      when a CD-ROM holds a NoCloud seed (the `cidata` ISO qmd
#                                      writes for a cloud-init drive), from its user-data/meta-data
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

for m in $(cat /etc/qmd-modules); do
  insmod "/lib/modules/$m.ko" || echo "QMD-GUEST-MODULE-FAILED $m"
done

if ls /sys/bus/virtio/drivers/virtio_balloon/ 2>/dev/null | grep -q '^virtio'; then
  echo "QMD-GUEST-BALLOON present"
else
  echo "QMD-GUEST-BALLOON absent"
fi

# The cloud-init seed, looked for in the background (the CD-ROM appears once the ATA bus is
# scanned) so that guests without one are not delayed.
(
  mkdir -p /mnt/seed
  i=0
  while [ $i -lt 600 ]; do
    for dev in /dev/sr*; do
      [ -b "$dev" ] || continue
      if mount -t iso9660 -o ro "$dev" /mnt/seed 2>/dev/null; then
        if [ -f /mnt/seed/meta-data ]; then
          echo "QMD-GUEST-CLOUDINIT user=$(sed -n 's/^user: //p' /mnt/seed/user-data)" \
            "instance-id=$(sed -n 's/^instance-id: //p' /mnt/seed/meta-data)"
        fi
        umount /mnt/seed
        exit 0
      fi
    done
    i=$((i + 1))
    sleep 0.1
  done
) &

# The power button (button.ko) is an input device (evdev.ko); busybox acpid maps KEY_POWER to
# the event PWRF/00000080 and runs /etc/acpi/PWRF/00000080, which powers off at once.
# Ready means acpid holds the input devices open: a daemonizing acpid would return before that.
mkdir -p /var/log /var/run
acpid -f -c /etc/acpi -l /var/log/acpid.log -p /var/run/acpid.pid </dev/null >/dev/null 2>&1 &
acpid_pid=$!
i=0
until ls -l /proc/$acpid_pid/fd 2>/dev/null | grep -q /dev/input/event; do
  i=$((i + 1))
  if [ $i -gt 200 ] || ! kill -0 $acpid_pid 2>/dev/null; then
    echo "QMD-GUEST-ACPID-FAILED"
    break
  fi
  sleep 0.05
done

echo "QMD-GUEST-READY $(cat /etc/qmd-kernel)"
n=0
while :; do
  echo "QMD-GUEST-TICK $n"
  n=$((n + 1))
  sleep 1
done
