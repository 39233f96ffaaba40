#include "service/snapshots/volumes.h"

#include <cctype>
#include <regex>
#include <set>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "service/snapshots/snapshot_error.h"

namespace qmd::service::snapshots {

namespace {

const std::vector<std::string>& valid_drive_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    auto family = [&](const char* base, int count) {
      for (int i = 0; i < count; ++i) n.push_back(base + std::to_string(i));
    };
    family("ide", 4);
    family("scsi", 31);
    family("virtio", 16);
    family("sata", 6);
    n.push_back("efidisk0");
    n.push_back("tpmstate0");
    return n;
  }();
  return names;
}

constexpr int kMaxUnusedDisks = 256;

}  // namespace

std::vector<SectionVolume> section_drives(const config::Section& section) {
  std::vector<SectionVolume> out;
  for (const auto& key : valid_drive_names()) {
    auto it = section.find(key);
    if (it == section.end()) continue;
    config::PropMap drive;
    try {
      drive = config::parse_drive(key, it->second);
    } catch (const config::ConfigError&) {
      continue;
    }
    auto file = drive.find("file");
    out.push_back({key, file == drive.end() ? std::string() : file->second, config::drive_is_cdrom(drive),
                   config::drive_is_cloudinit(drive)});
  }
  return out;
}

std::vector<SectionVolume> snapshot_drives(const config::Section& section) {
  std::vector<SectionVolume> out;
  for (auto& d : section_drives(section))
    if (!d.cdrom) out.push_back(std::move(d));
  return out;
}

std::vector<std::string> storages_of(const config::Section& section, bool include_vmstate) {
  std::set<std::string> ids;
  auto add = [&](const std::string& volid) {
    if (volid.empty() || volid[0] == '/') return;
    auto colon = volid.find(':');
    if (colon != std::string::npos && colon > 0) ids.insert(volid.substr(0, colon));
  };
  for (const auto& d : snapshot_drives(section)) add(d.volid);
  if (include_vmstate)
    if (auto it = section.find("vmstate"); it != section.end()) add(it->second);
  return {ids.begin(), ids.end()};
}

std::string add_unused_volume(config::Section& section, const std::string& volid) {
  std::string key;
  for (int i = kMaxUnusedDisks - 1; i >= 0; --i) {
    const std::string test = "unused" + std::to_string(i);
    auto it = section.find(test);
    if (it != section.end() && !it->second.empty()) {
      if (it->second == volid) return "";  // no duplicates
    } else {
      key = test;
    }
  }
  if (key.empty()) throw SnapshotError("Too many unused volumes - please delete them first.");
  section[key] = volid;
  return key;
}

void drop_reused_unused(config::Section& main) {
  std::set<std::string> used;
  for (const auto& d : section_drives(main))
    if (!d.volid.empty()) used.insert(d.volid);
  for (auto it = main.begin(); it != main.end();) {
    const bool unused_key = it->first.starts_with("unused") && it->first.size() > 6 &&
                            std::isdigit(static_cast<unsigned char>(it->first[6]));
    if (unused_key && used.count(it->second)) it = main.erase(it);
    else ++it;
  }
}

bool is_cloudinit_volume(const std::string& volid) {
  static const std::regex re("vm-[0-9]+-cloudinit");
  return std::regex_search(volid, re);
}

}  // namespace qmd::service::snapshots
