// Ending the migrations whose driver died (issue #7: "source killed"), run by
// this node's qmd when it starts (service/daemon/daemon.cpp), after it
// re-adopted its QEMU processes.
//
// A migration is driven by one process of its source node (qmd, or `qm` run
// in-process while the node's qmd was down), which holds the migration's
// driver flock (migrate_steps.h) from before `started` to the end. For every
// VM of this node locked by an open `migrate` operation whose flock is free:
// - online, the source QEMU alive: query-migrate; still going (setup, active,
//   ...) → migrate_cancel, waiting until it is over. If it completed (also
//   while cancelling) and the target's QEMU lives, the hand-over is finished
//   as the run would have (moved + running on the target + completed, then
//   the source QEMU quits): never two running copies, never none. If the
//   target's QEMU is gone, the paused source is resumed (`cont`).
//   Otherwise the VM keeps running here.
// - online, the source QEMU gone (killed meanwhile): nothing can run on; the
//   target's QEMU is stopped as well (see docs/qmd-protocol.md).
// - offline: every volume the operation's steps name ("copying"/"copied")
//   is freed on the target's storage.
// Unless handed over, the target's incoming QEMU is stopped (stop_incoming)
// and the operation ends with vm.operation.failed {error: "source qmd
// restarted during the migration"} (a step before it says what was done),
// the lock removed.
// A migration still driven by a live process is left alone.
//
// Also quits the QEMU processes of this node whose VM another node owns with
// no migration open: the source of a hand-over that was committed just
// before qmd died, paused in postmigrate.
//
// Never throws: each VM's failure is logged and the next one is handled.
// Returns one line per VM acted on (for qmd's log).
#pragma once

#include <string>
#include <vector>

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

inline constexpr const char* kSourceRestarted = "source qmd restarted during the migration";

std::vector<std::string> recover_migrations(App& app, const Request& req);

}  // namespace qmd::service
