#include "service/daemon/request_runner.h"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "service/dispatch.h"

namespace qmd::service::daemon {

namespace {
// Idle Apps kept for reuse; more are opened under load and closed afterwards,
// so that an idle qmd holds few SQLite page caches.
constexpr std::size_t kMaxIdleApps = 2;
}  // namespace

RequestRunner::RequestRunner(Environment env, LoopPost& post, runtime::Runtime& runtime)
    : env_(std::move(env)), post_(post), runtime_(runtime) {}

std::unique_ptr<App> RequestRunner::take_app() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_apps_.empty()) {
      auto app = std::move(idle_apps_.back());
      idle_apps_.pop_back();
      return app;
    }
  }
  return std::make_unique<App>(env_, &runtime_);
}

void RequestRunner::give_app(std::unique_ptr<App> app) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_apps_.size() < kMaxIdleApps) idle_apps_.push_back(std::move(app));
}

void RequestRunner::spawn(std::function<void()> body) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++running_;
  }
  std::thread([this, body = std::move(body)] {
    body();
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
    idle_cv_.notify_all();
  }).detach();
}

void RequestRunner::run(Request req, std::function<void(const Reply&)> done,
                        std::function<void(OutStream, const std::string&)> progress) {
  // Through the same queue as the reply, so from the request's thread
  // everything arrives in order; from the loop thread (a migration's
  // progress) it is queued too, never written in the middle of other work.
  // A client that went away only makes these writes vanish.
  if (req.progress && progress) {
    req.live = [&post = post_, progress = std::move(progress)](OutStream stream, const std::string& text) {
      post.post([progress, stream, text] { progress(stream, text); });
    };
  }
  spawn([this, req = std::move(req), done = std::move(done)]() mutable {
    const auto t0 = std::chrono::steady_clock::now();
    Reply reply;
    try {
      if (!needs_app(req)) {
        reply = dispatch(nullptr, req);
      } else {
        auto app = take_app();
        reply = dispatch(app.get(), req);
        give_app(std::move(app));
      }
    } catch (const std::exception& e) {
      reply = Reply::fail(e.what());
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    spdlog::info("{} by {}: {} → exit {} ({} ms)", req.verb, req.actor ? req.actor->user : "?",
                 req.command_line.empty() ? req.verb : req.command_line, reply.exit_code, ms);
    post_.post([done = std::move(done), reply]() { done(reply); });
  });
}

void RequestRunner::run_job(std::string name, std::function<void(App&)> job) {
  spawn([this, name = std::move(name), job = std::move(job)] {
    try {
      auto app = take_app();
      job(*app);
      give_app(std::move(app));
    } catch (const std::exception& e) {
      spdlog::error("{} failed: {}", name, e.what());
    }
  });
}

int RequestRunner::drain(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return running_ == 0; });
  idle_apps_.clear();
  return running_;
}

}  // namespace qmd::service::daemon
