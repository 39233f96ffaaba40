// The audit trail of autoballoon decisions, with a bounded volume of events.
//
// A VM's target changes when a cycle sends it a target different from the
// last one qmd sent it (or, when qmd has sent it none since the VM came up,
// from the balloon size QEMU reported). Consecutive cycles that change a VM's
// target form a series, recorded as ONE event `vm.balloon.target`
// {from, target, cycles, goal, set, host}, due
//   - at the first cycle that leaves the VM's target as it was (it settled), or
//   - when a change goes the other way (a series only grows or only shrinks), or
//   - when the series has lasted `max_cycles` changing cycles (a VM that keeps
//     moving is recorded at least that often), or
//   - when the VM is no longer up (nothing decided is lost).
// So a VM gives at most one event per cycle (only if it turns every cycle),
// otherwise at most one per two cycles, in the common case one per
// convergence, and none while its target does not change. Pure (no clock, no
// I/O): the cycle feeds it what happened.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "events/event.h"
#include "service/autoballoon/planner.h"

namespace qmd::autoballoon {

struct TargetRecord {
  int vmid = 0;
  std::int64_t from = 0;     // bytes: the target before the series
  std::int64_t to = 0;       // bytes: the target after it
  int cycles = 0;            // cycles of the series (each changed the target)
  std::int64_t goal = 0;     // the host goal of the series' last cycle
  SetUsed set = SetUsed::none;
  HostMemory host;           // the host figures of the series' last cycle
  bool operator==(const TargetRecord& o) const {
    return vmid == o.vmid && from == o.from && to == o.to && cycles == o.cycles && goal == o.goal && set == o.set &&
           host.memtotal == o.host.memtotal && host.memused == o.host.memused &&
           host.target_percent == o.host.target_percent;
  }
};

class TargetAudit {
 public:
  // Requires max_cycles >= 1.
  explicit TargetAudit(int max_cycles = 6);

  // One finished cycle. plan/host: what it decided and from which figures;
  // sent: vmid → target QEMU acknowledged this cycle; live: vmid → balloon size
  // QEMU reported this cycle; up: every VM the cycle looked at.
  // Returns the records due now, ascending vmid.
  std::vector<TargetRecord> after_cycle(const Plan& plan, const HostMemory& host,
                                        const std::map<int, std::int64_t>& sent,
                                        const std::map<int, std::int64_t>& live, const std::set<int>& up);

  // Series still open (for a final flush), ascending vmid; forgets everything.
  std::vector<TargetRecord> flush();

 private:
  int max_cycles_;
  std::map<int, std::int64_t> last_target_;  // what qmd last sent each VM that is up
  std::map<int, TargetRecord> open_;         // series in progress
};

// The event of a record: vm.balloon.target
// {"from":B,"target":B,"cycles":N,"goal":B,"set":"relaxed","host":{"memtotal":B,"memused":B,"target_percent":P}}
events::NewEvent target_event(const TargetRecord& r);

}  // namespace qmd::autoballoon
