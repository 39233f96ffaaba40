// RuntimeBridge: the Runtime of qmd — request threads call it, it runs the
// operation on the loop (Supervisor) and blocks the caller until `done`.
#pragma once

#include <functional>
#include <map>
#include <mutex>

#include "service/daemon/loop_post.h"
#include "service/runtime/runtime.h"
#include "service/runtime/supervisor.h"

namespace qmd::service::daemon {

class RuntimeBridge : public runtime::Runtime {
 public:
  // Both must outlive every call (qmd keeps them until exit).
  RuntimeBridge(LoopPost& post, runtime::Supervisor& supervisor);

  // Any thread. Releases every blocked caller with "qmd is shutting down"; later calls fail at once.
  void fail_pending();

  runtime::OpResult start(runtime::StartParams p) override;
  runtime::OpResult stop(int64_t vmid, int timeout_s, const Request& req) override;
  runtime::OpResult shutdown(int64_t vmid, int timeout_s, bool force, const Request& req) override;
  runtime::OpResult reset(int64_t vmid, const Request& req) override;
  runtime::OpResult suspend(int64_t vmid, const Request& req) override;
  runtime::OpResult resume(int64_t vmid, const Request& req) override;
  runtime::OpResult wait(int64_t vmid, int timeout_s, int64_t* pid) override;
  runtime::LiveStatus status(int64_t vmid, bool verbose) override;
  runtime::OpResult set_balloon(int64_t vmid, int64_t bytes) override;
  runtime::QmpReply qmp(int64_t vmid, const std::string& command, const nlohmann::json& args, int timeout_ms) override;
  runtime::OpResult snapshot_hold(int64_t vmid, bool hold) override;
  runtime::OpResult save_state(int64_t vmid, const std::string& uri, int timeout_s) override;
  runtime::OpResult migrate(int64_t vmid, runtime::MigrateParams p, runtime::MigrateFigures* figures) override;
  std::vector<runtime::LiveStatus> statuses(const std::vector<int64_t>& vmids, bool full) override;
  runtime::OpResult delay(int64_t ms) override;

 private:
  using Op = std::function<void(runtime::Supervisor&, std::function<void(const runtime::OpResult&)>)>;
  runtime::OpResult call(Op op);

  LoopPost& post_;
  runtime::Supervisor& sup_;
  std::mutex mu_;
  bool closed_ = false;
  uint64_t next_ = 1;
  std::map<uint64_t, std::function<void()>> pending_;  // id -> releases that caller
};

}  // namespace qmd::service::daemon
