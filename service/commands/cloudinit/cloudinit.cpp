#include "service/commands/cloudinit/cloudinit.h"

#include "config/cloudinit/documents.h"
#include "config/cloudinit/pending.h"
#include "config/config_error.h"
#include "service/commands/cloudinit/seed_image.h"
#include "service/commands/common.h"

namespace qmd::service {

Reply run_cloudinit_dump(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const std::string& type = req.args.at(1);
  if (type != "user" && type != "network" && type != "meta")
    throw param_error("type", "value '" + type + "' does not have a value in the enumeration 'user, network, meta'");
  const auto s = load_existing(app, vmid);
  try {
    const auto dns = config::cloudinit::dns_of(s.conf.main, host_dns());
    return Reply::ok(config::cloudinit::dump(s.conf.main, vmid, type, dns) + "\n");
  } catch (const config::ConfigError& e) {
    throw CommandError(e.what());
  }
}

Reply run_cloudinit_pending(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const auto rows = config::cloudinit::seed_pending(load_existing(app, vmid).conf);
  if (req.output_format != "text") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json o = {{"key", r.key}};
      if (r.value) o["value"] = *r.value;
      if (r.pending) o["pending"] = *r.pending;
      if (r.del) o["delete"] = 1;
      j.push_back(o);
    }
    return Reply::ok(render_json(req, j));
  }
  return Reply::ok(config::cloudinit::format_seed_pending(rows));
}

Reply run_cloudinit_update(App& app, const Request& req) {
  const int64_t vmid = parse_vmid(req.args.at(0));
  const auto s = load_existing(app, vmid);
  check_lock(s, false);
  if (cloudinit_volumes(s.conf.main, vmid).empty()) return Reply::ok();
  if (s.status == "running")
    throw CommandError("VM " + std::to_string(vmid) + " is running: its cloud-init seed is regenerated at its next start");
  write_seed(app, s.conf.main, vmid, false);
  record_seed_generated(app, req, vmid);
  return Reply::ok("generating cloud-init ISO\n");
}

}  // namespace qmd::service
