#include "config/writer.h"

#include <openssl/sha.h>

#include <set>

#include "config/config_error.h"
#include "config/description.h"
#include "config/formats/drive.h"
#include "config/schema.h"

namespace qmd::config {
namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

bool skipped_key(const std::string& k) {
  return k == "digest" || k == "description" || k == "pending" || k == "snapshots" ||
         k == "special-sections";
}

// Re-checks every value; collects volumes used by drives (main only).
void cleanup(Section& s, bool pending, bool snapshot, std::set<std::string>* used,
             std::vector<std::string>* carried) {
  for (auto& [key, value] : s) {
    if (skipped_key(key) || key == "snapstate") continue;
    if (key == "delete") {
      if (!pending) throw ConfigError("propertry 'delete' is only allowed in [PENDING]");
      continue;
    }
    try {
      value = check_type(key, value);
    } catch (const ConfigError& e) {
      std::string what = "unable to parse value of '" + key + "' - " + e.what();
      if (!carried) throw ConfigError(what);
      carried->push_back(std::move(what));
    }
    if (!snapshot && used && is_drive_key(key)) {
      try {
        PropMap d = parse_drive(key, value);
        if (auto f = d.find("file"); f != d.end() && !f->second.empty()) used->insert(f->second);
      } catch (const ConfigError&) {
      }
    }
  }
}

std::string body(const Section& s, bool pending) {
  std::string raw;
  if (auto it = s.find("description"); it != s.end()) raw += encode_description(it->second, pending);
  for (const auto& [key, value] : s) {
    if (skipped_key(key)) continue;
    raw += key + ": " + value + "\n";
  }
  return raw;
}

}  // namespace

bool has_cloudinit(const Section& section) {
  for (const auto& [key, value] : section) {
    if (!is_drive_key(key)) continue;
    try {
      if (drive_is_cloudinit(parse_drive(key, value))) return true;
    } catch (const ConfigError&) {
    }
  }
  return false;
}

std::string write_config(const ConfigFile& input, std::vector<std::string>* carried) {
  ConfigFile conf = input;
  Section& main = conf.main;
  main.erase("snapstate");
  if (auto cd = main.find("cdrom"); cd != main.end() && !cd->second.empty() && cd->second != "0") {
    if (auto ide2 = main.find("ide2"); ide2 != main.end() && !ide2->second.empty() && ide2->second != "0")
      throw ConfigError("option ide2 conflicts with cdrom");
    main["ide2"] = cd->second;
    main.erase("cdrom");
  }
  auto truthy = [&](const char* k) {
    auto it = main.find(k);
    return it != main.end() && !it->second.empty() && it->second != "0";
  };
  if (truthy("sockets")) {
    main.erase("smp");
  } else if (truthy("smp")) {
    main["sockets"] = main["smp"];
    main.erase("cores");
    main.erase("smp");
  }

  std::set<std::string> used;
  cleanup(main, false, false, &used, carried);
  cleanup(conf.pending, true, false, nullptr, carried);
  for (auto& [name, snap] : conf.snapshots) {
    if (lower(name) == "pending")
      throw ConfigError("internal error: snapshot name '" + name + "' is forbidden");
    cleanup(snap, false, true, nullptr, carried);
  }
  for (auto it = main.begin(); it != main.end();) {
    if (it->first.starts_with("unused") && used.count(it->second)) it = main.erase(it);
    else ++it;
  }

  std::string raw = body(main, false);
  if (!conf.pending.empty()) raw += "\n[PENDING]\n" + body(conf.pending, true);
  for (const auto& [name, sec] : conf.special) {
    if (name == "cloudinit" && !has_cloudinit(main)) continue;
    raw += "\n[special:" + name + "]\n" + body(sec, false);
  }
  for (const auto& [name, snap] : conf.snapshots) raw += "\n[" + name + "]\n" + body(snap, false);
  return raw;
}

std::string config_digest(std::string_view file_bytes) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(file_bytes.data()), file_bytes.size(), md);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

}  // namespace qmd::config
