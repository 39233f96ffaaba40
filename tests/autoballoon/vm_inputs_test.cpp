// One VM's planner record from its config and QEMU's answers (spec §7.1).
#include <catch2/catch.hpp>

#include "service/autoballoon/vm_inputs.h"

using namespace qmd::autoballoon;
using nlohmann::json;

namespace {
// guest-stats as QEMU 7.2 answers it.
json stats(std::int64_t last_update, std::int64_t free) {
  return {{"stats", {{"stat-free-memory", free}, {"stat-total-memory", 479657984}, {"stat-swap-in", -1}}},
          {"last-update", last_update}};
}
}  // namespace

TEST_CASE("inputs: a VM whose driver reports statistics", "[autoballoon][inputs]") {
  const qmd::config::Section conf = {{"memory", "256"}, {"balloon", "160"}, {"shares", "2000"}, {"lock", "backup"}};
  const auto s = balloon_status_of(300, conf, json{{"actual", 200 * kMiB}}, stats(1796169059, 100 * kMiB));
  CHECK(s.vmid == 300);
  CHECK(s.maxmem == 256 * kMiB);
  CHECK(s.balloon_min == 160 * kMiB);
  CHECK(s.shares == 2000);
  CHECK(s.balloon == 200 * kMiB);
  CHECK(s.freemem == 100 * kMiB);
  CHECK(s.lock == "backup");
}

TEST_CASE("inputs: no statistics ever reported means no driver", "[autoballoon][inputs]") {
  const qmd::config::Section conf = {{"memory", "64"}, {"balloon", "32"}};
  auto s = balloon_status_of(303, conf, json{{"actual", 64 * kMiB}}, stats(0, 0));
  CHECK_FALSE(s.balloon.has_value());
  CHECK(s.freemem == 0);
  s = balloon_status_of(303, conf, json{{"actual", 64 * kMiB}}, json());
  CHECK_FALSE(s.balloon.has_value());
  // query-balloon failed: no balloon device at all.
  s = balloon_status_of(303, conf, json(), stats(5, kMiB));
  CHECK_FALSE(s.balloon.has_value());
}

TEST_CASE("inputs: config defaults and PVE's extended query-balloon", "[autoballoon][inputs]") {
  // memory unset = 512 MiB; balloon unset or 0 = no minimum; shares unset = default.
  auto s = balloon_status_of(1, {}, json{{"actual", 512 * kMiB}}, stats(7, 300 * kMiB));
  CHECK(s.maxmem == 512 * kMiB);
  CHECK_FALSE(s.balloon_min.has_value());
  CHECK_FALSE(s.shares.has_value());
  CHECK(s.lock.empty());
  s = balloon_status_of(1, {{"memory", "current=1024"}, {"balloon", "0"}, {"shares", "0"}}, json(), json());
  CHECK(s.maxmem == 1024 * kMiB);
  CHECK_FALSE(s.balloon_min.has_value());
  CHECK(s.shares == 0);
  // PVE's QEMU: max_mem replaces the config's memory, free_mem is the guest's free memory.
  s = balloon_status_of(1, {{"memory", "1024"}}, json{{"actual", 900 * kMiB}, {"max_mem", 2048 * kMiB}, {"free_mem", 77}},
                        json());
  CHECK(s.maxmem == 2048 * kMiB);
  CHECK(s.balloon == 900 * kMiB);
  CHECK(s.freemem == 77);
  // An unreadable shares value counts as unset; a statistic QEMU does not know (-1) as unknown.
  s = balloon_status_of(1, {{"shares", "lots"}}, json{{"actual", kMiB}}, stats(3, -1));
  CHECK_FALSE(s.shares.has_value());
  CHECK(s.freemem == 0);
  CHECK(s.balloon == kMiB);
}

TEST_CASE("inputs: the guest-stats question", "[autoballoon][inputs]") {
  CHECK(guest_stats_query().dump() == R"({"path":"machine/peripheral/balloon0","property":"guest-stats"})");
}
