// Offline migration between two real qmd nodes: the §6.9 checks and
// messages, local disks copied byte for byte, the hand-over in the log and the
// trees, failures that leave the VM where it was and nothing on the target.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/migrate/cluster_fixture.h"

using namespace qmd::testing;

namespace {
std::string qemu_io_write(const std::string& path, const std::string& pattern) {
  auto r = run({"/usr/bin/qemu-io", "-f", "qcow2", "-c", "write -P " + pattern + " 0 1M", path});
  return r.err;
}
const nlohmann::json* last_of_type(const std::vector<nlohmann::json>& evs, const std::string& type) {
  for (auto it = evs.rbegin(); it != evs.rend(); ++it)
    if ((*it)["type"] == type) return &*it;
  return nullptr;
}
}  // namespace

TEST_CASE("migrate offline: a qcow2 disk on local storage arrives byte for byte, ownership moves in one commit") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "local:1", "--name", "mover"});
  const std::string src = c.a.dir() + "/images/100/vm-100-disk-0.qcow2";
  const std::string dst = c.b.dir() + "/images/100/vm-100-disk-0.qcow2";
  REQUIRE(qemu_io_write(src, "0xab").empty());
  const std::string bytes = read_file(src);
  REQUIRE(bytes.size() > 1024 * 1024);
  const std::string conf_before = read_file(c.a.conf_path("a", 100));

  auto r = c.a.qm({"migrate", "100", "b", "--with-local-disks"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.starts_with("starting migration of VM 100 to node 'b' (127.0.0.1)\n"
                          "copying local disk 'local:100/vm-100-disk-0.qcow2' to node 'b'\n"
                          "migration finished successfully (duration 00:00:"));
  CHECK(r.err.empty());
  CHECK(read_file(dst) == bytes);
  CHECK_FALSE(file_exists(src));
  // The .conf moved in both trees, its bytes unchanged (no lock left behind).
  CHECK(read_file(c.a.conf_path("b", 100)) == conf_before);
  CHECK_FALSE(file_exists(c.a.conf_path("a", 100)));
  REQUIRE(eventually([&] { return file_exists(c.b.conf_path("b", 100)) && !file_exists(c.b.conf_path("a", 100)); }, 10000));
  CHECK(read_file(c.b.conf_path("b", 100)) == conf_before);

  const auto evs = c.b.events(100);
  REQUIRE(evs.size() >= 6);
  const auto& started = evs[evs.size() - 5];
  CHECK(started["type"] == "vm.operation.started");
  CHECK(started["payload"]["op"] == "migrate");
  CHECK(started["payload"]["detail"]["target"] == "b");
  CHECK(started["payload"]["detail"]["copy"] == nlohmann::json{"local:100/vm-100-disk-0.qcow2"});
  // The target's file is on record before its bytes (a recovery frees it).
  CHECK(evs[evs.size() - 4]["type"] == "vm.operation.step");
  CHECK(evs[evs.size() - 4]["payload"]["step"] == "copying local:100/vm-100-disk-0.qcow2 to node b");
  CHECK(evs[evs.size() - 4]["payload"]["detail"]["volid"] == "local:100/vm-100-disk-0.qcow2");
  CHECK(evs[evs.size() - 3]["type"] == "vm.operation.step");
  CHECK(evs[evs.size() - 3]["payload"]["step"] == "copied local:100/vm-100-disk-0.qcow2 to node b");
  const auto& moved = evs[evs.size() - 2];
  CHECK(moved["type"] == "vm.moved");
  CHECK(moved["payload"]["from"] == "a");
  CHECK(moved["payload"]["to"] == "b");
  CHECK(evs.back()["type"] == "vm.operation.completed");
  CHECK(evs.back()["seq"] == moved["seq"].get<int64_t>() + 1);
  CHECK(evs.back()["correlation_id"] == moved["correlation_id"]);

  // Now b's VM: it starts on b, and migrates back without a disk copy left on b.
  CHECK(c.b.qm({"list"}).out.find("mover") != std::string::npos);
  CHECK(c.a.qm({"list"}).out.find("mover") == std::string::npos);
  auto back = c.a.qm({"migrate", "100", "a"});  // asked on a: forwarded to the owner b
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(read_file(src) == bytes);
  CHECK_FALSE(file_exists(dst));
}

TEST_CASE("migrate: the checks of §6.9 refuse with their messages and write nothing") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64"});

  auto local = c.a.qm({"migrate", "100", "a"});
  CHECK(local.exit_code == 255);
  CHECK(local.err == "400 Parameter verification failed.\ntarget: target is local node.\n");
  auto unknown = c.a.qm({"migrate", "100", "zz"});
  CHECK(unknown.err == "no such cluster node 'zz'\n");
  auto missing = c.a.qm({"migrate", "999", "b"});
  CHECK(missing.err.find("does not exist") != std::string::npos);

  c.a.qm_ok({"set", "100", "--lock", "backup"});
  CHECK(c.a.qm({"migrate", "100", "b"}).err == "VM is locked (backup)\n");
  c.a.qm_ok({"unlock", "100"});

  c.a.qm_ok({"set", "100", "--usb0", "host=1234:5678", "--parallel0", "/dev/parport0", "--serial0", "socket"});
  auto dev = c.a.qm({"migrate", "100", "b"});
  CHECK(dev.err == "can't migrate VM which uses local devices: parallel0, usb0\n");
  auto dev_online = c.a.qm({"migrate", "100", "b", "--online", "--force"});
  CHECK(dev_online.err == "VM isn't running. Doing offline migration instead.\n");  // stopped: --force applies
  CHECK(dev_online.exit_code == 0);
  CHECK(c.a.qm({"migrate", "100", "a", "--force"}).exit_code == 0);  // (asked on a, run by b)
  c.a.qm_ok({"set", "100", "--delete", "usb0,parallel0,serial0"});

  // The target's qmd is down.
  c.b.stop_qmd();
  CHECK(c.a.qm({"migrate", "100", "b"}).err == "target node 'b' is not online (no qmd answers on " + c.b.sock() + ")\n");
  c.b.start_qmd();

  // A storage the target does not have.
  write_file(c.a.dir() + "/storage.cfg", "dir: fast\n\tpath " + c.a.dir() + "/fast\n\tcontent images\n");
  c.a.stop_qmd();  // qmd reads storage.cfg once
  c.a.start_qmd();
  c.a.qm_ok({"set", "100", "--scsi1", "fast:1"});
  const auto n1 = c.a.events(100).size();
  CHECK(c.a.qm({"migrate", "100", "b"}).err == "storage 'fast' is not available on node 'b'\n");
  CHECK(c.a.events(100).size() == n1);  // refusals write nothing
  CHECK(file_exists(c.a.conf_path("a", 100)));
  CHECK(c.a.qm({"config", "100"}).out.find("lock") == std::string::npos);
}

TEST_CASE("migrate offline: a failed copy frees what reached the target, the VM stays, unlocked, with a failed event") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "local:1", "--scsi1", "local:1"});
  // The second disk's name is taken on b: the copy of the first must not stay there.
  write_file(c.b.dir() + "/images/100/vm-100-disk-1.qcow2", "not ours");
  auto r = c.a.qm({"migrate", "100", "b"});
  CHECK(r.exit_code == 255);
  CHECK(r.err == "migration aborted: disk image '" + c.b.dir() + "/images/100/vm-100-disk-1.qcow2' already exists\n");
  CHECK_FALSE(file_exists(c.b.dir() + "/images/100/vm-100-disk-0.qcow2"));
  CHECK(read_file(c.b.dir() + "/images/100/vm-100-disk-1.qcow2") == "not ours");
  CHECK(file_exists(c.a.dir() + "/images/100/vm-100-disk-0.qcow2"));
  CHECK(file_exists(c.a.dir() + "/images/100/vm-100-disk-1.qcow2"));
  CHECK(file_exists(c.a.conf_path("a", 100)));
  CHECK(c.a.qm({"config", "100"}).out.find("lock") == std::string::npos);
  const auto evs = c.a.events(100);
  const nlohmann::json* failed = last_of_type(evs, "vm.operation.failed");
  REQUIRE(failed != nullptr);
  CHECK((*failed)["payload"]["error"] == "disk image '" + c.b.dir() + "/images/100/vm-100-disk-1.qcow2' already exists");
  CHECK(last_of_type(evs, "vm.moved") == nullptr);
}

TEST_CASE("migrate: a running VM needs --online, migration and qm set race on one VM") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64", "--scsi0", "local:1"});
  c.a.qm_ok({"create", "101", "--memory", "64", "--scsi0", "local:1"});
  c.a.qm_ok({"create", "102", "--memory", "64"});
  c.a.qm_ok({"start", "102"});
  CHECK(c.a.qm({"migrate", "102", "b"}).err == "can't migrate running VM without --online\n");
  c.a.qm_ok({"stop", "102"});

  // Two migrations of different VMs at once.
  const pid_t m1 = spawn({binary("qm"), "migrate", "100", "b"}, c.a.env());
  const pid_t m2 = spawn({binary("qm"), "migrate", "101", "b"}, c.a.env());
  CHECK(wait_for(m1) == 0);
  CHECK(wait_for(m2) == 0);
  CHECK(file_exists(c.b.dir() + "/images/100/vm-100-disk-0.qcow2"));
  CHECK(file_exists(c.b.dir() + "/images/101/vm-101-disk-0.qcow2"));

  // A migration racing a qm set: the set lands before the lock (and migrates
  // with the VM) or is refused with the lock's message.
  for (int i = 0; i < 3; ++i) {
    const std::string from = i % 2 == 0 ? "a" : "b";
    const ClusterNode& owner = i % 2 == 0 ? c.a : c.b;
    const std::string to = i % 2 == 0 ? "b" : "a";
    (void)from;
    const pid_t mig = spawn({binary("qm"), "migrate", "102", to}, owner.env());
    auto set = owner.qm({"set", "102", "--description", "race" + std::to_string(i)});
    REQUIRE(wait_for(mig) == 0);
    if (set.exit_code != 0) {
      CHECK(set.err == "VM is locked (migrate)\n");
    } else {
      CHECK(owner.qm({"config", "102"}).out.find("race" + std::to_string(i)) != std::string::npos);
    }
  }
}

TEST_CASE("migrate: waits a moment for the driver flock of a migration just ending, then refuses") {
  Cluster c;
  c.start();
  c.a.qm_ok({"create", "100", "--memory", "64"});
  // The flock a migration's driver holds to its very end (migrate_steps.h),
  // held here as a driver finishing its last commit would.
  auto hold = [](const std::string& data_dir) {
    std::filesystem::create_directories(data_dir + "/lock/migrate");
    const int fd = ::open((data_dir + "/lock/migrate/lock-100.conf").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    return fd;
  };
  using Clock = std::chrono::steady_clock;

  // Released after 300 ms: the migration waits for it and goes.
  const int fd = hold(c.a.dir());
  std::thread release([fd] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::close(fd);
  });
  auto t0 = Clock::now();
  auto moved = c.a.qm({"migrate", "100", "b"});
  release.join();
  INFO(moved.err);
  CHECK(moved.exit_code == 0);
  CHECK(Clock::now() - t0 >= std::chrono::milliseconds(250));

  // Held on: refused after the wait, as while another migration runs.
  const int held = hold(c.b.dir());
  t0 = Clock::now();
  auto refused = c.b.qm({"migrate", "100", "a"});
  CHECK(refused.exit_code == 255);
  CHECK(refused.err == "VM is locked (migrate)\n");
  CHECK(Clock::now() - t0 >= std::chrono::milliseconds(1900));
  ::close(held);
  CHECK(c.b.qm({"config", "100"}).out.find("lock:") == std::string::npos);
}
