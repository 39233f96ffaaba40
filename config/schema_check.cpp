// check_type (file reader/writer) and check_value (API) of schema.h.
#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/formats/net.h"
#include "config/number_text.h"
#include "config/propstring.h"
#include "config/schema.h"

namespace qmd::config {
namespace {

bool all_digits(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

const OptionDef& require_option(std::string_view key) {
  const OptionDef* def = find_option(key);
  if (!def) throw ConfigError("unknown setting '" + std::string(key) + "'");
  return *def;
}

}  // namespace

std::string check_type(std::string_view key, std::string_view value) {
  const OptionDef& def = require_option(key);
  if (value.find_first_of("\r\n") != value.npos) throw ConfigError("property contains a line feed");
  std::string v(value);
  switch (def.type) {
    case ValueType::Boolean:
      if (v == "1" || v == "0") return v;
      if (auto b = parse_boolean(v); !b.empty() && v != "1" && v != "0") return b;
      throw ConfigError("type check ('boolean') failed - got '" + v + "'");
    case ValueType::Integer:
      // Proxmox's reader: ^\d+$ as int(); beyond int64 qmd could not use it.
      if (all_digits(v)) {
        if (auto n = canonical_integer(v)) return *n;
        throw ConfigError("integer out of range - got '" + v + "'");
      }
      throw ConfigError("type check ('integer') failed - got '" + v + "'");
    case ValueType::Number:
      // Any spelling the write path accepts reads back (".5" stored by
      // earlier versions reads as "0.5"); negatives are not numbers here,
      // as in Proxmox's reader (no option takes one).
      if (auto n = canonical_number(v); n && !n->starts_with('-')) return *n;
      throw ConfigError("type check ('number') failed - got '" + v + "'");
    case ValueType::String:
      break;
  }
  if (def.propstring) {
    parse_property_string(*def.propstring, v);  // throws the Proxmox message
    return v;
  }
  if (def.format) {
    if (std::string err = def.format(v); !err.empty()) throw ConfigError(err);
    return v;
  }
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

std::string check_value(std::string_view key, std::string_view value) {
  const OptionDef& def = require_option(key);
  if (key != "description" && value.find_first_of("\r\n") != value.npos)
    throw ConfigError("property contains a line feed");
  std::string v(value);
  if (is_drive_key(key) || key == "cdrom") {
    Prop with_alloc = def;
    with_alloc.propstring = &drive_format(key, true);
    if (std::string err = check_prop(with_alloc, v, key, true); !err.empty()) throw ConfigError(err);
    PropMap drive;
    try {
      drive = parse_drive(key, v, true);
    } catch (const ConfigError&) {
      throw ConfigError("unable to parse drive options");
    }
    return print_property_string(drive, drive_format(key, true),
                                 {"index", "interface", "cyls", "heads", "secs", "trans"});
  }
  if (std::string err = check_prop(def, v, key, true); !err.empty()) throw ConfigError(err);
  // Stored in the form the reader takes (number_text.h), so that what is
  // accepted here reads back forever.
  if (def.type == ValueType::Integer) return *canonical_integer(v);
  if (def.type == ValueType::Number) return *canonical_number(v);
  if (is_net_key(key)) return print_net(parse_net(v));
  return v;
}

}  // namespace qmd::config
