// Supervision of the real test guest (docs/test-guest.md) under TCG: a guest
// that answers the ACPI power button shuts down cleanly.
#include <catch2/catch.hpp>

#include "tests/support/test_guest.h"

#include <cstdlib>

#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {
using qmd::testing::guest_dir;
}  // namespace

TEST_CASE("guest: shutdown of a real guest is a clean guest shutdown, the balloon is set at start") {
  const std::string g = guest_dir();
  if (!file_exists(g + "/vmlinux") || !file_exists(g + "/initramfs.cpio.gz")) {
    WARN("SKIP: test guest not found in " << g << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  // Autoballoon off: on a relaxed host its cycle would grow the balloon back
  // to `memory` and hide the start's own target.
  node.start_qmd("--balloon-interval 0");
  const std::string serial = node.dir() + "/200.serial";
  auto c = node.qm({"create", "200", "--memory", "256", "--balloon", "128", "--args",
                    "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet' "
                    "-serial file:" + serial});
  REQUIRE(c.exit_code == 0);
  REQUIRE(node.qm({"start", "200"}).exit_code == 0);
  const pid_t pid = node.vm_pid(200);
  REQUIRE(eventually([&] { return read_file(serial).find("QMD-GUEST-READY") != std::string::npos; }, 120000));
  // qm start asked for balloon=128 MiB; the guest's driver moves `actual` there.
  REQUIRE(eventually(
      [&] {
        auto v = nlohmann::json::parse(node.qm({"status", "200", "--verbose", "--output-format", "json"}).out);
        return v["balloon"] == 128 * 1024 * 1024;
      },
      60000));

  auto sd = node.qm({"shutdown", "200", "--timeout", "60"});
  CHECK(sd.exit_code == 0);
  CHECK(sd.err.empty());
  CHECK(read_file(serial).find("QMD-GUEST-POWERDOWN") != std::string::npos);
  CHECK(::kill(pid, 0) != 0);
  auto ev = node.last_status_event(200);
  CHECK(ev["status"] == "stopped");
  CHECK(ev["cause"] == "guest shutdown");
  CHECK(ev["detail"] == "exited (code 0)");
}

namespace {
// The highest QMD-GUEST-TICK number on the serial console (-1 before the first).
int last_tick(const std::string& serial) { return qmd::testing::last_tick_in(read_file(serial)); }
}  // namespace

TEST_CASE("guest: a suspended guest stops ticking and resumes, reboot restarts it with a new QEMU") {
  const std::string g = guest_dir();
  if (!file_exists(g + "/vmlinux") || !file_exists(g + "/initramfs.cpio.gz")) {
    WARN("SKIP: test guest not found in " << g << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  node.start_qmd();
  const std::string serial = node.dir() + "/201.serial";
  REQUIRE(node.qm({"create", "201", "--memory", "128", "--args",
                   "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet' "
                   "-serial file:" + serial})
              .exit_code == 0);
  REQUIRE(node.qm({"start", "201"}).exit_code == 0);
  const pid_t first = node.vm_pid(201);
  REQUIRE(eventually([&] { return last_tick(serial) >= 1; }, 120000));

  REQUIRE(node.qm({"suspend", "201"}).exit_code == 0);
  const int frozen = last_tick(serial);
  // Absence can only be watched for a while: ticks come every second, so
  // three seconds without one shows the guest is not running.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(last_tick(serial) <= frozen + 1);  // one tick may have been in flight
  REQUIRE(node.qm({"resume", "201"}).exit_code == 0);
  const int resumed_from = last_tick(serial);
  CHECK(eventually([&] { return last_tick(serial) >= resumed_from + 2; }, 60000));

  // Reboot: the guest powers off (clean shutdown), qmd starts a new QEMU.
  auto rb = node.qm({"reboot", "201", "--timeout", "60"});
  CHECK(rb.exit_code == 0);
  CHECK(rb.err.empty());
  const pid_t second = node.vm_pid(201);
  CHECK(second > 0);
  CHECK(second != first);
  CHECK(node.qm({"status", "201"}).out == "status: running\n");
  auto ev = node.status_events(201);
  REQUIRE(ev.size() >= 5);
  CHECK(ev[ev.size() - 2]["status"] == "stopped");
  CHECK(ev[ev.size() - 2]["cause"] == "guest shutdown");
  CHECK(ev.back()["status"] == "running");
  CHECK(ev.back()["pid"] == second);
  CHECK(node.qm({"stop", "201"}).exit_code == 0);
}
