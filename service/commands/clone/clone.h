// qm clone <vmid> <newid> [--name N] [--description D] [--full 0|1]
//          [--snapname S] [--storage S] [--format raw|qcow2|vmdk] [--target NODE]
// (spec §6.6; the rules are in clone_plan.h).
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Creates VM newid as a copy of vmid (or of its snapshot). Events go to the
// new VM's stream only: vm.operation.started {op: clone} (the VM appears,
// locked `clone`), one vm.operation.step per disk (its drive added to the
// config), vm.operation.completed (lock removed; plus vm.moved with --target).
// The steps of finished disks are durable before any full copy starts; the
// rest commit together with the completion.
// Returns stdout "create full|linked clone of drive <key> (<volid>)\n" per disk
// and, when the source had pending changes, the warning
// "found pending changes for '<keys>', discarding for clone\n" on stderr.
// Progress lines "transferred … (N%)" go straight to stderr when it is a terminal.
// The source's flock (vm_flock.h) is held shared throughout: commits to the
// source by other processes wait for the clone to end (and give up after 10 s).
// Throws CommandError "can't lock file '<path>' - got timeout" when the source's
// flock is held exclusively for more than 1 s, plan_clone's refusals (nothing
// written), or
// "clone failed: <why>" after freeing every volume it made and destroying the
// new VM (vm.operation.failed + vm.destroyed).
Reply run_clone(App& app, const Request& req);

}  // namespace qmd::service
