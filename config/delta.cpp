#include "config/delta.h"

#include <set>

namespace qmd::config {
namespace {

// Every section address of a config, in address order; pending only when non-empty.
std::set<std::string> addresses(const ConfigFile& c) {
  std::set<std::string> out{""};
  if (!c.pending.empty()) out.insert("PENDING");
  for (const auto& [name, _] : c.snapshots) out.insert("snap:" + name);
  for (const auto& [name, _] : c.special) out.insert("special:" + name);
  return out;
}

// Key changes turning section a into b (either may be null = empty).
void diff_section(const std::string& addr, const Section* a, const Section* b,
                  std::vector<KeyChange>& out) {
  static const Section kEmpty;
  const Section& x = a ? *a : kEmpty;
  const Section& y = b ? *b : kEmpty;
  auto i = x.begin();
  auto j = y.begin();
  while (i != x.end() || j != y.end()) {
    if (j == y.end() || (i != x.end() && i->first < j->first)) {
      out.push_back({addr, i->first, i->second, std::nullopt});
      ++i;
    } else if (i == x.end() || j->first < i->first) {
      out.push_back({addr, j->first, std::nullopt, j->second});
      ++j;
    } else {
      if (i->second != j->second) out.push_back({addr, i->first, i->second, j->second});
      ++i;
      ++j;
    }
  }
}

bool is_pending(const std::string& addr) { return addr == "PENDING"; }

}  // namespace

ConfigDelta diff(const ConfigFile& before, const ConfigFile& after) {
  ConfigDelta d;
  const auto a = addresses(before);
  const auto b = addresses(after);
  std::set<std::string> all = a;
  all.insert(b.begin(), b.end());
  for (const auto& addr : all) {
    const bool in_a = a.count(addr) > 0;
    const bool in_b = b.count(addr) > 0;
    if (in_a && !in_b && !is_pending(addr)) {
      d.sections_removed.push_back(addr);
      continue;
    }
    if (!in_a && in_b && !is_pending(addr)) d.sections_added.push_back(addr);
    diff_section(addr, in_a ? find_section(before, addr) : nullptr,
                 in_b ? find_section(after, addr) : nullptr, d.keys);
  }
  return d;
}

void apply(ConfigFile& conf, const ConfigDelta& delta) {
  for (const auto& addr : delta.sections_added) section_ref(conf, addr);
  for (const auto& change : delta.keys) {
    Section& s = section_ref(conf, change.section);
    if (change.new_value) {
      s[change.key] = *change.new_value;
    } else {
      s.erase(change.key);
    }
  }
  for (const auto& addr : delta.sections_removed) remove_section(conf, addr);
}

}  // namespace qmd::config
