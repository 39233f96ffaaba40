#include "tools/conformance/case_io.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace qmd::conformance {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> list_files(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() && name.ends_with(suffix)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool file_exists(const std::string& path) { return std::filesystem::is_regular_file(path); }

void Report::pass(const std::string& name, const std::string& note) {
  ++passed_;
  std::cout << "PASS " << name << (note.empty() ? "" : " (" + note + ")") << "\n";
}

void Report::fail(const std::string& name, const std::string& reason) {
  ++failed_;
  std::string one_line = reason;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::cout << "FAIL " << name << ": " << one_line << "\n";
}

int Report::finish() {
  std::cout << passed_ << " passed, " << failed_ << " failed" << std::endl;
  return failed_ == 0 ? 0 : 1;
}

std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected), a(actual);
  std::string le, la;
  for (int line = 1;; ++line) {
    bool ge = static_cast<bool>(std::getline(e, le));
    bool ga = static_cast<bool>(std::getline(a, la));
    if (!ge && !ga) return "texts differ only in trailing newline";
    if (!ge || !ga || le != la)
      return "line " + std::to_string(line) + ": expected '" + (ge ? le : "<eof>") + "', got '" +
             (ga ? la : "<eof>") + "'";
  }
}

}  // namespace qmd::conformance
