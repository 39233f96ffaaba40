#include <catch2/catch.hpp>

#include "config/delta.h"
#include "projections/projector.h"
#include "projections/replay.h"
#include "projections/vm_events.h"
#include "tests/events/backends.h"
#include "tests/support/child.h"

using namespace qmd;
using qmd::events::testing::PgLog;
using qmd::events::testing::SqliteLog;

namespace {

// The log and its read tables on backend B (tests/events/backends.h).
template <typename B>
struct Fixture {
  using Backend = B;
  B backend;
  std::unique_ptr<events::EventLog> log = events::EventLog::open(backend.db());
  events::EventStore& store = log->store();
  projections::ReadModel model{log->session()};
  projections::Projector projector{model};
  events::Meta meta;

  // Appends `n` memory changes to VM vmid (creating it first when needed).
  void changes(int64_t vmid, int n) {
    for (int i = 0; i < n; ++i) {
      auto s = model.load(vmid);
      config::ConfigFile next = s.conf;
      next.main["memory"] = std::to_string(1000 + s.version);
      nlohmann::json p = {{"delta", projections::delta_to_json(config::diff(s.conf, next))}};
      std::string type = projections::event_type::kConfigUpdated;
      if (!s.exists) {
        type = projections::event_type::kCreated;
        p["vmid"] = vmid;
        p["node"] = "pve1";
      }
      store.append(projections::vm_stream(vmid), s.version, {{type, 1, p, {}}}, meta, projector.hook());
    }
  }
};

}  // namespace

TEMPLATE_TEST_CASE("the inline projector keeps rows and checkpoints, verify agrees", "[projections][replay]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(Fixture);
  f.changes(100, 300);
  f.changes(101, 3);
  auto s = f.model.load(100);
  CHECK(s.version == 300);
  CHECK(s.conf.main.at("memory") == "1299");
  CHECK(f.model.checkpoint_before(100, 1000000, INT64_MAX)->version == 256);
  CHECK_FALSE(projections::verify_read_model(f.store, f.model));
}

TEMPLATE_TEST_CASE("state_at folds from the newest checkpoint before the point", "[projections][asof]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(Fixture);
  f.changes(100, 200);
  for (int64_t v : {1, 127, 128, 129, 200}) {
    events::Upto u;
    u.seq = v;  // one VM: seq == version
    auto s = projections::state_at(f.store, f.model, 100, u);
    CHECK(s.version == v);
    CHECK(s.conf.main.at("memory") == std::to_string(1000 + v - 1));
  }
  events::Upto before;
  before.time_ms = 0;
  CHECK_FALSE(projections::state_at(f.store, f.model, 100, before).exists);
}

TEMPLATE_TEST_CASE("rebuild restores rows that were lost or damaged, verify finds the damage first",
          "[projections][rebuild]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(Fixture);
  f.changes(100, 10);
  f.changes(101, 5);
  const auto want = f.model.load(100);
  f.log->session().run("DELETE FROM vm WHERE vmid = 101");
  f.log->session().run("UPDATE vm SET state = replace(state, '\"1009\"', '\"9999\"') WHERE vmid = 100");
  auto m = projections::verify_read_model(f.store, f.model);
  REQUIRE(m);
  CHECK(m->what == "read table row of VM 100 differs from the replayed log (stored version 10, log version 10)");
  CHECK(m->seq == 10);
  CHECK(projections::rebuild(f.store, f.model) == 15);
  CHECK(f.model.load(100) == want);
  CHECK(f.model.load(101).version == 5);
  CHECK_FALSE(projections::verify_read_model(f.store, f.model));
}

TEMPLATE_TEST_CASE("a projection failure rolls the append back", "[projections][projector]", SqliteLog, PgLog) {
  QMD_LOG_FIXTURE(Fixture);
  f.changes(100, 1);
  // A delta that cannot be folded: the event must not reach the log.
  CHECK_THROWS_AS(f.store.append("vm/100", 1, {{"vm.config.updated", 1, {{"delta", "nonsense"}}, {}}}, f.meta,
                                 f.projector.hook()),
                  projections::ProjectionError);
  CHECK(f.store.stream_version("vm/100") == 1);
  CHECK(f.model.load(100).version == 1);
}
