// The inline projector: keeps the read tables current in the same transaction
// as each append (installed as the EventStore's AppendHook).
#pragma once

#include <vector>

#include "events/store.h"
#include "projections/read_model.h"

namespace qmd::projections {

class Projector {
 public:
  explicit Projector(ReadModel& model) : model_(model) {}

  // Folds the appended events into their VMs' rows (events of non-VM streams
  // are ignored here), writes checkpoints, marks the .conf files dirty.
  // Throws ProjectionError if an event cannot be folded — which rolls the
  // append back, so the log never holds an event the projection refuses.
  void apply(const std::vector<events::Event>& appended);

  // A hook bound to this projector, for EventStore::append.
  events::AppendHook hook() {
    return [this](const std::vector<events::Event>& e) { apply(e); };
  }

 private:
  ReadModel& model_;
};

}  // namespace qmd::projections
