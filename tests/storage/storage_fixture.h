// Test helpers for tests/storage: a temporary data directory removed at the
// end, file helpers, and qemu-io runs (pattern writes/reads on real images).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "service/storage/images.h"
#include "service/storage/process.h"

namespace qmd::storage::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qmd-storage-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every entry below dir (relative paths, sorted): for "nothing left behind".
inline std::vector<std::string> tree(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    out.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

// Runs `qemu-io -f <fmt> -c <command> <path>`; returns the result (exit code, output).
inline ProcessResult qemu_io(const std::string& fmt, const std::string& command,
                             const std::string& path) {
  return run_process({"qemu-io", "-f", fmt, "-c", command, path});
}

// True when the 64 KiB at offset all hold `pattern` (qemu-io read -P).
inline bool has_pattern(const std::string& fmt, const std::string& path, int pattern,
                        const std::string& where = "0 64k") {
  const ProcessResult r =
      qemu_io(fmt, "read -P " + std::to_string(pattern) + " " + where, path);
  return r.ok() && r.out.find("Pattern verification failed") == std::string::npos;
}

inline void write_pattern(const std::string& fmt, const std::string& path, int pattern,
                          const std::string& where = "0 64k") {
  const ProcessResult r = qemu_io(fmt, "write -P " + std::to_string(pattern) + " " + where, path);
  if (!r.ok() || r.out.find("wrote") == std::string::npos)
    throw std::runtime_error("qemu-io write failed: " + r.out + r.err);
}

}  // namespace qmd::storage::test
