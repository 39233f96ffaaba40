#include "service/snapshots/rules.h"

#include <algorithm>
#include <set>

#include "service/snapshots/snapshot_error.h"
#include "service/snapshots/volumes.h"

namespace qmd::service::snapshots {

namespace {

using config::ConfigFile;
using config::Section;
using config::value_of;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}


// Perl truthiness of a config value: absent, "" and "0" are false.
bool truthy(const Section& s, const std::string& key) {
  const std::string v = value_of(s, key);
  return !v.empty() && v != "0";
}

bool is_unused(const std::string& k) {
  return k.starts_with("unused") && k.size() > 6 &&
         std::all_of(k.begin() + 6, k.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// __snapshot_copy_config: every key except the ones that describe the
// snapshot itself or must not travel with it.
void copy_config(const Section& source, Section& dest) {
  static const std::set<std::string> excluded = {"snapshots", "snapstate", "snaptime", "vmstate",
                                                 "lock",      "digest",    "description"};
  for (const auto& [k, v] : source)
    if (!excluded.count(k) && !is_unused(k)) dest[k] = v;
}

void relink_parent(Section& s, const std::string& deleted, const std::string& new_parent) {
  auto it = s.find("parent");
  if (it == s.end() || it->second.empty() || it->second != deleted) return;
  if (new_parent.empty()) s.erase(it);
  else it->second = new_parent;
}

}  // namespace

void check_reserved_name(const std::string& name) {
  if (name == "current") throw SnapshotError("unable to use snapshot name 'current' (reserved name)");
  if (lower(name) == "pending") throw SnapshotError("unable to use snapshot name 'pending' (reserved name)");
}

bool is_template(const ConfigFile& conf) { return value_of(conf.main, "template") == "1"; }

void check_unlocked(const ConfigFile& conf) {
  if (truthy(conf.main, "lock")) throw SnapshotError("VM is locked (" + value_of(conf.main, "lock") + ")");
}

const Section& find_snapshot(const ConfigFile& conf, const std::string& name) {
  auto it = conf.snapshots.find(name);
  if (it == conf.snapshots.end()) throw SnapshotError("snapshot '" + name + "' does not exist");
  return it->second;
}

// ---- create ----

void check_prepare(const ConfigFile& conf, const std::string& name, bool feature_available) {
  if (is_template(conf)) throw SnapshotError("you can't take a snapshot if it's a template");
  check_unlocked(conf);
  if (conf.snapshots.count(name)) throw SnapshotError("snapshot name '" + name + "' already used");
  if (!feature_available) throw SnapshotError("snapshot feature is not available");
}

Prepared prepare(const ConfigFile& conf, const PrepareInput& in) {
  check_prepare(conf, in.name, in.feature_available);
  Prepared out{conf, {}};
  ConfigFile& next = out.conf;
  next.main["lock"] = "snapshot";
  for (auto& [snapname, section] : next.snapshots) {
    if (value_of(section, "parent") == in.name) {
      out.warnings.push_back("deleting parent '" + in.name + "' reference from '" + snapname +
                             "' to avoid bogus snapshot cycle.");
      section.erase("parent");
    }
  }
  Section snap;
  if (in.vmstate) {
    snap["vmstate"] = in.vmstate->vmstate;
    snap["runningmachine"] = in.vmstate->runningmachine;
    if (!in.vmstate->runningcpu.empty()) snap["runningcpu"] = in.vmstate->runningcpu;
    if (!in.vmstate->nets_host_mtu.empty()) snap["running-nets-host-mtu"] = in.vmstate->nets_host_mtu;
  }
  copy_config(next.main, snap);
  snap["snapstate"] = "prepare";
  snap["snaptime"] = std::to_string(in.snaptime);
  if (!in.description.empty() && in.description != "0") snap["description"] = in.description;
  next.snapshots[in.name] = std::move(snap);
  return out;
}

ConfigFile commit(const ConfigFile& conf, const std::string& name) {
  if (value_of(conf.main, "lock") != "snapshot") throw SnapshotError("missing snapshot lock");
  find_snapshot(conf, name);
  ConfigFile next = conf;
  Section& snap = next.snapshots.at(name);
  if (value_of(snap, "snapstate") != "prepare") throw SnapshotError("wrong snapshot state");
  snap.erase("snapstate");
  next.main.erase("lock");
  next.main["parent"] = name;
  return next;
}

// ---- delete ----

void check_delete(const ConfigFile& conf, const std::string& name) {
  find_snapshot(conf, name);
  if (is_template(conf)) throw SnapshotError("you can't delete a snapshot if vm is a template");
}

ConfigFile delete_lock(const ConfigFile& conf) {
  check_unlocked(conf);
  ConfigFile next = conf;
  next.main["lock"] = "snapshot-delete";
  return next;
}

void ensure_lock(const ConfigFile& conf, const std::string& expected_lock) {
  if (!truthy(conf.main, "lock") || value_of(conf.main, "lock") != expected_lock)
    throw SnapshotError("encountered invalid lock, expected '" + expected_lock + "'");
}

ConfigFile delete_mark(const ConfigFile& conf, const std::string& name, const std::string& expected_lock) {
  ensure_lock(conf, expected_lock);
  if (is_template(conf)) throw SnapshotError("you can't delete a snapshot if vm is a template");
  find_snapshot(conf, name);
  ConfigFile next = conf;
  next.snapshots.at(name)["snapstate"] = "delete";
  return next;
}

ConfigFile delete_remove_key(const ConfigFile& conf, const std::string& name, const std::string& key,
                             const std::string& expected_lock) {
  ensure_lock(conf, expected_lock);
  find_snapshot(conf, name);
  ConfigFile next = conf;
  Section& snap = next.snapshots.at(name);
  if (key == "vmstate") {
    snap.erase(key);
    return next;
  }
  for (const auto& d : section_drives(snap)) {
    if (d.key != key) continue;
    if (d.cdrom) return next;
    snap.erase(key);
    if (!is_cloudinit_volume(d.volid)) add_unused_volume(snap, d.volid);
    return next;
  }
  return next;
}

ConfigFile delete_finish(const ConfigFile& conf, const std::string& name, const std::string& expected_lock,
                         const std::vector<std::string>& deleted_volids) {
  ensure_lock(conf, expected_lock);
  const std::string new_parent = value_of(find_snapshot(conf, name), "parent");
  ConfigFile next = conf;
  relink_parent(next.main, name, new_parent);
  for (auto& [snapname, section] : next.snapshots)
    if (snapname != name) relink_parent(section, name, new_parent);
  next.snapshots.erase(name);
  next.main.erase("lock");
  for (const auto& volid : deleted_volids)
    if (!is_cloudinit_volume(volid)) add_unused_volume(next.main, volid);
  drop_reused_unused(next.main);
  return next;
}

// ---- rollback ----

const Section& rollback_target(const ConfigFile& conf, const std::string& name) {
  if (is_template(conf)) throw SnapshotError("you can't rollback if vm is a template");
  return find_snapshot(conf, name);
}

namespace {
void check_complete(const Section& snap) {
  if (truthy(snap, "snapstate"))
    throw SnapshotError("unable to rollback to incomplete snapshot (snapstate = " + value_of(snap, "snapstate") + ")");
}
}  // namespace

ConfigFile rollback_prepare(const ConfigFile& conf, const std::string& name) {
  check_complete(rollback_target(conf, name));
  check_unlocked(conf);
  ConfigFile next = conf;
  next.main["lock"] = "rollback";
  return next;
}

RollbackFinish rollback_finish(const ConfigFile& conf, const std::string& name, const std::string& new_vmgenid) {
  const Section& snap = rollback_target(conf, name);
  check_complete(snap);
  if (value_of(conf.main, "lock") != "rollback") throw SnapshotError("got wrong lock");
  const bool had_machine = conf.main.count("machine") != 0;

  RollbackFinish out;
  Section current = conf.main;
  current.erase("lock");
  // Volumes of the current config that the snapshot does not use (cloud-init
  // drives count as volumes here, unlike for storage snapshots).
  std::set<std::string> snap_files;
  for (const auto& d : section_drives(snap))
    if (!d.cdrom || d.cloudinit) snap_files.insert(d.volid);
  for (const auto& d : section_drives(conf.main)) {
    if (d.cdrom && !d.cloudinit) continue;
    if (snap_files.count(d.volid)) continue;
    if (is_cloudinit_volume(d.volid)) out.volumes_to_free.push_back(d.volid);
    else add_unused_volume(current, d.volid);
  }

  Section main;
  for (const auto& [k, v] : current)
    if (is_unused(k) || k == "description") main[k] = v;
  copy_config(snap, main);
  main["parent"] = name;

  if (auto rm = main.find("runningmachine"); rm != main.end()) {
    out.forcemachine = rm->second;
    main.erase(rm);
    if (auto rc = main.find("runningcpu"); rc != main.end()) {
      out.forcecpu = rc->second;
      main.erase(rc);
    }
  } else {
    // Old snapshots did not record the machine: guess the one of kvm 1.4.
    const std::string machine = value_of(main, "machine");
    const std::string type = machine.substr(0, machine.find(','));
    out.forcemachine = type.starts_with("type=") ? type.substr(5) : type;
    if (out.forcemachine.empty()) out.forcemachine = "pc-i440fx-1.4";
    if (truthy(snap, "vmstate") && !had_machine) main.erase("machine");
  }
  if (truthy(main, "vmgenid") && !new_vmgenid.empty()) main["vmgenid"] = new_vmgenid;
  main.erase("running-nets-host-mtu");
  out.statefile = value_of(snap, "vmstate");

  drop_reused_unused(main);
  out.conf.main = std::move(main);
  out.conf.snapshots = conf.snapshots;
  return out;
}

}  // namespace qmd::service::snapshots
