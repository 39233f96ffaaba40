#include "config/config_file.h"

#include <stdexcept>

namespace qmd::config {
namespace {
constexpr std::string_view kSnap = "snap:";
constexpr std::string_view kSpecial = "special:";
}  // namespace

const Section* find_section(const ConfigFile& conf, const std::string& address) {
  if (address.empty()) return &conf.main;
  if (address == "PENDING") return &conf.pending;
  if (address.starts_with(kSnap)) {
    auto it = conf.snapshots.find(address.substr(kSnap.size()));
    return it == conf.snapshots.end() ? nullptr : &it->second;
  }
  if (address.starts_with(kSpecial)) {
    auto it = conf.special.find(address.substr(kSpecial.size()));
    return it == conf.special.end() ? nullptr : &it->second;
  }
  return nullptr;
}

Section& section_ref(ConfigFile& conf, const std::string& address) {
  if (address.empty()) return conf.main;
  if (address == "PENDING") return conf.pending;
  if (address.starts_with(kSnap)) return conf.snapshots[address.substr(kSnap.size())];
  if (address.starts_with(kSpecial)) return conf.special[address.substr(kSpecial.size())];
  throw std::invalid_argument("invalid config section address: '" + address + "'");
}

void remove_section(ConfigFile& conf, const std::string& address) {
  if (address == "PENDING") {
    conf.pending.clear();
  } else if (address.starts_with(kSnap)) {
    conf.snapshots.erase(address.substr(kSnap.size()));
  } else if (address.starts_with(kSpecial)) {
    conf.special.erase(address.substr(kSpecial.size()));
  } else {
    throw std::invalid_argument("cannot remove config section '" + address + "'");
  }
}

}  // namespace qmd::config
