// A child process on a new pseudo-terminal, driven as a person at a terminal
// would drive it: read what it prints, type, see its terminal settings.
#pragma once

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace qmd::testing {

class PtySession {
 public:
  PtySession(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> a;
      for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
      a.push_back(nullptr);
      ::execv(a[0], a.data());
      ::_exit(127);
    }
  }
  ~PtySession() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(master_);
  }
  // Reads until `text` was printed (true) or timeout_ms passed / the pty closed (false).
  bool wait_for_text(const std::string& text, int timeout_ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out_.find(text, seen_) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return false;
    }
    seen_ = out_.find(text, seen_) + text.size();
    return true;
  }
  void type(const std::string& bytes) { (void)!::write(master_, bytes.data(), bytes.size()); }
  // Whether the terminal is in canonical (cooked) mode now.
  bool canonical() const {
    termios t{};
    ::tcgetattr(master_, &t);
    return (t.c_lflag & ICANON) != 0;
  }
  // Waits for the child's exit; its code (128+signal), or -1 after timeout_ms.
  int wait_exit(int timeout_ms) {
    for (int waited = 0; waited < timeout_ms; waited += 20) {
      read_some(0);
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        reaped_ = true;
        while (read_some(50)) {
        }
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      ::usleep(20000);
    }
    return -1;
  }
  const std::string& output() const { return out_; }

 private:
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;
    out_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int master_ = -1;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_;
  size_t seen_ = 0;
};

}  // namespace qmd::testing
