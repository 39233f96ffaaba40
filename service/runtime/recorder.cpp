#include "service/runtime/recorder.h"

#include <spdlog/spdlog.h>

#include "service/support/conflict_retry.h"

namespace qmd::service::runtime {

Recorder::Recorder(const Environment& env) : app_(std::make_unique<App>(env)) {
  thread_ = std::thread([this] { loop(); });
}

Recorder::~Recorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Recorder::record(StatusChange change, Request req, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::move(change), std::move(req), std::move(done), {}});
  }
  cv_.notify_all();
}

void Recorder::run(std::function<void(App&)> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Item item;
    item.job = std::move(job);
    queue_.push_back(std::move(item));
  }
  cv_.notify_all();
}

void Recorder::loop() {
  for (;;) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    if (item.job) {
      try {
        item.job(*app_);
      } catch (const std::exception& e) {
        spdlog::error("database job failed: {}", e.what());
      }
    } else {
      commit(item);
    }
    if (item.done) item.done();
  }
}

void Recorder::commit(const Item& item) {
  const auto& c = item.change;
  try {
    retry_on_conflict([&] {
      const auto s = app_->model().load(c.vmid);
      if (!s.exists) {
        spdlog::warn("VM {}: not recording '{}' ({}): the VM no longer exists", c.vmid, c.status, c.cause);
        return;
      }
      if (s.node != app_->env().node) {
        // Each node records only its own VMs: the incoming side of a live
        // migration, and the source's QEMU quitting after the hand-over.
        spdlog::info("VM {}: not recording '{}' ({}): the VM belongs to node {}", c.vmid, c.status, c.cause, s.node);
        return;
      }
      app_->commit(c.vmid, s.version, {status_event(c)}, item.req);
    });
    spdlog::info("VM {}: {} (pid {}) - {}{}", c.vmid, c.status, c.pid, c.cause, c.detail.empty() ? "" : ": " + c.detail);
  } catch (const std::exception& e) {
    spdlog::error("VM {}: could not record status '{}' ({}): {}", c.vmid, c.status, c.cause, e.what());
  }
}

}  // namespace qmd::service::runtime
