#include "service/autoballoon/manual_target.h"

#include "service/autoballoon/planner.h"
#include "service/runtime/verb_support.h"

namespace qmd::autoballoon {

std::optional<std::int64_t> manual_balloon_target(const config::Section& before, const config::Section& after) {
  using service::runtime::balloon_mib;
  using service::runtime::memory_mib;
  const auto old_value = before.find("balloon");
  const auto new_value = after.find("balloon");
  const bool had = old_value != before.end();
  const bool has = new_value != after.end();
  if (had && has && old_value->second == new_value->second) return std::nullopt;
  if (!has) {
    if (had && balloon_mib(before)) return memory_mib(after) * kMiB;
    return std::nullopt;
  }
  const auto shares = after.find("shares");
  if (shares == after.end() || shares->second != "0") return std::nullopt;
  if (auto b = balloon_mib(after)) return *b * kMiB;
  return std::nullopt;
}

}  // namespace qmd::autoballoon
