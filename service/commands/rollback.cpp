// qm rollback: a long operation (op "rollback", lock: rollback) — started
// after every check passed, one step per volume rolled back, completed with
// the snapshot's config as the new current config. --start (and starting from
// a snapshot's saved RAM) is not supported yet.
#include "service/commands/rollback.h"

#include "service/commands/common.h"
#include "service/commands/snapshot_args.h"
#include "service/generators.h"

namespace qmd::service {

Reply run_rollback(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string name = snapname_arg(req);
  if (flag(req, "start")) throw CommandError("rollback --start is not supported yet");
  const std::string vmgenid = Generators::system().uuid();
  return run_snapshot_operation(app, req, vmid,
                                [&](snapshots::Context& ctx) { snapshots::rollback_snapshot(ctx, name, vmgenid); });
}

}  // namespace qmd::service
