// qm delsnapshot: a long operation (op "snapshot-delete", lock:
// snapshot-delete) — started with the section in state delete, one step per
// volume whose snapshot is gone (the drive leaves the section at once, so an
// interrupted delete leaves a partial section), completed when the section is
// removed and the parents re-linked.
#include "service/commands/snapshot/delsnapshot.h"

#include "service/commands/common.h"
#include "service/commands/snapshot/snapshot_args.h"

namespace qmd::service {

Reply run_delsnapshot(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string name = snapname_arg(req);
  const bool force = flag(req, "force");
  return run_snapshot_operation(app, req, vmid,
                                [&](snapshots::Context& ctx) { snapshots::delete_snapshot(ctx, name, force); });
}

}  // namespace qmd::service
