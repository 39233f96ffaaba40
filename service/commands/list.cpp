// qm list [--full]: the spec §6.13 table, rows sorted by VMID, nothing at all
// when there are no VMs. STATUS and PID are live: inside qmd from its
// supervisor (running/paused as tracked; --full asks each VM's QMP), without
// qmd from the pidfiles and processes (--full asks QMP directly) — never the
// status last recorded in the log, which a crash may have outdated.
#include <fmt/format.h>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/formats/options.h"
#include "config/formats/size.h"
#include "config/propstring.h"
#include "config/schema.h"
#include "config/update.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"
#include "service/runtime/offline_status.h"
#include "service/runtime/runtime.h"

namespace qmd::service {

namespace {

int64_t memory_mib(const config::Section& c) {
  auto it = c.find("memory");
  if (it == c.end()) return 512;
  try {
    auto m = config::parse_property_string(*config::find_option("memory")->propstring, it->second);
    return std::stoll(m.at("current"));
  } catch (const std::exception&) {
    return 512;
  }
}

// The boot disk: the first non-CD drive of `boot: order=`, else `bootdisk`.
std::string boot_disk(const config::Section& c) {
  if (auto it = c.find("boot"); it != c.end()) {
    try {
      const auto order = config::parse_boot_order(it->second);
      if (!order.empty()) {
        for (const auto& dev : order) {
          auto d = c.find(dev);
          if (config::is_drive_key(dev) && d != c.end() && !config::drive_is_cdrom(config::parse_drive(dev, d->second)))
            return dev;
        }
        return {};
      }
    } catch (const config::ConfigError&) {
    }
  }
  auto b = c.find("bootdisk");
  return b == c.end() ? std::string() : b->second;
}

uint64_t disk_size_bytes(const config::Section& c, const std::string& key) {
  auto it = c.find(key);
  if (key.empty() || it == c.end()) return 0;
  try {
    const auto m = config::parse_drive(key, it->second);
    auto s = m.find("size");
    return s == m.end() ? 0 : config::parse_size_bytes(s->second);
  } catch (const config::ConfigError&) {
    return 0;
  }
}

// The live status of each VM of the list, in its order.
std::vector<runtime::LiveStatus> live_statuses(const App& app, const std::vector<projections::VmState>& vms,
                                               bool full) {
  std::vector<int64_t> ids;
  for (const auto& s : vms) ids.push_back(s.vmid);
  if (runtime::Runtime* rt = app.runtime()) return rt->statuses(ids, full);
  std::vector<runtime::LiveStatus> out;
  for (int64_t vmid : ids) out.push_back(runtime::offline_status(app.env().run_dir(), vmid, full));
  return out;
}

}  // namespace

Reply run_list(App& app, const Request& req) {
  const auto vms = app.model().list(app.env().node);
  const auto live = live_statuses(app, vms, flag(req, "full"));
  nlohmann::json rows = nlohmann::json::array();
  std::string out;
  for (std::size_t i = 0; i < vms.size(); ++i) {
    const auto& s = vms[i];
    const std::string status = live[i].status == "running" ? live[i].qmpstatus : "stopped";
    const int64_t pid = live[i].pid;
    const config::Section c = config::effective_config(s.conf, true);
    const std::string name = c.count("name") ? c.at("name") : "VM " + std::to_string(s.vmid);
    const int64_t mem = memory_mib(c);
    const uint64_t disk = disk_size_bytes(c, boot_disk(c));
    rows.push_back({{"vmid", s.vmid}, {"name", name}, {"status", status}, {"maxmem", mem * 1024 * 1024},
                    {"maxdisk", disk}, {"pid", pid}, {"lock", s.lock()}});
    out += fmt::format("{:>10} {:<20} {:<10} {:<10} {:>12.2f} {:<10}\n", s.vmid, name, status, mem,
                       static_cast<double>(disk) / (1024.0 * 1024 * 1024), pid);
  }
  if (req.output_format != "text") return Reply::ok(render_json(req, rows));
  if (vms.empty()) return Reply::ok();
  return Reply::ok(fmt::format("{:>10} {:<20} {:<10} {:<10} {:>12} {:<10}\n", "VMID", "NAME", "STATUS", "MEM(MB)",
                               "BOOTDISK(GB)", "PID") +
                   out);
}

}  // namespace qmd::service
