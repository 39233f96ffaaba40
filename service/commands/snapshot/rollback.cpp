// qm rollback: a long operation (op "rollback", lock: rollback) — started
// after every check passed (a running VM is stopped first), one step per
// volume rolled back, completed with the snapshot's config as the new current
// config. A snapshot with saved RAM then resumes from it; --start starts a
// snapshot without. Starting needs qmd: --start without it is refused first.
#include "service/commands/snapshot/rollback.h"

#include "service/commands/common.h"
#include "service/commands/snapshot/snapshot_args.h"
#include "service/generators.h"
#include "service/runtime/verb_support.h"

namespace qmd::service {

Reply run_rollback(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string name = snapname_arg(req);
  const bool start = flag(req, "start");
  if (start) runtime::require_runtime(app);
  const std::string vmgenid = Generators::system().uuid();
  return run_snapshot_operation(
      app, req, vmid, [&](snapshots::Context& ctx) { snapshots::rollback_snapshot(ctx, name, vmgenid, start); });
}

}  // namespace qmd::service
