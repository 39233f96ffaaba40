// The OperationLog of qmd: every entry of a snapshot operation becomes one
// event on the VM's stream, committed through App::commit (so the .conf file
// follows), with the config change as its delta:
//   kStarted   -> vm.operation.started   {op, op_id, detail, delta}   (sets lock:)
//   kStep      -> vm.operation.step      {op_id, step, detail, delta}
//   kCompleted -> vm.operation.completed {op_id, detail, delta}       (clears lock:)
//   kFailed    -> vm.operation.failed    {op_id, error, delta}
// A process killed between two entries leaves the VM locked with the last
// step on record (`qm locks`).
#pragma once

#include <cstdint>
#include <string>

#include "service/app.h"
#include "service/request.h"
#include "service/snapshots/operation_log.h"

namespace qmd::service::snapshots {

class AppLog : public OperationLog {
 public:
  AppLog(App& app, const Request& req, int64_t vmid) : app_(app), req_(req), vmid_(vmid) {}

  // The VM's current config; throws CommandError when the VM does not exist.
  config::ConfigFile load() override;
  // Commits against the stream version of the last load()/record(); throws
  // events::ConflictError when another writer got in between.
  void record(const Entry& entry, const config::ConfigFile& before, const config::ConfigFile& after) override;

 private:
  App& app_;
  const Request& req_;
  int64_t vmid_;
  int64_t version_ = 0;
  std::string op_id_;
};

}  // namespace qmd::service::snapshots
