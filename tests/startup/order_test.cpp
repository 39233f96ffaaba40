// startall / stopall plans (spec §6.11).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "service/startup/order.h"

using namespace qmd::startup;

namespace {

GuestRecord guest(int vmid, std::string startup = "", bool onboot = true, bool running = false) {
  GuestRecord g;
  g.vmid = vmid;
  g.onboot = onboot;
  g.startup = std::move(startup);
  g.running = running;
  return g;
}

GuestRecord running(int vmid, std::string startup = "") {
  return guest(vmid, std::move(startup), false, true);
}

}  // namespace

TEST_CASE("startall: groups ascending, unordered last, VMIDs ascending", "[startup][start]") {
  const std::vector<GuestRecord> guests{
      guest(300),                 // unordered
      guest(105, "order=2"),
      guest(101, "2"),            // bare number = order
      guest(110, "order=1,up=30"),
      guest(102, "up=7"),         // unordered with a delay
      guest(104, "order=10"),     // 10 after 2: numeric, not textual
      guest(103, "order=0"),
  };
  const BootPlan plan = plan_startall(guests);
  CHECK(plan.groups == std::vector<StartGroup>{
                           {0, {{103, 3}}},
                           {1, {{110, 30}}},
                           {2, {{101, 3}, {105, 3}}},
                           {10, {{104, 3}}},
                           {std::nullopt, {{102, 7}, {300, 3}}},
                       });
  CHECK(plan.clear_backup_lock.empty());
}

TEST_CASE("startall: up delay defaults to 3 s and may be 0", "[startup][start]") {
  const BootPlan plan = plan_startall(std::vector{guest(100, "up=0"), guest(101, "order=5"),
                                                  guest(102, "order=5,up=120,down=9")});
  CHECK(plan.groups == std::vector<StartGroup>{{5, {{101, 3}, {102, 120}}},
                                               {std::nullopt, {{100, 0}}}});
}

TEST_CASE("startall: who is started", "[startup][start]") {
  auto tmpl = guest(103);
  tmpl.is_template = true;
  auto ha = guest(104);
  ha.ha_managed = true;
  const std::vector<GuestRecord> guests{
      guest(100),                      // onboot
      guest(101, "", false),           // not onboot
      guest(102, "", true, true),      // onboot but already running
      tmpl, ha};

  CHECK(plan_startall(guests).groups == std::vector<StartGroup>{{std::nullopt, {{100, 3}}}});
  // --force: onboot no longer required; templates, running and HA guests still left out.
  CHECK(plan_startall(guests, {.force = true}).groups ==
        std::vector<StartGroup>{{std::nullopt, {{100, 3}, {101, 3}}}});
  // --vms: only those, HA-managed ones included when named.
  CHECK(plan_startall(guests, {.force = false, .only = std::set<int>{101, 104}}).groups ==
        std::vector<StartGroup>{{std::nullopt, {{104, 3}}}});
  CHECK(plan_startall(std::vector<GuestRecord>{}).groups.empty());
}

TEST_CASE("startall: stale backup locks are cleared on every non-template guest", "[startup][locks]") {
  auto a = guest(120, "", false);  // not onboot: still unlocked
  a.lock = "backup";
  auto b = running(110);
  b.lock = "backup";
  auto c = guest(105);
  c.lock = "snapshot";             // other locks stay
  auto d = guest(101);
  d.lock = "backup";
  d.ha_managed = true;             // HA guests too
  auto t = guest(100);
  t.lock = "backup";
  t.is_template = true;            // templates are not looked at
  const BootPlan plan = plan_startall(std::vector{a, b, c, d, t}, {.only = std::set<int>{105}});
  CHECK(plan.clear_backup_lock == std::vector<int>{101, 110, 120});
  CHECK(plan.groups == std::vector<StartGroup>{{std::nullopt, {{105, 3}}}});
}

TEST_CASE("stopall: running guests, groups descending, VMIDs descending", "[startup][stop]") {
  const std::vector<GuestRecord> guests{
      running(100, "order=1,down=30"),
      running(101, "order=2"),
      running(102, "order=2,down=0"),
      running(200),                      // unordered: stopped first
      running(150, "down=600"),
      guest(103, "order=3"),             // onboot but not running
      running(104, "order=10"),
  };
  CHECK(plan_stopall(guests) == std::vector<StopGroup>{
                                    {std::nullopt, {{200, 180}, {150, 600}}},
                                    {10, {{104, 180}}},
                                    {2, {{102, 0}, {101, 180}}},
                                    {1, {{100, 30}}},
                                });
  // --timeout replaces the default, not an explicit `down`.
  CHECK(plan_stopall(guests, {.timeout = 60}) == std::vector<StopGroup>{
                                                     {std::nullopt, {{200, 60}, {150, 600}}},
                                                     {10, {{104, 60}}},
                                                     {2, {{102, 0}, {101, 60}}},
                                                     {1, {{100, 30}}},
                                                 });
}

TEST_CASE("stopall: HA-managed guests only when named", "[startup][stop]") {
  auto ha = running(101);
  ha.ha_managed = true;
  const std::vector<GuestRecord> guests{running(100), ha};
  CHECK(plan_stopall(guests) == std::vector<StopGroup>{{std::nullopt, {{100, 180}}}});
  CHECK(plan_stopall(guests, {.timeout = 180, .only = std::set<int>{101}}) ==
        std::vector<StopGroup>{{std::nullopt, {{101, 180}}}});
}

TEST_CASE("startup values: bare 0 and empty mean no options, blank parts are ignored",
          "[startup][parse]") {
  const BootPlan plan = plan_startall(std::vector{guest(100, "0"), guest(101, "order=0"),
                                                  guest(102, " ,up=4,"), guest(103, "order=007")});
  CHECK(plan.groups == std::vector<StartGroup>{{0, {{101, 3}}},
                                               {7, {{103, 3}}},
                                               {std::nullopt, {{100, 3}, {102, 4}}}});
}

TEST_CASE("startup values that do not parse are refused with Proxmox's message", "[startup][parse]") {
  // Parts are not trimmed: " up=4" is as wrong as "first".
  for (const char* bad : {"order=x", "up=-1", "first", "order=1,delay=5", "down=", "order= 1",
                          "1.5", "1, up=4"}) {
    INFO(bad);
    try {
      plan_startall(std::vector{guest(100), guest(107, bad)});
      FAIL("no error");
    } catch (const StartupOptionsError& e) {
      CHECK(std::string(e.what()) == "unable to parse startup options");
      CHECK(e.vmid == 107);
    }
    CHECK_THROWS_WITH(plan_stopall(std::vector{running(107, bad)}), "unable to parse startup options");
  }
  // Guests the plan does not consider are not parsed.
  CHECK_NOTHROW(plan_startall(std::vector{guest(100, "junk", false)}));
}

TEST_CASE("a guest listed twice is refused", "[startup][errors]") {
  CHECK_THROWS_WITH(plan_startall(std::vector{guest(100), guest(100)}),
                    "startup plan: VM 100 is listed twice");
  CHECK_THROWS_WITH(plan_stopall(std::vector{running(100), running(100)}),
                    "startup plan: VM 100 is listed twice");
}

TEST_CASE("default max workers", "[startup][workers]") {
  CHECK(default_max_workers(0) == 1);
  CHECK(default_max_workers(1) == 1);
  CHECK(default_max_workers(2) == 1);
  CHECK(default_max_workers(4) == 3);
  CHECK(default_max_workers(9) == 8);
  CHECK(default_max_workers(64) == 8);
}
