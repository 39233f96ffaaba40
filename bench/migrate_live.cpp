// Benchmark of live migration between two qmd nodes on one host (JSON lines
// on stdout, progress on stderr): `qm migrate <vmid> <other> --online` of the
// test guest (or, without it, a diskless VM), back and forth, vs the floor:
// the same migration driven by a bare QMP client against two QEMU processes
// started with the very same arguments (the source running the guest, the
// target with -incoming; same max-bandwidth/downtime-limit; query-migrate
// every 5 ms; source quit and reaped). Figures:
//   wall      — qm migrate until it returns vs floor start-target→source-gone
//   total     — QEMU's total-time as recorded in vm.moved vs the floor's
//   downtime  — as recorded vs the floor's
//   wall minus total-time — what each driver adds around QEMU's migration
// ratio = median(qmd) / median(floor). Every wait has a deadline: a step that
// does not finish in time ends the run with a message and exit code 1.
// Usage: bench_migrate_live [rounds=5]; QMD_BENCH_KEEP=1 keeps the qmd logs
// (<tmp>/bench_migrate_<pid>/{a,b}/qmd.log) of a successful run.
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "bench/child_process.h"

namespace {

using qmd::bench::spawn_child;
using qmd::bench::wait_child;
using qmd::bench::wait_child_for;
using Clock = std::chrono::steady_clock;

constexpr int kQmdUpMs = 20000;       // qmd's socket appears
constexpr int kQmMs = 60000;          // any qm command (a migration included)
constexpr int kBootMs = 60000;        // the guest's first serial tick
constexpr int kQmpMs = 20000;         // a QEMU's QMP socket answers
constexpr int kQmpReplyMs = 10000;    // one QMP reply
constexpr int kMigrationMs = 60000;   // one floor migration
constexpr int kQuitMs = 10000;        // a QEMU exits after quit

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}
bool wait_until(const std::function<bool()>& cond, int timeout_ms, int step_ms = 5) {
  const auto t0 = Clock::now();
  while (!cond()) {
    if (ms_since(t0) > timeout_ms) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
  }
  return true;
}

// What was started, so that a failure anywhere leaves nothing running.
struct Started {
  std::string root;
  std::vector<pid_t> qmds;
  std::vector<std::string> run_dirs;  // QEMU pidfiles of the qmd nodes
  std::vector<pid_t> qemus;           // floor QEMUs (our children)
  void end() {
    for (pid_t p : qmds) {
      ::kill(p, SIGTERM);
      if (!wait_child_for(p, kQuitMs)) spdlog::warn("qmd {} ignored SIGTERM: killed", p);
    }
    qmds.clear();
    for (const auto& d : run_dirs) {
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(d, ec)) {
        if (e.path().extension() != ".pid" || e.path().filename() == "qmd.pid") continue;
        std::ifstream in(e.path());
        pid_t p = 0;
        if (in >> p && p > 0) ::kill(p, SIGKILL);
      }
    }
    for (pid_t p : qemus) {
      ::kill(p, SIGKILL);
      wait_child(p);
    }
    qemus.clear();
  }
};
Started g_started;

[[noreturn]] void fail(const std::string& why) {
  spdlog::error("{}", why);
  g_started.end();
  if (!g_started.root.empty()) spdlog::error("bench_migrate_live failed; logs kept in {}", g_started.root);
  std::exit(1);
}

struct Node {
  std::string name, dir, db, root;
  void env() const {
    ::setenv("QMD_DATA_DIR", dir.c_str(), 1);
    ::setenv("QMD_NODE", name.c_str(), 1);
    ::setenv("QMD_DB", db.c_str(), 1);
    ::setenv("QMD_ACCEL", "tcg", 1);
  }
  std::string log() const { return dir + "/qmd.log"; }
  void start_qmd() {
    std::filesystem::create_directories(dir);
    env();
    const pid_t p = spawn_child({std::string(QMD_BINARY_DIR) + "/qmd", "--foreground", "--log-level", "info"}, log());
    if (p <= 0) fail("cannot start qmd");
    g_started.qmds.push_back(p);
    g_started.run_dirs.push_back(dir + "/run");
    if (!wait_until([&] { return std::filesystem::exists(dir + "/run/qmd.sock"); }, kQmdUpMs))
      fail("qmd of node " + name + " did not create its socket in " + std::to_string(kQmdUpMs) + " ms:\n" + slurp(log()));
  }
  // qm <args> on this node; its stdout (its stderr is in the failure message).
  std::string qm(const std::vector<std::string>& args) const {
    env();
    std::vector<std::string> argv = {std::string(QMD_BINARY_DIR) + "/qm"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = root + "/qm.out", err = root + "/qm.err";
    std::filesystem::remove(err);
    const auto rc = wait_child_for(spawn_child(argv, err, out), kQmMs);
    if (!rc) fail("qm " + args.at(0) + " on node " + name + " took more than " + std::to_string(kQmMs) + " ms (killed)");
    if (*rc != 0) fail("qm " + args.at(0) + " on node " + name + " exited " + std::to_string(*rc) + ": " + slurp(err));
    return slurp(out);
  }
  pid_t vm_pid(int vmid) const {
    std::ifstream in(dir + "/run/" + std::to_string(vmid) + ".pid");
    pid_t p = 0;
    in >> p;
    return p;
  }
};

// A blocking QMP connection (the floor's client); every read has a deadline.
struct Qmp {
  int fd = -1;
  std::string buf;
  bool open(const std::string& path, int timeout_ms) {
    return wait_until([&] {
      if (fd >= 0) ::close(fd);
      fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
      timeval tv{kQmpReplyMs / 1000, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      return !line().empty() && cmd("qmp_capabilities").contains("return");
    }, timeout_ms, 1);
  }
  // The next line, "" on timeout or EOF.
  std::string line() {
    for (;;) {
      if (auto nl = buf.find('\n'); nl != std::string::npos) {
        std::string l = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        return l;
      }
      char b[65536];
      const ssize_t n = ::recv(fd, b, sizeof b, 0);
      if (n <= 0) return "";
      buf.append(b, n);
    }
  }
  // The reply ({"return": …} or {"error": …}); events are skipped; {} when none came.
  nlohmann::json cmd(const std::string& name, const nlohmann::json& args = nullptr) {
    nlohmann::json c = {{"execute", name}};
    if (!args.is_null()) c["arguments"] = args;
    const std::string s = c.dump() + "\n";
    if (::send(fd, s.data(), s.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(s.size())) return nlohmann::json::object();
    for (;;) {
      const std::string l = line();
      if (l.empty()) return nlohmann::json::object();
      auto j = nlohmann::json::parse(l, nullptr, false);
      if (j.is_object() && (j.contains("return") || j.contains("error"))) return j;
    }
  }
  // cmd(), failing the bench unless QEMU answered with "return".
  nlohmann::json must(const std::string& name, const nlohmann::json& args = nullptr) {
    auto r = cmd(name, args);
    if (!r.contains("return")) fail("QMP " + name + ": " + (r.empty() ? "no answer" : r.dump()));
    return r["return"];
  }
  ~Qmp() {
    if (fd >= 0) ::close(fd);
  }
};

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// The QEMU command line qmd used, without its `-incoming URI` (the VM may
// have arrived on this node by migration): the floor's source must run.
std::vector<std::string> cmdline_of(pid_t pid) {
  std::vector<std::string> out;
  std::stringstream ss(slurp("/proc/" + std::to_string(pid) + "/cmdline"));
  for (std::string a; std::getline(ss, a, '\0');) out.push_back(a);
  for (auto it = out.begin(); it != out.end();) {
    if (*it == "-incoming" && it + 1 != out.end()) {
      it = out.erase(it, it + 2);
    } else {
      ++it;
    }
  }
  return out;
}
std::vector<std::string> rewrite(std::vector<std::string> argv, const std::string& from, const std::string& to) {
  for (auto& a : argv)
    for (std::size_t at; (at = a.find(from)) != std::string::npos;) a.replace(at, from.size(), to);
  return argv;
}
int last_tick(const std::string& serial) {
  const std::string text = slurp(serial);
  const auto at = text.rfind("QMD-GUEST-TICK ");
  return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 15);
}
void wait_for_ticks(const std::string& serial, const std::string& who) {
  const auto t0 = Clock::now();
  if (!wait_until([&] { return last_tick(serial) >= 1; }, kBootMs, 50))
    fail(who + ": the guest printed no tick in " + std::to_string(kBootMs) + " ms (serial " + serial + ")");
  spdlog::info("{}: guest ticking after {:.0f} ms", who, ms_since(t0));
}

// The figures of the last vm.moved event in the VM's history.
void recorded_figures(const Node& n, int vmid, std::vector<double>& total, std::vector<double>& down) {
  const auto hist = nlohmann::json::parse(n.qm({"history", std::to_string(vmid), "--output-format", "json"}), nullptr, false);
  if (hist.is_array())
    for (auto it = hist.rbegin(); it != hist.rend(); ++it)
      if ((*it)["type"] == "vm.moved") {
        total.push_back((*it)["payload"].value("total_time_ms", 0.0));
        down.push_back((*it)["payload"].value("downtime_ms", 0.0));
        return;
      }
  fail("no vm.moved event in the history of VM " + std::to_string(vmid));
}

}  // namespace

int run(int argc, char** argv);

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_st("bench"));
  spdlog::set_pattern("%H:%M:%S.%e %^%l%$ %v");
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

int run(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  if (rounds < 1) fail("rounds must be at least 1");
  const std::string root = std::filesystem::temp_directory_path() / ("bench_migrate_" + std::to_string(::getpid()));
  g_started.root = root;
  std::filesystem::create_directories(root);
  const std::string db = root + "/cluster.db";
  Node a{"a", root + "/a", db, root}, b{"b", root + "/b", db, root};
  a.start_qmd();
  b.start_qmd();
  spdlog::info("qmd nodes a and b up (shared log {})", db);

  const char* gd = std::getenv("QMD_GUEST_DIR");
  const std::string g = gd != nullptr && *gd ? gd : "/var/cache/qmd/test-guest";
  const bool guest = std::filesystem::exists(g + "/vmlinux") && std::filesystem::exists(g + "/initramfs.cpio.gz");
  const std::string serial = root + "/serial";
  std::vector<std::string> create = {"create", "200", "--memory", "256"};
  if (guest) {
    create.insert(create.end(), {"--args", "-kernel " + g + "/vmlinux -initrd " + g +
                                               "/initramfs.cpio.gz -append 'console=ttyS0 quiet' -chardev file,id=ser0,path=" +
                                               serial + ",append=on -serial chardev:ser0"});
  } else {
    spdlog::warn("no test guest in {}: migrating a diskless VM", g);
  }
  a.qm(create);
  a.qm({"start", "200"});
  spdlog::info("VM 200 running on node a (pid {})", a.vm_pid(200));
  if (guest) wait_for_ticks(serial, "qmd");

  // qmd: back and forth.
  std::vector<double> wall, total, down;
  const Node* from = &a;
  const Node* to = &b;
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    from->qm({"migrate", "200", to->name, "--online"});
    wall.push_back(ms_since(t0));
    recorded_figures(*from, 200, total, down);
    spdlog::info("qm round {}: {} -> {}: wall {:.0f} ms, recorded total {:.0f} ms, downtime {:.0f} ms", i, from->name,
                 to->name, wall.back(), total.back(), down.back());
    std::swap(from, to);
  }
  if (guest) {
    const int at = last_tick(serial);
    if (!wait_until([&] { return last_tick(serial) > at; }, 10000, 50)) fail("the guest stopped ticking after the migrations");
  }

  // The floor: the same QEMU arguments, driven by a bare QMP client.
  const std::vector<std::string> base = cmdline_of(from->vm_pid(200));
  if (base.empty()) fail("cannot read the command line of VM 200 on node " + from->name);
  from->qm({"stop", "200"});
  const std::string run_dir = from->dir + "/run";
  const std::string floor_serial = root + "/floor-serial";
  auto floor_dir = [&](int k) { return root + "/floor" + std::to_string(k); };
  auto node_argv = [&](int k) {
    std::filesystem::create_directories(floor_dir(k));
    return rewrite(rewrite(base, run_dir, floor_dir(k)), serial, floor_serial);
  };
  auto qmp_path = [&](int k) { return floor_dir(k) + "/200.qmp"; };
  auto start_qemu = [&](std::vector<std::string> argv, int k) {
    const pid_t p = spawn_child(argv, floor_dir(k) + "/qemu.err");
    if (p <= 0) fail("cannot start " + argv.at(0));
    g_started.qemus.push_back(p);
    auto qmp = std::make_unique<Qmp>();
    if (!qmp->open(qmp_path(k), kQmpMs))
      fail("floor QEMU gave no QMP on " + qmp_path(k) + " in " + std::to_string(kQmpMs) + " ms: " + slurp(floor_dir(k) + "/qemu.err"));
    return std::make_pair(p, std::move(qmp));
  };
  auto [src, src_qmp] = start_qemu(node_argv(0), 0);
  spdlog::info("floor: source QEMU {} up", src);
  if (guest) wait_for_ticks(floor_serial, "floor");

  std::vector<double> fwall, ftotal, fdown;
  int k = 0;
  for (int i = 0; i < rounds; ++i) {
    const int next = 1 - k;
    std::filesystem::remove(qmp_path(next));
    const std::string uri = "tcp:127.0.0.1:" + std::to_string(free_port());
    std::vector<std::string> dst_argv = node_argv(next);
    dst_argv.insert(dst_argv.end(), {"-incoming", uri});
    const auto t0 = Clock::now();
    auto [dst, dst_qmp] = start_qemu(dst_argv, next);
    src_qmp->must("migrate-set-parameters", {{"max-bandwidth", int64_t{1} << 40}, {"downtime-limit", 100}});
    src_qmp->must("migrate", {{"uri", uri}});
    nlohmann::json info;
    const auto tm = Clock::now();
    for (;;) {
      info = src_qmp->must("query-migrate");
      const std::string st = info.value("status", "");
      if (st == "completed" || st == "failed" || st == "cancelled") break;
      if (ms_since(tm) > kMigrationMs) fail("floor migration not done in " + std::to_string(kMigrationMs) + " ms: " + info.dump());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (info.value("status", "") != "completed") fail("floor migration " + info.dump());
    src_qmp->cmd("quit");
    if (!wait_child_for(src, kQuitMs)) fail("floor source QEMU did not quit in " + std::to_string(kQuitMs) + " ms");
    std::erase(g_started.qemus, src);
    fwall.push_back(ms_since(t0));
    ftotal.push_back(info.value("total-time", 0.0));
    fdown.push_back(info.value("downtime", 0.0));
    spdlog::info("floor round {}: wall {:.0f} ms, total {:.0f} ms, downtime {:.0f} ms", i, fwall.back(), ftotal.back(),
                 fdown.back());
    src = dst;
    src_qmp = std::move(dst_qmp);
    k = next;
  }
  if (guest) {
    const int at = last_tick(floor_serial);
    if (!wait_until([&] { return last_tick(floor_serial) > at; }, 10000, 50)) fail("the floor guest stopped ticking");
  }
  src_qmp->cmd("quit");
  wait_child_for(src, kQuitMs);
  std::erase(g_started.qemus, src);

  double load[3] = {0, 0, 0};
  ::getloadavg(load, 3);
  const std::string vm = guest ? "test guest, 256 MiB, TCG" : "diskless VM, 256 MiB, TCG";
  auto row = [&](const std::string& what, const std::vector<double>& q, const std::vector<double>& f) {
    const double mq = median(q), mf = median(f);
    std::cout << nlohmann::json({{"bench", "migrate_live"}, {"what", what}, {"vm", vm}, {"rounds", rounds},
                                 {"median_ms", mq}, {"floor_median_ms", mf}, {"ratio", mf > 0 ? mq / mf : 0},
                                 {"qm_ms", q}, {"floor_ms", f}, {"load1", load[0]}})
                     .dump()
              << std::endl;
  };
  row("total-time as recorded vs bare QMP", total, ftotal);
  row("downtime as recorded vs bare QMP", down, fdown);
  row("wall: qm migrate --online vs bare QMP (target start to source gone)", wall, fwall);
  // What the driver adds around QEMU's own migration: starting the target,
  // the hand-over, quitting the source (qm: also its commits and polling).
  auto minus = [](std::vector<double> w, const std::vector<double>& t) {
    for (std::size_t i = 0; i < w.size() && i < t.size(); ++i) w[i] -= t[i];
    return w;
  };
  row("wall minus total-time: the driver's own cost", minus(wall, total), minus(fwall, ftotal));

  g_started.end();
  if (const char* keep = std::getenv("QMD_BENCH_KEEP"); keep != nullptr && *keep) {
    spdlog::info("QMD_BENCH_KEEP: logs kept in {}", root);
  } else {
    std::filesystem::remove_all(root);
  }
  return 0;
}
