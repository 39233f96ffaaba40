// `config --at` on a VM with 100,000 events: the as-of fold (newest checkpoint
// at or before the point, then the rest of the stream) for points spread over
// the stream, in process. Target: <= 10 ms per query. The floor printed beside
// it is reading the same stream tail (the events folded) without folding.
//
//   bench_config_at [events (default 100000)] [directory (default $TMPDIR)]
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/delta.h"
#include "events/database.h"
#include "events/sqlite_store.h"
#include "projections/projector.h"
#include "projections/read_model.h"
#include "projections/replay.h"
#include "projections/vm_events.h"

using namespace qmd;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int64_t total = argc > 1 ? std::stoll(argv[1]) : 100000;
  const std::string base = argc > 2 ? argv[2] : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  const std::string dir = base + "/qmd-bench-config-at";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = events::Database::open(dir + "/qmd.db");
  events::SqliteEventStore store(*db);
  projections::ReadModel model(db->session());
  projections::Projector projector(model);
  events::Meta meta;
  meta.user = "bench";
  meta.node = "pve1";

  // The VM's history, through the inline projector (so checkpoints exist as in real use).
  config::ConfigFile conf;
  conf.main = {{"memory", "1024"}, {"name", "vm100"}, {"cores", "1"}};
  int64_t version = 0;
  std::vector<events::EventStore::StreamAppend> batch;
  batch.push_back({"vm/100", 0,
                   {{projections::event_type::kCreated, 1,
                     {{"vmid", 100}, {"node", "pve1"}, {"delta", projections::delta_to_json(config::diff({}, conf))}}, {}}},
                   meta});
  ++version;
  while (version < total) {
    config::ConfigFile next = conf;
    next.main["memory"] = std::to_string(1024 + (version % 64) * 16);
    next.main["description"] = "change " + std::to_string(version);
    batch.push_back({"vm/100", version,
                     {{projections::event_type::kConfigUpdated, 1,
                       {{"delta", projections::delta_to_json(config::diff(conf, next))}}, {}}},
                     meta});
    conf = std::move(next);
    ++version;
    if (batch.size() == 5000 || version == total) {
      store.append_batch(batch, projector.hook());
      batch.clear();
    }
  }

  std::vector<double> ms;
  std::vector<double> floor_ms;
  for (int q = 1; q <= 50; ++q) {
    const int64_t seq = total * q / 50;
    events::Upto upto;
    upto.seq = seq;
    const auto t0 = Clock::now();
    const auto s = projections::state_at(store, model, 100, upto);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (s.version != seq) {
      std::fprintf(stderr, "wrong state: version %lld for seq %lld\n", (long long)s.version, (long long)seq);
      return 1;
    }
    const auto t1 = Clock::now();
    auto tail = store.read_stream("vm/100", upto, (seq / projections::ReadModel::kCheckpointEvery) *
                                                      projections::ReadModel::kCheckpointEvery);
    floor_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t1).count());
  }
  std::sort(ms.begin(), ms.end());
  std::sort(floor_ms.begin(), floor_ms.end());
  std::printf("%s\n", fmt::format("{{\"bench\":\"config_at\",\"events\":{},\"queries\":{},\"median_ms\":{:.3f},"
                                  "\"max_ms\":{:.3f},\"floor_median_ms\":{:.3f},\"ratio\":{:.3f},\"target_ms\":10}}",
                                  total, ms.size(), ms[ms.size() / 2], ms.back(), floor_ms[floor_ms.size() / 2],
                                  floor_ms[floor_ms.size() / 2] / ms[ms.size() / 2])
                          .c_str());
  std::filesystem::remove_all(dir);
  return 0;
}
