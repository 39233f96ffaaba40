// The 17 test vectors of spec §7.6 (pve-manager test/balloontest.pl): decimal
// MB/GB units, maxchange = 100 MB, the dead band left at its 10 MiB default.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "service/autoballoon/planner.h"
#include "simulate.h"

using namespace qmd::autoballoon;
using Targets = std::map<int, std::int64_t>;

namespace {

constexpr std::int64_t MB(double mb) { return static_cast<std::int64_t>(mb * 1000 * 1000); }
constexpr std::int64_t GB(std::int64_t gb) { return gb * 1000 * 1000 * 1000; }

const Params kTestParams{.maxchange = MB(100), .dead_band = 10 * kMiB};

VmBalloonStatus vm(int vmid, std::int64_t shares, std::int64_t min, std::int64_t balloon,
                   std::int64_t freemem = 0) {
  VmBalloonStatus s;
  s.vmid = vmid;
  s.maxmem = GB(2);
  s.shares = shares;
  s.balloon_min = min;
  s.balloon = balloon;
  s.freemem = freemem;
  return s;
}

std::vector<VmBalloonStatus> state_a() {
  return {vm(100, 2000, GB(1), GB(1)), vm(101, 1000, GB(1), GB(1))};
}
std::vector<VmBalloonStatus> state_b() {
  return {vm(100, 2000, GB(2), GB(2)), vm(101, 1000, GB(1), GB(1))};
}
std::vector<VmBalloonStatus> state_c() {
  return {vm(100, 2000, GB(2), GB(2)), vm(101, 1000, GB(1), GB(1) + MB(7)),
          vm(102, 1000, GB(1), GB(1), MB(512))};
}

Targets once(const std::vector<VmBalloonStatus>& vms, std::int64_t goal) {
  return plan_for_goal(goal, vms, kTestParams).targets;
}

Targets sim(const std::vector<VmBalloonStatus>& vms, std::int64_t goal) {
  return testing::simulate(vms, goal, kTestParams).last_applied;
}

// State S: state C after the +593 MB simulation, free memory moved with it.
std::vector<VmBalloonStatus> state_s() {
  return testing::simulate(state_c(), MB(593), kTestParams).final_state;
}

}  // namespace

TEST_CASE("spec 7.6 state A, single call", "[autoballoon][vectors]") {
  CHECK(once(state_a(), 0) == Targets{});
  CHECK(once(state_a(), MB(90)) == Targets{{100, MB(1060)}, {101, MB(1030)}});
  CHECK(once(state_a(), MB(150)) == Targets{{100, MB(1100)}, {101, MB(1050)}});
  CHECK(once(state_a(), MB(270)) == Targets{{100, MB(1100)}, {101, MB(1090)}});
}

TEST_CASE("spec 7.6 state A, simulation", "[autoballoon][vectors]") {
  CHECK(sim(state_a(), MB(180)) == Targets{{100, MB(1120)}, {101, MB(1060)}});
  CHECK(sim(state_a(), MB(270)) == Targets{{100, MB(1180)}, {101, MB(1090)}});
  CHECK(sim(state_a(), MB(600)) == Targets{{100, MB(1300)}, {101, MB(1300)}});
  CHECK(sim(state_a(), MB(900)) == Targets{{100, MB(1600)}, {101, MB(1300)}});
}

TEST_CASE("spec 7.6 state B, single call", "[autoballoon][vectors]") {
  CHECK(once(state_b(), 0) == Targets{});
  CHECK(once(state_b(), MB(18)) == Targets{{101, MB(1018)}});
  CHECK(once(state_b(), MB(500)) == Targets{{101, MB(1100)}});
}

TEST_CASE("spec 7.6 state C, single call", "[autoballoon][vectors]") {
  CHECK(once(state_c(), 0) == Targets{});
  CHECK(once(state_c(), MB(11)) == Targets{{101, MB(1018)}});
  CHECK(once(state_c(), MB(80)) == Targets{{101, MB(1087)}});
  CHECK(once(state_c(), MB(200)) == Targets{{101, MB(1107)}});
}

TEST_CASE("spec 7.6 state C +593 MB simulation reaches state S", "[autoballoon][vectors]") {
  const auto result = testing::simulate(state_c(), MB(593), kTestParams);
  CHECK(result.last_applied == Targets{{101, MB(1300)}, {102, MB(1300)}});
  // The goal is used up exactly, and free memory followed the balloon.
  CHECK(result.final_goal == 0);
  REQUIRE(result.final_state.size() == 3);
  CHECK(result.final_state[1].freemem == MB(293));
  CHECK(result.final_state[2].freemem == MB(812));
}

TEST_CASE("spec 7.6 state S, shrinking simulations", "[autoballoon][vectors]") {
  const auto s = state_s();
  CHECK(sim(s, -MB(200)) == Targets{{101, MB(1200)}, {102, MB(1200)}});
  CHECK(sim(s, -MB(400)) == Targets{{101, MB(1200)}, {102, GB(1)}});
  CHECK(sim(s, -MB(593)) == Targets{{101, MB(1007)}, {102, GB(1)}});
}
