#include "service/autoballoon/planner.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace qmd::autoballoon {
namespace {

constexpr std::int64_t kDefaultShares = 1000;

// An eligible VM, with the values compute_alg1 reads.
struct Candidate {
  int vmid;
  std::int64_t maxmem;
  std::int64_t balloon_min;
  std::int64_t shares;
  std::int64_t balloon;    // live target
};

// The proposals of one cycle, indexed like the candidate vector. Shared by the
// preferred-set pass and the fallback pass, as `$res` is in compute_alg1.
using Proposals = std::vector<std::optional<std::int64_t>>;

// §7.3 change(ids, bytes): moves the proposals of `ids` towards their share of
// `bytes` plus what they already hold above their minimum; returns the part of
// `bytes` left unallocated. The order of operations (float quotient, times
// shares, truncation toward zero) is Perl's, so results match to the byte.
std::int64_t distribute(const std::vector<Candidate>& vms, const std::vector<std::size_t>& ids,
                        std::int64_t bytes, std::int64_t maxchange, Proposals& res) {
  std::int64_t rest = bytes;
  bool repeat = true;
  std::int64_t progress = 1;
  std::vector<char> done(vms.size(), 0);

  while (rest != 0 && repeat && progress != 0) {
    repeat = false;
    progress = 0;

    std::int64_t shares_total = 0;
    std::int64_t alloc_old = 0;
    for (std::size_t i : ids) {
      if (done[i]) continue;
      const Candidate& d = vms[i];
      alloc_old += res[i].value_or(d.balloon) - d.balloon_min;
      shares_total += d.shares;
    }

    const std::int64_t alloc_new = alloc_old + rest;
    std::int64_t changes = 0;
    for (std::size_t i : ids) {
      if (done[i]) continue;
      const Candidate& d = vms[i];
      // shares_total > 0 here: this VM is not done and has shares >= 1.
      const double share = static_cast<double>(alloc_new) / static_cast<double>(shares_total) *
                           static_cast<double>(d.shares);
      std::int64_t desired = d.balloon_min + static_cast<std::int64_t>(std::trunc(share));
      if (desired > d.maxmem) {
        desired = d.maxmem;
        repeat = true;
      } else if (desired < d.balloon_min) {
        desired = d.balloon_min;
        repeat = true;
      }

      std::int64_t proposed;
      if (bytes > 0 && desired > d.balloon) {
        proposed = std::min(d.balloon + maxchange, desired);
      } else if (desired < d.balloon) {
        proposed = std::max(d.balloon - maxchange, desired);
      } else {
        done[i] = 1;
        continue;
      }

      const std::int64_t diff = proposed - d.balloon;
      if (diff == 0) continue;
      const std::int64_t previous = res[i].value_or(d.balloon);
      res[i] = proposed;
      const std::int64_t change = proposed - previous;
      if (change != 0) {
        changes += change;
        progress += diff > 0 ? diff : -diff;
        repeat = true;
      }
    }
    rest -= changes;
  }
  return rest;
}

std::int64_t shares_of(const VmBalloonStatus& vm) {
  // Perl's `shares || 1000`: absent counts as the default.
  return vm.shares.value_or(kDefaultShares);
}

// §7.2: the reason a VM is not ballooned, if any.
std::optional<SkipReason> skip_reason(const VmBalloonStatus& vm) {
  if (!vm.balloon || *vm.balloon == 0) return SkipReason::no_driver;
  if (!vm.balloon_min || *vm.balloon_min == 0) return SkipReason::no_min;
  if (vm.lock == "migrate") return SkipReason::migrating;
  if (vm.shares && *vm.shares == 0) return SkipReason::manual;
  return std::nullopt;
}

bool is_relaxed(const Candidate& c, std::int64_t freemem) {
  // freemem > balloon_min * 0.25, evaluated exactly: 4 * freemem > balloon_min.
  return freemem != 0 && 4 * freemem > c.balloon_min && c.balloon >= c.balloon_min;
}

}  // namespace

std::int64_t compute_goal(const HostMemory& host) {
  if (host.target_percent < 0 || host.target_percent > 100) {
    throw std::invalid_argument("ballooning-target must be between 0 and 100, got " +
                                std::to_string(host.target_percent));
  }
  // int(a*p/100 - b) == trunc((a*p - 100*b) / 100); integer division truncates.
  return (host.memtotal * host.target_percent - 100 * host.memused) / 100;
}

Plan plan_for_goal(std::int64_t goal, std::span<const VmBalloonStatus> vms, const Params& params) {
  std::vector<const VmBalloonStatus*> sorted;
  sorted.reserve(vms.size());
  for (const VmBalloonStatus& vm : vms) sorted.push_back(&vm);
  std::sort(sorted.begin(), sorted.end(),
            [](const VmBalloonStatus* a, const VmBalloonStatus* b) { return a->vmid < b->vmid; });

  Plan plan;
  plan.goal = goal;
  plan.rest = goal;

  std::vector<Candidate> candidates;
  std::vector<std::size_t> all, pressured, relaxed;
  candidates.reserve(sorted.size());
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    const VmBalloonStatus& vm = *sorted[k];
    if (k > 0 && sorted[k - 1]->vmid == vm.vmid) {
      throw std::invalid_argument("autoballoon: VM " + std::to_string(vm.vmid) +
                                  " is listed twice");
    }
    if (auto reason = skip_reason(vm)) {
      plan.skipped.push_back({vm.vmid, *reason});
      continue;
    }
    const std::size_t i = candidates.size();
    candidates.push_back({vm.vmid, vm.maxmem, *vm.balloon_min, shares_of(vm), *vm.balloon});
    all.push_back(i);
    if (is_relaxed(candidates.back(), vm.freemem)) {
      relaxed.push_back(i);
      plan.relaxed.push_back(vm.vmid);
    } else {
      pressured.push_back(i);
      plan.pressured.push_back(vm.vmid);
    }
  }

  Proposals res(candidates.size());
  if (goal > params.dead_band) {
    // Grow the VMs under memory pressure first; if they take nothing, grow all.
    plan.set_used = SetUsed::pressured;
    plan.rest = distribute(candidates, pressured, goal, params.maxchange, res);
    if (plan.rest >= goal) {
      plan.set_used = SetUsed::all;
      plan.rest = distribute(candidates, all, plan.rest, params.maxchange, res);
    }
  } else if (goal < -params.dead_band) {
    // Shrink the VMs with free memory first; if they give nothing, shrink all.
    plan.set_used = SetUsed::relaxed;
    plan.rest = distribute(candidates, relaxed, goal, params.maxchange, res);
    if (plan.rest <= goal) {
      plan.set_used = SetUsed::all;
      plan.rest = distribute(candidates, all, plan.rest, params.maxchange, res);
    }
  }

  // A proposal is only ever recorded when it differs from the live balloon.
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (res[i]) plan.targets.emplace(candidates[i].vmid, *res[i]);
  }
  return plan;
}

Plan plan_cycle(const HostMemory& host, std::span<const VmBalloonStatus> vms,
                const Params& params) {
  return plan_for_goal(compute_goal(host), vms, params);
}

const char* to_string(SetUsed set) {
  switch (set) {
    case SetUsed::none: return "none";
    case SetUsed::pressured: return "pressured";
    case SetUsed::relaxed: return "relaxed";
    case SetUsed::all: return "all";
  }
  return "?";
}

const char* to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::no_driver: return "no_driver";
    case SkipReason::no_min: return "no_min";
    case SkipReason::migrating: return "migrating";
    case SkipReason::manual: return "manual";
  }
  return "?";
}

}  // namespace qmd::autoballoon
