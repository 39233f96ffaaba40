// Snapshots of a running VM through qmd, with the real test guest under TCG
// (docs/test-guest.md): it prints `QMD-GUEST-TICK <n>` every second on its
// serial console, so the counter shows which RAM state the guest runs from.
#include <catch2/catch.hpp>

#include "tests/support/test_guest.h"

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "tests/daemon/qmd_fixture.h"
#include "tests/snapshots/snap_fixture.h"

using namespace qmd::testing;

namespace {

using qmd::testing::guest_dir;

// The tick numbers in `text`, in order.
std::vector<int> ticks(const std::string& text) {
  static const std::regex re("QMD-GUEST-TICK ([0-9]+)");
  std::vector<int> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(std::stoi((*it)[1]));
  return out;
}

int last_tick(const std::string& text) {
  auto t = ticks(text);
  return t.empty() ? -1 : t.back();
}

// The steps of the VM's operations, oldest first.
std::vector<std::string> steps(const QmdNode& node, int vmid) {
  auto r = node.qm({"history", std::to_string(vmid), "--output-format", "json"});
  std::vector<std::string> out;
  for (const auto& e : nlohmann::json::parse(r.out))
    if (e["type"] == "vm.operation.step") out.push_back(e["payload"]["step"].get<std::string>());
  return out;
}

std::string status_of(const QmdNode& node, int vmid) { return node.qm({"status", std::to_string(vmid)}).out; }

struct LiveVm {
  QmdNode node;
  std::string serial;
  std::string disk;
  std::string images;

  bool setup() {
    const std::string g = guest_dir();
    if (!file_exists(g + "/vmlinux") || !file_exists(g + "/initramfs.cpio.gz")) return false;
    node.start_qmd();
    serial = node.dir() + "/300.serial";
    images = node.dir() + "/images/300";
    disk = images + "/vm-300-disk-0.qcow2";
    // The serial file is appended to, so that a restart keeps what came before.
    auto c = node.qm({"create", "300", "--memory", "256", "--scsi0", "local:1,format=qcow2", "--args",
                      "-kernel " + g + "/vmlinux -initrd " + g + "/initramfs.cpio.gz -append 'console=ttyS0 quiet' "
                      "-chardev file,id=ser,path=" + serial + ",append=on -serial chardev:ser"});
    if (c.exit_code != 0) throw std::runtime_error("create failed: " + c.err);
    return true;
  }
  void start_and_wait_ready() {
    auto r = node.qm({"start", "300"});
    REQUIRE(r.exit_code == 0);
    node.vm_pid(300);
    REQUIRE(eventually([&] { return read_file(serial).find("QMD-GUEST-READY") != std::string::npos; }, 120000));
  }
  // Waits until the guest printed a tick >= n (after `from` bytes of the serial file).
  bool tick_reaches(int n, std::size_t from = 0, int timeout_ms = 60000) {
    return eventually([&] { return last_tick(read_file(serial).substr(from)) >= n; }, timeout_ms);
  }
  std::string conf() const { return read_file(node.dir() + "/nodes/pve1/qemu-server/300.conf"); }
};

}  // namespace

TEST_CASE("live snapshot: vmstate of a running guest, rollback resumes it, delsnapshot frees the state volume") {
  LiveVm vm;
  if (!vm.setup()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  vm.start_and_wait_ready();
  REQUIRE(vm.tick_reaches(2));

  const int before = last_tick(read_file(vm.serial));
  auto s = vm.node.qm({"snapshot", "300", "live", "--vmstate", "1", "--description", "with RAM"});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(s.out == "snapshotting 'drive-scsi0' (local:300/vm-300-disk-0.qcow2)\n");
  CHECK(s.err == "");
  const int after = last_tick(read_file(vm.serial));
  CHECK(after >= before);
  CHECK(status_of(vm.node, 300) == "status: running\n");

  // The snapshot section records the state volume and how the VM ran.
  const std::string conf = vm.conf();
  CHECK(conf.find("vmstate: local:300/vm-300-state-live.raw\n") != std::string::npos);
  CHECK(conf.find("runningmachine: pc-i440fx-7.2+pve0\n") != std::string::npos);
  CHECK(conf.find("runningcpu: qemu64,+lahf_lm,+sep\n") != std::string::npos);
  CHECK(conf.find("lock:") == std::string::npos);
  CHECK(conf.find("snapstate") == std::string::npos);
  const std::string state = vm.images + "/vm-300-state-live.raw";
  REQUIRE(file_exists(state));
  CHECK(std::filesystem::file_size(state) > 0);
  // The disk was snapshotted by QEMU (the image is in use); qemu-img -U sees it.
  CHECK(image_snapshots(vm.disk) == std::vector<std::string>{"live"});
  const auto done = steps(vm.node, 300);
  REQUIRE(done.size() >= 2);
  CHECK(std::vector<std::string>(done.end() - 2, done.end()) ==
        std::vector<std::string>{"snapshot of scsi0 (local:300/vm-300-disk-0.qcow2) taken",
                                 "RAM state saved to local:300/vm-300-state-live.raw"});

  // The counter moves on, then the rollback brings the guest back to the
  // state it had at the snapshot: no new boot, the counter continues from there.
  REQUIRE(vm.tick_reaches(after + 3));
  const std::size_t mark = read_file(vm.serial).size();
  const int at_rollback = last_tick(read_file(vm.serial));
  auto r = vm.node.qm({"rollback", "300", "live"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "");
  CHECK(status_of(vm.node, 300) == "status: running\n");
  vm.node.vm_pid(300);
  REQUIRE(vm.tick_reaches(0, mark));
  const std::string resumed = read_file(vm.serial).substr(mark);
  const int first = ticks(resumed).front();
  CHECK(first <= after + 1);
  CHECK(first < at_rollback);
  CHECK(first >= before);
  CHECK(resumed.find("QMD-GUEST-READY") == std::string::npos);
  CHECK(vm.conf().find("parent: live\n") != std::string::npos);
  CHECK(vm.conf().find("lock:") == std::string::npos);

  // Deleting the snapshot of the running VM: the state volume goes, QEMU drops the disk's snapshot.
  auto d = vm.node.qm({"delsnapshot", "300", "live"});
  INFO(d.err);
  REQUIRE(d.exit_code == 0);
  CHECK(!file_exists(state));
  CHECK(image_snapshots(vm.disk).empty());
  CHECK(vm.conf().find("[live]") == std::string::npos);
  CHECK(status_of(vm.node, 300) == "status: running\n");
  CHECK(vm.node.qm({"stop", "300"}).exit_code == 0);
}

TEST_CASE("live snapshot: a failing disk snapshot of a running VM leaves no state volume, no section, no lock") {
  LiveVm vm;
  if (!vm.setup()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  // An internal snapshot the config does not know makes QEMU refuse the name.
  REQUIRE(run({"/usr/bin/qemu-img", "snapshot", "-c", "dup", vm.disk}).exit_code == 0);
  vm.start_and_wait_ready();
  const std::string conf = vm.conf();

  auto s = vm.node.qm({"snapshot", "300", "dup", "--vmstate", "1"});
  CHECK(s.exit_code == 255);
  CHECK(s.out == "snapshotting 'drive-scsi0' (local:300/vm-300-disk-0.qcow2)\n");
  CHECK(s.err ==
        "snapshot create failed: starting cleanup\n"
        "blockdev-snapshot-internal-sync failed: Snapshot with name 'dup' already exists on device 'drive-scsi0'\n");
  CHECK(!file_exists(vm.images + "/vm-300-state-dup.raw"));
  CHECK(vm.conf() == conf);
  CHECK(image_snapshots(vm.disk) == std::vector<std::string>{"dup"});
  // The guest was resumed: its counter goes on.
  const std::size_t mark = read_file(vm.serial).size();
  CHECK(vm.tick_reaches(0, mark));
  CHECK(status_of(vm.node, 300) == "status: running\n");

  // A state volume name already taken on the storage: refused before anything changes.
  write_file(vm.images + "/vm-300-state-taken.raw", "x");
  auto t = vm.node.qm({"snapshot", "300", "taken", "--vmstate", "1"});
  CHECK(t.exit_code == 255);
  CHECK(t.err == "disk image '" + vm.images + "/vm-300-state-taken.raw' already exists\n");
  CHECK(read_file(vm.images + "/vm-300-state-taken.raw") == "x");
  CHECK(vm.conf() == conf);
  CHECK(vm.node.qm({"stop", "300"}).exit_code == 0);
}

TEST_CASE("live snapshot: without vmstate on a running VM, then rollback --start boots the stopped VM") {
  LiveVm vm;
  if (!vm.setup()) {
    WARN("SKIP: test guest not found in " << guest_dir() << " (run tests/guest/build-guest.sh)");
    return;
  }
  vm.start_and_wait_ready();
  auto s = vm.node.qm({"snapshot", "300", "cold"});
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(vm.conf().find("vmstate") == std::string::npos);
  CHECK(image_snapshots(vm.disk) == std::vector<std::string>{"cold"});
  const std::size_t mark = read_file(vm.serial).size();
  CHECK(vm.tick_reaches(0, mark));  // resumed after the pause

  // Without --start the rolled-back VM stays stopped; with it, it boots afresh.
  auto r = vm.node.qm({"rollback", "300", "cold"});
  REQUIRE(r.exit_code == 0);
  CHECK(status_of(vm.node, 300) == "status: stopped\n");
  const std::size_t mark2 = read_file(vm.serial).size();
  auto r2 = vm.node.qm({"rollback", "300", "cold", "--start"});
  INFO(r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(status_of(vm.node, 300) == "status: running\n");
  vm.node.vm_pid(300);
  CHECK(eventually([&] { return read_file(vm.serial).substr(mark2).find("QMD-GUEST-READY") != std::string::npos; },
                   120000));
  CHECK(vm.node.qm({"stop", "300"}).exit_code == 0);
}
