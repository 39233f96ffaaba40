// qm snapshot: a long operation (op "snapshot", lock: snapshot) — started with
// the new section in state prepare, one step per storage snapshot taken,
// completed when committed. --vmstate only saves RAM of a running VM; on a
// stopped VM it is ignored, as in Proxmox.
#include "service/commands/snapshot/snapshot.h"

#include "service/commands/common.h"
#include "service/commands/snapshot/snapshot_args.h"
#include "service/generators.h"
#include "service/snapshots/rules.h"
#include "service/snapshots/snapshot_error.h"

namespace qmd::service {

Reply run_snapshot(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string name = snapname_arg(req);
  snapshots::CreateOptions o;
  o.name = name;
  o.vmstate = flag(req, "vmstate");
  o.description = req.opt("description").value_or("");
  try {
    snapshots::check_reserved_name(name);
  } catch (const snapshots::SnapshotError& e) {
    throw CommandError(e.what());
  }
  o.snaptime = Generators::system().now_s();
  return run_snapshot_operation(app, req, vmid, [&](snapshots::Context& ctx) { snapshots::create_snapshot(ctx, o); });
}

}  // namespace qmd::service
