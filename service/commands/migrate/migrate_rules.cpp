#include "service/commands/migrate/migrate_rules.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "config/node_name.h"
#include "service/commands/common.h"
#include "service/commands/vm_volumes.h"
#include "service/storage/volume_id.h"

namespace qmd::service {

namespace {
bool numbered(const std::string& key, const std::string& prefix) {
  return key.size() > prefix.size() && key.starts_with(prefix) &&
         std::all_of(key.begin() + static_cast<long>(prefix.size()), key.end(), ::isdigit);
}

}  // namespace

MigrateParams parse_migrate_params(const Request& req, const std::string& local_node) {
  MigrateParams p;
  p.vmid = parse_vmid(req.args.at(0));
  p.target = req.args.at(1);
  if (!config::is_valid_node_name(p.target))
    throw param_error("target", "invalid format - " + std::string(config::kInvalidNodeName));
  if (p.target == local_node) throw param_error("target", "target is local node.");
  if (req.has("targetstorage")) throw param_error("targetstorage", "storage mapping is not supported by qmd");
  p.online = flag(req, "online");
  p.force = flag(req, "force");
  p.with_local_disks = flag(req, "with-local-disks");
  p.bwlimit_kib = int_option(req, "bwlimit", 0, 0);
  return p;
}

std::vector<std::string> local_devices(const config::ConfigFile& conf) {
  std::vector<std::string> out;
  for (const auto& [key, value] : conf.main) {
    const bool local = (numbered(key, "usb") && value.find("spice") == std::string::npos) ||
                       numbered(key, "hostpci") || (numbered(key, "serial") && value != "socket") ||
                       numbered(key, "parallel") || numbered(key, "virtiofs") || key == "ivshmem";
    if (local) out.push_back(key);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    // usb0 < usb2 < usb10: by prefix, then by number
    auto split = [](const std::string& k) {
      const auto d = k.find_first_of("0123456789");
      return std::make_pair(k.substr(0, d), d == std::string::npos ? -1 : std::stoi(k.substr(d)));
    };
    return split(a) < split(b);
  });
  return out;
}

MigratePlan plan_migrate(const projections::VmState& s, const MigrateParams& p, bool running,
                         const storage::StorageConfig& source, const storage::StorageConfig& target) {
  MigratePlan plan;
  check_lock(s, false);
  plan.online = p.online;
  if (running && !p.online) throw CommandError("can't migrate running VM without --online");
  if (!running && p.online) {
    plan.warnings += "VM isn't running. Doing offline migration instead.\n";
    plan.online = false;
  }
  const auto devices = local_devices(s.conf);
  if (!devices.empty() && (plan.online || !p.force)) {
    std::string list;
    for (const auto& d : devices) list += (list.empty() ? "" : ", ") + d;
    throw CommandError("can't migrate VM which uses local devices: " + list);
  }
  std::set<std::string> checked;
  bool local_disks = false;
  for (const auto& volid : referenced_volumes(s.conf)) {
    storage::VolumeId v;
    try {
      v = storage::parse_volume_id(volid);
    } catch (const std::exception&) {
      continue;  // not a storage volume (e.g. a host path)
    }
    if (checked.insert(v.storage).second && target.find(v.storage) == nullptr)
      throw CommandError("storage '" + v.storage + "' is not available on node '" + p.target + "'");
    const storage::StorageEntry* e = source.find(v.storage);
    if (e != nullptr && e->shared) continue;
    if (v.type != storage::VolumeType::Images) continue;  // ISO images: each node has its own
    local_disks = true;
    if (!plan.online) plan.copy.push_back(volid);
  }
  if (plan.online && local_disks) {
    if (!p.with_local_disks) throw CommandError("can't live migrate attached local disks without with-local-disks option");
    throw CommandError("live migration of local disks is not supported by qmd");
  }
  return plan;
}

}  // namespace qmd::service
