// `qm listsnapshot`: the snapshot list of the API (snapshot_list) and its
// tree rendering (PVE::GuestHelpers::print_snapshot_tree). Pure, except that
// local_time() reads the process's time zone (TZ), as Proxmox prints local time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"

namespace qmd::service::snapshots {

struct SnapshotInfo {
  std::string name;
  std::optional<int64_t> snaptime;   // every section has one (0 when missing); "current" has none
  std::string description;           // "" = none
  std::string parent;                // "" = none
  bool vmstate = false;
  std::string snapstate;             // "" = complete
};

// Every snapshot section (by name), then the pseudo snapshot `current`
// (parent = main parent, description "You are here!").
std::vector<SnapshotInfo> snapshot_list(const config::ConfigFile& conf);

// The tree: roots first, each followed by its children (one more leading
// space before the "`->" marker), siblings by snaptime with `current` last
// (ties by name); a line is "<prefix> <name padded to 30 - len(prefix)>
// <time padded to 23> <first line of description or no-description>".
std::string snapshot_tree(const std::vector<SnapshotInfo>& list,
                          const std::function<std::string(int64_t)>& format_time);

// "YYYY-MM-DD HH:MM:SS" in the local time zone.
std::string local_time(int64_t epoch_seconds);

}  // namespace qmd::service::snapshots
