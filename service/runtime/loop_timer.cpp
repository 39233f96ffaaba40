#include "service/runtime/loop_timer.h"

namespace qmd::service::runtime {

LoopTimer::LoopTimer(uv_loop_t* loop) : core_(new Core) {
  uv_timer_init(loop, &core_->handle);
  core_->handle.data = core_;
}

LoopTimer::~LoopTimer() {
  core_->fn = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&core_->handle),
           [](uv_handle_t* h) { delete static_cast<Core*>(h->data); });
}

void LoopTimer::start(uint64_t ms, std::function<void()> fn) {
  core_->fn = std::move(fn);
  uv_timer_start(
      &core_->handle,
      [](uv_timer_t* t) {
        auto* c = static_cast<Core*>(t->data);
        auto f = std::move(c->fn);
        c->fn = nullptr;
        if (f) f();
      },
      ms, 0);
}

void LoopTimer::stop() {
  uv_timer_stop(&core_->handle);
  core_->fn = nullptr;
}

bool LoopTimer::armed() const { return uv_is_active(reinterpret_cast<const uv_handle_t*>(&core_->handle)) != 0; }

}  // namespace qmd::service::runtime
