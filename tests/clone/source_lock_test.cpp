// The source of a clone is held under its flock, shared, while the clone runs
// (spec §6.6): other clones of it may run alongside; a change to it waits for
// the clone and goes through afterwards, or gives up after 10 s with
// Proxmox's message and changes nothing.
//
// To hold a clone in the middle of its copy without timing guesses, qm runs
// with a qemu-img wrapper first in PATH that, before a convert, waits until
// the test opens and closes its gate (a FIFO); everything else is real.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/clone/clone_fixture.h"

using namespace qmd::testing;

namespace {

class Gates {
 public:
  Gates() {
    write_file(bin_ / "qemu-img",
               "#!/bin/sh\n"
               "if [ \"$1\" = convert ] && [ -n \"$QMD_TEST_GATE\" ]; then read _ < \"$QMD_TEST_GATE\"; fi\n"
               "exec /usr/bin/qemu-img \"$@\"\n");
    REQUIRE(::chmod((bin_ / "qemu-img").c_str(), 0755) == 0);
  }
  // The environment of a qm whose converts wait at gate `name`.
  std::map<std::string, std::string> env(const Qm& qm, const std::string& name) {
    const std::string fifo = bin_ / name;
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto e = qm.env();
    e["PATH"] = bin_.path() + ":" + std::getenv("PATH");
    e["QMD_TEST_GATE"] = fifo;
    return e;
  }
  // Waits until a convert waits at gate `name`; returns the gate's write end.
  int wait_at(const std::string& name) {
    const std::string fifo = bin_ / name;
    for (int i = 0; i < 60000; ++i) {
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) return fd;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    FAIL("no convert reached gate " << name);
    return -1;
  }
  static void open(int fd) {
    REQUIRE(::write(fd, "go\n", 3) == 3);
    ::close(fd);
  }

 private:
  TempDir bin_;
};

// True when /proc/locks shows pid holding (or, blocked, waiting for: "-> ")
// a flock of the given kind (READ = shared, WRITE = exclusive).
bool proc_locks_show(pid_t pid, const std::string& kind, bool waiting) {
  const std::regex re(std::string(waiting ? "-> " : ": ") + "FLOCK +ADVISORY +" + kind + " +" +
                      std::to_string(pid) + " ");
  return std::regex_search(read_file("/proc/locks"), re);
}

void wait_until_waiting(pid_t pid) {
  for (int i = 0; i < 60000 && !proc_locks_show(pid, "WRITE", true); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(proc_locks_show(pid, "WRITE", true));
}

// seq of the last event of vm/<vmid> in the audit log.
int64_t last_seq_of(const Qm& qm, int vmid) {
  auto j = nlohmann::json::parse(qm({"audit", "--vmid", std::to_string(vmid), "--output-format", "json"}).out);
  REQUIRE_FALSE(j.empty());
  return j.back().at("seq").get<int64_t>();
}

}  // namespace

TEST_CASE("the source of a clone stays under its shared flock until the clone ends", "[clone][cli][lock]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  write_pattern("qcow2", qm.dir() + "/images/200/vm-200-disk-0.qcow2", "0x61");
  Gates gates;

  const pid_t first = spawn({binary("qm"), "clone", "200", "201"}, gates.env(qm, "a"));
  const int gate_a = gates.wait_at("a");
  CHECK(proc_locks_show(first, "READ", false));
  // A second clone of the same source runs alongside: the flock is shared.
  const pid_t second = spawn({binary("qm"), "clone", "200", "202"}, gates.env(qm, "b"));
  const int gate_b = gates.wait_at("b");
  CHECK(proc_locks_show(second, "READ", false));

  // Destroying (or changing) the source waits for the flock, then gives up:
  // nothing is written, no image freed.
  const int events = qm.event_count();
  const std::string conf = qm.conf(200);
  const auto t0 = std::chrono::steady_clock::now();
  auto d = qm({"destroy", "200"});
  const auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(d.exit_code == 255);
  CHECK(d.err == "can't lock file '" + qm.dir() + "/lock/lock-200.conf' - got timeout\n");
  CHECK(waited >= std::chrono::seconds(10));  // Proxmox's lock_config timeout
  CHECK(qm.event_count() == events);
  CHECK(qm.conf(200) == conf);
  CHECK(images_of(qm, 200) == std::vector<std::string>{"vm-200-disk-0.qcow2"});
  // Resizing waits too, before it touches the image.
  auto rs = qm({"disk", "resize", "200", "scsi0", "+1G"});
  CHECK(rs.err == d.err);
  CHECK(run({"/usr/bin/qemu-img", "info", "-U", qm.dir() + "/images/200/vm-200-disk-0.qcow2"}).out.find(
            "virtual size: 1 GiB") != std::string::npos);
  CHECK(qm.event_count() == events);

  // A change that comes while the clones run waits for them, then goes through.
  const pid_t set = spawn({binary("qm"), "set", "200", "-name", "renamed"}, qm.env());
  wait_until_waiting(set);
  Gates::open(gate_a);
  Gates::open(gate_b);
  CHECK(wait_for(first) == 0);
  CHECK(wait_for(second) == 0);
  CHECK(wait_for(set) == 0);
  CHECK(last_seq_of(qm, 201) < last_seq_of(qm, 200));
  CHECK(last_seq_of(qm, 202) < last_seq_of(qm, 200));
  CHECK(conf_value(qm.conf(200), "name") == "renamed");
  CHECK(conf_value(qm.conf(201), "name") == "Copy-of-VM-200");
  CHECK(conf_value(qm.conf(201), "lock").empty());
  CHECK(reads_pattern("qcow2", qm.dir() + "/images/202/vm-202-disk-0.qcow2", "0x61"));
  CHECK(qm({"verify"}).exit_code == 0);
}

TEST_CASE("a clone waits at most 1 s for a source held exclusively", "[clone][cli][lock]") {
  Qm qm;
  qm_ok(qm, {"create", "200", "-scsi0", "local:1"});
  // This test process holds 200's flock exclusively (as a commit to 200 would).
  const std::string path = qm.dir() + "/lock/lock-200.conf";
  std::filesystem::create_directories(qm.dir() + "/lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  const int events = qm.event_count();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = qm({"clone", "200", "201"});
  const auto waited = std::chrono::steady_clock::now() - t0;
  ::close(fd);
  CHECK(waited >= std::chrono::seconds(1));
  CHECK(r.exit_code == 255);
  CHECK(r.err == "can't lock file '" + path + "' - got timeout\n");
  CHECK(qm.event_count() == events);
  CHECK_FALSE(file_exists(qm.conf_path(201)));
  CHECK_FALSE(dir_exists(qm.dir() + "/images/201"));
  qm_ok(qm, {"clone", "200", "201"});
}
