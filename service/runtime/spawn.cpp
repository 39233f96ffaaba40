#include "service/runtime/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace qmd::service::runtime {

namespace {

// Only async-signal-safe calls between fork and exec (qmd has threads).
[[noreturn]] void child(const std::vector<char*>& args, int log_fd, int err_pipe) {
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) ::sigaction(s, &dfl, nullptr);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  ::dup2(log_fd, 1);
  ::dup2(log_fd, 2);
  // Everything above 2 goes, except the exec-error pipe (close-on-exec).
  const bool below = err_pipe == 3 || ::syscall(SYS_close_range, 3u, static_cast<unsigned>(err_pipe - 1), 0u) == 0;
  const bool above = ::syscall(SYS_close_range, static_cast<unsigned>(err_pipe + 1), ~0u, 0u) == 0;
  if (!below || !above) {
    for (int fd = 3; fd < 4096; ++fd)
      if (fd != err_pipe) ::close(fd);
  }
  ::execvp(args[0], args.data());
  const int e = errno;
  [[maybe_unused]] ssize_t w = ::write(err_pipe, &e, sizeof e);
  ::_exit(127);
}

}  // namespace

pid_t spawn_detached(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) throw std::runtime_error("spawn: empty command line");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path + ": " + std::strerror(errno));
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    const int e = errno;
    ::close(log_fd);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(e));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(log_fd), ::close(p[0]), ::close(p[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) child(args, log_fd, p[1]);
  ::close(log_fd);
  ::close(p[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(p[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(p[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int st;
    ::waitpid(pid, &st, 0);
    throw std::runtime_error("cannot execute " + argv[0] + ": " + std::strerror(child_errno));
  }
  return pid;
}

}  // namespace qmd::service::runtime
