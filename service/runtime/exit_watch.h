// ExitWatch: learns on a libuv loop when a process ends — for QEMU processes
// qmd spawned (its children: the exit status is known) and for those it
// re-adopted after a restart (not its children: only the fact of death).
//
// Uses a pidfd polled on the loop; where pidfds are unavailable, checks the
// pid every 250 ms. Loop thread only. The callback runs at most once, never
// from inside the constructor, and never after the watch was destroyed.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <functional>
#include <string>

namespace qmd::service::runtime {

struct ExitInfo {
  bool status_known = false;   // false for a process that was not our child
  int exit_code = 0;           // when it exited normally
  int signal = 0;              // when killed by a signal (0 otherwise)
};

class ExitWatch {
 public:
  // own_child: pid is a child of this process, to be reaped here (waitpid).
  ExitWatch(uv_loop_t* loop, pid_t pid, bool own_child, std::function<void(ExitInfo)> on_exit);
  ~ExitWatch();
  ExitWatch(const ExitWatch&) = delete;
  ExitWatch& operator=(const ExitWatch&) = delete;

  struct Core;

 private:
  Core* core_;
};

// Decodes a waitpid status.
ExitInfo exit_info_from_wait_status(int status);

}  // namespace qmd::service::runtime
