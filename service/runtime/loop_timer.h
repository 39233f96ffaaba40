// LoopTimer: a one-shot libuv timer owned like a value — destroying or
// re-arming it cancels the pending callback. Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

namespace qmd::service::runtime {

class LoopTimer {
 public:
  explicit LoopTimer(uv_loop_t* loop);
  ~LoopTimer();
  LoopTimer(const LoopTimer&) = delete;
  LoopTimer& operator=(const LoopTimer&) = delete;

  // Calls fn once after ms milliseconds (replacing any armed callback). fn may destroy the timer.
  void start(uint64_t ms, std::function<void()> fn);
  void stop();
  bool armed() const;

 private:
  struct Core {
    uv_timer_t handle;
    std::function<void()> fn;
  };
  Core* core_;
};

}  // namespace qmd::service::runtime
