#include "config/cloudinit/pending.h"

#include <algorithm>
#include <set>

#include "config/schema.h"
#include "config/secrets.h"
#include "config/writer.h"

namespace qmd::config::cloudinit {

namespace {

std::set<std::string> split_added(const std::string& v) {
  std::set<std::string> out;
  std::string cur;
  for (char c : v + ",") {
    if (c == ',' || c == ';' || c == ' ') {
      if (!cur.empty()) out.insert(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::string join_added(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ",") + k;
  return out;
}

const std::string* find(const Section& s, const std::string& k) {
  auto it = s.find(k);
  return it == s.end() ? nullptr : &it->second;
}

}  // namespace

bool affects_seed(const std::string& key) {
  return is_cloudinit_key(key) || key == "name" || is_net_key(key);
}

ConfigFile track_seed_changes(const ConfigFile& before, ConfigFile after) {
  if (!has_cloudinit(after.main)) return after;
  Section ci = after.special.count("cloudinit") ? after.special["cloudinit"] : Section{};
  std::set<std::string> added = ci.count("added") ? split_added(ci["added"]) : std::set<std::string>{};
  std::set<std::string> keys;
  for (const Section* s : {&before.main, static_cast<const Section*>(&after.main)})
    for (const auto& [k, _] : *s)
      if (affects_seed(k)) keys.insert(k);
  for (const auto& k : keys) {
    const std::string* was = find(before.main, k);
    const std::string* now = find(after.main, k);
    if ((was == nullptr) == (now == nullptr) && (was == nullptr || *was == *now)) continue;
    if (added.count(k)) {
      if (now == nullptr) added.erase(k);  // added and removed again: as at the last seed
    } else if (const std::string* rec = find(ci, k)) {
      if (now != nullptr && *now == *rec) ci.erase(k);
    } else if (was != nullptr) {
      ci[k] = *was;
    } else {
      added.insert(k);
    }
  }
  ci.erase("added");
  if (!added.empty()) ci["added"] = join_added(added);
  if (ci.empty()) after.special.erase("cloudinit");
  else after.special["cloudinit"] = ci;
  return after;
}

ConfigFile seed_generated(ConfigFile conf) {
  conf.special.erase("cloudinit");
  return conf;
}

std::vector<PendingRow> seed_pending(const ConfigFile& conf) {
  Section main = conf.main;
  Section ci = conf.special.count("cloudinit") ? conf.special.at("cloudinit") : Section{};
  hide_secrets(main);
  hide_secrets(ci);
  const std::set<std::string> added = ci.count("added") ? split_added(ci["added"]) : std::set<std::string>{};
  ci.erase("added");
  std::vector<PendingRow> rows;
  for (const auto& k : added) rows.push_back({k, std::nullopt, main.count(k) ? std::optional(main[k]) : std::nullopt});
  for (const auto& [k, v] : main) {
    if (!is_cloudinit_key(k) || v.empty() || added.count(k)) continue;
    if (const std::string* rec = find(ci, k); rec && !rec->empty()) rows.push_back({k, *rec, v});
    else rows.push_back({k, v, std::nullopt});
  }
  for (const auto& [k, v] : ci)
    if (!main.count(k) || main[k].empty()) rows.push_back({k, std::nullopt, std::nullopt, true});
  std::stable_sort(rows.begin(), rows.end(), [](const PendingRow& a, const PendingRow& b) { return a.key < b.key; });
  return rows;
}

std::string format_seed_pending(const std::vector<PendingRow>& rows) {
  std::string out;
  for (const auto& r : rows) {
    if (r.del) {
      out += "del " + r.key + ": " + r.value.value_or("") + "\n";
    } else if (r.pending) {
      if (r.value) out += "cur " + r.key + ": " + *r.value + "\n";
      out += "new " + r.key + ": " + *r.pending + "\n";
    } else {
      out += "cur " + r.key + ": " + r.value.value_or("") + "\n";
    }
  }
  return out;
}

}  // namespace qmd::config::cloudinit
