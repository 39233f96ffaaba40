// Canonical serialisation of a config (spec §2.3) and its digest (§2.2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.h"

namespace qmd::config {

// The exact bytes PVE's write_vm_config produces for `conf`:
//  * main: snapstate dropped; cdrom -> ide2 (ConfigError "option ide2 conflicts
//    with cdrom" if both); legacy smp -> sockets; unusedN whose volume is also
//    used by a drive is dropped;
//  * every value of main, pending and snapshots re-checked with check_type()
//    (booleans -> 0/1, integers -> decimal); a bad value throws ConfigError
//    "unable to parse value of '<key>' - <reason>"; `delete` outside [PENDING]
//    throws "propertry 'delete' is only allowed in [PENDING]" (sic, upstream);
//  * layout: description as '#' lines, then keys sorted byte-wise; then
//    "\n[PENDING]\n" (only if pending has keys), "\n[special:<name>]\n"
//    (cloudinit only when a main drive is a cloud-init drive), "\n[<snap>]\n".
// Throws ConfigError "internal error: snapshot name 'pending' is forbidden"
// for a snapshot named pending (any case).
//
// With `carried` given, a value check_type() refuses does not throw: it is
// written as stored and its "unable to parse value of ..." text appended to
// *carried. The projection renders so: a value already in the log (stored by
// an earlier version) must never make a VM unreadable; it stays visible, and
// `qm set --delete` or a new value repairs it.
std::string write_config(const ConfigFile& conf, std::vector<std::string>* carried = nullptr);

// Lowercase hex SHA-1 of the file bytes (OpenSSL).
std::string config_digest(std::string_view file_bytes);

// True when a drive of `section` is a cloud-init drive (PVE has_cloudinit).
bool has_cloudinit(const Section& section);

}  // namespace qmd::config
