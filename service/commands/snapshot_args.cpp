#include "service/commands/snapshot_args.h"

#include <regex>

#include "service/commands/common.h"
#include "service/snapshots/app_log.h"
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
  const bool running = s.status == "running" || s.status == "paused";
  snapshots::AppLog log(app, req, vmid);
  snapshots::StorageBackend backend(app.storage(), running);
  snapshots::Console console;
  snapshots::Context ctx{vmid, log, backend, console};
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
