// qm startall / qm stopall / qmd --startall through a real qmd and real QEMU
// (TCG) with diskless VMs: no guest OS, so ACPI powerdown is ignored and every
// stopall shutdown ends with the force-stop after its timeout. Order and
// delays are read back from the events' timestamps.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

#include "service/runtime/runtime.h"
#include "tests/daemon/line_client.h"
#include "tests/daemon/qmd_fixture.h"

using namespace qmd::testing;

namespace {

struct StatusEvent {
  std::string status, cause, detail, user;
  int64_t at_ms = 0;
};

std::vector<StatusEvent> status_events(const QmdNode& node, int vmid) {
  auto r = node.qm({"history", std::to_string(vmid), "--output-format", "json"});
  std::vector<StatusEvent> out;
  for (const auto& e : nlohmann::json::parse(r.out)) {
    if (e["type"] != "vm.status.changed") continue;
    const auto& p = e["payload"];
    out.push_back({p["status"], p["cause"], p.value("detail", ""), e["user"], e["recorded_at"]});
  }
  return out;
}

// The time the VM was last recorded with `status`.
int64_t last_at(const QmdNode& node, int vmid, const std::string& status) {
  int64_t at = 0;
  for (const auto& e : status_events(node, vmid))
    if (e.status == status) at = e.at_ms;
  return at;
}

void create(QmdNode& node, int vmid, const std::vector<std::string>& options) {
  std::vector<std::string> args = {"create", std::to_string(vmid), "--memory", "64"};
  args.insert(args.end(), options.begin(), options.end());
  auto r = node.qm(args);
  if (r.exit_code != 0) throw std::runtime_error("create failed: " + r.err);
}

std::string status_of(const QmdNode& node, int vmid) { return node.qm({"status", std::to_string(vmid)}).out; }

int64_t ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("startall: onboot guests by startup order, unordered last, VMID order, up= delays, --force") {
  QmdNode node;
  node.start_qmd();
  create(node, 101, {"--onboot", "1", "--startup", "order=2,up=1"});
  create(node, 102, {"--onboot", "1", "--startup", "order=1,up=2"});
  create(node, 104, {"--onboot", "1", "--startup", "up=1"});
  create(node, 103, {"--onboot", "1", "--startup", "up=0"});
  create(node, 105, {});                                       // not onboot
  create(node, 106, {"--onboot", "1", "--startup", "order=0"});  // a template
  REQUIRE(node.qm({"set", "106", "--template", "1"}).exit_code == 0);

  auto r = node.qm({"startall"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "Starting VM 102\n"
        "Waiting for 2 seconds (startup delay)\n"
        "Starting VM 101\n"
        "Waiting for 1 seconds (startup delay)\n"
        "Starting VM 103\n"
        "Starting VM 104\n"
        "Waiting for 1 seconds (startup delay)\n");
  for (int vmid : {101, 102, 103, 104}) {
    node.vm_pid(vmid);  // remembered for cleanup
    CHECK(status_of(node, vmid) == "status: running\n");
    const auto ev = status_events(node, vmid);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].cause == "startall by " + ev[0].user);
  }
  CHECK(status_of(node, 105) == "status: stopped\n");
  CHECK(status_of(node, 106) == "status: stopped\n");
  CHECK(status_events(node, 105).empty());
  CHECK(status_events(node, 106).empty());

  // Each start came after the previous one's `up=` wait.
  const int64_t t102 = last_at(node, 102, "running"), t101 = last_at(node, 101, "running"),
                t103 = last_at(node, 103, "running"), t104 = last_at(node, 104, "running");
  CHECK(t101 - t102 >= 2000);
  CHECK(t103 - t101 >= 1000);
  CHECK(t104 >= t103);  // up=0: no wait, but still after it

  // --force also starts guests without onboot (not templates, not running
  // ones); a guest without `up=` is followed by the default 3 s, silently.
  const auto t0 = std::chrono::steady_clock::now();
  auto forced = node.qm({"startall", "--force"});
  const int64_t took = ms_since(t0);
  CHECK(forced.exit_code == 0);
  CHECK(forced.err == "Starting VM 105\n");
  CHECK(took >= 3000);
  node.vm_pid(105);
  CHECK(status_of(node, 105) == "status: running\n");
  CHECK(status_of(node, 106) == "status: stopped\n");
  CHECK(status_events(node, 101).size() == 1);  // not started twice

  // Nothing left to start: nothing printed, no wait.
  auto again = node.qm({"startall", "--force", "--vms", "101,105"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.empty());
}

TEST_CASE("stopall: all running guests in reverse order, force-stopped after down= / --timeout") {
  QmdNode node;
  node.start_qmd();
  create(node, 201, {"--startup", "order=1,down=2"});
  create(node, 202, {"--startup", "order=2,down=1"});
  create(node, 203, {});
  create(node, 204, {"--onboot", "1"});
  create(node, 205, {"--startup", "order=3"});  // stays stopped
  for (int vmid : {201, 202, 203, 204}) {
    REQUIRE(node.qm({"start", std::to_string(vmid)}).exit_code == 0);
    node.vm_pid(vmid);
  }

  auto r = node.qm({"stopall", "--timeout", "1"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "Stopping VM 204 (timeout = 1 seconds)\n"
        "Stopping VM 203 (timeout = 1 seconds)\n"
        "Stopping VM 202 (timeout = 1 seconds)\n"
        "Stopping VM 201 (timeout = 2 seconds)\n");
  for (int vmid : {201, 202, 203, 204}) {
    CHECK(status_of(node, vmid) == "status: stopped\n");
    const auto ev = status_events(node, vmid);
    REQUIRE(ev.size() == 2);
    CHECK(ev[1].status == "stopped");
    CHECK(ev[1].cause == "stopall by " + ev[1].user);
    CHECK(ev[1].detail == "killed after timeout; exited (code 0)");  // QEMU exits 0 on SIGTERM
  }
  CHECK(status_events(node, 205).empty());

  // The unordered group first (together), then order 2, then order 1; each
  // guest went down only after its timeout.
  const int64_t s204 = last_at(node, 204, "stopped"), s203 = last_at(node, 203, "stopped"),
                s202 = last_at(node, 202, "stopped"), s201 = last_at(node, 201, "stopped");
  CHECK(s202 - std::max(s203, s204) >= 1000);
  CHECK(s201 - s202 >= 2000);
  CHECK(s204 - last_at(node, 204, "running") >= 1000);

  // Nothing running: nothing to do.
  auto none = node.qm({"stopall"});
  CHECK(none.exit_code == 0);
  CHECK(none.err.empty());
}

TEST_CASE("stopall --force-stop 0 reports the timeout, a locked guest is not shut down") {
  QmdNode node;
  node.start_qmd();
  create(node, 211, {});
  create(node, 212, {});
  for (int vmid : {211, 212}) {
    REQUIRE(node.qm({"start", std::to_string(vmid)}).exit_code == 0);
    node.vm_pid(vmid);
  }
  REQUIRE(node.qm({"set", "212", "--lock", "backup"}).exit_code == 0);
  auto r = node.qm({"stopall", "--timeout", "1", "--force-stop", "0"});
  CHECK(r.exit_code == 255);
  CHECK(r.err ==
        "Stopping VM 212 (timeout = 1 seconds)\n"
        "Stopping VM 212 failed: VM is locked (backup)\n"
        "Stopping VM 211 (timeout = 1 seconds)\n"
        "Stopping VM 211 failed: VM quit/powerdown failed - got timeout\n");
  CHECK(status_of(node, 211) == "status: running\n");
  CHECK(status_of(node, 212) == "status: running\n");

  // --vms limits the pass.
  REQUIRE(node.qm({"unlock", "212"}).exit_code == 0);
  auto only = node.qm({"stopall", "--timeout", "1", "--vms", "212"});
  CHECK(only.exit_code == 0);
  CHECK(only.err == "Stopping VM 212 (timeout = 1 seconds)\n");
  CHECK(status_of(node, 211) == "status: running\n");
  CHECK(status_of(node, 212) == "status: stopped\n");
}

TEST_CASE("startall: a guest that cannot start is reported and the pass goes on") {
  QmdNode node;
  node.start_qmd();
  create(node, 301, {"--onboot", "1", "--startup", "order=1,up=0"});
  create(node, 302, {"--onboot", "1", "--startup", "order=2,up=0"});
  REQUIRE(node.qm({"set", "301", "--lock", "migrate"}).exit_code == 0);
  auto r = node.qm({"startall"});
  CHECK(r.exit_code == 255);
  CHECK(r.err ==
        "Starting VM 301\n"
        "Starting VM 301 failed: VM is locked (migrate)\n"
        "Starting VM 302\n");
  node.vm_pid(302);
  CHECK(status_of(node, 301) == "status: stopped\n");
  CHECK(status_of(node, 302) == "status: running\n");
}

TEST_CASE("startall/stopall: the per-guest lines reach a client that asked for progress as they happen") {
  QmdNode node;
  node.start_qmd();
  create(node, 110, {"--onboot", "1", "--startup", "up=2"});
  LineClient client(node.sock());
  auto request = [](const std::string& verb) {
    return nlohmann::json{{"verb", verb}, {"command_line", "qm " + verb}, {"progress", true}};
  };

  // "Starting VM 110" and the wait's line come before the 2 s wait is over.
  client.send(request("startall"));
  auto l = client.next();
  REQUIRE(l);
  CHECK(l->json == nlohmann::json{{"progress", {{"stream", "err"}, {"text", "Starting VM 110\n"}}}});
  l = client.next();
  REQUIRE(l);
  CHECK(l->json ==
        nlohmann::json{{"progress", {{"stream", "err"}, {"text", "Waiting for 2 seconds (startup delay)\n"}}}});
  const auto waited_from = l->at;
  auto reply = client.next();
  REQUIRE(reply);
  CHECK(reply->json == nlohmann::json{{"exit_code", 0}, {"out", ""}, {"err", ""}});  // nothing twice
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(reply->at - waited_from).count() >= 1500);
  node.vm_pid(110);

  // stopall: the line of a guest that cannot be shut down (locked) comes
  // live too, and the failure still makes the exit code.
  REQUIRE(node.qm({"set", "110", "--lock", "backup"}).exit_code == 0);
  nlohmann::json stopall = request("stopall");
  stopall["options"] = nlohmann::json::array({nlohmann::json::array({"timeout", "1"})});
  client.send(stopall);
  for (const char* text : {"Stopping VM 110 (timeout = 1 seconds)\n", "Stopping VM 110 failed: VM is locked (backup)\n"}) {
    l = client.next();
    REQUIRE(l);
    CHECK(l->json == nlohmann::json{{"progress", {{"stream", "err"}, {"text", text}}}});
  }
  reply = client.next();
  REQUIRE(reply);
  CHECK(reply->json["exit_code"] == 255);
  CHECK(reply->json["err"] == "");
}

TEST_CASE("startall/stopall: bad options and no qmd") {
  QmdNode node;
  for (const std::string verb : {"startall", "stopall"}) {
    auto r = node.qm({verb});
    CHECK(r.exit_code == 255);
    CHECK(r.err == qmd::service::runtime::qmd_not_running_message(node.sock(), node.dir()) + "\n");
  }
  node.start_qmd();
  auto big = node.qm({"stopall", "--timeout", "7201"});
  CHECK(big.exit_code == 255);
  CHECK(big.err == "400 Parameter verification failed.\ntimeout: value must have a maximum value of 7200\n");
  auto neg = node.qm({"stopall", "--timeout", "-1"});
  CHECK(neg.exit_code == 255);
  CHECK(neg.err == "400 Parameter verification failed.\ntimeout: type check ('integer') failed - got '-1'\n");
  auto vms = node.qm({"startall", "--vms", "100,abc"});
  CHECK(vms.exit_code == 255);
  CHECK(vms.err.starts_with("400 Parameter verification failed.\nvms: "));
  auto force = node.qm({"startall", "--force", "maybe"});
  CHECK(force.exit_code == 255);
}

TEST_CASE("qmd --startall: stale backup locks cleared, onboot guests started, once per host boot") {
  QmdNode node;
  // Set up without qmd, as a host found after a crash: backup locks left over.
  create(node, 401, {"--onboot", "1", "--startup", "up=0"});
  create(node, 402, {});
  REQUIRE(node.qm({"set", "401", "--lock", "backup"}).exit_code == 0);
  REQUIRE(node.qm({"set", "402", "--lock", "backup"}).exit_code == 0);

  node.start_qmd("--startall");
  // qmd logs the pass's end (its request, run like a client's) with its exit code.
  REQUIRE(eventually([&] { return node.log().find("qmd --startall → exit 0") != std::string::npos; }));
  CHECK(status_of(node, 401) == "status: running\n");
  node.vm_pid(401);
  CHECK(status_of(node, 402) == "status: stopped\n");
  for (int vmid : {401, 402}) {
    const std::string conf = node.qm({"config", std::to_string(vmid)}).out;
    CHECK(conf.find("lock:") == std::string::npos);
    auto h = nlohmann::json::parse(node.qm({"history", std::to_string(vmid), "--output-format", "json"}).out);
    bool unlocked = false;
    for (const auto& e : h)
      if (e["type"] == "vm.unlocked" && e["payload"]["lock"] == "backup") unlocked = true;
    CHECK(unlocked);
  }
  const auto ev = status_events(node, 401);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].cause == "startall by " + ev[0].user);
  CHECK(node.log().find("startall: removed left over backup lock from '401'!") != std::string::npos);
  CHECK(node.log().find("startall: removed left over backup lock from '402'!") != std::string::npos);

  // A restart of qmd in the same boot does not start again a guest the admin stopped.
  REQUIRE(node.qm({"stop", "401"}).exit_code == 0);
  node.stop_qmd();
  node.start_qmd("--startall");
  REQUIRE(eventually([&] { return node.log().find("not again") != std::string::npos; }));
  CHECK(status_of(node, 401) == "status: stopped\n");
}

TEST_CASE("stopall: a real guest that answers ACPI powers off cleanly, after the unordered group") {
  const char* env_dir = std::getenv("QMD_GUEST_DIR");
  const std::string g = env_dir != nullptr && *env_dir ? env_dir : "/var/cache/qmd/test-guest";
  if (!file_exists(g + "/vmlinux") || !file_exists(g + "/initramfs.cpio.gz")) {
    WARN("SKIP: test guest not found in " << g << " (run tests/guest/build-guest.sh)");
    return;
  }
  QmdNode node;
  node.start_qmd();
  const std::string serial = node.dir() + "/500.serial";
  // The guest kernel needs more than the 64 MiB of the diskless VMs.
  REQUIRE(node.qm({"create", "500", "--memory", "256", "--startup", "order=1,down=120", "--args",
                   "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet' "
                   "-serial file:" + serial})
              .exit_code == 0);
  create(node, 501, {});
  for (int vmid : {500, 501}) {
    REQUIRE(node.qm({"start", std::to_string(vmid)}).exit_code == 0);
    node.vm_pid(vmid);
  }
  REQUIRE(eventually([&] { return read_file(serial).find("QMD-GUEST-READY") != std::string::npos; }, 120000));

  auto r = node.qm({"stopall", "--timeout", "1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "Stopping VM 501 (timeout = 1 seconds)\n"
        "Stopping VM 500 (timeout = 120 seconds)\n");
  CHECK(read_file(serial).find("QMD-GUEST-POWERDOWN") != std::string::npos);
  const auto guest = status_events(node, 500);
  REQUIRE(guest.size() == 2);
  CHECK(guest[1].cause == "stopall by " + guest[1].user);
  CHECK(guest[1].detail == "guest shutdown; exited (code 0)");
  CHECK(status_events(node, 501).back().detail == "killed after timeout; exited (code 0)");
  CHECK(last_at(node, 500, "stopped") >= last_at(node, 501, "stopped"));
}
