#include "service/daemon/runtime_bridge.h"

#include <atomic>
#include <condition_variable>
#include <memory>

namespace qmd::service::daemon {

namespace {
const char* kShuttingDown = runtime::kShuttingDown;

// A result set once, from whichever side comes first.
struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool set = false;
  runtime::OpResult value;
  void put(const runtime::OpResult& v) {
    std::lock_guard<std::mutex> lock(mu);
    if (set) return;
    set = true;
    value = v;
    cv.notify_all();
  }
  runtime::OpResult get() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return set; });
    return value;
  }
};
}  // namespace

RuntimeBridge::RuntimeBridge(LoopPost& post, runtime::Supervisor& supervisor) : post_(post), sup_(supervisor) {}

void RuntimeBridge::fail_pending() {
  std::map<uint64_t, std::function<void()>> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    pending.swap(pending_);
  }
  for (auto& [id, release] : pending) release();
}

runtime::OpResult RuntimeBridge::call(Op op) {
  auto slot = std::make_shared<Slot>();
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return {kShuttingDown, {}};
    id = next_++;
    pending_[id] = [slot] { slot->put({kShuttingDown, {}}); };
  }
  runtime::Supervisor* sup = &sup_;
  if (!post_.post([sup, op = std::move(op), slot] { op(*sup, [slot](const runtime::OpResult& r) { slot->put(r); }); })) {
    slot->put({kShuttingDown, {}});
  }
  runtime::OpResult r = slot->get();
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(id);
  return r;
}

runtime::OpResult RuntimeBridge::start(runtime::StartParams p) {
  return call([p = std::move(p)](runtime::Supervisor& s, auto done) mutable { s.start(std::move(p), done); });
}
runtime::OpResult RuntimeBridge::stop(int64_t vmid, int timeout_s, const Request& req) {
  return call([=](runtime::Supervisor& s, auto done) { s.stop(vmid, timeout_s, req, done); });
}
runtime::OpResult RuntimeBridge::shutdown(int64_t vmid, int timeout_s, bool force, const Request& req) {
  return call([=](runtime::Supervisor& s, auto done) { s.shutdown(vmid, timeout_s, force, req, done); });
}
runtime::OpResult RuntimeBridge::reset(int64_t vmid, const Request& req) {
  return call([=](runtime::Supervisor& s, auto done) { s.reset(vmid, req, done); });
}
runtime::OpResult RuntimeBridge::suspend(int64_t vmid, const Request& req) {
  return call([=](runtime::Supervisor& s, auto done) { s.suspend(vmid, req, done); });
}
runtime::OpResult RuntimeBridge::resume(int64_t vmid, const Request& req) {
  return call([=](runtime::Supervisor& s, auto done) { s.resume(vmid, req, done); });
}
runtime::OpResult RuntimeBridge::wait(int64_t vmid, int timeout_s, int64_t* pid) {
  auto seen = std::make_shared<std::atomic<int64_t>>(0);
  auto r = call([=](runtime::Supervisor& s, auto done) {
    s.wait(vmid, timeout_s, [seen](int64_t p) { seen->store(p); }, done);
  });
  *pid = seen->load();
  return r;
}
runtime::OpResult RuntimeBridge::set_balloon(int64_t vmid, int64_t bytes) {
  return call([=](runtime::Supervisor& s, auto done) { s.set_balloon(vmid, bytes, done); });
}
runtime::OpResult RuntimeBridge::migrate(int64_t vmid, runtime::MigrateParams p, runtime::MigrateFigures* figures) {
  auto out = std::make_shared<runtime::MigrateFigures>();
  auto r = call([out, vmid, p = std::move(p)](runtime::Supervisor& s, auto done) mutable {
    s.migrate(vmid, std::move(p), [out, done](const runtime::OpResult& r, const runtime::MigrateFigures& f) {
      *out = f;
      done(r);
    });
  });
  *figures = *out;
  return r;
}

runtime::OpResult RuntimeBridge::delay(int64_t ms) {
  const uint64_t wait_ms = ms > 0 ? static_cast<uint64_t>(ms) : 0;
  return call([wait_ms](runtime::Supervisor& s, auto done) { s.delay(wait_ms, done); });
}
runtime::LiveStatus RuntimeBridge::status(int64_t vmid, bool verbose) {
  auto out = std::make_shared<runtime::LiveStatus>();
  auto r = call([=](runtime::Supervisor& s, auto done) {
    s.status(vmid, verbose, [out, done](const runtime::LiveStatus& st) {
      *out = st;
      done({});
    });
  });
  if (!r.error.empty()) throw std::runtime_error(r.error);
  return *out;
}

runtime::QmpReply RuntimeBridge::qmp(int64_t vmid, const std::string& command, const nlohmann::json& args,
                                     int timeout_ms) {
  auto out = std::make_shared<runtime::QmpReply>();
  auto r = call([=](runtime::Supervisor& s, auto done) {
    s.qmp(vmid, command, args, timeout_ms, [out, done](const runtime::QmpReply& q) {
      *out = q;
      done({q.error, {}});
    });
  });
  if (!r.error.empty()) return {r.error, {}};
  return *out;
}
runtime::OpResult RuntimeBridge::snapshot_hold(int64_t vmid, bool hold) {
  return call([=](runtime::Supervisor& s, auto done) { s.snapshot_hold(vmid, hold, done); });
}
runtime::OpResult RuntimeBridge::save_state(int64_t vmid, const std::string& uri, int timeout_s) {
  return call([=](runtime::Supervisor& s, auto done) { s.save_state(vmid, uri, timeout_s, done); });
}
std::vector<runtime::LiveStatus> RuntimeBridge::statuses(const std::vector<int64_t>& vmids, bool full) {
  auto out = std::make_shared<std::vector<runtime::LiveStatus>>();
  auto r = call([=](runtime::Supervisor& s, auto done) {
    s.statuses(vmids, full, [out, done](std::vector<runtime::LiveStatus> st) {
      *out = std::move(st);
      done({});
    });
  });
  if (!r.error.empty()) throw std::runtime_error(r.error);
  return *out;
}

}  // namespace qmd::service::daemon
