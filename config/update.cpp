#include "config/update.h"

#include <algorithm>
#include <set>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/formats/options.h"
#include "config/formats/validators.h"
#include "config/propstring.h"
#include "config/schema.h"

namespace qmd::config {
namespace {

bool truthy(const Section& s, const std::string& k) {
  auto it = s.find(k);
  return it != s.end() && !it->second.empty() && it->second != "0";
}

const std::string* find(const Section& s, const std::string& k) {
  auto it = s.find(k);
  return it == s.end() ? nullptr : &it->second;
}

std::vector<PendingDelete> pending_deletes(const ConfigFile& c) {
  const std::string* d = find(c.pending, "delete");
  return d ? parse_pending_delete(*d) : std::vector<PendingDelete>{};
}

void store_pending_deletes(ConfigFile& c, const std::vector<PendingDelete>& list) {
  std::string printed = print_pending_delete(list);
  if (printed.empty()) c.pending.erase("delete");
  else c.pending["delete"] = printed;
}

void add_to_pending_delete(ConfigFile& c, const std::string& key, bool force) {
  auto list = pending_deletes(c);
  std::erase_if(list, [&](const PendingDelete& d) { return d.key == key; });
  list.push_back({key, force});
  store_pending_deletes(c, list);
}

void remove_from_pending_delete(ConfigFile& c, const std::string& key) {
  auto list = pending_deletes(c);
  std::erase_if(list, [&](const PendingDelete& d) { return d.key == key; });
  store_pending_deletes(c, list);
}

bool is_volume_id(const std::string& file) {
  return file != "none" && file != "cdrom" && !file.starts_with('/') && file.find(':') != file.npos;
}

// PVE add_unused_volume: reuse an unusedN holding the volume, else the first free index.
void add_unused_volume(Section& main, const std::string& volid) {
  int free_index = -1;
  for (int i = 0; i < 256; ++i) {
    auto it = main.find("unused" + std::to_string(i));
    if (it == main.end()) {
      if (free_index < 0) free_index = i;
    } else if (it->second == volid) {
      return;
    }
  }
  if (free_index >= 0) main["unused" + std::to_string(free_index)] = volid;
}

// PVE vmconfig_register_unused_drive: cloud-init volumes are freed, CD-ROMs
// ignored, other volumes kept as unusedN (unless still used by `keep_if_used`).
void register_unused_drive(ConfigFile& c, const std::string& key, const std::string& value,
                           UpdateOutcome& out, const std::string* replacement = nullptr) {
  PropMap d;
  try {
    d = parse_drive(key, value);
  } catch (const ConfigError&) {
    return;
  }
  const std::string file = d.count("file") ? d["file"] : "";
  if (!is_volume_id(file)) return;
  if (drive_is_cloudinit(d)) {
    out.volumes_to_free.push_back(file);
    return;
  }
  if (drive_is_cdrom(d)) return;
  if (replacement) {
    try {
      PropMap n = parse_drive(key, *replacement);
      if (n.count("file") && n["file"] == file) return;  // same volume stays in use
    } catch (const ConfigError&) {
    }
  }
  add_unused_volume(c.main, file);
}

std::string drive_file(const std::string& key, const std::string& value) {
  try {
    PropMap d = parse_drive(key, value);
    return d.count("file") ? d["file"] : "";
  } catch (const ConfigError&) {
    return "";
  }
}

void check_protection(const ConfigFile& c, const std::string& what) {
  if (truthy(c.main, "protection")) throw ConfigError(what + " - protection mode enabled");
}

uint64_t memory_mib(const std::string& value) {
  try {
    PropMap m = parse_property_string(*find_option("memory")->propstring, value);
    if (auto it = m.find("current"); it != m.end()) return std::stoull(it->second);
  } catch (const std::exception&) {
  }
  return 512;
}

// Deleting a drive/other key from main as part of applying a pending delete.
void apply_delete(ConfigFile& c, const std::string& key, bool force, UpdateOutcome& out) {
  auto it = c.main.find(key);
  if (it == c.main.end()) return;
  if (is_drive_key(key)) {
    if (force) {
      std::string file = drive_file(key, it->second);
      if (is_volume_id(file)) {
        PropMap d = parse_drive(key, it->second);
        if (!drive_is_cdrom(d)) out.volumes_to_free.push_back(file);
      }
    } else {
      register_unused_drive(c, key, it->second, out);
    }
  }
  c.main.erase(key);
}

void apply_value(ConfigFile& c, const std::string& key, const std::string& value, UpdateOutcome& out) {
  if (is_drive_key(key)) {
    if (const std::string* old = find(c.main, key)) register_unused_drive(c, key, *old, out, &value);
  }
  c.main[key] = value;
}

bool hotpluggable(const ConfigFile& c, const std::string& key, const std::string* new_value,
                  const std::set<std::string>& hotplug) {
  if (is_net_key(key)) return hotplug.count("network");
  if (key.starts_with("scsi") || key.starts_with("virtio")) return is_drive_key(key) && hotplug.count("disk");
  if (key == "vcpus") return hotplug.count("cpu");
  if (key == "memory") return hotplug.count("memory");
  if (key.starts_with("usb") || key == "tablet") return hotplug.count("usb");
  if (key == "cpuunits" || key == "cpulimit") return true;
  if (key == "balloon") {
    // Adding/removing the balloon device is never hot-plugged.
    const std::string* cur = find(c.main, key);
    if (cur && *cur == "0") return false;
    return !(new_value && *new_value == "0");
  }
  return false;
}

void hotplug_pending(ConfigFile& c, UpdateOutcome& out) {
  std::set<std::string> hotplug;
  try {
    hotplug = parse_hotplug(c.main.count("hotplug") ? c.main.at("hotplug") : "network,disk,usb");
  } catch (const ConfigError&) {
  }
  std::vector<PendingDelete> keep;
  for (const auto& d : pending_deletes(c)) {
    if (is_fast_plug_key(d.key) || hotpluggable(c, d.key, nullptr, hotplug)) apply_delete(c, d.key, d.force, out);
    else keep.push_back(d);
  }
  store_pending_deletes(c, keep);
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.pending)
    if (k != "delete") keys.push_back(k);
  for (const auto& k : keys) {
    std::string v = c.pending.at(k);
    if (is_fast_plug_key(k) || hotpluggable(c, k, &v, hotplug)) {
      apply_value(c, k, v, out);
      c.pending.erase(k);
    }
  }
}

std::string param_error(const std::string& param, const std::string& msg) { return param + ": " + msg; }

}  // namespace

void cleanup_pending(ConfigFile& c) {
  for (auto it = c.pending.begin(); it != c.pending.end();) {
    const std::string* cur = find(c.main, it->first);
    if (it->first != "delete" && cur && *cur == it->second) it = c.pending.erase(it);
    else ++it;
  }
  auto list = pending_deletes(c);
  std::erase_if(list, [&](const PendingDelete& d) { return !c.main.count(d.key); });
  store_pending_deletes(c, list);
}

UpdateOutcome apply_pending_full(const ConfigFile& conf) {
  UpdateOutcome out{conf, {}, {}};
  ConfigFile& c = out.conf;
  for (const auto& d : pending_deletes(c)) apply_delete(c, d.key, d.force, out);
  c.pending.erase("delete");
  for (const auto& [k, v] : Section(c.pending)) apply_value(c, k, v, out);
  c.pending.clear();
  return out;
}

ConfigFile apply_pending(const ConfigFile& conf) { return apply_pending_full(conf).conf; }

Section effective_config(const ConfigFile& conf, bool current) {
  Section s = conf.main;
  if (current) return s;
  for (const auto& d : pending_deletes(conf)) s.erase(d.key);
  for (const auto& [k, v] : conf.pending)
    if (k != "delete") s[k] = v;
  return s;
}

UpdateOutcome apply_update(const ConfigFile& current, const UpdateRequest& req, bool vm_running) {
  if (req.set.empty() && req.del.empty() && req.revert.empty()) throw ConfigError("no options specified");

  // 1. validation before any change
  std::vector<std::pair<std::string, std::string>> set;
  std::set<std::string> set_keys, del_keys(req.del.begin(), req.del.end());
  for (auto [key, value] : req.set) {
    if (key == "cdrom") key = "ide2";
    if (!find_option(key))
      throw ConfigError(param_error(key, "property is not defined in schema and the schema does not allow additional properties"));
    try {
      value = check_value(key, value);
    } catch (const ConfigError& e) {
      throw ConfigError(param_error(key, e.what()));
    }
    set_keys.insert(key);
    set.emplace_back(key, value);
  }
  for (const auto& opt : req.del) {
    if (set_keys.count(opt))
      throw ConfigError(param_error("delete", "you can't use '-" + opt + "' and -delete " + opt + "' at the same time"));
    if (std::count(req.revert.begin(), req.revert.end(), opt))
      throw ConfigError(param_error("revert", "you can't use '-delete " + opt + "' and '-revert " + opt + "' at the same time"));
    if (!find_option(opt) && opt != "vmstate") throw ConfigError(param_error("delete", "unknown option '" + opt + "'"));
  }
  for (const auto& opt : req.revert) {
    if (set_keys.count(opt))
      throw ConfigError(param_error("revert", "you can't use '-" + opt + "' and '-revert " + opt + "' at the same time"));
    if (!find_option(opt)) throw ConfigError(param_error("revert", "unknown option '" + opt + "'"));
  }

  UpdateOutcome out{current, {}, {}};
  ConfigFile& c = out.conf;

  // 2. balloon <= memory (using pending memory if any)
  const std::string* new_mem = nullptr;
  const std::string* new_balloon = nullptr;
  for (const auto& [k, v] : set) {
    if (k == "memory") new_mem = &v;
    if (k == "balloon") new_balloon = &v;
  }
  if (new_mem || new_balloon) {
    const std::string* mem = new_mem ? new_mem : find(c.pending, "memory") ? find(c.pending, "memory") : find(c.main, "memory");
    uint64_t maxmem = mem ? memory_mib(*mem) : 512;
    const std::string* bal = new_balloon ? new_balloon : truthy(c.pending, "balloon") ? find(c.pending, "balloon") : find(c.main, "balloon");
    if (bal && !bal->empty() && *bal != "0" && std::stoull(*bal) > maxmem)
      throw ConfigError("balloon value too large (must be smaller than assigned memory)");
  }

  // 3. revert
  for (const auto& opt : req.revert) {
    c.pending.erase(opt);
    remove_from_pending_delete(c, opt);
  }

  // 4. delete
  for (const auto& opt : req.del) {
    if (!c.main.count(opt) && !c.pending.count(opt)) {
      out.warnings.push_back("cannot delete '" + opt + "' - not set in current configuration!");
      continue;
    }
    const Section eff_before = effective_config(c, false);
    if (auto boot = eff_before.find("boot"); boot != eff_before.end()) {
      std::vector<std::string> order;
      try {
        order = parse_boot_order(boot->second);
      } catch (const ConfigError&) {
      }
      if (std::find(order.begin(), order.end(), opt) != order.end()) {
        std::erase(order, opt);
        if (order.empty()) add_to_pending_delete(c, "boot", false);
        else c.pending["boot"] = print_boot_order(order);
      }
    }
    if (is_unused_key(opt)) {
      check_protection(c, "can't remove unused disk '" + (c.main.count(opt) ? c.main[opt] : c.pending[opt]) + "'");
      const std::string& vol = c.main.count(opt) ? c.main[opt] : c.pending[opt];
      out.volumes_to_free.push_back(vol);
      c.main.erase(opt);
      c.pending.erase(opt);
    } else if (opt == "vmstate") {
      if (const std::string* v = find(c.main, "vmstate")) out.volumes_to_free.push_back(*v);
      if (const std::string* lock = find(c.main, "lock"); lock && *lock == "suspended") {
        for (const char* k : {"lock", "runningmachine", "runningcpu", "running-nets-host-mtu"}) c.main.erase(k);
      }
      c.main.erase("vmstate");
      c.pending.erase("vmstate");
    } else if (is_drive_key(opt)) {
      check_protection(c, "can't remove drive '" + opt + "'");
      if (const std::string* p = find(c.pending, opt)) {
        std::string pv = *p;
        c.pending.erase(opt);
        register_unused_drive(c, opt, pv, out);
      }
      add_to_pending_delete(c, opt, req.force);
    } else if (opt == "tags") {
      c.main.erase(opt);
      c.pending.erase(opt);
    } else {
      c.pending.erase(opt);
      add_to_pending_delete(c, opt, req.force);
    }
  }

  // 5. add/change
  for (const auto& [opt, value] : set) {
    if (opt == "cipassword") {
      c.main[opt] = value;
      continue;
    }
    if (const std::string* p = find(c.pending, opt); p && *p == value) continue;
    if (is_drive_key(opt)) {
      if (const std::string* p = find(c.pending, opt)) {
        std::string old = *p;
        register_unused_drive(c, opt, old, out, &value);
      }
      PropMap d = parse_drive(opt, value, true);
      Section eff = effective_config(c, false);
      if (drive_is_cdrom(d) && eff.count("boot") && !eff.count(opt)) {
        try {
          auto order = parse_boot_order(eff.at("boot"));
          if (!order.empty() && std::find(order.begin(), order.end(), opt) == order.end()) {
            order.push_back(opt);
            c.pending["boot"] = print_boot_order(order);
          }
        } catch (const ConfigError&) {
        }
      }
    }
    if (opt == "boot") {
      std::vector<std::string> order = parse_boot_order(value);
      Section eff = effective_config(c, false);
      for (const auto& [k, v] : set) eff[k] = v;
      for (const auto& dev : order)
        if (!eff.count(dev)) throw ConfigError("invalid bootorder: device '" + dev + "' does not exist'");
      if (!order.empty() && (c.main.count("bootdisk") || c.pending.count("bootdisk")))
        add_to_pending_delete(c, "bootdisk", false);
    }
    c.pending[opt] = value;
    remove_from_pending_delete(c, opt);
  }

  // 6. cleanup; 7. apply
  cleanup_pending(c);
  if (c.pending.empty()) return out;
  if (!vm_running) {
    UpdateOutcome applied = apply_pending_full(c);
    out.conf = std::move(applied.conf);
    out.volumes_to_free.insert(out.volumes_to_free.end(), applied.volumes_to_free.begin(),
                               applied.volumes_to_free.end());
  } else {
    hotplug_pending(c, out);
    cleanup_pending(c);
  }
  return out;
}

}  // namespace qmd::config
