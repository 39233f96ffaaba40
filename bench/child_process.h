// Child processes for the benchmarks: started with posix_spawn (stdout
// and stderr discarded or sent to files), waited for with or
// without a deadline. A benchmark that waits on a child never hangs: the
// deadline kills the child and the caller fails loudly.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace qmd::bench {

// Starts argv (argv[0] looked up in PATH) with the current environment;
// stderr appended to `err_path`, stdout to `out_path` (truncated; both
// created if missing). Returns the pid, or -1 when it cannot be started.
inline pid_t spawn_child(const std::vector<std::string>& argv, const std::string& err_path = "/dev/null",
                         const std::string& out_path = "/dev/null") {
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = 0;
  if (posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Exit code of a reaped child's wait status, 128+signal when it was killed.
inline int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Waits for the child; its exit code (128+signal when killed), -1 for pid <= 0.
inline int wait_child(pid_t pid) {
  if (pid <= 0) return -1;
  int st = 0;
  if (::waitpid(pid, &st, 0) != pid) return -1;
  return exit_code_of(st);
}

// Waits at most timeout_ms for the child. Past the deadline the child is
// killed (SIGKILL) and reaped, and nullopt is returned.
inline std::optional<int> wait_child_for(pid_t pid, int timeout_ms) {
  if (pid <= 0) return -1;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int st = 0;
    const pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) return exit_code_of(st);
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= end) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  wait_child(pid);
  return std::nullopt;
}

}  // namespace qmd::bench
