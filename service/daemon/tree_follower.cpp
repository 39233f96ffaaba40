#include "service/daemon/tree_follower.h"

#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "service/app.h"

namespace qmd::service::daemon {

TreeFollower::TreeFollower(Environment env, int interval_ms)
    : thread_([this, env = std::move(env), interval_ms] { loop(env, interval_ms); }) {}

TreeFollower::~TreeFollower() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TreeFollower::loop(Environment env, int interval_ms) {
  std::unique_ptr<App> app;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (!app) app = std::make_unique<App>(env);
      app->sync_conf_files();
    } catch (const std::exception& e) {
      spdlog::warn("following the log into the .conf tree: {}", e.what());
      app.reset();
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [&] { return stopping_; });
  }
}

}  // namespace qmd::service::daemon
