// Rebuild of the read tables from the log vs a bare scan of the same rows.
//
//   bench_rebuild [events (default 1000000)] [directory (default $TMPDIR)]
//
// The log holds `vms` VMs (1,000 by default): one vm.created each, then
// vm.config.updated events with one- or two-key deltas, appended in large
// batches outside the timer. rebuild = projections::rebuild (replay, fold,
// checkpoints, write every row) ; floor = SELECT seq,stream,type,payload over
// the same table (bench/rebuild_scan_floor.h). ratio = floor / rebuild
// (target >= 0.3) and events/s (target >= 500k).
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/rebuild_scan_floor.h"
#include "config/delta.h"
#include "events/database.h"
#include "events/sqlite_store.h"
#include "projections/read_model.h"
#include "projections/replay.h"
#include "projections/vm_events.h"

using namespace qmd;
using Clock = std::chrono::steady_clock;

namespace {

// This process's CPU time: steadier than wall time when other work competes
// for the cores (the rebuild is single-threaded and CPU-bound once cached).
double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

nlohmann::json key_delta(const std::string& key, const std::string& old_v, const std::string& new_v) {
  config::ConfigDelta d;
  d.keys.push_back({"", key, old_v.empty() ? std::nullopt : std::optional<std::string>(old_v), new_v});
  return projections::delta_to_json(d);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t total = argc > 1 ? std::stoll(argv[1]) : 1000000;
  const std::string base = argc > 2 ? argv[2] : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  const int vms = 1000;
  const std::string dir = base + "/qmd-bench-rebuild";
  // QMD_BENCH_KEEP=1 keeps the generated log between runs (for profiling the rebuild alone).
  const bool keep = std::getenv("QMD_BENCH_KEEP") != nullptr;
  const bool reuse = keep && std::filesystem::exists(dir + "/qmd.db");
  if (!reuse) std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = events::Database::open(dir + "/qmd.db");
  events::SqliteEventStore store(*db);
  projections::ReadModel model(db->session());

  events::Meta meta;
  meta.user = "bench";
  meta.uid = 0;
  meta.node = "pve1";
  meta.command = "bench";
  meta.correlation_id = "bench";
  std::vector<int64_t> version(vms + 100, 0);
  std::vector<int> memory(vms + 100, 1024);
  int64_t appended = 0;
  while (!reuse && appended < total) {
    std::vector<events::EventStore::StreamAppend> batch;
    const int64_t n = std::min<int64_t>(10000, total - appended);
    for (int64_t i = 0; i < n; ++i) {
      const int vmid = 100 + static_cast<int>((appended + i) % vms);
      events::NewEvent e;
      if (version[vmid] == 0) {
        config::ConfigFile c;
        c.main = {{"memory", "1024"}, {"name", "vm" + std::to_string(vmid)}, {"cores", "1"},
                  {"net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0"}, {"scsi0", "local:100/vm-100-disk-0.qcow2,size=32G"}};
        e = {projections::event_type::kCreated, 1,
             {{"vmid", vmid}, {"node", "pve1"}, {"delta", projections::delta_to_json(config::diff({}, c))}}, {}};
      } else {
        const int old = memory[vmid];
        memory[vmid] = old == 1024 ? 2048 : 1024;
        e = {projections::event_type::kConfigUpdated, 1,
             {{"delta", key_delta("memory", std::to_string(old), std::to_string(memory[vmid]))}}, {}};
      }
      batch.push_back({projections::vm_stream(vmid), version[vmid], {e}, meta});
      ++version[vmid];
    }
    store.append_batch(batch);
    appended += n;
  }

  bench::measure_rebuild_scan_floor(db->sql().getHandle());  // warm the page cache
  const double fc0 = cpu_now();
  const auto floor = bench::measure_rebuild_scan_floor(db->sql().getHandle());
  const double floor_cpu = cpu_now() - fc0;
  // The log read alone (no decoding, no folding): how much of the rebuild is reading.
  const double rc0 = cpu_now();
  int64_t raw_rows = 0;
  store.read_all_raw(1, [&](const events::RawEvent&) { return ++raw_rows > 0; });
  const double raw_cpu = cpu_now() - rc0;
  const double c0 = cpu_now();
  const auto t0 = Clock::now();
  const int64_t replayed = projections::rebuild(store, model, nullptr);
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_now() - c0;
  std::printf("%s\n", fmt::format("{{\"bench\":\"rebuild\",\"events\":{},\"vms\":{},\"seconds\":{:.3f},"
                                  "\"floor_seconds\":{:.3f},\"ratio\":{:.3f},\"events_per_second\":{:.0f},"
                                  "\"cpu_seconds\":{:.3f},\"floor_cpu_seconds\":{:.3f},\"cpu_ratio\":{:.3f},"
                                  "\"events_per_cpu_second\":{:.0f},\"raw_read_cpu_seconds\":{:.3f},"
                                  "\"target_ratio\":0.3,\"target_events_per_second\":500000}}",
                                  replayed, vms, secs, floor.seconds, floor.seconds / secs,
                                  static_cast<double>(replayed) / secs, cpu, floor_cpu, floor_cpu / cpu,
                                  static_cast<double>(replayed) / cpu, raw_cpu)
                          .c_str());
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
