#include "service/daemon/loop_post.h"

#include <memory>

namespace qmd::service::daemon {

// Shared between the LoopPost, posting threads and the async handle. The
// handle lives in its own allocation, released by its close callback.
struct LoopPost::State {
  std::mutex mu;
  std::deque<std::function<void()>> queue;
  bool closed = false;
  uv_async_t* async = nullptr;
};

namespace {
void drain(uv_async_t* a) {
  auto* s = static_cast<LoopPost::State*>(a->data);
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard<std::mutex> lock(s->mu);
      if (s->closed || s->queue.empty()) return;
      fn = std::move(s->queue.front());
      s->queue.pop_front();
    }
    fn();
  }
}
}  // namespace

LoopPost::LoopPost(uv_loop_t* loop) : state_(new State) {
  state_->async = new uv_async_t;
  uv_async_init(loop, state_->async, drain);
  state_->async->data = state_;
}

// The State is intentionally leaked when threads may still post: it is a few
// bytes, and posting after close must stay safe for the life of the process.
LoopPost::~LoopPost() { close(); }

bool LoopPost::post(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->closed) return false;
  state_->queue.push_back(std::move(fn));
  uv_async_send(state_->async);  // under the lock: close() cannot release the handle meanwhile
  return true;
}

void LoopPost::close() {
  std::deque<std::function<void()>> dropped;
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->closed) return;
  state_->closed = true;
  dropped.swap(state_->queue);
  uv_close(reinterpret_cast<uv_handle_t*>(state_->async), [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
}

}  // namespace qmd::service::daemon
