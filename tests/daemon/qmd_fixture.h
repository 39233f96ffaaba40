// A node for integration tests: a temp data directory, a real qmd serving it
// (started/killed at will) and the real qm talking to it. Every QEMU process
// left behind is killed on destruction.
#pragma once

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/runtime/pidfile.h"
#include "tests/support/child.h"

namespace qmd::testing {

inline bool eventually(const std::function<bool()>& cond, int timeout_ms = 30000) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

inline bool socket_answers(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A process that exists and is not a zombie (a re-adopted QEMU is reaped by
// init, maybe later).
inline bool alive(pid_t pid) {
  const std::string st = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = st.rfind(')');
  return pid > 0 && close != std::string::npos && close + 2 < st.size() && st[close + 2] != 'Z';
}

class QmdNode {
 public:
  QmdNode() = default;
  ~QmdNode() {
    stop_qmd();
    for (int64_t vmid : service::runtime::pidfile_vmids(run_dir()))
      if (auto pid = service::runtime::read_pidfile(run_dir() + "/" + std::to_string(vmid) + ".pid")) ::kill(*pid, SIGKILL);
    for (pid_t p : qemu_pids_) ::kill(p, SIGKILL);
  }

  const std::string& dir() const { return tmp_.path(); }
  std::string run_dir() const { return tmp_.path() + "/run"; }
  std::string sock() const { return run_dir() + "/qmd.sock"; }
  std::string log() const { return read_file(tmp_.path() + "/qmd.log"); }
  std::map<std::string, std::string> env() const {
    std::map<std::string, std::string> e = {{"QMD_DATA_DIR", tmp_.path()}, {"QMD_NODE", "pve1"}, {"QMD_ACCEL", "tcg"}};
    for (const auto& [k, v] : extra_env) e[k] = v;
    return e;
  }
  // Added to the environment of qmd and qm (e.g. QMD_BALLOON_INTERVAL).
  std::map<std::string, std::string> extra_env;

  // Starts qmd --foreground (plus `extra_args`) and waits until its socket answers.
  void start_qmd(const std::string& extra_args = {}) {
    qmd_pid_ = spawn({"/bin/sh", "-c", "exec " + binary("qmd") + " --foreground --log-level debug " + extra_args +
                                           " 2>>" + dir() + "/qmd.log"},
                     env());
    if (!eventually([&] { return socket_answers(sock()); }, 20000)) throw std::runtime_error("qmd did not start:\n" + log());
  }
  // Sends sig to qmd and reaps it; returns its exit code (128+sig when killed).
  int signal_qmd(int sig) {
    if (qmd_pid_ <= 0) return -1;
    ::kill(qmd_pid_, sig);
    const int rc = wait_for(qmd_pid_);
    qmd_pid_ = 0;
    return rc;
  }
  void stop_qmd() { signal_qmd(SIGTERM); }
  pid_t qmd_pid() const { return qmd_pid_; }

  RunResult qm(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {binary("qm")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env());
  }

  // The pid in the VM's pidfile (0 when none); remembered for cleanup.
  pid_t vm_pid(int64_t vmid) {
    auto p = service::runtime::read_pidfile(run_dir() + "/" + std::to_string(vmid) + ".pid");
    if (p) qemu_pids_.push_back(*p);
    return p.value_or(0);
  }

  // Payloads (+ "user") of the VM's vm.status.changed events, oldest first.
  std::vector<nlohmann::json> status_events(int64_t vmid) const {
    auto r = qm({"history", std::to_string(vmid), "--output-format", "json"});
    std::vector<nlohmann::json> out;
    for (const auto& e : nlohmann::json::parse(r.out)) {
      if (e["type"] != "vm.status.changed") continue;
      nlohmann::json p = e["payload"];
      p["user"] = e["user"];
      out.push_back(p);
    }
    return out;
  }
  nlohmann::json last_status_event(int64_t vmid) const {
    auto ev = status_events(vmid);
    return ev.empty() ? nlohmann::json() : ev.back();
  }

  // A VM without a guest OS (no disk: QEMU runs the BIOS and idles).
  void create_diskless(int64_t vmid, int memory_mib = 64) {
    auto r = qm({"create", std::to_string(vmid), "--memory", std::to_string(memory_mib)});
    if (r.exit_code != 0) throw std::runtime_error("create failed: " + r.err);
  }
  // `qm start` of an existing VM; its QEMU's pid (remembered for cleanup).
  // Throws with qm's stderr when the start fails or leaves no pidfile.
  pid_t start_vm(int64_t vmid) {
    auto r = qm({"start", std::to_string(vmid)});
    if (r.exit_code != 0) throw std::runtime_error("start of VM " + std::to_string(vmid) + " failed: " + r.err);
    const pid_t pid = vm_pid(vmid);
    if (pid <= 0) throw std::runtime_error("VM " + std::to_string(vmid) + " started but has no pidfile");
    return pid;
  }
  // create_diskless + start_vm: a running diskless VM and its QEMU's pid.
  pid_t start_diskless(int64_t vmid, int memory_mib = 64) {
    create_diskless(vmid, memory_mib);
    return start_vm(vmid);
  }

 private:
  TempDir tmp_;
  pid_t qmd_pid_ = 0;
  std::vector<pid_t> qemu_pids_;
};

}  // namespace qmd::testing
