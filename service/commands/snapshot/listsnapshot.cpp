#include "service/commands/snapshot/listsnapshot.h"

#include "service/commands/common.h"
#include "service/snapshots/tree.h"

namespace qmd::service {

Reply run_listsnapshot(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const projections::VmState s = load_existing(app, vmid);
  const auto list = snapshots::snapshot_list(s.conf);
  if (req.output_format == "text") return Reply::ok(snapshots::snapshot_tree(list, snapshots::local_time));

  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : list) {
    nlohmann::json j = {{"name", e.name}, {"description", e.description}};
    if (e.snaptime) {
      j["snaptime"] = *e.snaptime;
      j["vmstate"] = e.vmstate ? 1 : 0;
    } else {
      j["digest"] = digest_of(s);
      j["running"] = (s.status == "running" || s.status == "paused") ? 1 : 0;
    }
    if (!e.parent.empty()) j["parent"] = e.parent;
    if (!e.snapstate.empty()) j["snapstate"] = e.snapstate;
    arr.push_back(std::move(j));
  }
  return Reply::ok(render_json(req, arr));
}

}  // namespace qmd::service
