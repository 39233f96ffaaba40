// Test support: the simulation mode of Proxmox's balloontest.pl (§7.6).
//
// Runs planner cycles against a fixed goal, applying each cycle's targets to
// the VM records as a perfectly obedient guest would, until a cycle changes
// nothing. Applying a change also moves the guest's free memory by the same
// amount (clamped at 0), as balloontest's abapply does; that is what lets
// VMs move between the pressured and relaxed sets during a simulation.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "service/autoballoon/planner.h"

namespace qmd::autoballoon::testing {

struct SimulationResult {
  std::map<int, std::int64_t> last_applied;  // vmid → last target applied (VMs that moved)
  std::vector<VmBalloonStatus> final_state;  // the records after the last cycle
  std::int64_t final_goal = 0;               // goal left after subtracting applied changes
  int cycles = 0;                            // planner calls, the last one changing nothing
};

// Throws std::runtime_error if it has not settled after `max_cycles` cycles.
SimulationResult simulate(std::vector<VmBalloonStatus> vms, std::int64_t goal,
                          const Params& params, int max_cycles = 10000);

}  // namespace qmd::autoballoon::testing
