#include "service/commands/status/guest_records.h"

#include <sstream>

#include "config/config_error.h"
#include "config/formats/options.h"
#include "config/propstring.h"
#include "service/commands/common.h"

namespace qmd::service {

namespace {
std::string main_value(const projections::VmState& s, const std::string& key) { return config::value_of(s.conf.main, key); }
}  // namespace

std::vector<startup::GuestRecord> node_guest_records(App& app, runtime::Runtime& rt) {
  std::vector<startup::GuestRecord> out;
  for (const projections::VmState& s : app.model().list(app.env().node)) {
    startup::GuestRecord g;
    g.vmid = static_cast<int>(s.vmid);
    g.onboot = config::parse_boolean(main_value(s, "onboot")) == "1";
    g.startup = main_value(s, "startup");
    g.lock = s.lock();
    g.is_template = config::parse_boolean(main_value(s, "template")) == "1";
    g.running = rt.status(s.vmid, false).status == "running";
    out.push_back(std::move(g));
  }
  return out;
}

std::optional<std::set<int>> vms_option(const Request& req) {
  const auto v = req.opt("vms");
  if (!v) return std::nullopt;
  std::set<int> out;
  std::stringstream ss(*v);
  // pve-vmid-list: separated by commas, semicolons or spaces.
  for (std::string item; std::getline(ss, item, ',');) {
    std::stringstream inner(item);
    for (std::string id; inner >> id;) {
      std::stringstream parts(id);
      for (std::string p; std::getline(parts, p, ';');)
        if (!p.empty()) out.insert(static_cast<int>(parse_vmid(p, "vms")));
    }
  }
  return out;
}

bool has_explicit_up(const startup::GuestRecord& g) {
  if (g.startup.empty() || g.startup == "0") return false;
  try {
    const auto s = config::parse_startup(g.startup);
    return s.up.has_value() && *s.up > 0;
  } catch (const config::ConfigError&) {
    return false;
  }
}

}  // namespace qmd::service
