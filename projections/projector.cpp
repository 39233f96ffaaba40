#include "projections/projector.h"

#include <map>

#include "projections/vm_events.h"

namespace qmd::projections {

void Projector::apply(const std::vector<events::Event>& appended) {
  std::map<int64_t, VmState> touched;
  for (const auto& e : appended) {
    const int64_t vmid = vmid_of_stream(e.stream);
    if (vmid < 0) continue;
    auto it = touched.find(vmid);
    if (it == touched.end()) it = touched.emplace(vmid, model_.load(vmid)).first;
    fold(it->second, e);
    if (it->second.version % ReadModel::kCheckpointEvery == 0) model_.save_checkpoint(it->second);
  }
  for (const auto& [vmid, state] : touched) model_.save(state);
}

}  // namespace qmd::projections
