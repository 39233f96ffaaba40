#include "service/storage/storage_cfg.h"

#include <optional>
#include <regex>

#include "service/storage/storage_error.h"

namespace qmd::storage {
namespace {

const std::set<std::string> kContentTypes = {"images", "rootdir", "vztmpl", "iso",
                                             "backup", "snippets", "import", "none"};

// Options of the dir type that qmd keeps but does not interpret (Proxmox's DirPlugin).
const std::set<std::string> kDirPassThrough = {
    "nodes", "format", "mkdir", "create-base-path", "create-subdirs", "is_mountpoint",
    "preallocation", "prune-backups", "max-protected-backups", "content-dirs", "bwlimit",
    "maxfiles"};

[[noreturn]] void fail(int line, const std::string& what) {
  throw StorageError("storage.cfg line " + std::to_string(line) + ": " + what);
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool is_comment(std::string_view s) {
  const auto p = s.find_first_not_of(" \t");
  return p != std::string_view::npos && s[p] == '#';
}

// Proxmox booleans; an absent value (a bare flag such as `disable`) means true.
bool parse_bool(int line, const std::string& key, const std::optional<std::string>& v) {
  if (!v) return true;
  if (*v == "1" || *v == "yes" || *v == "on" || *v == "true") return true;
  if (*v == "0" || *v == "no" || *v == "off" || *v == "false") return false;
  fail(line, "invalid value for '" + key + "': '" + *v + "' (expected 0 or 1)");
}

// A list as PVE::Tools::split_list reads it: items separated by any run of ' ', ',' or ';'.
std::set<std::string> parse_content(int line, const std::string& v) {
  std::set<std::string> out;
  size_t pos = 0;
  while ((pos = v.find_first_not_of(" ,;", pos)) != std::string::npos) {
    const size_t end = v.find_first_of(" ,;", pos);
    const std::string item = v.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!kContentTypes.count(item)) fail(line, "invalid content type '" + item + "'");
    out.insert(item);
    pos = end;
  }
  return out;
}

void check_dir_option(int line, const std::string& key, const std::string& value) {
  if (!kDirPassThrough.count(key)) fail(line, "unknown option '" + key + "' for storage type 'dir'");
  if (key == "preallocation" && value != "off" && value != "metadata" && value != "falloc" &&
      value != "full")
    fail(line, "invalid value for 'preallocation': '" + value + "'");
  if (key == "format" && value != "raw" && value != "qcow2" && value != "vmdk")
    fail(line, "invalid value for 'format': '" + value + "'");
}

void apply_option(StorageEntry& e, int line, const std::string& key,
                  const std::optional<std::string>& value) {
  const bool dir = e.type == "dir";
  if (key == "disable") {
    e.disabled = parse_bool(line, key, value);
    return;
  }
  if (!value) fail(line, "option '" + key + "' needs a value");
  if (key == "shared") {
    e.shared = parse_bool(line, key, value);
  } else if (key == "content") {
    e.content = parse_content(line, *value);
  } else if (key == "path") {
    if (value->empty() || value->front() != '/')
      fail(line, "invalid path '" + *value + "' (must be absolute)");
    e.path = *value;
  } else {
    if (dir) check_dir_option(line, key, *value);
    e.options[key] = *value;
  }
}

void finish_section(StorageEntry& e) {
  if (e.type != "dir") return;
  if (e.path.empty()) fail(e.line, "storage '" + e.id + "' has no 'path'");
  if (e.content.empty()) e.content = {"images", "rootdir"};   // Proxmox's dir default
}

}  // namespace

std::string StorageEntry::option(const std::string& key) const {
  const auto it = options.find(key);
  return it == options.end() ? std::string() : it->second;
}

const StorageEntry* StorageConfig::find(std::string_view id) const {
  for (const auto& e : entries)
    if (e.id == id) return &e;
  return nullptr;
}

const StorageEntry& StorageConfig::get(std::string_view id) const {
  const StorageEntry* e = find(id);
  if (!e) throw StorageError("storage '" + std::string(id) + "' does not exist");
  return *e;
}

const StorageEntry& StorageConfig::usable(std::string_view id) const {
  const StorageEntry& e = get(id);
  if (e.type != "dir") throw StorageError("storage type '" + e.type + "' is not supported by qmd");
  if (e.disabled) throw StorageError("storage '" + e.id + "' is disabled");
  return e;
}

bool is_valid_storage_id(std::string_view id) {
  static const std::regex re("^[a-z][a-z0-9._-]*[a-z0-9]$", std::regex::icase);
  return std::regex_match(id.begin(), id.end(), re);
}

std::optional<std::string> preallocation_option(const StorageEntry& e, const std::string& fmt) {
  std::string mode = e.option("preallocation");
  if (fmt == "qcow2") {
    if (mode.empty()) mode = "metadata";
  } else if (fmt == "raw") {
    if (mode.empty() || mode == "metadata") mode = "off";
  } else {
    return std::nullopt;
  }
  if (mode != "off" && mode != "metadata" && mode != "falloc" && mode != "full")
    throw StorageError("preallocation mode '" + mode + "' not supported by format '" + fmt + "'");
  return "preallocation=" + mode;
}

StorageEntry builtin_local(const std::string& data_dir) {
  StorageEntry e;
  e.id = "local";
  e.type = "dir";
  e.path = data_dir;
  e.content = {"images", "iso", "vztmpl", "rootdir"};
  return e;
}

StorageConfig parse_storage_cfg(std::string_view text, const std::string& data_dir) {
  static const std::regex header_re(R"(^(\S+):\s*(\S+)\s*$)");
  static const std::regex option_re(R"(^\s+(\S+)(\s+(.*\S))?\s*$)");
  StorageConfig cfg;
  StorageEntry* current = nullptr;
  std::set<std::string> seen_keys;
  int lineno = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const std::string line(text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++lineno;
    if (is_comment(line)) continue;
    if (is_blank(line)) {
      if (current) finish_section(*current);
      current = nullptr;
      continue;
    }
    std::smatch m;
    if (current) {
      if (!std::regex_match(line, m, option_re)) {
        if (std::regex_match(line, m, header_re))
          fail(lineno, "missing blank line before section '" + m[2].str() + "'");
        fail(lineno, "unable to parse line '" + line + "'");
      }
      const std::string key = m[1].str();
      if (!seen_keys.insert(key).second)
        fail(lineno, "duplicate option '" + key + "' in section '" + current->id + "'");
      const std::optional<std::string> value =
          m[3].matched ? std::optional<std::string>(m[3].str()) : std::nullopt;
      apply_option(*current, lineno, key, value);
      continue;
    }
    if (!std::regex_match(line, m, header_re)) {
      if (line[0] == ' ' || line[0] == '\t') fail(lineno, "option line outside of a section");
      fail(lineno, "unable to parse line '" + line + "'");
    }
    const std::string id = m[2].str();
    if (!is_valid_storage_id(id)) fail(lineno, "storage ID '" + id + "' contains illegal characters");
    if (const StorageEntry* prev = cfg.find(id))
      fail(lineno, "storage ID '" + id + "' already defined (line " + std::to_string(prev->line) + ")");
    StorageEntry e;
    e.id = id;
    e.type = m[1].str();
    e.line = lineno;
    cfg.entries.push_back(std::move(e));
    current = &cfg.entries.back();
    seen_keys.clear();
  }
  if (current) finish_section(*current);
  if (!cfg.find("local")) cfg.entries.insert(cfg.entries.begin(), builtin_local(data_dir));
  return cfg;
}

}  // namespace qmd::storage
