// Drive values (ideN, sataN, scsiN, virtioN, efidisk0, tpmstate0, unusedN):
// PVE::QemuServer::Drive parse_drive / print_drive.
#pragma once

#include <string>
#include <string_view>

#include "config/propstring.h"

namespace qmd::config {

// The property-string format of a drive key (efidisk0/tpmstate0/unusedN have
// their own). `with_alloc` adds the API-only `import-from` key.
// Requires: is_drive_key(key) || is_unused_key(key) || key == "cdrom".
const Format& drive_format(std::string_view key, bool with_alloc = false);

// Parses a drive value into its sub-keys (file, media, size in bytes, ...).
// Legacy bps/bps_rd/bps_wr become mbps* ("%.3f" of upstream's computation).
// Throws ConfigError: the property-string errors of parse_property_string, or
// "unable to parse drive options" for the semantic rules (both bps and mbps,
// *_max without its base, *_max_length without its *_max, mbps with mbps_rd/wr,
// iops with iops_rd/wr, a cdrom with snapshot/format/geometry or on virtio,
// an unparsable size).
PropMap parse_drive(std::string_view key, std::string_view value, bool with_alloc = false);

// Canonical print (spec §2.5): file first, sorted rest, size via format_size,
// legacy geometry keys (cyls/heads/secs/trans) dropped.
std::string print_drive(const PropMap& drive);

bool drive_is_cdrom(const PropMap& drive);       // media=cdrom
bool drive_is_cloudinit(const PropMap& drive);   // [:/](vm-N-)?cloudinit(.fmt)?$

// `storage:size` (or bare size) allocation syntax of qm set/create: ^(([^/:\s]+):)?(\d+(\.\d+)?)$
bool is_new_disk_syntax(std::string_view file);

}  // namespace qmd::config
