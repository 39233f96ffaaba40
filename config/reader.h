// Parsing the text of a VM config file (spec §2.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.h"

namespace qmd::config {

struct ParseResult {
  ConfigFile conf;
  std::vector<std::string> warnings;  // non-strict mode: every problem, in file order
};

// Parses `text` as /etc/pve/qemu-server/<vmid>.conf.
//  * strict: the first problem throws ConfigError (e.g.
//    "vm 8006 - duplicate section: pending",
//    "vm 8006 - unable to parse value of 'numa' - type check ('boolean') failed - got 'x'");
//  * non-strict: the same texts are collected in `warnings` (multi-line texts,
//    e.g. property-string format errors, stay one entry) and the offending
//    line/section is skipped; a repeated section replaces the earlier one.
// Values are type-checked (booleans/integers canonicalised), `cdrom` becomes
// `ide2`, bus drive values (ideN/sataN/scsiN/virtioN) are re-printed
// canonically, descriptions are decoded, and `snapstate` is dropped from the
// main section. [special:cloudinit] values are stored unchecked.
// Never throws in non-strict mode.
ParseResult parse_config(std::string_view text, int64_t vmid, bool strict);

}  // namespace qmd::config
