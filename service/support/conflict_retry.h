// Retrying a decision that lost a race: shared by the verbs and by what
// records on its own (the runtime's recorder, autoballoon).
#pragma once

#include "events/store.h"

namespace qmd::service {

// Runs `attempt` (load state → decide → commit) again when the commit hits an
// expected-version conflict, so concurrent commands serialize the way
// Proxmox's per-VM flock makes them: each decides on the state it commits
// against. Gives up with the conflict error after a few tries.
template <class F>
auto retry_on_conflict(F attempt) {
  for (int i = 0;; ++i) {
    try {
      return attempt();
    } catch (const events::ConflictError&) {
      if (i >= 8) throw;
    }
  }
}

}  // namespace qmd::service
