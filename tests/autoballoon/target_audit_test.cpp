// The audit trail of autoballoon decisions: one event per series of changes.
#include <catch2/catch.hpp>

#include "projections/vm_events.h"
#include "service/autoballoon/target_audit.h"
#include "service/commands/event_summary.h"

using namespace qmd::autoballoon;
using Map = std::map<int, std::int64_t>;

namespace {
const HostMemory kHost{10LL << 30, 4LL << 30, 80};

Plan plan(std::int64_t goal, SetUsed set) {
  Plan p;
  p.goal = goal;
  p.set_used = set;
  return p;
}

TargetRecord record(int vmid, std::int64_t from, std::int64_t to, int cycles, std::int64_t goal, SetUsed set,
                    HostMemory host = kHost) {
  return TargetRecord{vmid, from, to, cycles, goal, set, host};
}
}  // namespace

TEST_CASE("audit: a series of changes is one record, due when the target settles", "[autoballoon][audit]") {
  TargetAudit audit(6);
  const std::set<int> up = {300, 301};
  // cycle 1: 300 moves from its live 160 MiB to 260; 301 has no driver (nothing sent)
  CHECK(audit.after_cycle(plan(1000 * kMiB, SetUsed::all), kHost, {{300, 260 * kMiB}}, {{300, 160 * kMiB}}, up)
            .empty());
  // cycle 2: 300 moves on to 360 (live lags: 200)
  CHECK(audit.after_cycle(plan(900 * kMiB, SetUsed::pressured), kHost, {{300, 360 * kMiB}}, {{300, 200 * kMiB}}, up)
            .empty());
  // cycle 3: the same target is sent again: settled, one record from 160 to 360 over 2 cycles
  auto due = audit.after_cycle(plan(800 * kMiB, SetUsed::pressured), kHost, {{300, 360 * kMiB}},
                               {{300, 300 * kMiB}}, up);
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(300, 160 * kMiB, 360 * kMiB, 2, 900 * kMiB, SetUsed::pressured));
  // cycle 4: nothing sent: nothing due
  CHECK(audit.after_cycle(plan(0, SetUsed::none), kHost, {}, {{300, 360 * kMiB}}, up).empty());
  // cycle 5: a new series starts from the last target sent, not from the live size
  CHECK(audit.after_cycle(plan(-500 * kMiB, SetUsed::relaxed), kHost, {{300, 260 * kMiB}}, {{300, 350 * kMiB}}, up)
            .empty());
  due = audit.after_cycle(plan(0, SetUsed::none), kHost, {}, {{300, 260 * kMiB}}, up);
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(300, 360 * kMiB, 260 * kMiB, 1, -500 * kMiB, SetUsed::relaxed));
}

TEST_CASE("audit: a VM that keeps moving is recorded every max_cycles cycles", "[autoballoon][audit]") {
  TargetAudit audit(3);
  const std::set<int> up = {100};
  std::vector<TargetRecord> all;
  for (int i = 1; i <= 7; ++i) {
    auto due = audit.after_cycle(plan(5000 * kMiB, SetUsed::all), kHost, {{100, (1000 + 100 * i) * kMiB}},
                                 {{100, 1000 * kMiB}}, up);
    all.insert(all.end(), due.begin(), due.end());
  }
  REQUIRE(all.size() == 2);
  CHECK(all[0] == record(100, 1000 * kMiB, 1300 * kMiB, 3, 5000 * kMiB, SetUsed::all));
  CHECK(all[1] == record(100, 1300 * kMiB, 1600 * kMiB, 3, 5000 * kMiB, SetUsed::all));
  auto rest = audit.flush();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0] == record(100, 1600 * kMiB, 1700 * kMiB, 1, 5000 * kMiB, SetUsed::all));
  CHECK(audit.flush().empty());
}

TEST_CASE("audit: a VM that is gone has its open series recorded and its target forgotten", "[autoballoon][audit]") {
  TargetAudit audit;
  CHECK(audit.after_cycle(plan(100 * kMiB, SetUsed::all), kHost, {{7, 1100 * kMiB}, {8, 1050 * kMiB}},
                          {{7, 1000 * kMiB}, {8, 1000 * kMiB}}, {7, 8})
            .empty());
  auto due = audit.after_cycle(plan(50 * kMiB, SetUsed::all), kHost, {{8, 1100 * kMiB}}, {{8, 1050 * kMiB}}, {8});
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(7, 1000 * kMiB, 1100 * kMiB, 1, 100 * kMiB, SetUsed::all));
  // 7 comes back (restarted): its first target counts from its live size again; 8 settled
  due = audit.after_cycle(plan(40 * kMiB, SetUsed::all), kHost, {{7, 600 * kMiB}}, {{7, 512 * kMiB}}, {7, 8});
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(8, 1000 * kMiB, 1100 * kMiB, 2, 50 * kMiB, SetUsed::all));
  due = audit.after_cycle(plan(0, SetUsed::none), kHost, {}, {}, {7, 8});
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(7, 512 * kMiB, 600 * kMiB, 1, 40 * kMiB, SetUsed::all));
}

TEST_CASE("audit: a target equal to the live size with nothing sent before is no change", "[autoballoon][audit]") {
  TargetAudit audit;
  CHECK(audit.after_cycle(plan(20 * kMiB, SetUsed::all), kHost, {{5, kMiB}}, {{5, kMiB}}, {5}).empty());
  CHECK(audit.after_cycle(plan(20 * kMiB, SetUsed::all), kHost, {{5, kMiB}}, {}, {5}).empty());
  CHECK(audit.flush().empty());
  CHECK_THROWS_AS(TargetAudit(0), std::invalid_argument);
}

TEST_CASE("audit: the event of a record", "[autoballoon][audit]") {
  const auto e = target_event(record(300, 160 * kMiB, 256 * kMiB, 1, 4096 * kMiB, SetUsed::all));
  CHECK(e.type == qmd::projections::event_type::kBalloonTarget);
  CHECK(e.type == "vm.balloon.target");
  CHECK(e.schema == 1);
  CHECK(e.payload.dump() ==
        R"({"cycles":1,"from":167772160,"goal":4294967296,"host":{"memtotal":10737418240,"memused":4294967296,)"
        R"("target_percent":80},"set":"all","target":268435456})");
}

TEST_CASE("audit: the history summary of the event", "[autoballoon][audit]") {
  qmd::events::Event e;
  e.type = "vm.balloon.target";
  e.payload = target_event(record(300, 160 * kMiB, 256 * kMiB, 1, 4096 * kMiB, SetUsed::all)).payload;
  CHECK(qmd::service::summarize_event(e) == "balloon target 160 MiB -> 256 MiB (1 cycle, goal +4096 MiB, all)");
  e.payload = target_event(record(101, 1024 * kMiB + kMiB / 2, 1000 * kMiB, 4, -200 * kMiB, SetUsed::relaxed)).payload;
  CHECK(qmd::service::summarize_event(e) ==
        "balloon target 1024.50 MiB -> 1000 MiB (4 cycles, goal -200 MiB, relaxed)");
}

TEST_CASE("audit: a change of direction ends a series", "[autoballoon][audit]") {
  TargetAudit audit;
  CHECK(audit.after_cycle(plan(4096 * kMiB, SetUsed::all), kHost, {{300, 256 * kMiB}}, {{300, 160 * kMiB}}, {300})
            .empty());
  // the host runs short the very next cycle: the growth is recorded, the shrink starts a new series
  auto due = audit.after_cycle(plan(-1024 * kMiB, SetUsed::relaxed), kHost, {{300, 160 * kMiB}},
                               {{300, 256 * kMiB}}, {300});
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(300, 160 * kMiB, 256 * kMiB, 1, 4096 * kMiB, SetUsed::all));
  due = audit.after_cycle(plan(-1024 * kMiB, SetUsed::relaxed), kHost, {{300, 160 * kMiB}}, {{300, 200 * kMiB}},
                          {300});
  REQUIRE(due.size() == 1);
  CHECK(due[0] == record(300, 256 * kMiB, 160 * kMiB, 1, -1024 * kMiB, SetUsed::relaxed));
}
