// qm disk resize <vmid> <disk> <size> [--digest D] [--skiplock]   (alias: qm resize)
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// Grows the image of drive <disk> (`+N` by N, `N` to N; units K M G T) and
// records the drive's new `size=` (vm.config.updated). Equal size: no-op, no
// event. Prints nothing. Runs under the VM's flock (vm_flock.h).
// Throws CommandError: "can't lock file '<path>' - got timeout", the `disk` enumeration / `size` pattern parameter
// errors, "checksum mismatch (file change by other user?)", "VM is locked
// (<lock>)" (unless --skiplock), "disk '<disk>' does not exist", "disk '<disk>'
// has no associated volume", "you can't resize a cdrom", "shrinking disks is
// not supported", and Storage's errors ("can't resize this image format").
Reply run_resize(App& app, const Request& req);

}  // namespace qmd::service
