#include "qmp_test_support.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace qmd::qmp_test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  char tmpl[] = "/tmp/qmd-qmp-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string qemu_binary() {
  if (const char* env = std::getenv("QMD_QEMU"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / "qemu-system-x86_64";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

QemuProcess::QemuProcess(const std::vector<std::string>& args, const std::string& log_path) {
  std::string bin = qemu_binary();
  if (bin.empty()) {
    throw std::runtime_error("qemu-system-x86_64 not found (install qemu-system-x86 or set QMD_QEMU)");
  }
  std::vector<std::string> argv_s{bin};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  int r = posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (r != 0) throw std::runtime_error("posix_spawn " + bin + ": " + std::strerror(r));
  pid_ = pid;
}

QemuProcess::~QemuProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::kill(pid_, SIGCONT);
    waitpid(pid_, nullptr, 0);
  }
}

void QemuProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void QemuProcess::freeze() {
  signal(SIGSTOP);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    bool all_stopped = true;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid_) + "/task")) {
      std::ifstream stat(task.path() / "stat");
      std::string line;
      std::getline(stat, line);
      auto paren = line.rfind(')');
      if (paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'T') all_stopped = false;
    }
    if (all_stopped) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  throw std::runtime_error("QEMU " + std::to_string(pid_) + " did not stop within 5 s");
}

bool QemuProcess::wait_exit(int timeout_ms) {
  if (pid_ <= 0) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  do {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

std::vector<std::string> diskless_qemu_args(const std::string& qmp_socket) {
  return {"-S", "-machine", "pc,accel=tcg", "-nodefaults", "-display", "none",
          "-qmp", "unix:" + qmp_socket + ",server=on,wait=off"};
}

bool run_until(uv_loop_t* loop, const std::function<bool()>& done, int timeout_ms) {
  // A repeating timer keeps uv_run(ONCE) from blocking for longer than 10 ms, so done() is
  // re-checked even when the awaited change happens on another thread.
  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(&tick, [](uv_timer_t*) {}, 10, 10);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done() && std::chrono::steady_clock::now() < deadline) uv_run(loop, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  return done();
}

void drain_and_close(uv_loop_t* loop) {
  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
}

// ---- FakePeer --------------------------------------------------------------------------------

void FakePeer::Conn::send(const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

std::string FakePeer::Conn::read_line(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return "";
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return "";
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return "";
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
}

void FakePeer::Conn::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

FakePeer::FakePeer(const std::string& socket_path, std::function<void(Conn&)> script) {
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 4) != 0) {
    throw std::runtime_error("fake peer cannot listen on " + socket_path + ": " + std::strerror(errno));
  }
  int lfd = listen_fd_;
  thread_ = std::thread([lfd, script = std::move(script)] {
    pollfd p{lfd, POLLIN, 0};
    if (poll(&p, 1, 10000) <= 0) return;
    int fd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    Conn conn(fd);
    script(conn);
    conn.close();
  });
}

FakePeer::~FakePeer() {
  join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void FakePeer::join() {
  if (thread_.joinable()) thread_.join();
}

std::string FakePeer::greeting() {
  return R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": ["oob"]}})"
         "\r\n";
}

bool FakePeer::accept_capabilities(Conn& conn) {
  std::string line = conn.read_line();
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("execute", "") != "qmp_capabilities") return false;
  conn.send(R"({"return": {}, "id": )" + j["id"].dump() + "}\r\n");
  return true;
}

std::string FakePeer::id_of(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("id")) return "";
  return j["id"].dump();
}

}  // namespace qmd::qmp_test
