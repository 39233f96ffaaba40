// A data directory and a way to run the real `qm` binary against it.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "tests/support/child.h"

namespace qmd::testing {

class Qm {
 public:
  Qm() : node_("pve1") {}
  const std::string& dir() const { return tmp_.path(); }
  const std::string& node() const { return node_; }
  std::string conf_path(int vmid) const {
    return tmp_.path() + "/nodes/" + node_ + "/qemu-server/" + std::to_string(vmid) + ".conf";
  }
  std::string conf(int vmid) const { return read_file(conf_path(vmid)); }
  std::string db() const { return tmp_.path() + "/qmd.db"; }

  RunResult operator()(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {binary("qm")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env());
  }
  std::map<std::string, std::string> env() const {
    return {{"QMD_DATA_DIR", tmp_.path()}, {"QMD_NODE", node_}, {"QMD_QEMU_VERSION", "7.2.0"}};
  }

  // Number of events in the log (through the CLI, as a user would count them).
  int event_count() const {
    auto r = (*this)({"audit", "--output-format", "json"});
    int n = 0;
    for (size_t p = r.out.find("\"seq\":"); p != std::string::npos; p = r.out.find("\"seq\":", p + 1)) ++n;
    return n;
  }

 private:
  TempDir tmp_;
  std::string node_;
};

// Replaces generated values (ctime) so files can be compared byte for byte.
inline std::string mask_ctime(const std::string& s) {
  return std::regex_replace(s, std::regex("ctime=[0-9]+"), "ctime=T");
}

}  // namespace qmd::testing
