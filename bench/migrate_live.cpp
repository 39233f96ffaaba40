// Benchmark of live migration between two qmd nodes on one host (JSON lines):
// `qm migrate <vmid> <other> --online` of the test guest (or, without it, a
// diskless VM), back and forth, vs the floor: the same migration driven by a
// bare QMP client against two QEMU processes started with the very same
// arguments (target with -incoming, same max-bandwidth/downtime-limit; poll
// every 5 ms; source quit and reaped). Figures:
//   wall      — qm migrate until it returns vs floor start-target→source-gone
//   total     — QEMU's total-time as recorded in vm.moved vs the floor's
//   downtime  — as recorded vs the floor's
// ratio = median(qmd) / median(floor).
// Usage: bench_migrate_live [rounds=5]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

pid_t spawn(const std::vector<std::string>& argv) {
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}
int wait_pid(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
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
void print(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

struct Node {
  std::string name, dir, db;
  pid_t qmd = 0;
  void env() const {
    ::setenv("QMD_DATA_DIR", dir.c_str(), 1);
    ::setenv("QMD_NODE", name.c_str(), 1);
    ::setenv("QMD_DB", db.c_str(), 1);
    ::setenv("QMD_ACCEL", "tcg", 1);
  }
  int qm(const std::vector<std::string>& args) const {
    env();
    std::vector<std::string> argv = {std::string(QMD_BINARY_DIR) + "/qm"};
    argv.insert(argv.end(), args.begin(), args.end());
    return wait_pid(spawn(argv));
  }
  std::string qm_out(const std::string& args) const {
    env();
    std::string out;
    FILE* p = ::popen((std::string(QMD_BINARY_DIR) + "/qm " + args).c_str(), "r");
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
    return out;
  }
  pid_t vm_pid(int vmid) const {
    std::ifstream in(dir + "/run/" + std::to_string(vmid) + ".pid");
    pid_t p = 0;
    in >> p;
    return p;
  }
};

// A blocking QMP connection (the floor's client).
struct Qmp {
  int fd = -1;
  std::string buf;
  bool open(const std::string& path, int timeout_ms) {
    const auto t0 = Clock::now();
    while (ms_since(t0) < timeout_ms) {
      fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        line();  // greeting
        return cmd("qmp_capabilities").contains("return");
      }
      ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
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
  nlohmann::json cmd(const std::string& name, const nlohmann::json& args = nullptr) {
    nlohmann::json c = {{"execute", name}};
    if (!args.is_null()) c["arguments"] = args;
    const std::string s = c.dump() + "\n";
    ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    for (;;) {
      const std::string l = line();
      if (l.empty()) return nlohmann::json::object();
      auto j = nlohmann::json::parse(l, nullptr, false);
      if (j.is_object() && (j.contains("return") || j.contains("error"))) return j;
    }
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

std::vector<std::string> cmdline_of(pid_t pid) {
  const std::string raw = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> out;
  std::string cur;
  for (char ch : raw) {
    if (ch == '\0') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
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

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::string root = std::filesystem::temp_directory_path() / ("bench_migrate_" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  const std::string db = root + "/cluster.db";
  Node a{"a", root + "/a", db}, b{"b", root + "/b", db};
  for (Node* n : {&a, &b}) {
    std::filesystem::create_directories(n->dir);
    n->env();
    n->qmd = spawn({std::string(QMD_BINARY_DIR) + "/qmd", "--foreground", "--log-level", "warn"});
    const auto t0 = Clock::now();
    while (!std::filesystem::exists(n->dir + "/run/qmd.sock") && ms_since(t0) < 20000)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const char* gd = std::getenv("QMD_GUEST_DIR");
  const std::string g = gd != nullptr && *gd ? gd : "/var/cache/qmd/test-guest";
  const bool guest = std::filesystem::exists(g + "/vmlinux");
  const std::string serial = root + "/serial";
  std::vector<std::string> create = {"create", "200", "--memory", "256"};
  if (guest) {
    create.insert(create.end(), {"--args", "-kernel " + g + "/vmlinux -initrd " + g +
                                               "/initramfs.cpio.gz -append 'console=ttyS0 quiet' -chardev file,id=ser0,path=" +
                                               serial + ",append=on -serial chardev:ser0"});
  }
  if (a.qm(create) != 0 || a.qm({"start", "200"}) != 0) {
    std::cerr << "cannot create/start the VM\n";
    return 1;
  }
  const auto tb = Clock::now();
  while (guest && last_tick(serial) < 1 && ms_since(tb) < 120000) std::this_thread::sleep_for(std::chrono::milliseconds(50));

  // qmd: back and forth.
  std::vector<double> wall, total, down;
  const Node* from = &a;
  const Node* to = &b;
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    if (from->qm({"migrate", "200", to->name, "--online"}) != 0) {
      std::cerr << "qm migrate failed in round " << i << "\n";
      return 1;
    }
    wall.push_back(ms_since(t0));
    const auto hist = nlohmann::json::parse(from->qm_out("history 200 --output-format json"));
    for (auto it = hist.rbegin(); it != hist.rend(); ++it) {
      if ((*it)["type"] == "vm.moved") {
        total.push_back((*it)["payload"]["total_time_ms"].get<double>());
        down.push_back((*it)["payload"]["downtime_ms"].get<double>());
        break;
      }
    }
    std::swap(from, to);
  }

  // The floor: the same QEMU arguments, driven by a bare QMP client.
  const pid_t running = from->vm_pid(200);
  const std::vector<std::string> base = cmdline_of(running);
  from->qm({"stop", "200"});
  const std::string run_dir = from->dir + "/run";
  std::vector<double> fwall, ftotal, fdown;
  auto node_argv = [&](int k) {
    const std::string d = root + "/floor" + std::to_string(k);
    std::filesystem::create_directories(d);
    return rewrite(rewrite(base, run_dir, d), serial, root + "/floor-serial");
  };
  auto qmp_path = [&](int k) { return root + "/floor" + std::to_string(k) + "/200.qmp"; };
  std::vector<std::string> src_argv = node_argv(0);
  pid_t src = spawn(src_argv);
  auto src_qmp = std::make_unique<Qmp>();
  if (!src_qmp->open(qmp_path(0), 20000)) {
    std::cerr << "floor source QEMU did not start (QMP at " << qmp_path(0) << ")\n";
    return 1;
  }
  const auto tf = Clock::now();
  while (guest && last_tick(root + "/floor-serial") < 1 && ms_since(tf) < 120000)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int k = 0;
  for (int i = 0; i < rounds; ++i) {
    const int next = 1 - k;
    std::filesystem::remove(qmp_path(next));
    const std::string uri = "tcp:127.0.0.1:" + std::to_string(free_port());
    std::vector<std::string> dst_argv = node_argv(next);
    dst_argv.insert(dst_argv.end(), {"-incoming", uri});
    const auto t0 = Clock::now();
    const pid_t dst = spawn(dst_argv);
    auto dst_qmp = std::make_unique<Qmp>();
    if (!dst_qmp->open(qmp_path(next), 20000)) {
      std::cerr << "floor target QEMU did not start\n";
      return 1;
    }
    src_qmp->cmd("migrate-set-parameters", {{"max-bandwidth", int64_t{1} << 40}, {"downtime-limit", 100}});
    src_qmp->cmd("migrate", {{"uri", uri}});
    nlohmann::json info;
    for (;;) {
      info = src_qmp->cmd("query-migrate")["return"];
      const std::string st = info.value("status", "");
      if (st == "completed" || st == "failed" || st == "cancelled") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (info.value("status", "") != "completed") {
      std::cerr << "floor migration " << info.dump() << "\n";
      return 1;
    }
    src_qmp->cmd("quit");
    wait_pid(src);
    fwall.push_back(ms_since(t0));
    ftotal.push_back(info.value("total-time", 0.0));
    fdown.push_back(info.value("downtime", 0.0));
    src = dst;
    src_qmp = std::move(dst_qmp);
    k = next;
  }
  src_qmp->cmd("quit");
  wait_pid(src);

  const std::string vm = guest ? "test guest, 256 MiB, TCG" : "diskless VM, 256 MiB, TCG";
  auto row = [&](const std::string& what, const std::vector<double>& q, const std::vector<double>& f) {
    const double mq = median(q), mf = median(f);
    print({{"bench", "migrate_live"}, {"what", what}, {"vm", vm}, {"rounds", rounds}, {"median_ms", mq},
           {"floor_median_ms", mf}, {"ratio", mf > 0 ? mq / mf : 0}});
  };
  row("wall: qm migrate --online vs bare QMP (target start to source gone)", wall, fwall);
  row("total-time as recorded vs bare QMP", total, ftotal);
  row("downtime as recorded vs bare QMP", down, fdown);

  for (Node* n : {&a, &b}) {
    ::kill(n->qmd, SIGTERM);
    wait_pid(n->qmd);
  }
  std::filesystem::remove_all(root);
  return 0;
}
