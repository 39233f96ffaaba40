// ConfigDelta: the difference between two ConfigFiles, key by key.
//
// Every VM event carries the delta it causes, so that folding the log is one
// mechanical rule (apply the delta) whatever the event type, old events replay
// to the same files even when the command rules change, and `qm diff` / history
// can show old and new values without re-deciding anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config_file.h"

namespace qmd::config {

struct KeyChange {
  std::string section;                    // address as in config_file.h ("" = main)
  std::string key;
  std::optional<std::string> old_value;   // nullopt: the key was absent
  std::optional<std::string> new_value;   // nullopt: the key is removed

  bool operator==(const KeyChange&) const = default;
};

struct ConfigDelta {
  std::vector<std::string> sections_added;    // snapshot/special sections created (possibly empty)
  std::vector<std::string> sections_removed;  // snapshot/special sections dropped with all their keys
  std::vector<KeyChange> keys;                // key changes in sections that exist before and after,
                                              // or in added sections

  bool empty() const { return sections_added.empty() && sections_removed.empty() && keys.empty(); }
  bool operator==(const ConfigDelta&) const = default;
};

// The delta that turns `before` into `after`. Keys of a removed section are not
// listed; keys of an added section are listed as additions. The pending section
// is treated like main (it exists iff it has keys). Deterministic order:
// sections by address, keys byte-wise.
ConfigDelta diff(const ConfigFile& before, const ConfigFile& after);

// Applies a delta: adds sections, applies key changes, removes sections.
// Guarantees apply(before, diff(before, after)) == after. Old values are not
// checked (the log is the authority; verify compares whole states).
void apply(ConfigFile& conf, const ConfigDelta& delta);

}  // namespace qmd::config
