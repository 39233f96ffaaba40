#include "service/startup/order.h"

#include <algorithm>
#include <climits>
#include <map>
#include <stdexcept>

#include "config/formats/options.h"

namespace qmd::startup {
namespace {

// Proxmox files guests without an order under LONG_MAX.
constexpr std::uint64_t kUnordered = static_cast<std::uint64_t>(LONG_MAX);

void require_unique(std::span<const GuestRecord> guests) {
  std::set<int> seen;
  for (const GuestRecord& g : guests) {
    if (!seen.insert(g.vmid).second) {
      throw std::invalid_argument("startup plan: VM " + std::to_string(g.vmid) +
                                  " is listed twice");
    }
  }
}

config::StartupOrder startup_of(const GuestRecord& g) {
  // Perl tests the raw value for truth first, so "0" (like "") means no
  // options at all: the guest is unordered, not order 0.
  if (g.startup.empty() || g.startup == "0") return {};
  try {
    return config::parse_startup(g.startup);
  } catch (const config::ConfigError& e) {
    throw StartupOptionsError(g.vmid, e);
  }
}

// The guests a start/stop pass looks at: templates never; HA-managed guests
// only when the caller names them.
bool considered(const GuestRecord& g, const std::optional<std::set<int>>& only) {
  if (g.is_template) return false;
  if (only) return only->count(g.vmid) > 0;
  return !g.ha_managed;
}

std::vector<const GuestRecord*> by_vmid(std::span<const GuestRecord> guests) {
  std::vector<const GuestRecord*> sorted;
  for (const GuestRecord& g : guests) sorted.push_back(&g);
  std::sort(sorted.begin(), sorted.end(),
            [](const GuestRecord* a, const GuestRecord* b) { return a->vmid < b->vmid; });
  return sorted;
}

template <typename Step>
std::vector<Group<Step>> to_groups(std::map<std::uint64_t, std::vector<Step>>&& by_order) {
  std::vector<Group<Step>> groups;
  for (auto& [key, steps] : by_order) {
    Group<Step> group;
    if (key != kUnordered) group.order = key;
    group.guests = std::move(steps);
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace

BootPlan plan_startall(std::span<const GuestRecord> guests, const StartallOptions& options) {
  require_unique(guests);
  BootPlan plan;
  std::map<std::uint64_t, std::vector<StartStep>> by_order;
  for (const GuestRecord* g : by_vmid(guests)) {
    if (!g->is_template && g->lock == "backup") plan.clear_backup_lock.push_back(g->vmid);
    if (!considered(*g, options.only)) continue;
    if (!options.force && !g->onboot) continue;
    const config::StartupOrder s = startup_of(*g);
    if (g->running) continue;  // startall skips it, without waiting
    by_order[s.order.value_or(kUnordered)].push_back({g->vmid, s.up.value_or(kDefaultUpDelay)});
  }
  plan.groups = to_groups(std::move(by_order));
  return plan;
}

std::vector<StopGroup> plan_stopall(std::span<const GuestRecord> guests,
                                    const StopallOptions& options) {
  require_unique(guests);
  std::map<std::uint64_t, std::vector<StopStep>> by_order;
  for (const GuestRecord* g : by_vmid(guests)) {
    if (!considered(*g, options.only)) continue;
    const config::StartupOrder s = startup_of(*g);
    if (!g->running) continue;
    by_order[s.order.value_or(kUnordered)].push_back({g->vmid, s.down.value_or(options.timeout)});
  }
  std::vector<StopGroup> groups = to_groups(std::move(by_order));
  std::reverse(groups.begin(), groups.end());
  for (StopGroup& group : groups) std::reverse(group.guests.begin(), group.guests.end());
  return groups;
}

unsigned default_max_workers(unsigned cpus) {
  return std::min(std::max(1u, cpus > 0 ? cpus - 1 : 0u), 8u);
}

}  // namespace qmd::startup
