// kill -9 in the middle of a full clone: the new VM stays locked `clone` with
// its last step on record; `qm unlock` + `qm destroy` leaves no image behind;
// the clone can then be run again.
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

namespace {

// Pids of processes whose command line mentions `needle` (a qemu-img of the
// killed qm would be one: it must die with qm, not copy on).
std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_file(e.path().string() + "/cmdline");
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos) out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

// A few seconds for the kernel's SIGKILL to land, far less than the copy of
// the remaining data would take under load.
void wait_until_gone(const std::string& needle) {
  for (int i = 0; i < 300 && !processes_mentioning(needle).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(processes_mentioning(needle).empty());
}

}  // namespace

TEST_CASE("kill -9 during a full clone: locked clone, unlock + destroy cleans up, retry works", "[clone][cli][crash]") {
  Qm qm;
  // scsi0 is small; scsi1 holds 256 MiB of data, so copying it takes a while.
  qm_ok(qm, {"create", "200", "-scsi0", "local:1", "-scsi1", "local:1"});
  write_pattern("qcow2", qm.dir() + "/images/200/vm-200-disk-0.qcow2", "0x61");
  for (const char* off : {"0", "128M"})
    write_pattern("qcow2", qm.dir() + "/images/200/vm-200-disk-1.qcow2", "0x62", off, "128M");

  const std::string second = qm.dir() + "/images/201/vm-201-disk-1.qcow2";
  bool landed = false;
  for (int attempt = 0; attempt < 5 && !landed; ++attempt) {
    const pid_t pid = spawn({binary("qm"), "clone", "200", "201"}, qm.env());
    // The second disk's file is reserved just before its copy starts.
    for (int i = 0; i < 20000 && !file_exists(second); ++i) std::this_thread::sleep_for(std::chrono::microseconds(500));
    ::kill(pid, SIGKILL);
    const int code = wait_for(pid);
    landed = code == 128 + SIGKILL;
    if (!landed) {  // finished before the kill: start over
      qm_ok(qm, {"destroy", "201"});
    }
  }
  REQUIRE(landed);
  wait_until_gone(qm.dir() + "/images/201/");

  CHECK(conf_value(qm.conf(201), "lock") == "clone");
  CHECK(conf_value(qm.conf(201), "scsi0") == "local:201/vm-201-disk-0.qcow2,size=1G");
  CHECK(conf_value(qm.conf(201), "scsi1").empty());
  auto locks = qm({"locks"});
  CHECK(std::regex_search(locks.out, std::regex("\n +201 clone .*full clone of scsi0: local:201/vm-201-disk-0.qcow2\n")));
  auto locks_json = nlohmann::json::parse(qm({"locks", "--output-format", "json"}).out);
  REQUIRE(locks_json.size() == 1);
  CHECK(locks_json[0].at("vmid") == 201);
  CHECK(locks_json[0].at("lock") == "clone");
  CHECK(locks_json[0].at("operation_state") == "running");
  CHECK(locks_json[0].at("last_step") == "full clone of scsi0: local:201/vm-201-disk-0.qcow2");
  CHECK(locks_json[0].at("user") == std::string(::getpwuid(::getuid())->pw_name));
  CHECK(images_of(qm, 201) == std::vector<std::string>{"vm-201-disk-0.qcow2", "vm-201-disk-1.qcow2"});

  CHECK(qm({"destroy", "201"}).err == "VM is locked (clone)\n");
  CHECK(qm({"clone", "200", "201"}).err == "unable to create VM 201: config file already exists\n");
  qm_ok(qm, {"unlock", "201"});
  qm_ok(qm, {"destroy", "201"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/201"));
  CHECK_FALSE(file_exists(qm.conf_path(201)));

  auto again = qm_ok(qm, {"clone", "200", "201"});
  CHECK(again.out ==
        "create full clone of drive scsi0 (local:200/vm-200-disk-0.qcow2)\n"
        "create full clone of drive scsi1 (local:200/vm-200-disk-1.qcow2)\n");
  CHECK(conf_value(qm.conf(201), "lock").empty());
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/201/vm-201-disk-0.qcow2", "0x61"));
  CHECK(reads_pattern("qcow2", second, "0x62", "200M", "1M"));
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("kill -9 during a create with disks: unlock + destroy leaves no image behind", "[destroy][cli][crash]") {
  Qm qm;
  const std::string first = qm.dir() + "/images/300/vm-300-disk-0.qcow2";
  bool landed = false;
  for (int attempt = 0; attempt < 10 && !landed; ++attempt) {
    const pid_t pid = spawn({binary("qm"), "create", "300", "-scsi0", "local:1", "-scsi1", "local:1", "-scsi2",
                             "local:1", "-scsi3", "local:1"},
                            qm.env());
    // The first image appears once the VM exists, locked `create`.
    for (int i = 0; i < 20000 && !file_exists(first); ++i) std::this_thread::sleep_for(std::chrono::microseconds(200));
    ::kill(pid, SIGKILL);
    landed = wait_for(pid) == 128 + SIGKILL && conf_value(qm.conf(300), "lock") == "create";
    if (!landed && file_exists(qm.conf_path(300))) {
      qm({"unlock", "300"});
      qm_ok(qm, {"destroy", "300"});
    }
  }
  REQUIRE(landed);
  wait_until_gone(qm.dir() + "/images/300/");
  REQUIRE_FALSE(images_of(qm, 300).empty());
  CHECK(qm({"destroy", "300"}).err == "VM is locked (create)\n");
  qm_ok(qm, {"unlock", "300"});
  qm_ok(qm, {"destroy", "300"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/300"));
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("destroy --skiplock of a VM left locked clone frees its images too", "[destroy][cli][crash]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  for (const char* off : {"0", "128M"})
    write_pattern("qcow2", qm.dir() + "/images/200/vm-200-disk-0.qcow2", "0x62", off, "128M");
  const std::string img = qm.dir() + "/images/201/vm-201-disk-0.qcow2";
  bool landed = false;
  for (int attempt = 0; attempt < 5 && !landed; ++attempt) {
    const pid_t pid = spawn({binary("qm"), "clone", "200", "201"}, qm.env());
    for (int i = 0; i < 20000 && !file_exists(img); ++i) std::this_thread::sleep_for(std::chrono::microseconds(500));
    ::kill(pid, SIGKILL);
    landed = wait_for(pid) == 128 + SIGKILL;
    if (!landed) qm_ok(qm, {"destroy", "201"});
  }
  REQUIRE(landed);
  wait_until_gone(qm.dir() + "/images/201/");
  CHECK(conf_value(qm.conf(201), "lock") == "clone");
  CHECK(conf_value(qm.conf(201), "scsi0").empty());  // the copy never finished
  CHECK(images_of(qm, 201) == std::vector<std::string>{"vm-201-disk-0.qcow2"});
  qm_ok(qm, {"destroy", "201", "--skiplock"});
  CHECK_FALSE(dir_exists(qm.dir() + "/images/201"));
  CHECK_FALSE(file_exists(qm.conf_path(201)));
}
