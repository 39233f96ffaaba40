// The reality check: every cfg2cmd fixture either runs in the installed QEMU
// (started paused on scratch images, then QMP quit, exit status 0) or is
// refused by build_command_line with a CmdlineError. A QEMU that refuses our
// command line fails the test.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "config/reader.h"
#include "service/qemu/cmdline.h"
#include "service/qemu/qmp_sync.h"
#include "tests/support/child.h"

namespace fs = std::filesystem;
using qmd::qemu::CmdlineContext;
using qmd::qemu::CmdlineError;

namespace {

// The storages of the fixtures' mocked environment (corpus SOURCE.md) and their types.
std::string storage_type(const std::string& id) {
  static const std::map<std::string, std::string> types = {
      {"local", "dir"}, {"localsnapext", "dir"}, {"noimages", "dir"}, {"btrfs-store", "btrfs"},
      {"cifs-store", "cifs"}, {"rbd-store", "rbd"}, {"krbd-store", "rbd"}, {"zfs-over-iscsi-store", "zfs"},
      {"lvm-store", "lvm"}, {"local-lvm", "lvmthin"}};
  auto it = types.find(id);
  if (it == types.end()) throw std::runtime_error("storage '" + id + "' does not exist");
  return it->second;
}

// volume_path for the check: dir storages get a fresh scratch image per call
// (a volume used by two drives would otherwise be locked twice), other types
// are refused as qmd's Storage refuses them.
struct ScratchVolumes {
  std::string dir;
  bool every_storage = false;  // treat every storage as a dir storage
  int n = 0;

  std::string operator()(const std::string& volid) {
    const auto colon = volid.find(':');
    if (colon == std::string::npos) throw std::runtime_error("unable to parse volume ID '" + volid + "'");
    const std::string type = storage_type(volid.substr(0, colon));
    if (type != "dir" && !every_storage) throw std::runtime_error("storage type '" + type + "' is not supported by qmd");
    std::string fmt = "raw";
    for (const char* f : {"qcow2", "vmdk"}) {
      if (volid.size() > std::strlen(f) && volid.ends_with(std::string(".") + f)) fmt = f;
    }
    const std::string path = dir + "/scratch" + std::to_string(n++) + "." + fmt;
    const auto r = qmd::testing::run({"/usr/bin/qemu-img", "create", "-q", "-f", fmt, path, "1M"});
    if (r.exit_code != 0) throw std::runtime_error("qemu-img create failed: " + r.err);
    return path;
  }
};

// Starts argv with stdout/stderr to log; returns the pid.
pid_t start(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// Exit status within timeout_ms, or -1 (then the process is killed).
int wait_exit(pid_t pid, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

struct Outcome {
  bool refused = false;
  std::string detail;  // refusal message, or why QEMU failed ("" = ran and quit cleanly)
};

Outcome check_one(const std::string& conf_path, const qmd::qemu::HostCaps& host, bool every_storage) {
  std::ifstream in(conf_path);
  std::stringstream text;
  text << in.rdbuf();
  const auto parsed = qmd::config::parse_config(text.str(), 8006, false);
  qmd::testing::TempDir tmp;
  ScratchVolumes scratch{tmp.path(), every_storage};
  CmdlineContext ctx;
  ctx.vmid = 8006;
  ctx.run_dir = tmp / "run";
  fs::create_directories(ctx.run_dir);
  ctx.host = host;
  ctx.for_start = true;
  ctx.volume_path = std::ref(scratch);
  std::vector<std::string> argv;
  try {
    argv = qmd::qemu::build_command_line(parsed.conf, ctx);
  } catch (const CmdlineError& e) {
    return {true, e.what()};
  }
  argv.push_back("-S");
  const std::string log = tmp / "qemu.log";
  const pid_t pid = start(argv, log);
  const auto res = qmd::qemu::qmp_call_sync(ctx.run_dir + "/8006.qmp", "quit", nullptr, 15000);
  const int code = wait_exit(pid, 15000);
  if (code == 0 && res.ok()) return {false, ""};
  std::string why = "exit " + std::to_string(code);
  if (!res.ok()) why += ", QMP " + res.error->to_string();
  return {false, why + ": " + qmd::testing::read_file(log) + "\n" + qmd::qemu::format_command_line(argv, true)};
}

}  // namespace

// Runs the check over the corpus; every_storage also maps lvm/rbd/... volumes
// to scratch images so that their controllers and options meet QEMU too.
void reality_check(bool every_storage) {
  const std::string corpus = QMD_CORPUS_DIR "/cfg2cmd";
  if (!fs::is_directory(corpus)) {
    WARN("skipped: corpus not found at " << corpus);
    return;
  }
  const auto& host = qmd::qemu::detect_host_caps();
  if (host.qemu_version.empty()) {
    WARN("skipped: qemu-system-x86_64 is not installed");
    return;
  }
  std::vector<std::string> files;
  for (const auto& dir : std::vector<std::string>{corpus, corpus + "/aarch64"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".conf") files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  int accepted = 0, refused = 0;
  std::vector<std::string> failures;
  for (const auto& f : files) {
    const Outcome o = check_one(f, host, every_storage);
    const std::string name = fs::path(f).parent_path().filename().string() + "/" + fs::path(f).filename().string();
    if (o.refused) {
      ++refused;
      std::cout << "refused  " << name << ": " << o.detail << "\n";
    } else if (o.detail.empty()) {
      ++accepted;
      std::cout << "accepted " << name << "\n";
    } else {
      failures.push_back(name + ": " + o.detail);
    }
  }
  std::cout << "reality check" << (every_storage ? " (every storage as scratch images)" : "") << ": " << accepted << " accepted by QEMU " << host.qemu_version << ", " << refused
            << " refused, " << failures.size() << " failed (of " << files.size() << ")\n";
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  CHECK(accepted + refused == static_cast<int>(files.size()));
}

TEST_CASE("reality check: every cfg2cmd fixture runs in the installed QEMU or is refused") {
  reality_check(false);
}

TEST_CASE("reality check with every storage as scratch images: QEMU accepts or qmd refuses") {
  reality_check(true);
}
