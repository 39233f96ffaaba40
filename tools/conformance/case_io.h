// File helpers and result reporting shared by the qm-conformance modes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qmd::conformance {

// Whole file as bytes; nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);
// Names (not paths) of the regular files in `dir` ending in `suffix`, sorted.
std::vector<std::string> list_files(const std::string& dir, const std::string& suffix);
bool file_exists(const std::string& path);

// Collects PASS/FAIL lines; prints "N passed, N failed" at the end.
class Report {
 public:
  void pass(const std::string& name, const std::string& note = "");
  void fail(const std::string& name, const std::string& reason);
  // Prints the summary line; returns the process exit code (0 = no failure).
  int finish();

 private:
  int passed_ = 0;
  int failed_ = 0;
};

// A short description of where two texts first differ (line number + both lines).
std::string first_difference(const std::string& expected, const std::string& actual);

}  // namespace qmd::conformance
