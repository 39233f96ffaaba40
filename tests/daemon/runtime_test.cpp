// Supervision through real qmd and QEMU (TCG) with diskless VMs: no guest OS,
// so powerdown is ignored (the shutdown-timeout path).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <sstream>

#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {
// Fields 5 and 6 of /proc/<pid>/stat: process group and session.
std::pair<long, long> pgrp_and_session(pid_t pid) {
  const std::string st = read_file("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(st.substr(st.rfind(')') + 2));
  std::string state;
  long ppid = 0, pgrp = 0, session = 0;
  in >> state >> ppid >> pgrp >> session;
  return {pgrp, session};
}
}  // namespace

TEST_CASE("runtime: start, status, list, stop, every transition recorded with its cause") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  auto st = node.qm({"start", "100"});
  REQUIRE(st.exit_code == 0);
  CHECK(st.err.empty());
  const pid_t pid = node.vm_pid(100);
  CHECK(alive(pid));
  // Detached: QEMU leads its own session and process group.
  CHECK(pgrp_and_session(pid) == std::pair<long, long>{pid, pid});
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  auto again = node.qm({"start", "100"});
  CHECK(again.exit_code == 255);
  CHECK(again.err == "VM 100 already running\n");

  auto v = nlohmann::json::parse(node.qm({"status", "100", "--verbose", "--output-format", "json"}).out);
  CHECK(v["status"] == "running");
  CHECK(v["qmpstatus"] == "running");
  CHECK(v["pid"] == pid);
  CHECK(v["maxmem"] == 64 * 1024 * 1024);
  CHECK(v["balloon"] == 64 * 1024 * 1024);
  CHECK(v.contains("uptime"));

  auto list = node.qm({"list"});
  CHECK(list.out.find("       100 VM 100               running    64                 0.00 " + std::to_string(pid)) !=
        std::string::npos);

  auto ev = node.last_status_event(100);
  CHECK(ev["status"] == "running");
  CHECK(ev["pid"] == pid);
  CHECK(ev["cause"] == "start by " + ev["user"].get<std::string>());

  auto stop = node.qm({"stop", "100"});
  CHECK(stop.exit_code == 0);
  CHECK(stop.err.empty());
  CHECK_FALSE(alive(pid));
  CHECK(node.qm({"status", "100"}).out == "status: stopped\n");
  ev = node.last_status_event(100);
  CHECK(ev["status"] == "stopped");
  CHECK(ev["pid"] == 0);
  CHECK(ev["cause"] == "stop request");
  CHECK(ev["detail"] == "exited (code 0)");
  CHECK_FALSE(file_exists(node.run_dir() + "/100.pid"));
  // Stopping a stopped VM is not an error, and records nothing.
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
  CHECK(node.status_events(100).size() == 2);
}

TEST_CASE("runtime: start refuses templates and locked VMs, applies pending changes first") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  CHECK(node.qm({"set", "100", "--lock", "backup"}).exit_code == 0);
  auto locked = node.qm({"start", "100"});
  CHECK(locked.exit_code == 255);
  CHECK(locked.err == "VM is locked (backup)\n");
  CHECK(node.qm({"unlock", "100"}).exit_code == 0);
  CHECK(node.qm({"set", "100", "--template", "1"}).exit_code == 0);
  auto tmpl = node.qm({"start", "100"});
  CHECK(tmpl.exit_code == 255);
  CHECK(tmpl.err == "you can't start a vm if it's a template\n");
  CHECK(node.qm({"set", "100", "--delete", "template"}).exit_code == 0);

  REQUIRE(node.qm({"start", "100"}).exit_code == 0);
  // While running, a non-hotpluggable change stays pending; the next start applies it.
  CHECK(node.qm({"set", "100", "--cpu", "qemu64"}).exit_code == 0);
  CHECK(node.qm({"pending", "100"}).out.find("new cpu: qemu64") != std::string::npos);
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
  REQUIRE(node.qm({"start", "100"}).exit_code == 0);
  CHECK(node.qm({"config", "100", "--current"}).out.find("cpu: qemu64\n") != std::string::npos);
  CHECK(node.qm({"pending", "100"}).out.find("new ") == std::string::npos);
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}

TEST_CASE("runtime: a QEMU that exits at once - start fails with its exit status and its own words, at once") {
  QmdNode node;
  node.start_qmd();
  REQUIRE(node.qm({"create", "100", "--memory", "64", "--scsi0", "local:1"}).exit_code == 0);
  const std::string image = node.dir() + "/images/100/vm-100-disk-0.qcow2";
  REQUIRE(std::filesystem::remove(image));
  const auto t0 = std::chrono::steady_clock::now();
  auto r = node.qm({"start", "100"});
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.exit_code == 255);
  CHECK(r.err.find("Could not open '" + image + "': No such file or directory\n") != std::string::npos);
  CHECK(r.err.ends_with("start failed: QEMU exited (code 1)\n"));
  CHECK(r.err.find("did not answer") == std::string::npos);
  CHECK(secs < 10);  // not the 30 s QMP timeout
  CHECK(node.qm({"status", "100"}).out == "status: stopped\n");
  CHECK(node.vm_pid(100) == 0);
}

TEST_CASE("runtime: shutdown of a VM without guest OS times out, --forceStop stops it") {
  QmdNode node;
  node.start_qmd();
  const pid_t pid = node.start_diskless(100);
  auto sd = node.qm({"shutdown", "100", "--timeout", "1"});
  CHECK(sd.exit_code == 255);
  CHECK(sd.err == "VM quit/powerdown failed - got timeout\n");
  CHECK(alive(pid));
  CHECK(node.last_status_event(100)["status"] == "running");

  auto force = node.qm({"shutdown", "100", "--timeout", "1", "--forceStop"});
  CHECK(force.exit_code == 0);
  CHECK(force.err == "VM still running - terminating now with SIGTERM\n");
  CHECK_FALSE(alive(pid));
  auto ev = node.last_status_event(100);
  CHECK(ev["status"] == "stopped");
  CHECK(ev["cause"] == "killed after timeout");
  CHECK(ev["detail"] == "exited (code 0)");  // QEMU exits 0 on SIGTERM
}

TEST_CASE("runtime: suspend and resume, a paused VM refuses shutdown without --forceStop") {
  QmdNode node;
  node.start_qmd();
  node.start_diskless(100);
  CHECK(node.qm({"suspend", "100"}).exit_code == 0);
  CHECK(node.qm({"status", "100"}).out == "status: paused\n");
  CHECK(node.qm({"list"}).out.find(" paused ") != std::string::npos);
  auto sd = node.qm({"shutdown", "100"});
  CHECK(sd.exit_code == 255);
  CHECK(sd.err == "VM is paused - cannot shutdown\n");
  CHECK(node.qm({"resume", "100"}).exit_code == 0);
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  auto ev = node.status_events(100);
  REQUIRE(ev.size() == 3);
  CHECK(ev[1]["status"] == "paused");
  CHECK(ev[1]["cause"] == "suspend by " + ev[1]["user"].get<std::string>());
  CHECK(ev[2]["status"] == "running");
  CHECK(ev[2]["cause"] == "resume by " + ev[2]["user"].get<std::string>());
  CHECK(node.qm({"suspend", "100"}).exit_code == 0);
  CHECK(node.qm({"shutdown", "100", "--forceStop", "--timeout", "5"}).exit_code == 0);
  CHECK(node.qm({"status", "100"}).out == "status: stopped\n");
  auto nr = node.qm({"resume", "100"});
  CHECK(nr.exit_code == 255);
  CHECK(nr.err == "VM 100 not running\n");
}

TEST_CASE("runtime: wait with and without timeout") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  auto idle = node.qm({"wait", "100"});
  CHECK(idle.exit_code == 0);
  CHECK(idle.out.empty());
  const pid_t pid = node.start_vm(100);
  auto to = node.qm({"wait", "100", "--timeout", "1"});
  CHECK(to.exit_code == 255);
  CHECK(to.out == "waiting until VM 100 stops (PID " + std::to_string(pid) + ")\n");
  CHECK(to.err == "wait failed - got timeout\n");
  auto bad = node.qm({"wait", "100", "--timeout", "0"});
  CHECK(bad.exit_code == 255);
  CHECK(bad.err == "400 Parameter verification failed.\ntimeout: value must have a minimum value of 1\n");

  auto waiting = std::async(std::launch::async, [&] { return node.qm({"wait", "100"}); });
  CHECK(waiting.wait_for(std::chrono::milliseconds(1500)) == std::future_status::timeout);
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
  auto w = waiting.get();
  CHECK(w.exit_code == 0);
  CHECK(w.out == "waiting until VM 100 stops (PID " + std::to_string(pid) + ")\n");
}

TEST_CASE("runtime: a QEMU killed from outside is recorded as an unexpected exit") {
  QmdNode node;
  node.start_qmd();
  const pid_t pid = node.start_diskless(100);
  ::kill(pid, SIGKILL);
  REQUIRE(eventually([&] { return node.last_status_event(100)["status"] == "stopped"; }));
  auto ev = node.last_status_event(100);
  CHECK(ev["cause"] == "killed by signal 9");
  CHECK(ev["pid"] == 0);
  CHECK(node.qm({"status", "100"}).out == "status: stopped\n");
  CHECK(node.qm({"start", "100"}).exit_code == 0);
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}

TEST_CASE("runtime: kill -9 of qmd leaves VMs running, a restarted qmd re-adopts them") {
  QmdNode node;
  node.start_qmd();
  const pid_t p100 = node.start_diskless(100), p101 = node.start_diskless(101);
  CHECK(node.signal_qmd(SIGKILL) == 128 + SIGKILL);
  CHECK(alive(p100));
  CHECK(alive(p101));
  ::kill(p101, SIGKILL);  // dies while qmd is down
  REQUIRE(eventually([&] { return !alive(p101); }));
  const auto events_before = node.status_events(100).size();

  node.start_qmd();
  REQUIRE(eventually([&] { return node.last_status_event(101)["status"] == "stopped"; }));
  CHECK(node.last_status_event(101)["cause"] == "died while qmd was down");
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  CHECK(node.vm_pid(100) == p100);
  CHECK(node.status_events(100).size() == events_before);  // still running: nothing to record
  auto v = nlohmann::json::parse(node.qm({"status", "100", "--verbose", "--output-format", "json"}).out);
  CHECK(v["pid"] == p100);
  // The re-adopted VM is fully controlled: QMP works, its exit is seen.
  CHECK(node.qm({"suspend", "100"}).exit_code == 0);
  CHECK(node.qm({"status", "100"}).out == "status: paused\n");
  CHECK(node.qm({"resume", "100"}).exit_code == 0);
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
  CHECK_FALSE(alive(p100));
  CHECK(node.last_status_event(100)["cause"] == "stop request");
}

TEST_CASE("runtime: SIGTERM ends qmd without stopping VMs") {
  QmdNode node;
  node.start_qmd();
  const pid_t pid = node.start_diskless(100);
  CHECK(node.signal_qmd(SIGTERM) == 0);
  CHECK(alive(pid));
  node.start_qmd();
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}

TEST_CASE("runtime: two VMs started at once run side by side") {
  QmdNode node;
  node.start_qmd();
  node.create_diskless(100);
  node.create_diskless(101);
  auto a = std::async(std::launch::async, [&] { return node.qm({"start", "100"}); });
  auto b = std::async(std::launch::async, [&] { return node.qm({"start", "101"}); });
  CHECK(a.get().exit_code == 0);
  CHECK(b.get().exit_code == 0);
  CHECK(node.vm_pid(100) != node.vm_pid(101));
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  CHECK(node.qm({"status", "101"}).out == "status: running\n");
  CHECK(node.qm({"stop", "101"}).exit_code == 0);
  CHECK(node.qm({"status", "100"}).out == "status: running\n");
  CHECK(node.qm({"stop", "100"}).exit_code == 0);
}
