#include "simulate.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace qmd::autoballoon::testing {

SimulationResult simulate(std::vector<VmBalloonStatus> vms, std::int64_t goal,
                          const Params& params, int max_cycles) {
  SimulationResult result;
  for (;;) {
    if (result.cycles == max_cycles) {
      throw std::runtime_error("autoballoon simulation did not settle after " +
                               std::to_string(max_cycles) + " cycles");
    }
    ++result.cycles;
    const Plan plan = plan_for_goal(goal, vms, params);
    std::int64_t changes = 0;
    std::int64_t abschanges = 0;
    for (VmBalloonStatus& vm : vms) {
      auto it = plan.targets.find(vm.vmid);
      if (it == plan.targets.end()) continue;
      const std::int64_t diff = it->second - vm.balloon.value_or(0);
      if (diff == 0) continue;
      vm.freemem = std::max<std::int64_t>(vm.freemem + diff, 0);
      vm.balloon = it->second;
      result.last_applied[vm.vmid] = it->second;
      changes += diff;
      abschanges += diff > 0 ? diff : -diff;
    }
    goal -= changes;
    if (abschanges == 0) break;
  }
  result.final_state = std::move(vms);
  result.final_goal = goal;
  return result;
}

}  // namespace qmd::autoballoon::testing
