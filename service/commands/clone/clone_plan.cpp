#include "service/commands/clone/clone_plan.h"

#include <cstdio>

#include <fmt/format.h>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/formats/net.h"
#include "config/schema.h"
#include "service/commands/common.h"
#include "service/storage/features.h"
#include "service/storage/storage_error.h"
#include "service/storage/volume_id.h"

namespace qmd::service {

namespace {

// Keys a clone never copies (snapshot bookkeeping, runtime facts, the template flag).
bool excluded_key(const std::string& key) {
  static const char* const kExcluded[] = {"snapshots",  "parent",         "snaptime",
                                          "vmstate",    "snapstate",      "runningcpu",
                                          "runningmachine", "running-nets-host-mtu", "template",
                                          "lock"};
  for (const char* k : kExcluded)
    if (key == k) return true;
  return config::is_unused_key(key);
}

// Perl truthiness of an option value: absent, "" and "0" are false.
bool perl_true(const std::optional<std::string>& v) { return v && !v->empty() && *v != "0"; }

std::string checked(const std::string& key, const std::string& value) {
  try {
    return config::check_value(key, value);
  } catch (const config::ConfigError& e) {
    throw param_error(key, e.what());
  }
}

bool volume_supports(const std::string& volid, storage::Feature f, bool of_snapshot) {
  try {
    return storage::volume_has_feature(storage::parse_volume_id(volid), f, of_snapshot);
  } catch (const storage::StorageError&) {
    return false;  // a host path or foreign id: no storage features
  }
}

// Proxmox's check_storage_access_clone: is every drive (CD-ROMs included) on shared storage?
bool all_drives_shared(const config::Section& conf, const storage::StorageConfig& storages) {
  for (const auto& [key, value] : conf) {
    if (!config::is_drive_key(key)) continue;
    config::PropMap d;
    try {
      d = config::parse_drive(key, value);
    } catch (const config::ConfigError&) {
      return false;
    }
    const std::string file = d.count("file") ? d.at("file") : "";
    if (file.empty() || file == "none") continue;
    if (file == "cdrom") return false;
    try {
      const auto* s = storages.find(storage::parse_volume_id(file).storage);
      if (s == nullptr || !s->shared) return false;
    } catch (const storage::StorageError&) {
      return false;
    }
  }
  return true;
}

std::string new_smbios1(const std::string& old, const Generators& gen) {
  config::PropMap m;
  const auto* def = config::find_option("smbios1");
  try {
    if (!old.empty()) m = config::parse_property_string(*def->propstring, old);
  } catch (const config::ConfigError&) {
    m.clear();  // unparsable: Proxmox keeps only the new uuid
  }
  m["uuid"] = gen.uuid();
  return config::print_property_string(m, *def->propstring);
}

}  // namespace

CloneParams parse_clone_params(const Request& req, const std::string& local_node) {
  CloneParams p;
  p.vmid = parse_vmid(req.args.at(0));
  p.newid = parse_vmid(req.args.at(1), "newid");
  if (auto n = req.opt("name")) p.name = checked("name", *n);
  if (auto d = req.opt("description")) p.description = checked("description", *d);
  if (req.has("full")) p.full = flag(req, "full");
  p.snapname = req.opt("snapname");
  p.storage = req.opt("storage");
  if (auto f = req.opt("format")) {
    if (*f != "raw" && *f != "qcow2" && *f != "vmdk")
      throw param_error("format", "value '" + *f + "' does not have a value in the enumeration 'raw, qcow2, vmdk'");
    p.format = *f;
  }
  if (auto t = req.opt("target"); t && *t != local_node && *t != "localhost") p.target = *t;
  return p;
}

void check_clone_storage(const CloneParams& p, const storage::StorageConfig& storages) {
  if (!p.storage) return;
  try {
    const auto& s = storages.usable(*p.storage);
    if (p.target && !s.shared) throw CommandError("can't clone to non-shared storage '" + *p.storage + "'");
  } catch (const storage::StorageError& e) {
    throw CommandError(e.what());
  }
}

ClonePlan plan_clone(const projections::VmState& source, const CloneParams& p, bool target_exists,
                     const storage::StorageConfig& storages, const Generators& gen) {
  check_lock(source, false);
  if (source.status == "running" || source.status == "paused")
    throw CommandError("cloning a running VM needs the qmd service, which is not available yet");
  const config::Section* old = &source.conf.main;
  if (p.snapname) {
    auto it = source.conf.snapshots.find(*p.snapname);
    if (it == source.conf.snapshots.end()) throw CommandError("snapshot '" + *p.snapname + "' does not exist");
    old = &it->second;
  }
  const auto tmpl = source.conf.main.find("template");
  const bool is_template = tmpl != source.conf.main.end() && tmpl->second == "1";
  ClonePlan plan;
  plan.full = p.full.value_or(!is_template);
  if (p.storage && !plan.full) throw CommandError("parameter 'storage' not allowed for linked clones");
  if (p.format && !plan.full) throw CommandError("parameter 'format' not allowed for linked clones");
  if (p.target && !all_drives_shared(*old, storages))
    throw CommandError("can't clone VM to node '" + *p.target + "' (VM uses local storage)");
  if (target_exists)
    throw vm_already_exists(p.newid);

  config::Section& conf = plan.conf.main;
  for (const auto& [key, value] : *old) {
    if (excluded_key(key)) continue;
    if (config::is_net_key(key)) {
      config::PropMap net = config::parse_net(value);
      net["macaddr"] = gen.mac();
      conf[key] = config::print_net(net);
      continue;
    }
    if (!config::is_drive_key(key)) {
      conf[key] = value;
      continue;
    }
    config::PropMap drive;
    try {
      drive = config::parse_drive(key, value);
    } catch (const config::ConfigError&) {
      throw CommandError("unable to parse drive options for '" + key + "'");
    }
    const bool cloudinit = config::drive_is_cloudinit(drive);
    if (config::drive_is_cdrom(drive) && !cloudinit) {
      conf[key] = value;  // CD-ROMs are copied verbatim
      continue;
    }
    const std::string volid = drive.count("file") ? drive.at("file") : "";
    const bool full = plan.full || cloudinit || key == "tpmstate0";
    if (full) {
      if (!volume_supports(volid, storage::Feature::Copy, p.snapname.has_value()))
        throw CommandError("Full clone feature is not supported for drive '" + key + "'");
    } else if (!volume_supports(volid, storage::Feature::Clone, p.snapname.has_value())) {
      throw CommandError("Linked clone feature is not supported for '" + volid + "' (" + key + ")");
    }
    plan.disks.push_back({key, drive, volid, full});
  }
  if (!p.snapname) {
    for (const auto& [key, _] : source.conf.pending) plan.pending_keys.push_back(key);
  }

  conf["smbios1"] = new_smbios1(conf.count("smbios1") ? conf.at("smbios1") : "", gen);
  if (perl_true(conf.count("vmgenid") ? std::optional<std::string>(conf.at("vmgenid")) : std::nullopt))
    conf["vmgenid"] = gen.uuid();
  if (perl_true(p.name)) {
    conf["name"] = *p.name;
  } else {
    conf["name"] = "Copy-of-VM-" + (old->count("name") ? old->at("name") : std::to_string(p.vmid));
  }
  if (perl_true(p.description)) conf["description"] = *p.description;
  conf["lock"] = "clone";
  return plan;
}

std::string cloned_drive_value(const config::PropMap& drive, const std::string& new_volid,
                               std::optional<uint64_t> size_bytes) {
  config::PropMap d = drive;
  d.erase("format");
  d["file"] = new_volid;
  if (size_bytes) d["size"] = std::to_string(*size_bytes);
  return config::print_drive(d);
}

std::string render_bytes(uint64_t value, int precision) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int unit = 0;
  double v = static_cast<double>(value);
  while (unit < 5 && v >= 1024.0) {
    v /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.{}f} {}", v, precision, kUnits[unit]);
}

std::string transfer_line(uint64_t total_bytes, double percent) {
  const auto transferred = static_cast<uint64_t>(static_cast<double>(total_bytes) * percent / 100.0);
  return fmt::format("transferred {} of {} ({:.2f}%)", render_bytes(transferred, 1), render_bytes(total_bytes, 1),
                     percent);
}

}  // namespace qmd::service
