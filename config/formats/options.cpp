#include "config/formats/options.h"

#include <algorithm>
#include <map>

#include "config/config_error.h"
#include "config/formats/format_defs.h"
#include "config/formats/validators.h"
#include "config/propstring.h"

namespace qmd::config {

StartupOrder parse_startup(std::string_view value) {
  if (!fmt::startup_order(value).empty()) throw ConfigError("unable to parse startup options");
  StartupOrder res;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string_view p = value.substr(start, comma == value.npos ? value.npos : comma - start);
    start = comma == value.npos ? value.size() + 1 : comma + 1;
    std::optional<uint64_t>* slot = &res.order;
    if (p.starts_with("order=")) p.remove_prefix(6);
    else if (p.starts_with("up=")) p.remove_prefix(3), slot = &res.up;
    else if (p.starts_with("down=")) p.remove_prefix(5), slot = &res.down;
    if (p.empty() || p.find_first_not_of("0123456789") != p.npos) continue;  // blank part
    uint64_t n = 0;
    for (char c : p) n = n > UINT64_MAX / 10 - 1 ? UINT64_MAX : n * 10 + static_cast<uint64_t>(c - '0');
    *slot = n;
  }
  return res;
}

std::vector<std::string> parse_boot_order(std::string_view boot_value) {
  PropMap m = parse_property_string(formats::boot(), boot_value);
  auto it = m.find("order");
  if (it == m.end()) return {};
  return fmt::split_list(it->second);
}

std::string print_boot_order(const std::vector<std::string>& devices) {
  if (devices.empty()) return "";
  std::string joined;
  for (const auto& d : devices) joined += (joined.empty() ? "" : ";") + d;
  return print_property_string({{"order", joined}}, formats::boot());
}

std::set<std::string> parse_hotplug(std::string_view value) {
  if (value == "0") return {};
  if (value == "1") value = "network,disk,usb";
  std::set<std::string> res;
  for (const auto& f : fmt::split_list(value)) {
    if (f != "network" && f != "disk" && f != "cpu" && f != "memory" && f != "usb" && f != "cloudinit")
      throw ConfigError("invalid hotplug feature '" + f + "'");
    res.insert(f);
  }
  return res;
}

std::vector<PendingDelete> parse_pending_delete(std::string_view value) {
  std::map<std::string, bool> seen;
  for (auto item : fmt::split_list(value)) {
    bool force = item.starts_with('!');
    if (force) item.erase(0, 1);
    if (item.empty()) continue;
    seen[item] = force;
  }
  std::vector<PendingDelete> res;
  for (const auto& [k, f] : seen) res.push_back({k, f});
  return res;
}

std::string print_pending_delete(const std::vector<PendingDelete>& list) {
  std::vector<PendingDelete> sorted = list;
  std::sort(sorted.begin(), sorted.end(),
            [](const PendingDelete& a, const PendingDelete& b) { return a.key < b.key; });
  std::string out;
  for (const auto& d : sorted) {
    if (!out.empty()) out += ',';
    out += (d.force ? "!" : "") + d.key;
  }
  return out;
}

}  // namespace qmd::config
