// The autoballoon planner: one cycle of Proxmox's pvestatd auto-ballooning
// (PVE::AutoBalloon::compute_alg1 plus the goal computed by pvestatd), spec §7.
//
// Pure: no I/O, no clock, no QMP. The caller gathers the host figures and the
// per-VM status, calls plan_cycle() every 10 s, and sends QMP `balloon` for each
// entry of Plan::targets. The result is independent of the order of the input
// records (each VM's step depends only on its own record and on sums over the set).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace qmd::autoballoon {

inline constexpr std::int64_t kMiB = 1024 * 1024;

// What the node knows about one running VM at the start of a cycle (bytes).
struct VmBalloonStatus {
  int vmid = 0;
  std::int64_t maxmem = 0;                     // config memory, or QMP max_mem
  std::optional<std::int64_t> balloon_min;     // config `balloon` MiB * 2^20; nullopt when
                                               // `balloon` is unset or 0 (0 is treated the same)
  std::optional<std::int64_t> shares;          // config `shares`; nullopt → 1000; 0 → manual
  std::optional<std::int64_t> balloon;         // QMP query-balloon.actual; nullopt (or 0) →
                                               // the guest's balloon driver is not running
  std::int64_t freemem = 0;                    // guest-reported free memory; 0 when unknown
  std::string lock;                            // config `lock`, "" when none
};

struct HostMemory {
  std::int64_t memtotal = 0;                   // bytes
  std::int64_t memused = 0;                    // bytes
  int target_percent = 80;                     // node option `ballooning-target`, 0..100
};

struct Params {
  std::int64_t maxchange = 100 * kMiB;         // largest move of one VM per cycle
  std::int64_t dead_band = 10 * kMiB;          // |goal| <= dead_band → nothing to do
};

// Which set of VMs the memory was distributed over.
enum class SetUsed {
  none,       // goal inside the dead band: nothing attempted
  pressured,  // growing: VMs short of free memory (idlist1) made progress
  relaxed,    // shrinking: VMs with enough free memory (idlist2) made progress
  all,        // the preferred set made no progress, so all eligible VMs were used
};

// Why a VM is not ballooned at all (checked in this order).
enum class SkipReason {
  no_driver,   // no live balloon value
  no_min,      // no balloon_min
  migrating,   // lock: migrate
  manual,      // shares: 0 (the target is set by hand)
};

struct Skipped {
  int vmid = 0;
  SkipReason reason = SkipReason::no_driver;
  bool operator==(const Skipped&) const = default;
};

// The outcome of one cycle, with what an audit record needs to explain it.
struct Plan {
  std::int64_t goal = 0;                       // bytes the host should change by (+ = grow)
  SetUsed set_used = SetUsed::none;
  std::int64_t rest = 0;                       // part of the goal left unallocated
  std::map<int, std::int64_t> targets;         // vmid → new balloon target; only VMs whose
                                               // target differs from their live balloon
  std::vector<int> pressured;                  // eligible VMs under memory pressure, ascending
  std::vector<int> relaxed;                    // eligible VMs with enough free memory, ascending
  std::vector<Skipped> skipped;                // ineligible VMs, ascending vmid
};

// goal = int(memtotal * target_percent / 100 - memused), truncated toward zero,
// computed exactly in integers.
// Throws std::invalid_argument when target_percent is outside 0..100.
std::int64_t compute_goal(const HostMemory& host);

// One planner cycle for a given goal (compute_alg1). `params` defaults to the
// spec's 100 MiB per VM per cycle and ±10 MiB dead band.
// Requires: maxmem >= balloon_min for eligible VMs, byte values well below 2^53.
// Throws std::invalid_argument when a vmid occurs twice in `vms`.
Plan plan_for_goal(std::int64_t goal, std::span<const VmBalloonStatus> vms,
                   const Params& params = {});

// plan_for_goal(compute_goal(host), vms, params).
Plan plan_cycle(const HostMemory& host, std::span<const VmBalloonStatus> vms,
                const Params& params = {});

// Stable names used in audit records and logs: "none", "pressured", ...
const char* to_string(SetUsed set);
const char* to_string(SkipReason reason);

}  // namespace qmd::autoballoon
