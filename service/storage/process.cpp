#include "service/storage/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <system_error>
#include <vector>

extern char** environ;

namespace qmd::storage {
namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

// argv0 as execve needs it: a name without '/' is looked up in PATH in the
// parent, so that the child between fork and exec only makes system calls.
std::string resolve_program(const std::string& argv0) {
  if (argv0.find('/') != std::string::npos) return argv0;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t from = 0;
  while (from <= dirs.size()) {
    size_t to = dirs.find(':', from);
    if (to == std::string::npos) to = dirs.size();
    const std::string dir = to == from ? "." : dirs.substr(from, to - from);
    const std::string candidate = dir + "/" + argv0;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    from = to + 1;
  }
  return argv0;  // execve fails with ENOENT, reported as for any other program
}

// What the child needs between clone and exec; lives on the parent's stack,
// which the child shares (CLONE_VM) while the parent is suspended (CLONE_VFORK).
struct ChildArgs {
  const char* program;
  char* const* args;
  int out_fd, err_fd, status_fd;
  pid_t parent;
};

// The child's side: default signal dispositions and an empty mask (whatever
// the parent, e.g. a libuv loop ignoring SIGPIPE, has set up), stdin on
// /dev/null, and death with its parent — a copy whose caller was killed (qm or
// qmd under kill -9) must not write on into a volume that crash recovery is
// about to remove. Only system calls: the child shares the parent's memory.
// Writes errno to status_fd and exits 127 when exec fails.
[[noreturn]] int exec_child(void* p) {
  const ChildArgs& a = *static_cast<const ChildArgs*>(p);
  const char* program = a.program;
  char* const* args = a.args;
  const int out_fd = a.out_fd, err_fd = a.err_fd, status_fd = a.status_fd;
  const pid_t parent = a.parent;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  const int in = ::open("/dev/null", O_RDONLY);
  if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
    const int e = errno;
    (void)!::write(status_fd, &e, sizeof e);
    ::_exit(127);
  }
  ::execve(program, args, environ);
  const int e = errno;
  (void)!::write(status_fd, &e, sizeof e);
  ::_exit(127);
}

// Reads both pipes until both reach EOF.
void drain(Pipe& out, Pipe& err, ProcessResult& r,
           const std::function<void(std::string_view)>& on_stdout) {
  pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
  char buf[65536];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        continue;
      }
      const std::string_view chunk(buf, static_cast<size_t>(n));
      if (i == 1) r.err.append(chunk);
      else if (on_stdout) on_stdout(chunk);
      else r.out.append(chunk);
    }
  }
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::function<void(std::string_view)>& on_stdout) {
  Pipe out, err, exec_status;

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string program = resolve_program(argv[0]);

  // clone(CLONE_VM | CLONE_VFORK) as posix_spawn does, rather than fork: a
  // fork copies the page tables of a process that maps a large binary (a few
  // ms per child in qm), and posix_spawn cannot set PR_SET_PDEATHSIG. The
  // child runs on its own stack with every signal blocked until it has reset
  // the handlers, so no handler of the parent ever runs in the shared memory.
  ChildArgs child{program.c_str(), args.data(), out.fd[1], err.fd[1], exec_status.fd[1], ::getpid()};
  std::vector<char> stack(64 * 1024);
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);
  const pid_t pid = ::clone(exec_child, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
  const int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) throw std::system_error(clone_errno, std::generic_category(), "unable to run '" + argv[0] + "'");
  // The status pipe is close-on-exec: EOF means exec succeeded, an int is its errno.
  exec_status.close_end(1);
  int exec_errno = 0;
  ssize_t got = 0;
  do {
    got = ::read(exec_status.fd[0], &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    int ignored = 0;
    while (waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {}
    throw std::system_error(exec_errno, std::generic_category(), "unable to run '" + argv[0] + "'");
  }
  out.close_end(1);
  err.close_end(1);

  ProcessResult r;
  try {
    drain(out, err, r, on_stdout);
  } catch (...) {
    // A throwing callback must not leave a zombie or an orphan writing on.
    ::kill(pid, SIGKILL);
    int ignored = 0;
    while (waitpid(pid, &ignored, 0) < 0 && errno == EINTR) {}
    throw;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r;
}

std::string command_text(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    if (a.empty() || a.find_first_of(" \t'\"") != std::string::npos) s += "'" + a + "'";
    else s += a;
  }
  return s;
}

}  // namespace qmd::storage
