// kill -9 in the middle of `qm snapshot`: the VM stays locked with the last
// step on record; `qm unlock` and a retry recover.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <thread>

#include "tests/snapshots/snap_fixture.h"

using namespace qmd::testing;

namespace {

constexpr int kDisks = 8;

// Events of one type on vm/100 (read straight from the database, so polling is cheap).
int count_events(const std::string& db_path, const std::string& type) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM events WHERE stream = 'vm/100' AND type = ?");
    q.bind(1, type);
    return q.executeStep() ? q.getColumn(0).getInt() : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

std::string vm_conf() {
  std::string c = "memory: 512\n";
  for (int i = 0; i < kDisks; ++i)
    c += "scsi" + std::to_string(i) + ": local:100/vm-100-disk-" + std::to_string(i) + ".qcow2,size=1M\n";
  return c;
}

}  // namespace

TEST_CASE("kill -9 during a snapshot leaves the VM locked, unlock and retry work", "[snapshots][cli][crash]") {
  // Kill as soon as the first step is on record; a run that finished before
  // the kill landed is not a crash mid-way, so try again on a fresh directory.
  for (int attempt = 0; attempt < 20; ++attempt) {
    SnapVm v;
    for (int i = 0; i < kDisks; ++i) v.make_image(100, "vm-100-disk-" + std::to_string(i) + ".qcow2");
    v.import_conf(100, vm_conf());

    const pid_t pid = spawn({binary("qm"), "snapshot", "100", "s1"}, v.qm.env());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count_events(v.qm.db(), "vm.operation.step") == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    ::kill(pid, SIGKILL);
    const int status = wait_for(pid);
    if (status != 128 + SIGKILL || count_events(v.qm.db(), "vm.operation.completed") != 0) continue;

    INFO("caught mid-way on attempt " << attempt);
    // The next command renders the .conf the crash may have left stale.
    auto locks = v.qm({"locks"});
    CHECK(locks.exit_code == 0);
    CHECK(locks.out.find("snapshot") != std::string::npos);
    CHECK(std::regex_search(locks.out, std::regex("snapshot of scsi[0-9] \\(local:100/vm-100-disk-[0-9]\\.qcow2\\) taken")));
    const std::string conf = "\n" + v.qm.conf(100);
    CHECK(conf.find("\nlock: snapshot\n") != std::string::npos);
    CHECK(conf.find("\n[s1]\n") != std::string::npos);
    CHECK(conf.find("\nsnapstate: prepare\n") != std::string::npos);

    auto refused = v.qm({"snapshot", "100", "s2"});
    CHECK(refused.err == "VM is locked (snapshot)\n");
    REQUIRE(v.qm({"unlock", "100"}).exit_code == 0);
    // The half-made snapshot keeps its name, as in Proxmox ...
    CHECK(v.qm({"snapshot", "100", "s1"}).err == "snapshot name 's1' already used\n");
    // ... and a forced delete removes it and whatever volume snapshots it got.
    auto del = v.qm({"delsnapshot", "100", "s1", "--force"});
    CHECK(del.exit_code == 0);
    CHECK(v.qm.conf(100) == vm_conf());
    auto retry = v.qm({"snapshot", "100", "s1"});
    CHECK(retry.exit_code == 0);
    CHECK(retry.err == "");
    for (int i = 0; i < kDisks; ++i)
      CHECK(image_snapshots(v.image(100, "vm-100-disk-" + std::to_string(i) + ".qcow2")) ==
            std::vector<std::string>{"s1"});
    CHECK(v.qm({"verify"}).exit_code == 0);
    return;
  }
  FAIL("no run was caught between its first step and its completion in 20 attempts");
}
