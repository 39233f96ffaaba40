// The in-memory model of one Proxmox VM config file (/etc/pve/qemu-server/<vmid>.conf).
//
// Pure data: no I/O, no validation. Values are the strings as they appear in
// the file (already canonical when produced by the reader or by qmd), except
// `description`, which holds the decoded text (the writer encodes it into `#`
// lines). Keys compare byte-wise (std::map<std::string,...> ordering), which is
// exactly the order in which the writer emits them.
#pragma once

#include <map>
#include <string>

namespace qmd::config {

// key -> value of one section.
using Section = std::map<std::string, std::string>;

// The value of `key` in `s`, "" when absent (as Perl reads a missing hash key).
inline std::string value_of(const Section& s, const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? std::string() : it->second;
}

struct ConfigFile {
  Section main;                               // the active configuration
  Section pending;                            // [PENDING]; includes "delete" when set
  std::map<std::string, Section> snapshots;   // [<snapname>] sections, by name
  std::map<std::string, Section> special;     // [special:<name>] sections, by name

  bool operator==(const ConfigFile&) const = default;
};

// Section addressing shared by events, projections and diffs:
//   ""                 the main section
//   "PENDING"          the pending section
//   "snap:<name>"      a snapshot section
//   "special:<name>"   a special section
// Returns nullptr when the section does not exist (main always exists).
const Section* find_section(const ConfigFile& conf, const std::string& address);
// Returns the section, creating it if needed (snapshots/specials).
// Requires: address is one of the four forms above.
Section& section_ref(ConfigFile& conf, const std::string& address);
// Removes a snapshot/special section; clears pending; main cannot be removed.
void remove_section(ConfigFile& conf, const std::string& address);

}  // namespace qmd::config
