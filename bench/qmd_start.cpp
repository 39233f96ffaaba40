// Benchmarks of qmd's supervision (JSON lines on stdout):
//  1. `qm start` until it returns (QMP ready, "running" recorded) vs the floor:
//     spawning qemu-system-x86_64 with the very same arguments until its QMP
//     greeting arrives. ratio = median(qm start) / median(floor).
//  2. 50 diskless VMs started through qmd at once: all ready, total time, qmd's RSS.
//  3. qmd's RSS with 1,000 VMs defined and 20 running.
// Usage: bench_qmd_start [rounds=7] [parallel=50] [defined=1000] [running=20]
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/child_process.h"

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string g_dir;

using qmd::bench::spawn_child;
using qmd::bench::wait_child;

int qm(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {std::string(QMD_BINARY_DIR) + "/qm"};
  argv.insert(argv.end(), args.begin(), args.end());
  return wait_child(spawn_child(argv));
}
std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
pid_t pid_of(int vmid) {
  std::ifstream in(g_dir + "/run/" + std::to_string(vmid) + ".pid");
  pid_t p = 0;
  in >> p;
  return p;
}
long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string l; std::getline(in, l);)
    if (l.starts_with("VmRSS:")) return std::stol(l.substr(6));
  return -1;
}
bool connect_unix(const std::string& path, int& fd) {
  fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return true;
  ::close(fd);
  return false;
}
// Waits (polling every 1 ms) until the QMP socket accepts and sends its greeting.
bool wait_greeting(const std::string& path, int timeout_ms) {
  const auto t0 = Clock::now();
  while (ms_since(t0) < timeout_ms) {
    int fd;
    if (connect_unix(path, fd)) {
      char buf[512];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      ::close(fd);
      if (n > 0 && std::string(buf, n).find("\"QMP\"") != std::string::npos) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}
// After the greeting: qmp_capabilities answered (QEMU answers it only once the
// machine is initialized) — the readiness qm start waits for.
bool wait_capabilities(const std::string& path, int timeout_ms) {
  const auto t0 = Clock::now();
  while (ms_since(t0) < timeout_ms) {
    int fd;
    if (!connect_unix(path, fd)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    std::string in;
    char buf[4096];
    bool sent = false;
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, n);
      if (!sent && in.find('\n') != std::string::npos) {
        const std::string cmd = "{\"execute\":\"qmp_capabilities\"}\n";
        ::send(fd, cmd.data(), cmd.size(), MSG_NOSIGNAL);
        sent = true;
      }
      if (in.find("\"return\"") != std::string::npos) {
        ::close(fd);
        return true;
      }
    }
    ::close(fd);
  }
  return false;
}
// From qmd's log: "VM <vmid>: start done in X ms (QMP ready at Y ms)" —
// the time qmd's supervisor took from spawning QEMU to the recorded event.
std::vector<std::pair<double, double>> start_timings(const std::string& log, int vmid) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(slurp(log));
  const std::string key = "VM " + std::to_string(vmid) + ": start done in ";
  for (std::string l; std::getline(in, l);) {
    const auto at = l.find(key);
    if (at == std::string::npos) continue;
    const double done = std::atof(l.c_str() + at + key.size());
    const auto r = l.find("QMP ready at ", at);
    out.emplace_back(done, r == std::string::npos ? 0 : std::atof(l.c_str() + r + 13));
  }
  return out;
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
void print(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
  const int parallel = argc > 2 ? std::atoi(argv[2]) : 50;
  const int defined = argc > 3 ? std::atoi(argv[3]) : 1000;
  const int running = argc > 4 ? std::atoi(argv[4]) : 20;

  char tmpl[] = "/tmp/bench_qmd_XXXXXX";
  g_dir = ::mkdtemp(tmpl);
  ::setenv("QMD_DATA_DIR", g_dir.c_str(), 1);
  ::setenv("QMD_NODE", "pve1", 1);
  ::setenv("QMD_ACCEL", "tcg", 1);
  const std::string qmd_log = g_dir + "/qmd.log";
  const pid_t qmd = spawn_child({std::string(QMD_BINARY_DIR) + "/qmd", "--foreground", "--log-level", "info"}, qmd_log);
  for (int i = 0; i < 2000; ++i) {
    int fd;
    if (connect_unix(g_dir + "/run/qmd.sock", fd)) {
      ::close(fd);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  // 1. qm start vs bare QEMU.
  qm({"create", "100", "--memory", "64"});
  std::vector<double> via_qmd, floor, floor_caps;
  std::vector<std::string> qemu_argv;
  for (int r = 0; r < rounds; ++r) {
    // Alternate which goes first so neither always runs on a warmer machine.
    for (int k = 0; k < 2; ++k) {
      if ((k + r) % 2 == 0) {
        const auto t0 = Clock::now();
        if (qm({"start", "100"}) != 0) {
          std::cerr << "qm start failed\n";
          return 1;
        }
        via_qmd.push_back(ms_since(t0));
        if (qemu_argv.empty()) {
          const std::string cl = slurp("/proc/" + std::to_string(pid_of(100)) + "/cmdline");
          std::stringstream ss(cl);
          for (std::string a; std::getline(ss, a, '\0');) qemu_argv.push_back(a);
        }
        qm({"stop", "100"});
      } else if (!qemu_argv.empty()) {
        const std::string sock = g_dir + "/run/100.qmp";
        ::unlink(sock.c_str());
        const auto t0 = Clock::now();
        const pid_t p = spawn_child(qemu_argv);
        if (!wait_greeting(sock, 60000)) {
          std::cerr << "bare QEMU gave no greeting\n";
          return 1;
        }
        floor.push_back(ms_since(t0));
        ::kill(p, SIGKILL);
        wait_child(p);
        ::unlink(sock.c_str());
        const auto t1 = Clock::now();
        const pid_t p2 = spawn_child(qemu_argv);
        if (!wait_capabilities(sock, 60000)) {
          std::cerr << "bare QEMU did not accept qmp_capabilities\n";
          return 1;
        }
        floor_caps.push_back(ms_since(t1));
        ::kill(p2, SIGKILL);
        wait_child(p2);
        ::unlink(sock.c_str());
        ::unlink((g_dir + "/run/100.pid").c_str());
      }
    }
  }
  std::vector<double> sup_done, sup_ready;
  for (const auto& [done, ready] : start_timings(qmd_log, 100)) sup_done.push_back(done), sup_ready.push_back(ready);
  print({{"bench", "qm_start_until_qmp_ready"},
         {"rounds", via_qmd.size()},
         {"qm_start_ms_median", median(via_qmd)},
         {"qmd_spawn_to_qmp_ready_ms_median", median(sup_ready)},
         {"qmd_spawn_to_recorded_ms_median", median(sup_done)},
         {"bare_qemu_greeting_ms_median", median(floor)},
         {"ratio", median(via_qmd) / median(floor)},
         {"target_ratio_max", 1.15},
         {"bare_qemu_capabilities_ms_median", median(floor_caps)},
         {"ratio_vs_capabilities", median(via_qmd) / median(floor_caps)}});

  // 2. parallel starts.
  for (int i = 0; i < parallel; ++i) qm({"create", std::to_string(1000 + i), "--memory", "32"});
  const long rss_before = rss_kb(qmd);
  const auto t0 = Clock::now();
  std::vector<pid_t> starters;
  for (int i = 0; i < parallel; ++i)
    starters.push_back(spawn_child({std::string(QMD_BINARY_DIR) + "/qm", "start", std::to_string(1000 + i)}));
  int ok = 0;
  for (pid_t p : starters) ok += wait_child(p) == 0;
  const double total = ms_since(t0);
  const long rss_running = rss_kb(qmd);
  std::vector<pid_t> vm_pids;
  for (int i = 0; i < parallel; ++i) vm_pids.push_back(pid_of(1000 + i));
  const auto t1 = Clock::now();
  std::vector<pid_t> stoppers;
  for (int i = 0; i < parallel; ++i)
    stoppers.push_back(spawn_child({std::string(QMD_BINARY_DIR) + "/qm", "stop", std::to_string(1000 + i), "--timeout", "30"}));
  int stopped_ok = 0;
  for (pid_t p : stoppers) stopped_ok += wait_child(p) == 0;
  const double stop_total = ms_since(t1);
  int left = 0;
  for (pid_t p : vm_pids) left += p > 0 && ::kill(p, 0) == 0 && slurp("/proc/" + std::to_string(p) + "/stat").find(") Z") == std::string::npos;
  print({{"bench", "parallel_start"},
         {"vms", parallel},
         {"ready", ok},
         {"total_ms", total},
         {"per_vm_ms", total / parallel},
         {"qmd_rss_kb_before", rss_before},
         {"qmd_rss_kb_with_all_running", rss_running},
         {"stopped_ok", stopped_ok},
         {"stop_total_ms", stop_total},
         {"left_running", left}});

  // 3. RSS with many VMs defined, some running.
  const int have = 1 + parallel;
  for (int i = have; i < defined; ++i) qm({"create", std::to_string(2000 + i), "--memory", "32"});
  for (int i = 0; i < running; ++i) qm({"start", std::to_string(1000 + i)});
  qm({"list"});
  const long rss_many = rss_kb(qmd);
  print({{"bench", "qmd_rss"},
         {"vms_defined", std::max(defined, have)},
         {"vms_running", running},
         {"qmd_rss_kb", rss_many},
         {"qmd_rss_mb", rss_many / 1024.0},
         {"target_mb_max", 30}});
  for (int i = 0; i < running; ++i) qm({"stop", std::to_string(1000 + i), "--timeout", "10"});

  ::kill(qmd, SIGTERM);
  wait_child(qmd);
  std::filesystem::remove_all(g_dir);
  return 0;
}
