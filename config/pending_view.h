// Text views of a config: `qm pending` and `qm config` (spec §2.6, §6.2).
#pragma once

#include <string>

#include "config/config_file.h"

namespace qmd::config {

// `qm pending`: one line per key sorted byte-wise: "cur k: v" for an unchanged
// key, "cur k: v" + "new k: p" for a changed one, "new k: p" for an added one,
// "del k: v" for a pending delete of a set key. The description is shown
// percent-encoded (one line). `digest` and `delete` are not shown.
std::string format_pending(const ConfigFile& conf);

// `qm config` lines: "k: v\n" sorted, description percent-encoded on one line.
std::string format_config(const Section& section);

}  // namespace qmd::config
