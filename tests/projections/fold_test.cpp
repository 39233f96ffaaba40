#include <catch2/catch.hpp>

#include "config/delta.h"
#include "projections/vm_events.h"
#include "projections/vm_state.h"

using namespace qmd;
using projections::VmState;

namespace {

events::Event event(int64_t seq, int64_t version, const std::string& type, nlohmann::json payload) {
  events::Event e;
  e.seq = seq;
  e.stream = "vm/100";
  e.version = version;
  e.type = type;
  e.payload = std::move(payload);
  e.meta = {{"user", "alice"}};
  e.recorded_at = 1000 * seq;
  return e;
}

config::ConfigFile sample() {
  config::ConfigFile c;
  c.main = {{"memory", "1024"}, {"name", "a"}, {"parent", "s1"}};
  c.pending = {{"memory", "2048"}, {"delete", "name"}};
  c.snapshots["s1"] = {{"memory", "512"}, {"snaptime", "1"}};
  c.special["cloudinit"] = {};
  return c;
}

}  // namespace

TEST_CASE("delta JSON round-trips", "[projections][delta]") {
  const config::ConfigFile a = sample();
  config::ConfigFile b = a;
  b.main["memory"] = "4096";
  b.main.erase("name");
  b.pending.clear();
  b.snapshots.erase("s1");
  b.snapshots["s2"] = {};
  b.special["fleecing"] = {{"fleecing-images", "x"}};
  const auto d = config::diff(a, b);
  const auto j = projections::delta_to_json(d);
  CHECK(projections::delta_from_json(j) == d);

  config::ConfigFile via_apply = a;
  config::apply(via_apply, d);
  CHECK(via_apply == b);
}

TEST_CASE("malformed deltas are refused with a message", "[projections][delta]") {
  CHECK_THROWS_WITH(projections::delta_from_json(nlohmann::json::array()), "delta is not a JSON object");
  CHECK_THROWS_WITH(projections::delta_from_json({{"keys", {{"", "memory"}}}}),
                    "delta key change is not [section,key,old,new]");
  CHECK_THROWS_WITH(projections::delta_from_json({{"keys", {{"", 5, nullptr, "x"}}}}),
                    Catch::Contains("malformed delta"));
}

TEST_CASE("fold: create, update, operation, unlock, destroy", "[projections][fold]") {
  namespace t = projections::event_type;
  VmState s;
  config::ConfigFile c1;
  c1.main = {{"memory", "1024"}, {"lock", "create"}};
  projections::fold(s, event(1, 1, t::kOperationStarted,
                             {{"op", "create"}, {"op_id", "o1"}, {"vmid", 100}, {"node", "pve1"},
                              {"delta", projections::delta_to_json(config::diff({}, c1))}}));
  CHECK(s.exists);
  CHECK(s.node == "pve1");
  CHECK(s.lock() == "create");
  REQUIRE(s.op);
  CHECK(s.op->state == "running");
  CHECK(s.op->user == "alice");

  projections::fold(s, event(2, 2, t::kOperationStep, {{"op_id", "o1"}, {"step", "allocated x"}}));
  CHECK(s.op->last_step == "allocated x");
  config::ConfigFile c2 = c1;
  c2.main.erase("lock");
  projections::fold(s, event(3, 3, t::kOperationCompleted,
                             {{"op_id", "o1"}, {"delta", projections::delta_to_json(config::diff(c1, c2))}}));
  CHECK(s.lock().empty());
  CHECK(s.op->state == "completed");
  CHECK(s.version == 3);
  CHECK(s.last_seq == 3);

  projections::fold(s, event(4, 4, t::kDestroyed, {{"purge", false}, {"volumes", nlohmann::json::array()}}));
  CHECK_FALSE(s.exists);
  CHECK(s.conf == config::ConfigFile{});
  CHECK(s.version == 4);
}

TEST_CASE("fold refuses a version gap and a malformed payload, naming the seq", "[projections][fold]") {
  VmState s;
  CHECK_THROWS_WITH(projections::fold(s, event(7, 2, "vm.config.updated", {})),
                    "event seq 7 has stream version 2, expected 1");
  CHECK_THROWS_WITH(projections::fold(s, event(8, 1, "vm.created", {{"vmid", "x"}})),
                    Catch::StartsWith("event seq 8 (vm.created): malformed payload"));
}

TEST_CASE("state JSON round-trips", "[projections][state]") {
  VmState s;
  s.vmid = 100;
  s.exists = true;
  s.node = "n";
  s.version = 9;
  s.last_seq = 20;
  s.conf = sample();
  s.status = "running";
  s.pid = 42;
  s.op = projections::Operation{"id", "clone", "failed", "bob", 1, 2, "step", 3, "boom"};
  CHECK(projections::state_from_json(projections::state_to_json(s)) == s);
  CHECK_THROWS_AS(projections::state_from_json({{"vmid", 1}}), projections::ProjectionError);
}
