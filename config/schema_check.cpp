// check_type (file reader/writer) and check_value (API) of schema.h.
#include "config/config_error.h"
#include "config/formats/drive.h"
#include "config/formats/net.h"
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

// Perl int() of a digit string, kept exact (no float rounding).
std::string strip_zeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return std::string(digits.substr(i));
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
      if (all_digits(v)) return strip_zeros(v);
      throw ConfigError("type check ('integer') failed - got '" + v + "'");
    case ValueType::Number: {
      size_t dot = v.find('.');
      if (all_digits(v.substr(0, dot)) && (dot == v.npos || all_digits(v.substr(dot + 1)))) return v;
      throw ConfigError("type check ('number') failed - got '" + v + "'");
    }
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
  if (def.type == ValueType::Integer) {
    std::string_view d = v;
    bool neg = d.starts_with('-');
    if (d.starts_with('+') || neg) d.remove_prefix(1);
    std::string n = strip_zeros(d);
    return neg && n != "0" ? "-" + n : n;
  }
  if (is_net_key(key)) return print_net(parse_net(v));
  return v;
}

}  // namespace qmd::config
