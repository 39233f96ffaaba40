#include "config/config_error.h"
#include "config/reader.h"
#include "config/writer.h"
#include "tools/conformance/case_io.h"
#include "tools/conformance/modes.h"

namespace qmd::conformance {
namespace {

std::string chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Returns "" on success, else the failure reason.
std::string check_case(const std::string& input, const std::string& expected,
                       const std::optional<std::string>& strict_error) {
  std::string written;
  try {
    written = config::write_config(config::parse_config(input, kVmid, false).conf);
  } catch (const std::exception& e) {
    return std::string("non-strict parse/write threw: ") + e.what();
  }
  if (written != expected) return "non-strict write differs: " + first_difference(expected, written);

  try {
    auto strict = config::parse_config(input, kVmid, true);
    if (strict_error) return "strict parse succeeded, expected error '" + *strict_error + "'";
    std::string w = config::write_config(strict.conf);
    if (w != expected) return "strict write differs: " + first_difference(expected, w);
  } catch (const config::ConfigError& e) {
    if (!strict_error) return std::string("strict parse failed: ") + e.what();
    if (chomp(e.what()) != *strict_error)
      return "strict error '" + std::string(e.what()) + "', expected '" + *strict_error + "'";
  }
  return "";
}

}  // namespace

int run_parse_config(const std::string& input_dir, const std::string& expected_dir) {
  Report report;
  for (const auto& name : list_files(input_dir, ".conf")) {
    auto input = read_file(input_dir + "/" + name);
    if (!input) {
      report.fail(name, "cannot read input");
      continue;
    }
    auto expected = read_file(expected_dir + "/" + name);
    std::optional<std::string> strict_error;
    if (auto e = read_file(expected_dir + "/" + name + ".strict.error")) strict_error = chomp(*e);
    std::string reason = check_case(*input, expected ? *expected : *input, strict_error);
    if (reason.empty()) report.pass(name);
    else report.fail(name, reason);
  }
  return report.finish();
}

}  // namespace qmd::conformance
