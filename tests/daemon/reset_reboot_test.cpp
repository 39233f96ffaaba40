// reset and reboot through real qmd and QEMU (TCG) with a diskless VM: no
// guest OS, so a reboot's shutdown takes the timeout path.
#include <catch2/catch.hpp>

#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

TEST_CASE("reset: a running VM is reset in place, a stopped one is not running") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  auto idle = node.qm({"reset", "100"});
  CHECK(idle.exit_code == 255);
  CHECK(idle.err == "VM 100 not running\n");
  const pid_t pid = node.start_vm(100);
  const auto before = node.status_events(100).size();
  auto r = node.qm({"reset", "100"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(node.vm_pid(100) == pid);
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  CHECK(node.status_events(100).size() == before);  // a reset is no status transition
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}

TEST_CASE("reboot: a stopped VM is not running, without a guest OS the shutdown times out and the VM keeps running") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  auto idle = node.qm({"reboot", "100"});
  CHECK(idle.exit_code == 255);
  CHECK(idle.err == "VM 100 not running\n");
  const pid_t pid = node.start_vm(100);
  auto r = node.qm({"reboot", "100", "--timeout", "1"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "VM quit/powerdown failed - got timeout\n");
  CHECK(node.vm_pid(100) == pid);
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}
