// Helpers for the clone/template/resize/destroy tests: real qm processes,
// real images written and read with qemu-io.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/qm_fixture.h"

namespace qmd::testing {

// Runs qm and requires success, showing its stderr otherwise.
inline RunResult qm_ok(const Qm& qm, const std::vector<std::string>& args) {
  auto r = qm(args);
  INFO("qm " << args.at(0) << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

// qemu-io on an image file (-f given, so no probing).
inline RunResult qemu_io(const std::string& fmt, const std::string& path, const std::string& cmd) {
  return run({"/usr/bin/qemu-io", "-f", fmt, "-c", cmd, path});
}

// True when qemu-io reads `pattern` (e.g. "0xab") over offset/len of the image.
inline bool reads_pattern(const std::string& fmt, const std::string& path, const std::string& pattern,
                          const std::string& offset = "0", const std::string& len = "64k") {
  auto r = qemu_io(fmt, path, "read -P " + pattern + " " + offset + " " + len);
  return r.exit_code == 0 && r.out.find("Pattern verification failed") == std::string::npos &&
         r.out.find("read ") != std::string::npos;
}

inline void write_pattern(const std::string& fmt, const std::string& path, const std::string& pattern,
                          const std::string& offset = "0", const std::string& len = "64k") {
  auto r = qemu_io(fmt, path, "write -P " + pattern + " " + offset + " " + len);
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
}

// The image files under <data-dir>/images/<vmid>/, sorted ("" entries never).
inline std::vector<std::string> images_of(const Qm& qm, int vmid) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(qm.dir() + "/images/" + std::to_string(vmid), ec))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline bool dir_exists(const std::string& p) {
  std::error_code ec;
  return std::filesystem::is_directory(p, ec);
}

// The value of `key:` in a .conf text's main section, "" when absent.
inline std::string conf_value(const std::string& conf, const std::string& key) {
  std::istringstream in(conf);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) break;
    if (line.starts_with(key + ": ")) return line.substr(key.size() + 2);
  }
  return "";
}

// Imports one hand-written .conf (locks, snapshots, pending: states the CLI
// cannot produce yet) as VM `vmid`.
inline void import_conf(const Qm& qm, int vmid, const std::string& text) {
  TempDir d;
  write_file(d / (std::to_string(vmid) + ".conf"), text);
  auto r = qm({"import", d.path()});
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
}

}  // namespace qmd::testing
