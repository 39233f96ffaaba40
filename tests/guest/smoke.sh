#!/bin/bash
# Smoke test of the qmd test guest under TCG: builds it if needed (build-guest.sh), boots it,
# and checks, printing measured times:
#   - the ready marker QMD-GUEST-READY appears (and QMD-GUEST-BALLOON present),
#   - ticks keep coming (QMD-GUEST-TICK 0, 1, 2...),
#   - QMP `balloon` really changes query-balloon's "actual",
#   - QMP `system_powerdown` gives a SHUTDOWN event and QEMU exits.
# Usage: smoke.sh [GUEST_DIR]   (default ${QMD_GUEST_DIR:-/var/cache/qmd/test-guest})
# Exit 0 and a last line "smoke: N passed, 0 failed" when all checks pass.
set -euo pipefail

GUEST=${1:-${QMD_GUEST_DIR:-/var/cache/qmd/test-guest}}
SELF_DIR=$(cd "$(dirname "$0")" && pwd)
QEMU=${QMD_QEMU:-qemu-system-x86_64}

say() { echo "smoke: $*" >&2; }
passed=0
failed=0
check() { # check NAME CONDITION-RESULT(0/1) DETAIL
  if [ "$2" = 0 ]; then passed=$((passed + 1)); say "ok   $1 ($3)"; else failed=$((failed + 1)); say "FAIL $1 ($3)"; fi
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$SELF_DIR/build-guest.sh" "$GUEST"
if ! command -v socat >/dev/null; then
  say "installing socat"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q install -y socat >&2
fi

dir=$(mktemp -d /tmp/qmd-guest-smoke.XXXXXX)
qpid=
cleanup() {
  if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then kill "$qpid"; fi
  rm -rf "$dir"
}
trap cleanup EXIT
serial=$dir/serial.log
sock=$dir/qmp.sock

# qmp 'CMD-JSON'... : runs the commands after qmp_capabilities on a fresh connection, prints replies.
qmp() {
  { echo '{"execute":"qmp_capabilities"}'; printf '%s\n' "$@"; sleep 0.2; } |
    socat -t 0.5 - "UNIX-CONNECT:$sock" | tr -d '\r'
}
wait_serial() { # wait_serial PATTERN TIMEOUT_MS
  local deadline=$(($(now_ms) + $2))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    grep -aq "$1" "$serial" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

t0=$(now_ms)
"$QEMU" -machine pc,accel=tcg -m 256 -nodefaults -nographic -serial "file:$serial" \
  -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio.gz" -append "console=ttyS0 quiet" \
  -device virtio-balloon-pci,id=balloon0 -qmp "unix:$sock,server=on,wait=off" &
qpid=$!

wait_serial QMD-GUEST-READY 30000 && r=0 || r=1
check "ready marker" $r "$(($(now_ms) - t0)) ms after QEMU start"
grep -aq "QMD-GUEST-BALLOON present" "$serial" && r=0 || r=1
check "balloon driver bound" $r "$(grep -ao 'QMD-GUEST-BALLOON [a-z]*' "$serial" || true)"
wait_serial "QMD-GUEST-TICK 2" 10000 && r=0 || r=1
check "ticks" $r "$(grep -ac QMD-GUEST-TICK "$serial") tick lines"

ticks() { grep -ac QMD-GUEST-TICK "$serial"; }
qmp '{"execute":"stop"}' >/dev/null
sleep 0.3
paused_at=$(ticks)
sleep 2.5
paused_after=$(ticks)
qmp '{"execute":"cont"}' >/dev/null
wait_serial "QMD-GUEST-TICK $paused_after" 10000 && r=0 || r=1
[ "$paused_at" = "$paused_after" ] || r=1
check "stop pauses the ticks, cont resumes them" $r "$paused_at ticks before and $paused_after after 2.5 s stopped; tick $paused_after after cont"

actual() { qmp '{"execute":"query-balloon"}' | sed -n 's/.*"actual": *\([0-9]*\).*/\1/p' | tail -n 1; }
before=$(actual)
tb=$(now_ms)
qmp '{"execute":"balloon","arguments":{"value":134217728}}' >/dev/null
after=$before
while [ "$(now_ms)" -lt $((tb + 20000)) ]; do
  after=$(actual)
  [ "$after" = 134217728 ] && break
  sleep 0.1
done
[ "$before" = 268435456 ] && [ "$after" = 134217728 ] && r=0 || r=1
check "balloon moves actual" $r "actual $before -> $after in $(($(now_ms) - tb)) ms"

# Keep one connection open across the powerdown so the SHUTDOWN event is seen, timestamp lines.
events=$dir/events.log
{ echo '{"execute":"qmp_capabilities"}'; echo '{"execute":"system_powerdown"}'; sleep 10; } |
  socat -t 0.5 - "UNIX-CONNECT:$sock" | tr -d '\r' |
  while IFS= read -r line; do echo "$(now_ms) $line"; done >"$events" &
reader=$!
tq=$(now_ms)
exited=1
while [ "$(now_ms)" -lt $((tq + 10000)) ]; do
  if ! kill -0 "$qpid" 2>/dev/null; then exited=0; break; fi
  sleep 0.02
done
[ "$exited" = 0 ] || kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
qpid=
tx=$(now_ms)
# socat ends when QEMU closes the socket, which ends the reader; wait for it to flush its lines.
for _ in $(seq 60); do kill -0 "$reader" 2>/dev/null || break; sleep 0.05; done
kill "$reader" 2>/dev/null || true
wait "$reader" 2>/dev/null || true
t_return=$(awk '/"return"/ {n++; if (n == 2) {print $1; exit}}' "$events")
t_shutdown=$(awk '/"event": *"SHUTDOWN"/ {print $1; exit}' "$events")
if [ -n "$t_shutdown" ] && [ -n "$t_return" ]; then r=0; else r=1; fi
check "system_powerdown -> SHUTDOWN event" $r \
  "$(grep -ao '"event": *"SHUTDOWN".*' "$events" | head -n 1) $((${t_shutdown:-0} - ${t_return:-0})) ms after the command's return"
check "QEMU exits after powerdown" $exited "$((tx - tq)) ms after sending"
grep -aq QMD-GUEST-POWERDOWN "$serial" && r=0 || r=1
check "guest saw the power button" $r "serial: $(grep -a QMD-GUEST-POWERDOWN "$serial" | tr -d '\r' || true)"

echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
