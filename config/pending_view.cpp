#include "config/pending_view.h"

#include <set>

#include "config/description.h"
#include "config/formats/options.h"

namespace qmd::config {
namespace {
std::string shown(const std::string& key, const std::string& value) {
  return key == "description" ? encode_description_line(value) : value;
}
}  // namespace

std::string format_pending(const ConfigFile& conf) {
  std::set<std::string> deleted;
  if (auto it = conf.pending.find("delete"); it != conf.pending.end())
    for (const auto& d : parse_pending_delete(it->second)) deleted.insert(d.key);
  std::set<std::string> keys;
  for (const auto& [k, v] : conf.main) keys.insert(k);
  for (const auto& [k, v] : conf.pending)
    if (k != "delete") keys.insert(k);
  std::string out;
  for (const auto& k : keys) {
    if (k == "digest") continue;
    auto cur = conf.main.find(k);
    auto pend = conf.pending.find(k);
    if (cur != conf.main.end()) {
      if (deleted.count(k)) {
        out += "del " + k + ": " + shown(k, cur->second) + "\n";
      } else {
        out += "cur " + k + ": " + shown(k, cur->second) + "\n";
        if (pend != conf.pending.end()) out += "new " + k + ": " + shown(k, pend->second) + "\n";
      }
    } else if (pend != conf.pending.end()) {
      out += "new " + k + ": " + shown(k, pend->second) + "\n";
    }
  }
  return out;
}

std::string format_config(const Section& section) {
  std::string out;
  for (const auto& [k, v] : section) {
    if (k == "digest") continue;
    out += k + ": " + shown(k, v) + "\n";
  }
  return out;
}

}  // namespace qmd::config
