#include "projections/replay.h"

#include <limits>

#include "projections/vm_events.h"

namespace qmd::projections {

std::map<int64_t, VmState> replay_all(events::EventStore& store, ReadModel* checkpoints,
                                      const Progress& progress, const events::Upto& upto) {
  std::map<int64_t, VmState> states;
  const int64_t total = store.head_seq();
  int64_t done = 0;
  store.read_all_raw(1, [&](const events::RawEvent& e) {
    const int64_t vmid = vmid_of_stream(e.stream);
    if (vmid >= 0) {
      VmState& s = states[vmid];
      if (s.version == 0) s.vmid = vmid;
      fold(s, e);
      if (checkpoints && s.version % ReadModel::kCheckpointEvery == 0) checkpoints->save_checkpoint(s);
    }
    if (progress && (++done % 65536 == 0)) progress(done, total);
    return true;
  }, upto);
  if (progress) progress(total, total);
  return states;
}

int64_t rebuild(events::EventStore& store, ReadModel& model, const Progress& progress) {
  model.db().transaction([&] {
    model.clear();
    auto states = replay_all(store, &model, progress);
    for (const auto& [vmid, s] : states) model.save(s);
    model.mark_all_dirty();
  });
  return store.head_seq();
}

std::optional<Mismatch> verify_read_model(events::EventStore& store, ReadModel& model) {
  auto replayed = replay_all(store, nullptr);
  auto rows = model.all_rows();
  std::map<int64_t, VmState> stored;
  for (auto& r : rows) stored.emplace(r.vmid, std::move(r));
  for (const auto& [vmid, want] : replayed) {
    auto it = stored.find(vmid);
    if (it == stored.end()) {
      return Mismatch{want.last_seq, "read table has no row for VM " + std::to_string(vmid)};
    }
    if (!(it->second == want)) {
      return Mismatch{want.last_seq, "read table row of VM " + std::to_string(vmid) +
                                         " differs from the replayed log (stored version " +
                                         std::to_string(it->second.version) + ", log version " +
                                         std::to_string(want.version) + ")"};
    }
  }
  for (const auto& [vmid, row] : stored) {
    if (!replayed.count(vmid)) {
      return Mismatch{row.last_seq, "read table has a row for VM " + std::to_string(vmid) +
                                        " that the log does not know"};
    }
  }
  return std::nullopt;
}

VmState state_at(events::EventStore& store, ReadModel& model, int64_t vmid, const events::Upto& upto) {
  const int64_t max_seq = upto.seq.value_or(std::numeric_limits<int64_t>::max());
  const int64_t max_time = upto.time_ms.value_or(std::numeric_limits<int64_t>::max());
  VmState s;
  s.vmid = vmid;
  if (auto cp = model.checkpoint_before(vmid, max_seq, max_time)) s = std::move(*cp);
  for (const auto& e : store.read_stream(vm_stream(vmid), upto, s.version)) fold(s, e);
  return s;
}

}  // namespace qmd::projections
