// `qm list` shows the live status and PID (spec §6.13) with real qmd and QEMU
// (TCG, diskless VMs): what the supervisor sees while qmd runs, what the
// pidfiles and processes say without qmd — not the status last recorded.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {
std::string header() {
  return "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n";
}
std::string row(int vmid, const std::string& status, int mem, pid_t pid) {
  return fmt::format("{:>10} {:<20} {:<10} {:<10} {:>12.2f} {:<10}\n", vmid, "VM " + std::to_string(vmid), status, mem,
                     0.0, pid);
}
}  // namespace

TEST_CASE("list: live status and PID through qmd, --full asks QMP") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  node.create_diskless(101, 96);
  // 102 starts paused (-S): the supervisor tracks it as paused, QMP says prelaunch.
  REQUIRE(node.qm({"create", "102", "--memory", "64", "--args", "-S"}).exit_code == 0);
  CHECK(node.qm({"list"}).out == header() + row(100, "stopped", 64, 0) + row(101, "stopped", 96, 0) +
                                    row(102, "stopped", 64, 0));

  const pid_t p100 = node.start_vm(100), p102 = node.start_vm(102);
  CHECK(node.qm({"list"}).out == header() + row(100, "running", 64, p100) + row(101, "stopped", 96, 0) +
                                    row(102, "paused", 64, p102));
  CHECK(node.qm({"list", "--full"}).out == header() + row(100, "running", 64, p100) + row(101, "stopped", 96, 0) +
                                             row(102, "prelaunch", 64, p102));

  auto j = nlohmann::json::parse(node.qm({"list", "--output-format", "json"}).out);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["status"] == "running");
  CHECK(j[0]["pid"] == p100);
  CHECK(j[1]["status"] == "stopped");
  CHECK(j[1]["pid"] == 0);

  CHECK(node.qm({"suspend", "100"}).exit_code == 0);
  CHECK(node.qm({"list"}).out.find(row(100, "paused", 64, p100)) != std::string::npos);
  CHECK(node.qm({"resume", "100"}).exit_code == 0);
  CHECK(node.qm({"list"}).out.find(row(100, "running", 64, p100)) != std::string::npos);

  CHECK(node.qm({"stop", "100"}).exit_code == 0);
  CHECK(node.qm({"stop", "102"}).exit_code == 0);
  CHECK(node.qm({"list"}).out == header() + row(100, "stopped", 64, 0) + row(101, "stopped", 96, 0) +
                                    row(102, "stopped", 64, 0));
}

TEST_CASE("list: without qmd, status and PID come from the pidfiles and live processes") {
  QmdNode node;
  node.start_qmd();
  const pid_t p100 = node.start_diskless(100), p101 = node.start_diskless(101);
  REQUIRE(node.signal_qmd(SIGKILL) == 128 + SIGKILL);
  // 101 dies while nobody supervises it: the log still says running.
  ::kill(p101, SIGKILL);
  REQUIRE(eventually([&] { return node.qm({"list"}).out.find(row(101, "stopped", 64, 0)) != std::string::npos; }));
  CHECK(node.last_status_event(101)["status"] == "running");
  CHECK(node.qm({"list"}).out == header() + row(100, "running", 64, p100) + row(101, "stopped", 64, 0));
  CHECK(node.qm({"list", "--full"}).out == header() + row(100, "running", 64, p100) + row(101, "stopped", 64, 0));

  // A pidfile naming a process that is not this VM's QEMU (a recycled pid) does not count.
  write_file(node.run_dir() + "/101.pid", std::to_string(::getpid()) + "\n");
  CHECK(node.qm({"list"}).out.find(row(101, "stopped", 64, 0)) != std::string::npos);

  node.start_qmd();
  CHECK(node.qm({"list"}).out == header() + row(100, "running", 64, p100) + row(101, "stopped", 64, 0));
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}
