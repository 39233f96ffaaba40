// LoopPost: hands work from any thread to a libuv loop's thread.
//
// Contract: post() may be called from any thread, any number of times; every
// posted function runs exactly once on the loop's thread, inside uv_run(), in
// the order posted — unless close() came first, after which posted functions
// are dropped (destroyed without running). The object must be created and
// closed on the loop's thread; the loop must run once more after close() so
// the async handle is released.
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <mutex>

namespace qmd::service::daemon {

class LoopPost {
 public:
  explicit LoopPost(uv_loop_t* loop);
  ~LoopPost();
  LoopPost(const LoopPost&) = delete;
  LoopPost& operator=(const LoopPost&) = delete;

  // Thread-safe. Returns false (and drops fn) once closed.
  bool post(std::function<void()> fn);
  // Loop thread only. Drops what is still queued. Idempotent.
  void close();

  struct State;

 private:
  State* state_;  // never freed: other threads may still post after close()
};

}  // namespace qmd::service::daemon
