#include <map>
#include <set>

#include "config/config_error.h"
#include "config/reader.h"
#include "config/writer.h"
#include "tools/conformance/case_io.h"
#include "tools/conformance/modes.h"

namespace qmd::conformance {
namespace {

// Keys written in the input text, by section address ("" main, "PENDING",
// "snap:<name>", "special:<name>"). Comment and description lines are skipped.
std::map<std::string, std::set<std::string>> input_keys(const std::string& text) {
  std::map<std::string, std::set<std::string>> out;
  std::string section;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      std::string name = line.substr(1, line.find(']') - 1);
      if (name == "PENDING" || name == "pending") section = "PENDING";
      else if (name.starts_with("special:")) section = name;
      else section = "snap:" + name;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    if (key == "description") continue;
    out[section].insert(key == "cdrom" ? "ide2" : key);
  }
  return out;
}

std::string directive(const std::string& text, const std::string& name) {
  std::string needle = "# " + name + ":";
  size_t p = text.find(needle);
  if (p == std::string::npos) return "";
  size_t e = text.find('\n', p);
  std::string v = text.substr(p + needle.size(), e == std::string::npos ? std::string::npos : e - p - needle.size());
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  return v;
}

std::string check_case(const std::string& input, std::string& note) {
  config::ParseResult first = config::parse_config(input, kVmid, false);
  std::string w1 = config::write_config(first.conf);
  config::ParseResult second = config::parse_config(w1, kVmid, false);
  std::string w2 = config::write_config(second.conf);
  if (w1 != w2) return "second write differs: " + first_difference(w1, w2);
  if (!second.warnings.empty()) return "re-parse of written config warned: " + second.warnings.front();

  for (const auto& [section, keys] : input_keys(input)) {
    const config::Section* s = config::find_section(second.conf, section);
    for (const auto& key : keys) {
      if (s && s->count(key)) continue;
      if (section.empty() && key == "snapstate") continue;  // dropped from main by design
      if (section.empty() && key.starts_with("unused")) continue;  // volume re-used by a drive
      bool warned = false;
      for (const auto& w : first.warnings)
        if (w.find("'" + key + "'") != std::string::npos || w.find(": " + key + ":") != std::string::npos ||
            w.find("section") != std::string::npos)
          warned = true;
      if (!warned) return "key '" + key + "' of section '" + section + "' lost without a warning";
    }
  }
  if (!first.warnings.empty()) note = std::to_string(first.warnings.size()) + " reader warning(s): " + first.warnings.front();

  std::string expect_error = directive(input, "EXPECT_ERROR");
  if (!expect_error.empty()) {
    try {
      config::parse_config(input, kVmid, true);
      note = "EXPECT_ERROR is a command-line error, not a parse error: " + expect_error;
    } catch (const config::ConfigError& e) {
      if (e.what() != expect_error) return std::string("strict parse error '") + e.what() + "' is not EXPECT_ERROR";
      note = "EXPECT_ERROR reproduced by strict parse";
    }
  }
  return "";
}

}  // namespace

int run_roundtrip(const std::string& dir) {
  Report report;
  for (const auto& name : list_files(dir, ".conf")) {
    auto input = read_file(dir + "/" + name);
    if (!input) {
      report.fail(name, "cannot read input");
      continue;
    }
    std::string note, reason;
    try {
      reason = check_case(*input, note);
    } catch (const std::exception& e) {
      reason = std::string("threw: ") + e.what();
    }
    if (reason.empty()) report.pass(name, note);
    else report.fail(name, reason);
  }
  return report.finish();
}

}  // namespace qmd::conformance
