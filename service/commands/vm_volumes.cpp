#include "service/commands/vm_volumes.h"

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/schema.h"
#include "service/storage/storage_error.h"
#include "service/storage/volume_id.h"

namespace qmd::service {

namespace {

// The volume of one value; a cloud-init drive's only when `cloudinit_too`
// (it is a CD-ROM to QEMU but a volume the VM owns, as Proxmox's
// drive_is_cdrom($drive, 1)).
std::string drive_volume(const std::string& key, const std::string& value, bool cloudinit_too) {
  config::PropMap m;
  try {
    m = config::parse_drive(key, value);
  } catch (const config::ConfigError&) {
    return {};
  }
  auto f = m.find("file");
  if (f == m.end() || (config::drive_is_cdrom(m) && !(cloudinit_too && config::drive_is_cloudinit(m)))) return {};
  const std::string& file = f->second;
  if (file == "none" || file == "cdrom" || file.empty() || file[0] == '/') return {};
  return file;
}

std::set<std::string> volumes_in(const config::ConfigFile& conf, bool cloudinit_too) {
  std::set<std::string> out;
  auto scan = [&](const config::Section& s) {
    for (const auto& [k, v] : s) {
      if (config::is_drive_key(k) || config::is_unused_key(k)) {
        if (auto vol = drive_volume(k, v, cloudinit_too); !vol.empty()) out.insert(vol);
      } else if (k == "vmstate") {
        out.insert(v);
      }
    }
  };
  scan(conf.main);
  scan(conf.pending);
  for (const auto& [_, s] : conf.snapshots) scan(s);
  return out;
}

}  // namespace

std::string volume_of(const std::string& key, const std::string& value) { return drive_volume(key, value, false); }

std::set<std::string> referenced_volumes(const config::ConfigFile& conf) { return volumes_in(conf, false); }

std::set<std::string> owned_volumes(const config::ConfigFile& conf, int64_t vmid) {
  std::set<std::string> out;
  for (const auto& v : volumes_in(conf, true)) {
    try {
      const auto id = storage::parse_volume_id(v);
      if (id.type == storage::VolumeType::Images && id.vmid == vmid) out.insert(v);
    } catch (const storage::StorageError&) {
      // not a volume of a storage qmd manages: not ours to free
    }
  }
  return out;
}

}  // namespace qmd::service
