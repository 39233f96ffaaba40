// The VM config option table (spec §3/§4) and value checking.
//
// Two levels of checking exist upstream and both are provided:
//  * check_type(): what the *file reader/writer* applies (PVE::QemuServer::
//    check_type): type syntax only for plain values (booleans normalised to
//    0/1, integers to decimal), full validation inside property strings and
//    named formats; top-level enums, ranges and patterns are NOT checked.
//  * check_value(): what the *API* (`qm set/create`) applies (JSONSchema
//    validate): additionally ranges, enums, patterns and lengths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qmd::config {

enum class ValueType { Boolean, Integer, Number, String };

struct Format;

// Returns "" when valid, else the Proxmox message (named string formats).
using FormatFn = std::string (*)(std::string_view);
// Anchored pattern; failure message is "value does not match the regex pattern".
using PatternFn = bool (*)(std::string_view);

// One property: a top-level option or a sub-key of a property-string format.
struct Prop {
  std::string_view name{};
  ValueType type = ValueType::String;
  bool optional = true;
  bool default_key = false;
  std::string_view alias{};          // this key is another name for `alias`
  std::string_view key_alias{};      // with alias: the key name itself is stored under key_alias
  std::string_view minimum{};        // numeric bounds, spelled as Proxmox prints them
  std::string_view maximum{};
  int max_length = -1;
  int min_length = -1;
  std::vector<std::string_view> enums{};
  PatternFn pattern = nullptr;
  FormatFn format = nullptr;
  const Format* propstring = nullptr;  // value is a property string of this format
  std::string_view default_value{};      // documentation / defaults ("" = none)
  std::string_view requires_key{};       // another sub-key that must be present
  bool disk_size = false;              // printed with format_size()
};

// A property-string format: a named set of sub-keys.
struct Format {
  std::string_view name;
  std::vector<Prop> props;

  const Prop* find(std::string_view key) const;
  const Prop* default_key() const;  // nullptr if none
};

using OptionDef = Prop;

// The definition of a top-level config key, including every index of the
// indexed families (net0..net31, scsi0..scsi30, unused0..unused255, ...).
// Returns nullptr for unknown keys (and for "delete", "digest", "snapstate"
// which the reader handles itself). The returned pointer lives forever.
const OptionDef* find_option(std::string_view key);

// Every documented option family, one entry per family (net0 stands for netN).
const std::vector<OptionDef>& option_families();

// Key classification.
bool is_drive_key(std::string_view key);        // ideN sataN scsiN virtioN efidisk0 tpmstate0
bool is_bus_drive_key(std::string_view key);    // ideN sataN scsiN virtioN (re-printed on read)
bool is_unused_key(std::string_view key);       // unused0..unused255
bool is_net_key(std::string_view key);          // net0..net31
bool is_cloudinit_key(std::string_view key);    // citype ciuser ... ipconfigN
// Keys moved straight to the main section while the VM runs (§6.1 step 7).
bool is_fast_plug_key(std::string_view key);

// Reader/writer check (see above). Returns the canonical value or throws
// ConfigError with the message Proxmox puts after "unable to parse value of
// '<key>' - " (e.g. "type check ('boolean') failed - got 'x'",
// "unknown setting 'foo'", "format error\ncurrent: value must have a minimum value of 16").
std::string check_type(std::string_view key, std::string_view value);

// API check (qm set/create). Returns the canonical value or throws ConfigError
// with the message Proxmox prints after "<key>: " in a parameter verification
// failure (e.g. "value must have a minimum value of 16",
// "value 'x' does not have a value in the enumeration 'a, b'",
// "invalid format - format error\nmemory.current: value must have a minimum value of 16").
std::string check_value(std::string_view key, std::string_view value);

}  // namespace qmd::config
