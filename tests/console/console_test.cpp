// qm terminal, qm monitor and qm sendkey against a real test guest (its
// console on a `serial0: socket` port), driven on a real pseudo-terminal.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/console/pty_session.h"
#include "tests/daemon/qmd_fixture.h"
#include "tests/support/test_guest.h"

using namespace qmd::testing;

namespace {

bool have_guest() {
  const std::string g = guest_dir();
  return file_exists(g + "/vmlinux") && file_exists(g + "/initramfs.cpio.gz");
}

// A VM booting the test guest with its console on serial0 (a socket qm terminal attaches to).
void create_guest_vm(QmdNode& node, int vmid) {
  const std::string g = guest_dir();
  auto c = node.qm({"create", std::to_string(vmid), "--memory", "128", "--serial0", "socket", "--args",
                    "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet'"});
  REQUIRE(c.exit_code == 0);
}

std::vector<std::string> qm_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary("qm")};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

TEST_CASE("console: qm terminal shows the guest's serial console live, in raw mode, until Ctrl+O") {
  if (!have_guest()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  node.start_qmd();
  create_guest_vm(node, 300);
  REQUIRE(node.qm({"start", "300"}).exit_code == 0);
  node.vm_pid(300);

  PtySession term(qm_argv({"terminal", "300"}), node.env());
  REQUIRE(term.wait_for_text("starting serial terminal on interface serial0 (press Ctrl+O to exit)\r\n", 10000));
  // The guest's ticks come through as they are printed: two in a row, the second one later.
  REQUIRE(term.wait_for_text("QMD-GUEST-TICK ", 120000));
  const std::string first = term.output();
  const int t1 = last_tick_in(first);
  REQUIRE(term.wait_for_text("QMD-GUEST-TICK " + std::to_string(t1 + 1), 10000));
  REQUIRE(term.wait_for_text("QMD-GUEST-TICK " + std::to_string(t1 + 2), 10000));
  CHECK_FALSE(term.canonical());  // raw while attached
  term.type("\x0f");
  CHECK(term.wait_exit(5000) == 0);
  CHECK(term.canonical());  // and restored
  // Ctrl+O ended only qm: the VM runs on.
  CHECK(node.qm({"status", "300"}).out == "status: running\n");
  CHECK(node.qm({"stop", "300"}).exit_code == 0);
}

TEST_CASE("console: qm terminal refuses what Proxmox refuses, with its messages") {
  QmdNode node;
  node.create_diskless(301);
  REQUIRE(node.qm({"create", "302", "--memory", "64", "--serial0", "socket"}).exit_code == 0);
  auto fails = [&](const std::vector<std::string>& args, const std::string& err) {
    auto r = node.qm(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 255);
    CHECK(r.out.empty());
    CHECK(r.err == err);
  };
  fails({"terminal", "301"}, "unable to find a serial interface\n");
  fails({"terminal", "302", "--iface", "serial1"}, "serial interface 'serial1' is not configured\n");
  fails({"terminal", "302"}, "VM 302 not running\n");
  fails({"terminal", "302", "--escape", "O"}, "invalid escape character definition: O\n");
  fails({"terminal", "399"}, "Configuration file 'nodes/pve1/qemu-server/399.conf' does not exist\n");
  REQUIRE(node.qm({"set", "302", "--serial1", "/dev/null"}).exit_code == 0);
  fails({"terminal", "302", "--iface", "serial1"}, "wrong serial type on interface 'serial1'\n");
}

TEST_CASE("console: qm monitor runs human monitor commands through qmd, interactively or one --command") {
  if (!have_guest()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  node.start_qmd();
  create_guest_vm(node, 303);
  REQUIRE(node.qm({"start", "303"}).exit_code == 0);
  node.vm_pid(303);

  auto one = node.qm({"monitor", "303", "--command", "info status"});
  CHECK(one.exit_code == 0);
  CHECK(one.out == "VM status: running\r\n");
  auto chardev = node.qm({"monitor", "303", "--command", "info chardev"});
  CHECK(std::regex_search(chardev.out, std::regex("serial0: filename=.*unix:" + node.run_dir() + "/303.serial0")));

  // Interactive, as a person types it: blank lines skipped, errors said, quit leaves.
  PtySession mon(qm_argv({"monitor", "303"}), node.env());
  REQUIRE(mon.wait_for_text("Entering QEMU Monitor for VM 303 - type 'help' for help\r\nqm> ", 10000));
  mon.type("\n");
  REQUIRE(mon.wait_for_text("qm> ", 5000));
  mon.type("info status\n");
  REQUIRE(mon.wait_for_text("VM status: running\r\r\nqm> ", 10000));
  mon.type("stop\n");
  REQUIRE(mon.wait_for_text("qm> ", 10000));
  mon.type("info status\n");
  REQUIRE(mon.wait_for_text("VM status: paused\r\r\nqm> ", 10000));
  mon.type("cont\n");
  REQUIRE(mon.wait_for_text("qm> ", 10000));
  mon.type("quit\n");
  CHECK(mon.wait_exit(5000) == 0);
  CHECK(node.qm({"status", "303"}).out == "status: running\n");

  // With its input ended (a script piping commands) it leaves too.
  auto piped = run(qm_argv({"monitor", "303"}), node.env(), "info status\n");
  CHECK(piped.exit_code == 0);
  CHECK(piped.out == "Entering QEMU Monitor for VM 303 - type 'help' for help\nqm> VM status: running\r\nqm> ");

  // sendkey: a key QEMU knows goes in silently; one it does not is QEMU's refusal.
  auto key = node.qm({"sendkey", "303", "shift-a"});
  CHECK(key.exit_code == 0);
  CHECK(key.out.empty());
  CHECK(key.err.empty());
  auto held = node.qm({"sendkey", "303", "ret", "--hold-time", "50"});
  CHECK(held.exit_code == 0);
  auto unknown = node.qm({"sendkey", "303", "nosuchkey"});
  CHECK(unknown.exit_code == 255);
  CHECK(unknown.err.find("nosuchkey") != std::string::npos);
  REQUIRE(node.qm({"stop", "303"}).exit_code == 0);
  auto stopped = node.qm({"sendkey", "303", "ret"});
  CHECK(stopped.exit_code == 255);
  CHECK(stopped.err == "VM 303 not running\n");
  auto mon_stopped = node.qm({"monitor", "303", "--command", "info status"});
  CHECK(mon_stopped.err == "VM 303 not running\n");
}

TEST_CASE("console: sendkey refuses a key that would smuggle monitor arguments, and a locked VM") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(304);
  auto r = node.qm({"sendkey", "304", "a b"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "400 Parameter verification failed.\nkey: invalid key 'a b'\n");
  REQUIRE(node.qm({"set", "304", "--lock", "backup"}).exit_code == 0);
  auto locked = node.qm({"sendkey", "304", "ret"});
  CHECK(locked.exit_code == 255);
  CHECK(locked.err == "VM is locked (backup)\n");
}
