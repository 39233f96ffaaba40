#include "service/commands/snapshot/snapshot_args.h"

#include <memory>
#include <optional>
#include <regex>

#include "service/commands/common.h"
#include "service/snapshots/app_log.h"
#include "service/commands/status/start.h"
#include "service/protocol/socket_path.h"
#include "service/runtime/runtime.h"
#include "service/snapshots/live_backend.h"
#include "service/snapshots/storage_backend.h"

namespace qmd::service {

std::string snapname_arg(const Request& req) {
  const std::string name = req.args.at(1);
  static const std::regex configid("^[a-zA-Z][a-zA-Z0-9_-]+$");
  if (name.size() > 40) throw param_error("snapname", "value may only be 40 characters long");
  if (!std::regex_match(name, configid))
    throw param_error("snapname", "invalid format - invalid configuration ID '" + name + "'");
  return name;
}

Reply run_snapshot_operation(App& app, const Request& req, int64_t vmid,
                             const std::function<void(snapshots::Context&)>& op) {
  const projections::VmState s = load_existing(app, vmid);
  snapshots::AppLog log(app, req, vmid);
  snapshots::Console console;
  std::unique_ptr<snapshots::Backend> backend;
  if (runtime::Runtime* rt = app.runtime()) {
    // After a rollback: the start verb's own code, from the saved state if any.
    auto start = [&app, &req, vmid, &console](const std::string& statefile, const std::string& machine,
                                              const std::string& cpu) {
      const SavedState state{statefile, machine, cpu};
      Reply r = start_vm(app, req, vmid, false, std::nullopt, statefile.empty() ? nullptr : &state);
      const std::string err = chomped(r.err);
      if (r.exit_code != 0) throw CommandError(err, r.exit_code);
      if (!err.empty()) console.warn(err);
    };
    backend = std::make_unique<snapshots::LiveBackend>(app.storage(), *rt, vmid, req, app.env().run_dir(), start);
  } else {
    const bool running = s.status == "running" || s.status == "paused";
    backend = std::make_unique<snapshots::StorageBackend>(
        app.storage(), running, runtime::qmd_not_running_message(protocol::socket_path(app.env().data_dir), app.env().data_dir));
  }
  snapshots::Context ctx{vmid, log, *backend, console};
  try {
    op(ctx);
  } catch (const CommandError& e) {
    return Reply{e.exit_code(), console.out, console.err + e.what() + "\n"};
  } catch (const std::exception& e) {
    return Reply{255, console.out, console.err + e.what() + "\n"};
  }
  return Reply{0, console.out, console.err};
}

}  // namespace qmd::service
