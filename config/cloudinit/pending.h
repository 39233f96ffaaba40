// Which cloud-init settings changed since the seed was last generated: the
// [special:cloudinit] section (spec §2.7) and `qm cloudinit pending`. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"

namespace qmd::config::cloudinit {

// Keys whose change changes the seed: the cloud-init options, ipconfigN,
// name and netN.
bool affects_seed(const std::string& key);

// `after` with [special:cloudinit] brought up to date for the change of its
// main section from `before`: a changed key not yet recorded keeps its value
// of before (or joins `added` when it was not set); a key back at its
// recorded value is no longer pending. Without a cloud-init drive in `after`
// the section is left as it is (the writer omits it).
ConfigFile track_seed_changes(const ConfigFile& before, ConfigFile after);

// `conf` once its seed is generated: [special:cloudinit] removed.
ConfigFile seed_generated(ConfigFile conf);

struct PendingRow {
  std::string key;
  std::optional<std::string> value;    // as the last seed had it
  std::optional<std::string> pending;  // the value the next seed gets
  bool del = false;
};

// Proxmox's cloudinit_pending rows, sorted by key (secrets hidden as in
// config/secrets.h).
std::vector<PendingRow> seed_pending(const ConfigFile& conf);

// The rows as `qm cloudinit pending` prints them: "cur k: v", "new k: p",
// "del k: ".
std::string format_seed_pending(const std::vector<PendingRow>& rows);

}  // namespace qmd::config::cloudinit
