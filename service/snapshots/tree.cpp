#include "service/snapshots/tree.h"

#include <algorithm>
#include <ctime>
#include <map>

#include <fmt/format.h>

namespace qmd::service::snapshots {

namespace {

using config::value_of;

bool perl_true(const std::string& v) { return !v.empty() && v != "0"; }

// The snaptime as the API reports it: `snaptime || 0`.
int64_t snaptime_of(const std::string& v) {
  try {
    size_t used = 0;
    const int64_t t = std::stoll(v, &used);
    return t;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::vector<SnapshotInfo> snapshot_list(const config::ConfigFile& conf) {
  std::vector<SnapshotInfo> out;
  for (const auto& [name, s] : conf.snapshots) {
    SnapshotInfo i;
    i.name = name;
    i.snaptime = snaptime_of(value_of(s, "snaptime"));
    i.description = value_of(s, "description");
    if (!perl_true(i.description)) i.description.clear();
    i.parent = value_of(s, "parent");
    i.vmstate = perl_true(value_of(s, "vmstate"));
    i.snapstate = value_of(s, "snapstate");
    out.push_back(std::move(i));
  }
  SnapshotInfo current;
  current.name = "current";
  current.description = "You are here!";
  current.parent = value_of(conf.main, "parent");
  out.push_back(std::move(current));
  return out;
}

std::string snapshot_tree(const std::vector<SnapshotInfo>& list,
                          const std::function<std::string(int64_t)>& format_time) {
  std::map<std::string, const SnapshotInfo*> by_name;
  for (const auto& e : list) by_name[e.name] = &e;
  std::map<std::string, std::vector<const SnapshotInfo*>> children;
  std::vector<const SnapshotInfo*> roots;
  for (const auto& e : list) {
    if (!e.parent.empty() && e.parent != "0" && by_name.count(e.parent)) children[e.parent].push_back(&e);
    else roots.push_back(&e);
  }
  auto by_time = [](const SnapshotInfo* a, const SnapshotInfo* b) {
    if (!a->snaptime) return false;
    if (!b->snaptime) return true;
    return *a->snaptime < *b->snaptime;
  };

  std::string out;
  // Iterative depth-first walk (a parent cycle in a hand-made config must not recurse forever).
  struct Item {
    std::string prefix;
    const SnapshotInfo* e;
  };
  std::stable_sort(roots.begin(), roots.end(), by_time);
  std::vector<Item> stack;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back({"`->", *it});
  std::map<std::string, bool> printed;
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    const SnapshotInfo& e = *item.e;
    if (printed[e.name]) continue;
    printed[e.name] = true;
    std::string description = e.description.empty() ? "no-description" : e.description;
    description = description.substr(0, description.find('\n'));
    const std::string time = e.snaptime ? format_time(*e.snaptime) : "";
    const size_t len = item.prefix.size() < 30 ? 30 - item.prefix.size() : 0;
    out += fmt::format("{} {:<{}} {:<23} {}\n", item.prefix, e.name, len, time, description);
    auto kids = children.find(e.name);
    if (kids == children.end()) continue;
    std::vector<const SnapshotInfo*> sorted = kids->second;
    std::stable_sort(sorted.begin(), sorted.end(), by_time);
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) stack.push_back({" " + item.prefix, *it});
  }
  return out;
}

std::string local_time(int64_t epoch_seconds) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace qmd::service::snapshots
