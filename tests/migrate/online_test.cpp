// Live migration between two real qmd nodes with real QEMU (TCG): the VM
// keeps running across the move, the hand-over and its figures are in the
// log; failures keep it running on the source with a failed event.
#include <catch2/catch.hpp>

#include "tests/support/test_guest.h"

#include <cstdlib>

#include "tests/migrate/cluster_fixture.h"

using namespace qmd::testing;

namespace {
using qmd::testing::guest_dir;
int last_tick(const std::string& serial) { return qmd::testing::last_tick_in(read_file(serial)); }
}  // namespace

TEST_CASE("migrate online: a diskless VM moves to the other node and keeps running") {
  Cluster c;
  const pid_t src = c.start_with_vm_running_on_a();
  REQUIRE(alive(src));

  auto r = c.b.qm({"migrate", "100", "a", "--online"});  // asked on b: run by the owner a
  CHECK(r.exit_code == 255);
  CHECK(r.err == "400 Parameter verification failed.\ntarget: target is local node.\n");

  r = c.b.qm({"migrate", "100", "b", "--online"});
  INFO(r.err << r.out << c.a.log() << c.b.log());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.starts_with("starting migration of VM 100 to node 'b' (127.0.0.1)\nstart remote VM: tcp:127.0.0.1:"));
  CHECK(r.out.find("\nmigration finished successfully (duration 00:00:") != std::string::npos);
  const pid_t dst = c.b.vm_pid(100);
  CHECK(alive(dst));
  CHECK(dst != src);
  REQUIRE(eventually([&] { return !alive(src); }, 20000));
  CHECK(c.a.vm_pid(100) == 0);
  CHECK(c.a.qm({"status", "100"}).out == "status: running\n");  // answered by b
  auto v = nlohmann::json::parse(c.b.qm({"status", "100", "--verbose", "--output-format", "json"}).out);
  CHECK(v["qmpstatus"] == "running");
  CHECK(v["pid"] == dst);

  const auto evs = c.b.events(100);
  const auto moved = of_type(evs, "vm.moved");
  REQUIRE(moved.size() == 1);
  const auto& m = moved[0]["payload"];
  CHECK(m["from"] == "a");
  CHECK(m["to"] == "b");
  CHECK(m["pid"] == dst);
  CHECK(m["online"] == true);
  CHECK(m["total_time_ms"].get<int64_t>() > 0);
  CHECK(m["downtime_ms"].get<int64_t>() < 1000);
  CHECK(m["transferred_bytes"].get<int64_t>() > 0);
  // The hand-over: moved, running on b with b's pid, completed — one commit.
  const auto& last = evs.back();
  CHECK(last["type"] == "vm.operation.completed");
  CHECK(evs[evs.size() - 2]["type"] == "vm.status.changed");
  CHECK(evs[evs.size() - 2]["payload"]["pid"] == dst);
  CHECK(evs[evs.size() - 2]["payload"]["cause"] == "migrated from a");
  CHECK(evs[evs.size() - 3]["seq"] == moved[0]["seq"]);
  REQUIRE(eventually([&] { return file_exists(c.b.conf_path("b", 100)); }, 10000));
  CHECK(read_file(c.b.conf_path("b", 100)).find("lock") == std::string::npos);

  // The source QEMU's exit is not recorded as the VM stopping.
  c.a.qm_ok({"list"});
  CHECK(c.b.qm({"status", "100"}).out == "status: running\n");
  CHECK(of_type(c.b.events(100), "vm.status.changed").back()["payload"]["status"] == "running");
  // And b's qmd now owns it: stop it there.
  CHECK(c.a.qm({"stop", "100"}).exit_code == 0);
  CHECK_FALSE(alive(dst));
  CHECK(of_type(c.b.events(100), "vm.status.changed").back()["payload"]["status"] == "stopped");
}

TEST_CASE("migrate online: the target QEMU dying mid-way keeps the VM running on the source") {
  Cluster c;
  const pid_t src = c.start_with_vm_running_on_a();
  // 1 KiB/s: the migration takes long enough to kill the target QEMU during it.
  const pid_t mig = spawn({"/bin/sh", "-c", "exec " + binary("qm") + " migrate 100 b --online --bwlimit 1 >" +
                                                c.a.dir() + "/mig.out 2>" + c.a.dir() + "/mig.err"},
                          c.a.env());
  REQUIRE(eventually([&] { return c.b.vm_pid(100) != 0; }, 30000));
  const pid_t dst = c.b.vm_pid(100);
  REQUIRE(eventually([&] {
    for (const auto& e : c.a.events(100))
      if (e["type"] == "vm.operation.step") return true;
    return false;
  }, 30000));
  ::kill(dst, SIGKILL);
  CHECK(wait_for(mig) == 255);
  const std::string err = read_file(c.a.dir() + "/mig.err");
  INFO(err);
  CHECK(err.starts_with("migration aborted: migrat"));  // "migrate failed: …" or "migration failed: …"
  CHECK(alive(src));
  CHECK(c.a.qm({"status", "100"}).out == "status: running\n");
  auto v = nlohmann::json::parse(c.a.qm({"status", "100", "--verbose", "--output-format", "json"}).out);
  CHECK(v["qmpstatus"] == "running");
  CHECK(v["pid"] == src);
  const auto evs = c.a.events(100);
  CHECK(of_type(evs, "vm.moved").empty());
  REQUIRE_FALSE(of_type(evs, "vm.operation.failed").empty());
  CHECK(of_type(evs, "vm.operation.failed").back()["payload"]["error"] == err.substr(19, err.size() - 20));
  CHECK(c.a.qm({"config", "100"}).out.find("lock") == std::string::npos);
  CHECK(file_exists(c.a.conf_path("a", 100)));
  // It can go again once the target is back to normal.
  auto again = c.a.qm({"migrate", "100", "b", "--online"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
}

TEST_CASE("migrate online: refused when the target qmd is down, a target that cannot start QEMU fails cleanly") {
  Cluster c;
  c.start();
  // "shared" storage whose path differs per node: b does not see a's image,
  // so its QEMU cannot open the disk.
  write_file(c.a.dir() + "/storage.cfg", "dir: nfs\n\tpath " + c.a.dir() + "/nfs\n\tcontent images\n\tshared 1\n");
  write_file(c.b.dir() + "/storage.cfg", "dir: nfs\n\tpath " + c.b.dir() + "/nfs\n\tcontent images\n\tshared 1\n");
  c.a.stop_qmd();  // qmd reads storage.cfg once
  c.a.start_qmd();
  c.b.stop_qmd();
  c.b.start_qmd();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "nfs:1"});
  c.a.qm_ok({"create", "101", "--memory", "64", "--scsi0", "local:1"});
  c.a.qm_ok({"start", "100"});
  c.a.qm_ok({"start", "101"});
  const pid_t src = c.a.vm_pid(100);

  c.b.stop_qmd();
  CHECK(c.a.qm({"migrate", "100", "b", "--online"}).err ==
        "target node 'b' is not online (no qmd answers on " + c.b.sock() + ")\n");
  c.b.start_qmd();
  CHECK(c.a.qm({"migrate", "101", "b", "--online"}).err ==
        "can't live migrate attached local disks without with-local-disks option\n");
  CHECK(c.a.qm({"migrate", "101", "b", "--online", "--with-local-disks"}).err ==
        "live migration of local disks is not supported by qmd\n");

  auto r = c.a.qm({"migrate", "100", "b", "--online"});
  CHECK(r.exit_code == 255);
  CHECK(r.err.starts_with("migration aborted: start of VM 100 on node 'b' failed: "));
  CHECK(alive(src));
  CHECK(c.b.vm_pid(100) == 0);
  CHECK(c.a.qm({"status", "100"}).out == "status: running\n");
  const auto evs = c.a.events(100);
  CHECK(of_type(evs, "vm.moved").empty());
  REQUIRE(of_type(evs, "vm.operation.failed").size() == 1);
  CHECK(c.a.qm({"config", "100"}).out.find("lock") == std::string::npos);
}

TEST_CASE("migrate online: the real guest keeps counting across the move, downtime under a second") {
  const std::string g = guest_dir();
  if (!file_exists(g + "/vmlinux") || !file_exists(g + "/initramfs.cpio.gz")) {
    WARN("SKIP: test guest not found in " << g << " (run tests/guest/build-guest.sh)");
    return;
  }
  Cluster c;
  c.start();
  const std::string serial = c.shared.path() + "/200.serial";
  c.a.qm_ok({"create", "200", "--memory", "256", "--args",
             "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet' "
             "-chardev file,id=ser0,path=" + serial + ",append=on -serial chardev:ser0"});
  c.a.qm_ok({"start", "200"});
  REQUIRE(eventually([&] { return last_tick(serial) >= 2; }, 120000));
  const pid_t src = c.a.vm_pid(200);
  auto r = c.a.qm({"migrate", "200", "b", "--online"});
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  const int at_move = last_tick(serial);
  REQUIRE(eventually([&] { return last_tick(serial) >= at_move + 3; }, 60000));
  REQUIRE(eventually([&] { return !alive(src); }, 20000));
  CHECK(alive(c.b.vm_pid(200)));
  // Ticks are consecutive: the counter went on from where it was.
  const std::string text = read_file(serial);
  for (int n = at_move - 1; n <= at_move + 3; ++n)
    CHECK((text.find("QMD-GUEST-TICK " + std::to_string(n) + "\r") != std::string::npos ||
           text.find("QMD-GUEST-TICK " + std::to_string(n) + "\n") != std::string::npos));  // a tty writes \r\n
  const auto moved = of_type(c.b.events(200), "vm.moved");
  REQUIRE(moved.size() == 1);
  CHECK(moved[0]["payload"]["downtime_ms"].get<int64_t>() < 1000);
  CHECK(c.a.qm({"status", "200"}).out == "status: running\n");
  c.b.qm_ok({"stop", "200"});
}
