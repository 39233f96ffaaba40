// One autoballoon planner cycle (spec §7) over many VMs, against a floor.
//
//   bench_autoballoon_planner [vms (default 1000)]
//
// Records: deterministic pseudo-random VMs (1-8 GiB minimum, maximum 2-4x the
// minimum, live balloon in between, varied free memory and shares, ~5 % of
// them ineligible). One JSON line per case:
//   grow   goal +64 GiB (every eligible VM moves)
//   shrink goal -64 GiB
// us_per_cycle: mean time of plan_for_goal; target <= 1000 us for 1000 VMs.
// floor: a plain loop summing the fields of the same records (what any
// planner must at least read); ratio = floor / ours (informational).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/autoballoon/planner.h"

using namespace qmd::autoballoon;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kGiB = 1024 * kMiB;

struct Lcg {
  std::uint64_t s = 0x9e3779b97f4a7c15ULL;
  std::uint64_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
};

std::vector<VmBalloonStatus> make_vms(int count) {
  Lcg rng;
  std::vector<VmBalloonStatus> vms;
  vms.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    VmBalloonStatus s;
    s.vmid = 100 + i;
    const std::int64_t min = (1 + rng.below(8)) * kGiB;
    s.balloon_min = min;
    s.maxmem = min * (2 + rng.below(3));
    s.balloon = min + rng.below(s.maxmem - min + 1);
    s.freemem = rng.below(min);
    s.shares = 500 + 250 * rng.below(11);
    switch (rng.below(60)) {
      case 0: s.balloon.reset(); break;
      case 1: s.lock = "migrate"; break;
      case 2: s.shares = 0; break;
      default: break;
    }
    vms.push_back(s);
  }
  return vms;
}

// The floor: read every field the planner reads, once.
std::int64_t floor_pass(const std::vector<VmBalloonStatus>& vms) {
  std::int64_t sum = 0;
  for (const VmBalloonStatus& s : vms) {
    sum += s.vmid + s.maxmem + s.balloon_min.value_or(0) + s.shares.value_or(1000) +
           s.balloon.value_or(0) + s.freemem + static_cast<std::int64_t>(s.lock.size());
  }
  return sum;
}

// Mean seconds per call of `f`, running it for at least `min_seconds`.
template <typename F>
double time_per_call(F&& f, double min_seconds) {
  long calls = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < min_seconds);
  return elapsed / static_cast<double>(calls);
}

volatile std::int64_t g_sink;

void run_case(const char* name, std::int64_t goal, const std::vector<VmBalloonStatus>& vms) {
  const Plan probe = plan_for_goal(goal, vms);
  const double ours = time_per_call(
      [&] { g_sink = g_sink + plan_for_goal(goal, vms).rest; }, 0.5);
  const double floor = time_per_call([&] { g_sink = g_sink + floor_pass(vms); }, 0.2);
  nlohmann::json j = {{"bench", "autoballoon_planner"},
                      {"case", name},
                      {"vms", vms.size()},
                      {"goal", goal},
                      {"set", to_string(probe.set_used)},
                      {"targets_changed", probe.targets.size()},
                      {"us_per_cycle", ours * 1e6},
                      {"target_us", 1000},
                      {"floor_us", floor * 1e6},
                      {"ratio", floor / ours}};
  std::cout << j.dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (count <= 0) {
    std::cerr << "usage: bench_autoballoon_planner [vms > 0]\n";
    return 2;
  }
  const auto vms = make_vms(count);
  run_case("grow", 64 * kGiB, vms);
  run_case("shrink", -64 * kGiB, vms);
  return 0;
}
