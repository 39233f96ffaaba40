#include "service/runtime/exit_watch.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace qmd::service::runtime {

struct ExitWatch::Core {
  pid_t pid;
  bool own_child;
  std::function<void(ExitInfo)> cb;
  int pidfd = -1;
  uv_poll_t* poll = nullptr;
  uv_timer_t* timer = nullptr;
  int open_handles = 0;
  bool done = false;

  void finish() {
    if (done) return;
    ExitInfo info;
    if (own_child) {
      int st = 0;
      pid_t r;
      do {
        r = ::waitpid(pid, &st, 0);
      } while (r < 0 && errno == EINTR);
      if (r == pid) info = exit_info_from_wait_status(st);
    }
    done = true;
    stop_handles();
    auto f = std::move(cb);
    if (f) f(info);  // may destroy the ExitWatch: Core survives until its handles closed
  }
  void stop_handles() {
    if (poll != nullptr) uv_poll_stop(poll);
    if (timer != nullptr) uv_timer_stop(timer);
  }
  void release() {
    cb = nullptr;
    done = true;
    auto close_cb = [](uv_handle_t* h) {
      auto* c = static_cast<Core*>(h->data);
      if (h->type == UV_POLL) delete reinterpret_cast<uv_poll_t*>(h);
      else delete reinterpret_cast<uv_timer_t*>(h);
      if (--c->open_handles == 0) delete c;
    };
    const bool none = open_handles == 0;
    if (poll != nullptr) uv_close(reinterpret_cast<uv_handle_t*>(poll), close_cb);
    if (timer != nullptr) uv_close(reinterpret_cast<uv_handle_t*>(timer), close_cb);
    if (none) delete this;
  }
  ~Core() {
    if (pidfd >= 0) ::close(pidfd);
  }
};

namespace {
bool gone(pid_t pid, bool own_child) {
  if (own_child) {
    siginfo_t si{};
    // WNOWAIT: leave the zombie for finish() to reap with its status.
    return ::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
  }
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* f = fopen(path, "re");
  if (f == nullptr) return true;
  char buf[512] = {0};
  const size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  std::string s(buf, n);
  const auto close = s.rfind(')');
  return close != std::string::npos && close + 2 < s.size() && (s[close + 2] == 'Z' || s[close + 2] == 'X');
}
}  // namespace

ExitInfo exit_info_from_wait_status(int st) {
  ExitInfo i;
  i.status_known = true;
  if (WIFEXITED(st)) i.exit_code = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) i.signal = WTERMSIG(st);
  return i;
}

ExitWatch::ExitWatch(uv_loop_t* loop, pid_t pid, bool own_child, std::function<void(ExitInfo)> on_exit)
    : core_(new Core{pid, own_child, std::move(on_exit)}) {
  core_->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  // The timer serves as the fallback poll, and as "deliver on the next iteration"
  // when the process is already gone.
  core_->timer = new uv_timer_t;
  uv_timer_init(loop, core_->timer);
  core_->timer->data = core_;
  ++core_->open_handles;
  if (core_->pidfd >= 0) {
    core_->poll = new uv_poll_t;
    uv_poll_init(loop, core_->poll, core_->pidfd);
    core_->poll->data = core_;
    ++core_->open_handles;
    uv_poll_start(core_->poll, UV_READABLE, [](uv_poll_t* p, int, int) { static_cast<Core*>(p->data)->finish(); });
    return;
  }
  const uint64_t period = errno == ESRCH ? 0 : 250;
  uv_timer_start(
      core_->timer,
      [](uv_timer_t* t) {
        auto* c = static_cast<Core*>(t->data);
        if (gone(c->pid, c->own_child)) c->finish();
      },
      period, 250);
}

ExitWatch::~ExitWatch() { core_->release(); }

}  // namespace qmd::service::runtime
