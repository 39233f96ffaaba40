#include "config/reader.h"

#include <optional>

#include "config/ascii.h"
#include "config/config_error.h"
#include "config/description.h"
#include "config/formats/drive.h"
#include "config/formats/validators.h"
#include "config/propstring.h"
#include "config/schema.h"

namespace qmd::config {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}
std::string_view ltrim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  return s;
}
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// `^key:\s*(.*\S)\s*$` -> the trimmed value, or nullopt when it is blank.
std::optional<std::string_view> trimmed_value(std::string_view rest) {
  std::string_view v = rtrim(ltrim(rest));
  if (v.empty()) return std::nullopt;
  return v;
}

// Generic line `^([a-z][a-z_\-]*\d*):\s*(.+?)\s*$`. On success sets key/value.
bool match_generic(std::string_view line, std::string_view& key, std::string& value) {
  size_t i = 0;
  if (line.empty() || !is_lower(line[0])) return false;
  ++i;
  while (i < line.size() && (is_lower(line[i]) || line[i] == '_' || line[i] == '-')) ++i;
  while (i < line.size() && is_digit(line[i])) ++i;
  if (i >= line.size() || line[i] != ':') return false;
  key = line.substr(0, i);
  std::string_view rest = line.substr(i + 1);
  if (rest.empty()) return false;
  std::string_view trimmed = rtrim(ltrim(rest));
  if (trimmed.empty()) {
    value = std::string(1, rest.back());  // lazy (.+?) takes the last blank
  } else {
    value = std::string(trimmed);
  }
  return true;
}

// `snapstate:\s*(prepare|delete)\s*$` anywhere in the line (unanchored upstream).
std::optional<std::string> match_snapstate(std::string_view line) {
  std::string_view t = rtrim(line);
  for (std::string_view state : {"prepare", "delete"}) {
    if (!t.ends_with(state)) continue;
    std::string_view head = rtrim(t.substr(0, t.size() - state.size()));
    if (head.ends_with("snapstate:")) return std::string(state);
  }
  return std::nullopt;
}

class Parser {
 public:
  Parser(int64_t vmid, bool strict) : vmid_(vmid), strict_(strict) {}

  ParseResult run(std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      std::string_view line = text.substr(start, nl == text.npos ? text.npos : nl - start);
      start = nl == text.npos ? text.size() + 1 : nl + 1;
      line_(line);
    }
    finish_description();
    res_.conf.main.erase("snapstate");
    return std::move(res_);
  }

 private:
  enum class Kind { Main, Pending, Special, Snapshot };

  void error(const std::string& msg) {
    std::string full = "vm " + std::to_string(vmid_) + " - " + msg;
    if (strict_) throw ConfigError(full);
    res_.warnings.push_back(full);
  }

  void finish_description() {
    if (descr_) (*conf_)["description"] = trim_trailing_space(*descr_);
    descr_.reset();
  }

  bool header(std::string_view line) {
    std::string_view t = rtrim(line);
    if (t.size() < 2 || t.front() != '[' || t.back() != ']') return false;
    std::string_view name = t.substr(1, t.size() - 2);
    if (name.find(']') != name.npos) return false;
    if (iequals(name, "PENDING")) {
      enter(Kind::Pending, "pending");
      if (seen_pending_) error("duplicate section: pending");
      seen_pending_ = true;
      res_.conf.pending.clear();
      conf_ = &res_.conf.pending;
      return true;
    }
    if (name.size() > 8 && iequals(name.substr(0, 8), "special:")) {
      std::string_view sname = name.substr(8);
      if (iequals(sname, "cloudinit") || iequals(sname, "fleecing")) {
        enter(Kind::Special, sname);
        if (res_.conf.special.count(section_)) error("duplicate special section: " + section_);
        conf_ = &(res_.conf.special[section_] = Section{});
        return true;
      }
    }
    if (is_snapshot_name(name)) {
      enter(Kind::Snapshot, name);
      if (res_.conf.snapshots.count(section_)) error("duplicate snapshot section: " + section_);
      conf_ = &(res_.conf.snapshots[section_] = Section{});
      return true;
    }
    in_unknown_ = true;
    finish_description();
    error("skipping unknown section: '" + std::string(name) + "'");
    return true;
  }

  static bool is_snapshot_name(std::string_view n) {
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (n.size() < 2 || !alpha(n[0])) return false;
    for (char c : n.substr(1))
      if (!alpha(c) && !is_digit(c) && c != '_' && c != '-') return false;
    return true;
  }

  void enter(Kind kind, std::string_view name) {
    finish_description();
    kind_ = kind;
    section_ = std::string(name);
    in_unknown_ = false;
  }

  void line_(std::string_view line) {
    if (rtrim(line).empty()) return;
    if (header(line)) return;
    if (in_unknown_) return;

    if (line.starts_with('#')) {
      if (!descr_) descr_.emplace();
      *descr_ += decode_description_line(line.substr(1)) + "\n";
      return;
    }
    if (line.starts_with("description:")) {
      if (auto v = trimmed_value(line.substr(12))) {
        if (!descr_) descr_.emplace();
        *descr_ += decode_description_line(*v);
        return;
      }
    }
    if (auto state = match_snapstate(line)) {
      (*conf_)["snapstate"] = *state;
      return;
    }
    if (line.starts_with("args:")) {
      if (auto v = trimmed_value(line.substr(5))) {
        (*conf_)["args"] = std::string(*v);
        return;
      }
    }
    if (line.starts_with("delete:")) {
      if (auto v = trimmed_value(line.substr(7))) {
        if (kind_ == Kind::Pending) (*conf_)["delete"] = std::string(*v);
        else error("property 'delete' is only allowed in [PENDING]");
        return;
      }
    }
    std::string_view key;
    std::string value;
    if (!match_generic(line, key, value)) {
      error("unable to parse config: " + std::string(line));
      return;
    }
    if (kind_ == Kind::Special && section_ == "cloudinit") {
      (*conf_)[std::string(key)] = value;
      return;
    }
    generic(std::string(key), std::move(value));
  }

  void generic(std::string key, std::string value) {
    try {
      if (kind_ == Kind::Special) {
        // [special:fleecing] has its own one-key schema; other spellings none.
        if (section_ != "fleecing") throw ConfigError("check_type: no schema defined");
        if (key != "fleecing-images") throw ConfigError("unknown setting '" + key + "'");
        if (value.find_first_of("\r\n") != value.npos) throw ConfigError("property contains a line feed");
        if (std::string err = fmt::volume_id_list(value); !err.empty()) throw ConfigError(err);
      } else {
        value = check_type(key, value);
      }
    } catch (const ConfigError& e) {
      error("unable to parse value of '" + key + "' - " + e.what());
      return;
    }
    if (key == "cdrom") key = "ide2";
    if (kind_ != Kind::Special && is_bus_drive_key(key)) {
      try {
        value = print_drive(parse_drive(key, value));
      } catch (const ConfigError&) {
        error("unable to parse value of '" + key + "'");
        return;
      }
    }
    (*conf_)[key] = std::move(value);
  }

  int64_t vmid_;
  bool strict_;
  ParseResult res_;
  Section* conf_ = &res_.conf.main;
  Kind kind_ = Kind::Main;
  std::string section_;
  bool in_unknown_ = false;
  bool seen_pending_ = false;
  std::optional<std::string> descr_;
};

}  // namespace

ParseResult parse_config(std::string_view text, int64_t vmid, bool strict) {
  return Parser(vmid, strict).run(text);
}

}  // namespace qmd::config
