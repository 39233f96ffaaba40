// Spec §7.5: the docs' example with its arithmetic corrected (goal 9.6 GB,
// not 9 GB), simulated to convergence with the production parameters.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "service/autoballoon/planner.h"
#include "simulate.h"

using namespace qmd::autoballoon;

namespace {

constexpr std::int64_t kGB = 1000LL * 1000 * 1000;
constexpr std::int64_t kGiB = 1024LL * 1024 * 1024;

std::vector<VmBalloonStatus> four_vms(std::int64_t min, std::int64_t maxmem) {
  std::vector<VmBalloonStatus> vms;
  const std::int64_t shares[] = {3000, 1000, 1000, 1000};
  for (int k = 0; k < 4; ++k) {
    VmBalloonStatus s;
    s.vmid = 100 + k;
    s.maxmem = maxmem;
    s.balloon_min = min;
    s.balloon = min;
    s.shares = shares[k];
    vms.push_back(s);
  }
  return vms;
}

}  // namespace

TEST_CASE("spec 7.5 worked example in decimal GB: 4.8 GB and 1.6 GB extra", "[autoballoon][example]") {
  const HostMemory host{.memtotal = 32 * kGB, .memused = 16 * kGB, .target_percent = 80};
  const std::int64_t goal = compute_goal(host);
  REQUIRE(goal == 9600LL * 1000 * 1000);

  const std::int64_t min = 2 * kGB;
  const auto result = testing::simulate(four_vms(min, 16 * kGB), goal, Params{});
  CHECK(result.last_applied == std::map<int, std::int64_t>{{100, min + 4800LL * 1000 * 1000},
                                                           {101, min + 1600LL * 1000 * 1000},
                                                           {102, min + 1600LL * 1000 * 1000},
                                                           {103, min + 1600LL * 1000 * 1000}});
  CHECK(result.final_goal == 0);
  // 100 MiB per VM per cycle: the 3000-share VM needs 46 moves, plus the idle cycle.
  CHECK(result.cycles == 47);
}

TEST_CASE("spec 7.5 worked example in GiB: shares split 9.6 GiB 3:1:1:1, truncated", "[autoballoon][example]") {
  const HostMemory host{.memtotal = 32 * kGiB, .memused = 16 * kGiB, .target_percent = 80};
  const std::int64_t goal = compute_goal(host);
  REQUIRE(goal == 10307921510);  // int(10307921510.4)

  const std::int64_t min = 2 * kGiB;
  const auto result = testing::simulate(four_vms(min, 16 * kGiB), goal, Params{});
  // 10307921510 * 3000/6000 = 5153960755, but the byte that truncation leaves over
  // goes to the 3000-share VM: once the others reach their share they drop out
  // of the pass, and it alone takes what is left.
  CHECK(result.last_applied == std::map<int, std::int64_t>{{100, min + 5153960756},
                                                           {101, min + 1717986918},
                                                           {102, min + 1717986918},
                                                           {103, min + 1717986918}});
  CHECK(result.final_goal == 0);
}

TEST_CASE("the first planner cycle of the worked example moves every VM 100 MiB", "[autoballoon][example]") {
  const std::int64_t min = 2 * kGiB;
  const Plan plan = plan_cycle({.memtotal = 32 * kGiB, .memused = 16 * kGiB}, four_vms(min, 16 * kGiB));
  CHECK(plan.goal == 10307921510);
  CHECK(plan.set_used == SetUsed::pressured);
  CHECK(plan.targets == std::map<int, std::int64_t>{{100, min + 100 * kMiB},
                                                    {101, min + 100 * kMiB},
                                                    {102, min + 100 * kMiB},
                                                    {103, min + 100 * kMiB}});
  CHECK(plan.rest == 10307921510 - 4 * 100 * kMiB);
}
