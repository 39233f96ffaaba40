// Small shared pieces of the command-line builder: config access, disk key
// order, boot indices (spec §10.3).
#include <sstream>

#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/schema.h"
#include "service/qemu/cmdline_parts.h"

namespace qmd::qemu::detail {

std::string get(const Section& s, const std::string& key, const std::string& dflt) {
  auto it = s.find(key);
  return it == s.end() ? dflt : it->second;
}

bool get_bool(const Section& s, const std::string& key, bool dflt) {
  auto it = s.find(key);
  if (it == s.end()) return dflt;
  return it->second == "1";
}

PropMap props(const Section& s, const std::string& key) {
  auto it = s.find(key);
  if (it == s.end()) return {};
  const config::OptionDef* def = config::find_option(key);
  if (def == nullptr || def->propstring == nullptr) throw CmdlineError("'" + key + "' is not a property string");
  try {
    return config::parse_property_string(*def->propstring, it->second);
  } catch (const config::ConfigError& e) {
    throw CmdlineError(key + ": " + e.what());
  }
}

int64_t to_int(const std::string& key, const std::string& value) {
  try {
    size_t used = 0;
    const long long v = std::stoll(value, &used);
    if (used == value.size()) return v;
  } catch (const std::exception&) {
  }
  throw CmdlineError("invalid integer '" + value + "' for " + key);
}

const std::vector<std::string>& bus_drive_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (int i = 0; i < 4; ++i) k.push_back("ide" + std::to_string(i));
    for (int i = 0; i < 31; ++i) k.push_back("scsi" + std::to_string(i));
    for (int i = 0; i < 16; ++i) k.push_back("virtio" + std::to_string(i));
    for (int i = 0; i < 6; ++i) k.push_back("sata" + std::to_string(i));
    return k;
  }();
  return keys;
}

namespace {
bool is_cdrom_value(const std::string& key, const std::string& value) {
  try {
    const PropMap d = config::parse_drive(key, value);
    return config::drive_is_cdrom(d) && !config::drive_is_cloudinit(d);
  } catch (const config::ConfigError&) {
    return false;
  }
}

std::map<std::string, int> legacy_indices(const Section& s, const std::string& letters) {
  std::map<char, int> base;
  int i = 1;
  for (char c : letters) base[c] = 100 * i++;
  std::map<std::string, int> out;
  const std::string bootdisk = get(s, "bootdisk");
  for (const auto& key : bus_drive_keys()) {
    auto it = s.find(key);
    if (it == s.end()) continue;
    if (is_cdrom_value(key, it->second)) {
      if (base.count('d')) out[key] = base['d']++;
    } else if (base.count('c')) {
      if (key == bootdisk) out[key] = base['c'];
      base['c']++;
    }
  }
  if (base.count('n')) {
    for (int n = 0; n < 32; ++n) {
      const std::string key = "net" + std::to_string(n);
      if (s.count(key)) out[key] = base['n']++;
    }
  }
  return out;
}
}  // namespace

std::map<std::string, int> boot_indices(const Section& s) {
  if (!s.count("boot")) return legacy_indices(s, "cdn");
  const PropMap boot = props(s, "boot");
  if (auto it = boot.find("order"); it != boot.end()) {
    std::map<std::string, int> out;
    int i = 100;
    std::string dev;
    std::istringstream in(it->second);
    while (std::getline(in, dev, ';')) {
      if (!dev.empty()) out[dev] = i++;
    }
    return out;
  }
  if (auto it = boot.find("legacy"); it != boot.end()) return legacy_indices(s, it->second);
  return {};
}

std::string Build::run_path(const std::string& suffix) const {
  return ctx.run_dir + "/" + std::to_string(ctx.vmid) + suffix;
}

bool Build::windows() const {
  static const std::set<std::string> win = {"wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11"};
  return win.count(ostype()) != 0;
}

std::string Build::bootindex_suffix(const std::string& key) const {
  auto it = bootindex.find(key);
  return it == bootindex.end() ? std::string() : ",bootindex=" + std::to_string(it->second);
}

}  // namespace qmd::qemu::detail
