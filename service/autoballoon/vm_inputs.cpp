#include "service/autoballoon/vm_inputs.h"

#include <algorithm>
#include <cctype>

#include "service/runtime/verb_support.h"

namespace qmd::autoballoon {

namespace {

// A non-negative integer member, or nullopt (QEMU reports unsupported statistics as -1).
std::optional<std::int64_t> bytes_of(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  const auto v = it->get<std::int64_t>();
  return v < 0 ? std::nullopt : std::optional<std::int64_t>(v);
}

std::optional<std::int64_t> shares_of(const config::Section& main) {
  auto it = main.find("shares");
  if (it == main.end()) return std::nullopt;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return std::stoll(v);
}

}  // namespace

nlohmann::json guest_stats_query() {
  return {{"path", "machine/peripheral/balloon0"}, {"property", "guest-stats"}};
}

VmBalloonStatus balloon_status_of(int vmid, const config::Section& main, const nlohmann::json& query_balloon,
                                  const nlohmann::json& guest_stats) {
  VmBalloonStatus s;
  s.vmid = vmid;
  s.maxmem = bytes_of(query_balloon, "max_mem").value_or(service::runtime::memory_mib(main) * kMiB);
  if (auto b = service::runtime::balloon_mib(main)) s.balloon_min = *b * kMiB;
  s.shares = shares_of(main);
  const nlohmann::json stats = guest_stats.is_object() ? guest_stats.value("stats", nlohmann::json()) : nlohmann::json();
  const bool reported = bytes_of(guest_stats, "last-update").value_or(0) > 0 || bytes_of(query_balloon, "free_mem");
  if (reported) s.balloon = bytes_of(query_balloon, "actual");
  auto free = bytes_of(stats, "stat-free-memory");
  if (!free) free = bytes_of(query_balloon, "free_mem");
  s.freemem = free.value_or(0);
  if (auto it = main.find("lock"); it != main.end()) s.lock = it->second;
  return s;
}

}  // namespace qmd::autoballoon
