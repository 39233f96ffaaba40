#include "projections/projector.h"

#include <map>

#include "projections/vm_events.h"

namespace qmd::projections {

void Projector::apply(const std::vector<events::Event>& appended) {
  struct Touched {
    VmState state;
    bool file_changed = false;
  };
  std::map<int64_t, Touched> touched;
  for (const auto& e : appended) {
    const int64_t vmid = vmid_of_stream(e.stream);
    if (vmid < 0) continue;
    auto it = touched.find(vmid);
    if (it == touched.end()) it = touched.emplace(vmid, Touched{model_.load(vmid)}).first;
    fold(it->second.state, e);
    // Runtime-only events (status changes) leave the .conf as it is: no re-render.
    it->second.file_changed = it->second.file_changed || e.payload.contains("delta") ||
                              e.type == event_type::kDestroyed || e.type == event_type::kMoved;
    if (it->second.state.version % ReadModel::kCheckpointEvery == 0) model_.save_checkpoint(it->second.state);
  }
  for (const auto& [vmid, t] : touched) model_.save(t.state, t.file_changed);
}

}  // namespace qmd::projections
