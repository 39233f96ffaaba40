#include "config/propstring.h"

#include "config/number_text.h"

#include <cstdlib>
#include <set>

#include "config/ascii.h"
#include "config/config_error.h"
#include "config/formats/size.h"

namespace qmd::config {
namespace {


bool blank(std::string_view s) {
  for (char c : s)
    if (!is_ws(c)) return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

std::string join_enum(const std::vector<std::string_view>& e) {
  std::string r;
  for (size_t i = 0; i < e.size(); ++i) {
    if (i) r += ", ";
    r += e[i];
  }
  return r;
}

std::string sub_path(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

}  // namespace

std::string parse_boolean(std::string_view v) {
  std::string l = lower(v);
  if (l == "1" || l == "on" || l == "yes" || l == "true") return "1";
  if (l == "0" || l == "off" || l == "no" || l == "false") return "0";
  return "";
}

bool is_integer_text(std::string_view v) {
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.remove_prefix(1);
  if (v.empty()) return false;
  for (char c : v)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_number_text(std::string_view v) {
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.remove_prefix(1);
  size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++int_digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    size_t exp = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == v.size();
}

std::string check_prop(const Prop& prop, std::string& value, std::string_view path,
                       bool normalise_bool) {
  (void)path;
  switch (prop.type) {
    case ValueType::Boolean: {
      if (normalise_bool) {
        std::string b = parse_boolean(value);
        if (!b.empty()) value = b;
      }
      if (value != "0" && value != "1") return "type check ('boolean') failed - got '" + value + "'";
      break;
    }
    case ValueType::Integer:
      if (!is_integer_text(value)) return "type check ('integer') failed - got '" + value + "'";
      if (!canonical_integer(value)) return "integer out of range - got '" + value + "'";
      break;
    case ValueType::Number:
      if (!is_number_text(value)) return "type check ('number') failed - got '" + value + "'";
      if (!canonical_number(value)) return "number out of range - got '" + value + "'";
      break;
    case ValueType::String:
      break;
  }
  if (prop.propstring) {
    try {
      parse_property_string(*prop.propstring, value, path);
    } catch (const ConfigError& e) {
      return std::string("invalid format - ") + e.what();
    }
  }
  if (prop.format) {
    std::string err = prop.format(value);
    if (!err.empty()) return "invalid format - " + err;
  }
  if (prop.pattern && !prop.pattern(value)) return "value does not match the regex pattern";
  if (prop.max_length >= 0 && value.size() > static_cast<size_t>(prop.max_length))
    return "value may only be " + std::to_string(prop.max_length) + " characters long";
  if (prop.min_length >= 0 && value.size() < static_cast<size_t>(prop.min_length))
    return "value must be at least " + std::to_string(prop.min_length) + " characters long";
  if (const auto number = canonical_number(value)) {
    const double d = std::strtod(number->c_str(), nullptr);
    if (!prop.maximum.empty() && d > std::strtod(std::string(prop.maximum).c_str(), nullptr))
      return "value must have a maximum value of " + std::string(prop.maximum);
    if (!prop.minimum.empty() && d < std::strtod(std::string(prop.minimum).c_str(), nullptr))
      return "value must have a minimum value of " + std::string(prop.minimum);
  }
  if (!prop.enums.empty()) {
    bool found = false;
    for (auto e : prop.enums)
      if (e == value) found = true;
    if (!found)
      return "value '" + value + "' does not have a value in the enumeration '" + join_enum(prop.enums) + "'";
  }
  return "";
}

PropMap parse_property_string(const Format& format, std::string_view data, std::string_view path) {
  PropMap res;
  std::string default_key;
  size_t start = 0;
  while (start <= data.size()) {
    size_t comma = data.find(',', start);
    std::string_view part = data.substr(start, comma == data.npos ? data.npos : comma - start);
    start = comma == data.npos ? data.size() + 1 : comma + 1;
    if (blank(part)) continue;
    size_t eq = part.find('=');
    if (eq != part.npos && eq > 0 && eq + 1 < part.size()) {
      std::string k(part.substr(0, eq));
      std::string v(part.substr(eq + 1));
      if (res.count(k)) throw ConfigError("duplicate key in comma-separated list property: " + k);
      const Prop* schema = format.find(k);
      if (schema && !schema->alias.empty()) {
        if (!schema->key_alias.empty()) {
          std::string ka(schema->key_alias);
          if (res.count(ka)) throw ConfigError("key alias '" + ka + "' is already defined");
          res[ka] = k;
        }
        k = std::string(schema->alias);
        schema = format.find(k);
      }
      if (!schema) throw ConfigError("invalid key in comma-separated list property: " + k);
      if (schema->type == ValueType::Boolean) {
        std::string b = parse_boolean(v);
        if (!b.empty()) v = b;
      }
      res[k] = v;
    } else if (eq == part.npos) {
      if (!default_key.empty())
        throw ConfigError("duplicate key in comma-separated list property: " + default_key);
      const Prop* dk = format.default_key();
      if (!dk) throw ConfigError("value without key, but schema does not define a default key");
      default_key = std::string(dk->name);
      auto it = res.find(default_key);
      if (it != res.end() && !(it->second.empty() || it->second == "0"))
        throw ConfigError("duplicate key in comma-separated list property: " + default_key);
      res[default_key] = std::string(part);
    } else {
      throw ConfigError("missing key in comma-separated list property");
    }
  }

  // check_object: every schema key, then 'requires' of present keys.
  std::map<std::string, std::string> errors;
  auto add_error = [&](const std::string& p, const std::string& msg) {
    auto& e = errors[p];
    e = e.empty() ? msg : e + "\n" + msg;
  };
  for (const auto& prop : format.props) {
    if (!prop.alias.empty()) continue;
    auto it = res.find(std::string(prop.name));
    std::string p = sub_path(path, prop.name);
    if (it == res.end()) {
      if (!prop.optional) add_error(p, "property is missing and it is not optional");
      continue;
    }
    std::string err = check_prop(prop, it->second, p, false);
    if (!err.empty()) add_error(p, err);
  }
  for (const auto& [k, v] : res) {
    const Prop* prop = format.find(k);
    if (prop && !prop->requires_key.empty() && !res.count(std::string(prop->requires_key)))
      add_error(sub_path(path, prop->requires_key),
                "missing property - '" + sub_path(path, k) + "' requires this property");
  }
  if (!errors.empty()) {
    std::string msg = "format error";
    for (const auto& [p, e] : errors) msg += "\n" + p + ": " + e;
    throw ConfigError(msg);
  }
  return res;
}

std::string print_property_string(const PropMap& data, const Format& format,
                                  const std::vector<std::string_view>& skip) {
  std::set<std::string> done(skip.begin(), skip.end());
  std::string res;
  auto add = [&](const std::string& text) {
    if (!res.empty()) res += ',';
    res += text;
  };
  auto format_value = [](const std::string& key, const std::string& value, const Prop* p) {
    if (p && p->disk_size) return format_size(parse_size_bytes(value));
    if (value.find(',') != std::string::npos) throw ConfigError("illegal value with commas for " + key);
    return value;
  };
  // keyAlias combinations: e.g. model -> macaddr (printed "<model>=<mac>").
  std::map<std::string, std::string> key_alias_props;
  for (const auto& p : format.props)
    if (!p.key_alias.empty()) key_alias_props[std::string(p.key_alias)] = std::string(p.alias);

  auto cond_add = [&](const std::string& key, bool is_default) {
    if (done.count(key)) return;
    done.insert(key);
    auto it = data.find(key);
    if (it == data.end()) return;
    const Prop* phash = format.find(key);
    if (auto ka = key_alias_props.find(key); ka != key_alias_props.end()) {
      if (auto comb = data.find(ka->second); comb != data.end()) {
        std::string v = format_value(key, it->second, phash);
        std::string c = format_value(ka->second, comb->second, format.find(ka->second));
        add(v + "=" + c);
        done.insert(ka->second);
        return;
      }
    }
    if (phash && !phash->alias.empty()) phash = format.find(phash->alias);
    if (!phash) throw ConfigError("invalid key '" + key + "'");
    std::string v = format_value(key, it->second, phash);
    add(is_default ? v : key + "=" + v);
  };
  if (const Prop* dk = format.default_key()) cond_add(std::string(dk->name), true);
  for (const auto& [k, v] : data) {
    const Prop* p = format.find(k);
    if (p && !p->optional) cond_add(k, false);
  }
  for (const auto& [k, v] : data) cond_add(k, false);
  return res;
}

const Prop* Format::find(std::string_view key) const {
  for (const auto& p : props)
    if (p.name == key) return &p;
  return nullptr;
}

const Prop* Format::default_key() const {
  for (const auto& p : props)
    if (p.default_key) return &p;
  return nullptr;
}

}  // namespace qmd::config
