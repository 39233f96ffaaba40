#include "service/vm_flock.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>

#include "service/request.h"

namespace qmd::service {

namespace {

// The lock files this thread holds, with how many VmFlocks hold each.
thread_local std::map<std::string, int> held_here;

void on_alarm(int) {}  // only there to interrupt flock()

std::runtime_error lock_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

timespec to_timespec(std::chrono::nanoseconds d) {
  return {static_cast<time_t>(d.count() / 1000000000), static_cast<long>(d.count() % 1000000000)};
}

// A blocking flock() interrupted by SIGALRM from a timer aimed at this thread,
// every `tick` until the deadline (a periodic timer: a signal that lands
// between the deadline check and the next flock() call cannot leave it
// blocked for good). Returns false at the deadline.
bool wait_for_flock(int fd, int op, std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + timeout;
  const auto tick = std::min<std::chrono::nanoseconds>(timeout, std::chrono::milliseconds(100));

  // The handler is installed once for the process and stays: restoring the
  // old disposition while another thread still waits would let its next
  // SIGALRM kill the process. qmd uses SIGALRM for nothing else.
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction sa {};
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: flock() must return EINTR
    ::sigaction(SIGALRM, &sa, nullptr);
  });
  sigset_t alrm, old_mask;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  ::pthread_sigmask(SIG_UNBLOCK, &alrm, &old_mask);

  sigevent sev{};
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGALRM;
  sev._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
  timer_t timer{};
  const bool have_timer = ::timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0;
  if (have_timer) {
    itimerspec its{};
    its.it_value = to_timespec(tick);
    its.it_interval = to_timespec(tick);
    ::timer_settime(timer, 0, &its, nullptr);
  }

  bool locked = false;
  int saved_errno = 0;
  for (;;) {
    if (::flock(fd, have_timer ? op : op | LOCK_NB) == 0) {
      locked = true;
      break;
    }
    if (errno != EINTR && errno != EWOULDBLOCK) {
      saved_errno = errno;
      break;
    }
    if (clock::now() >= deadline) break;
    if (!have_timer) ::usleep(10000);  // no timer (should not happen): poll
  }
  if (have_timer) ::timer_delete(timer);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved_errno;
  if (saved_errno != 0) throw std::runtime_error("flock failed: " + std::string(std::strerror(saved_errno)));
  return locked;
}

}  // namespace

std::string vm_lock_path(const std::string& lock_dir, int64_t vmid) {
  return lock_dir + "/lock-" + std::to_string(vmid) + ".conf";
}

VmFlock VmFlock::acquire(const std::string& lock_dir, int64_t vmid, Mode mode,
                         std::chrono::milliseconds timeout) {
  const std::string path = vm_lock_path(lock_dir, vmid);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(lock_dir, ec);
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  }
  if (fd < 0) throw lock_error("can't open lock file", path);
  const int op = mode == Mode::Shared ? LOCK_SH : LOCK_EX;
  if (::flock(fd, op | LOCK_NB) == 0) return VmFlock(fd, path);
  if (errno != EWOULDBLOCK) {
    const auto e = lock_error("can't lock file", path);
    ::close(fd);
    throw e;
  }
  bool locked = false;
  try {
    locked = timeout.count() > 0 && wait_for_flock(fd, op, timeout);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (!locked) {
    ::close(fd);
    throw CommandError("can't lock file '" + path + "' - got timeout");
  }
  return VmFlock(fd, path);
}

VmFlock::VmFlock(int fd, std::string path) : fd_(fd), path_(std::move(path)) { ++held_here[path_]; }

VmFlock::VmFlock(VmFlock&& o) noexcept : fd_(o.fd_), path_(o.path_) { o.fd_ = -1; }

VmFlock::~VmFlock() {
  if (fd_ < 0) return;
  ::close(fd_);  // releases the flock
  if (--held_here[path_] <= 0) held_here.erase(path_);
}

bool VmFlock::held_by_this_thread(const std::string& lock_dir, int64_t vmid) {
  return held_here.count(vm_lock_path(lock_dir, vmid)) > 0;
}

}  // namespace qmd::service
