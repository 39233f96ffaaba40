// qm config <vmid> [--current] [--snapshot NAME] [--at SEQ|TIME]
// `key: value` lines sorted by key (digest skipped, description encoded as in
// the file); pending values applied unless --current; --at shows the config as
// it was at that point of the log.
#include "config/pending_view.h"
#include "config/secrets.h"
#include "config/update.h"
#include "projections/replay.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace qmd::service {

Reply run_config(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  projections::VmState s;
  if (auto at = req.opt("at")) {
    s = projections::state_at(app.store(), app.model(), vmid, parse_point("at", *at));
    if (!s.exists) {
      throw CommandError("VM " + std::to_string(vmid) + " did not exist at " + *at);
    }
  } else {
    s = load_existing(app, vmid);
  }
  config::Section shown;
  if (auto snap = req.opt("snapshot")) {
    auto it = s.conf.snapshots.find(*snap);
    if (it == s.conf.snapshots.end()) throw CommandError("snapshot '" + *snap + "' does not exist");
    shown = it->second;
  } else {
    shown = config::effective_config(s.conf, flag(req, "current"));
  }
  config::hide_secrets(shown);  // as Proxmox's API: set, never shown
  if (req.output_format != "text") {
    nlohmann::json j = shown;
    j["digest"] = digest_of(s);
    return Reply::ok(render_json(req, j));
  }
  return Reply::ok(config::format_config(shown));
}

}  // namespace qmd::service
