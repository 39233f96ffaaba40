// Property strings (spec §2.5): "k=v,k2=v2,bare" compound values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/schema.h"

namespace qmd::config {

// Parsed sub-keys of a property string, by canonical key name (aliases
// resolved). Values are strings; booleans are normalised to "0"/"1".
using PropMap = std::map<std::string, std::string>;

// Parses and validates `data` against `format` (JSONSchema parse_property_string).
// `path` prefixes the sub-key names in validation errors ("memory" ->
// "memory.current: ..."); the file reader passes "".
// Throws ConfigError with one of:
//   "duplicate key in comma-separated list property: <k>"
//   "invalid key in comma-separated list property: <k>"
//   "value without key, but schema does not define a default key"
//   "missing key in comma-separated list property"
//   "key alias '<k>' is already defined"
//   "format error\n<path.k>: <msg>[\n...]"   (validation errors, sorted by key)
PropMap parse_property_string(const Format& format, std::string_view data, std::string_view path = "");

// Canonical print: default key first (value only; with a key alias such as a
// NIC model combined with its MAC as "<model>=<mac>"), then required keys
// sorted, then the rest sorted byte-wise. disk-size values (bytes) are printed
// with format_size(). Keys in `skip` are left out.
// Throws ConfigError "illegal value with commas for <k>" / "invalid key '<k>'".
std::string print_property_string(const PropMap& data, const Format& format,
                                  const std::vector<std::string_view>& skip = {});

// Validates one value against one property (type, format, pattern, length,
// range, enum -- JSONSchema check_prop). Booleans are normalised in place when
// `normalise_bool`. Returns "" when valid, else the error text.
std::string check_prop(const Prop& prop, std::string& value, std::string_view path,
                       bool normalise_bool);

// JSONSchema parse_boolean: 1/on/yes/true -> "1", 0/off/no/false -> "0"
// (case-insensitive); anything else -> "".
std::string parse_boolean(std::string_view v);

// Perl-like number checks used by JSONSchema.
bool is_integer_text(std::string_view v);  // ^[+-]?\d+$
bool is_number_text(std::string_view v);   // ^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$

}  // namespace qmd::config
