#include "service/commands/event_summary.h"

#include <cstdio>

#include "config/secrets.h"
#include "projections/vm_events.h"

namespace qmd::service {

namespace {

std::string section_prefix(const std::string& section) {
  if (section.empty()) return "";
  if (section == "PENDING") return "pending ";
  return "[" + section + "] ";
}

std::string shorten(const std::string& v) {
  std::string s;
  for (char c : v) s += (c == '\n') ? ' ' : c;
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Bytes as MiB: "256 MiB", or "256.5 MiB" when not a whole number of MiB.
std::string mib(int64_t bytes) {
  constexpr int64_t kMiB = 1024 * 1024;
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(bytes) / kMiB);
  return buf;
}

std::string summarize_balloon_target(const nlohmann::json& p) {
  const int cycles = p.value("cycles", 0);
  const int64_t goal = p.value("goal", int64_t{0});
  return "balloon target " + mib(p.value("from", int64_t{0})) + " -> " + mib(p.value("target", int64_t{0})) + " (" +
         std::to_string(cycles) + (cycles == 1 ? " cycle" : " cycles") + ", goal " + (goal > 0 ? "+" : "") +
         mib(goal) + ", " + p.value("set", "") + ")";
}

std::string summarize_delta(const config::ConfigDelta& d) {
  std::string out;
  auto add = [&](const std::string& part) {
    if (!out.empty()) out += "; ";
    out += part;
  };
  for (const auto& s : d.sections_added) add("+[" + s + "]");
  for (const auto& k : d.keys) {
    const std::string name = section_prefix(k.section) + k.key;
    if (config::is_secret_key(k.key)) add(k.new_value ? name + " changed" : "-" + name);
    else if (!k.old_value) add(name + ": " + shorten(*k.new_value));
    else if (!k.new_value) add("-" + name);
    else add(name + ": " + shorten(*k.old_value) + " -> " + shorten(*k.new_value));
  }
  for (const auto& s : d.sections_removed) add("-[" + s + "]");
  return out;
}

}  // namespace

nlohmann::json payload_for_display(const nlohmann::json& payload) {
  nlohmann::json out = payload;
  auto keys = out.find("delta");
  if (keys == out.end() || !keys->is_object() || !keys->contains("keys") || !(*keys)["keys"].is_array()) return out;
  for (auto& k : (*keys)["keys"]) {
    if (!k.is_array() || k.size() != 4 || !k[1].is_string() || !config::is_secret_key(k[1].get<std::string>())) continue;
    for (int i : {2, 3})
      if (!k[i].is_null()) k[i] = std::string(config::kHiddenValue);
  }
  return out;
}

std::string summarize_event(const events::Event& e) {
  namespace t = projections::event_type;
  try {
    const auto& p = e.payload;
    std::string head;
    if (e.type == t::kOperationStarted) head = p.value("op", "") + " started";
    else if (e.type == t::kOperationStep) head = p.value("step", "");
    else if (e.type == t::kOperationCompleted) head = "completed";
    else if (e.type == t::kOperationFailed) head = "failed: " + p.value("error", "");
    else if (e.type == t::kUnlocked) head = "released lock '" + p.value("lock", "") + "'";
    else if (e.type == t::kDestroyed) head = p.value("purge", false) ? "destroyed (purge)" : "destroyed";
    else if (e.type == t::kStatusChanged) head = p.value("status", "") + " (" + p.value("cause", "") + ")";
    else if (e.type == t::kMoved) head = p.value("from", "") + " -> " + p.value("to", "");
    else if (e.type == t::kImported) head = "from " + p.value("source", "");
    else if (e.type == t::kBalloonTarget) head = summarize_balloon_target(p);
    std::string delta;
    const bool whole_config = e.type == t::kCreated || e.type == t::kImported ||
                              (e.type == t::kOperationStarted && p.value("op", "") == "create");
    if (auto it = p.find("delta"); it != p.end() && !whole_config) {
      delta = summarize_delta(projections::delta_from_json(*it));
    } else if (it != p.end()) {
      delta = std::to_string(projections::delta_from_json(*it).keys.size()) + " keys (qm config --at " +
              std::to_string(e.seq) + " shows them)";
    }
    if (head.empty()) return delta;
    if (delta.empty()) return head;
    return head + ": " + delta;
  } catch (const std::exception&) {
    return "(unreadable payload)";
  }
}

}  // namespace qmd::service
