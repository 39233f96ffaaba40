// A qm data directory with VMs brought in from hand-written configs and real
// qcow2/raw images, plus the qemu-img/qemu-io probes the snapshot tests use.
#pragma once

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/qm_fixture.h"

namespace qmd::testing {

class SnapVm {
 public:
  Qm qm;

  std::string image(int vmid, const std::string& name) const {
    return qm.dir() + "/images/" + std::to_string(vmid) + "/" + name;
  }
  // qemu-img create of images/<vmid>/<name> (format from the extension).
  void make_image(int vmid, const std::string& name, const std::string& size = "1M") const {
    std::filesystem::create_directories(qm.dir() + "/images/" + std::to_string(vmid));
    const std::string fmt = name.ends_with(".raw") ? "raw" : "qcow2";
    RunResult r = run({"/usr/bin/qemu-img", "create", "-q", "-f", fmt, image(vmid, name), size});
    if (r.exit_code != 0) throw std::runtime_error("qemu-img create failed: " + r.err);
  }
  // `qm import` of one <vmid>.conf with exactly this text.
  void import_conf(int vmid, const std::string& text) const {
    TempDir src;
    write_file(src / (std::to_string(vmid) + ".conf"), text);
    RunResult r = qm({"import", src.path()});
    if (r.exit_code != 0) throw std::runtime_error("qm import failed: " + r.err);
  }
  // qm with TZ set (listsnapshot prints local time).
  RunResult qm_tz(const std::vector<std::string>& args, const std::string& tz = "UTC") const {
    std::vector<std::string> argv = {binary("qm")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto env = qm.env();
    env["TZ"] = tz;
    return run(argv, env);
  }
};

// Internal snapshot names of an image, in image order.
inline std::vector<std::string> image_snapshots(const std::string& path) {
  RunResult r = run({"/usr/bin/qemu-img", "info", "-U", "--output=json", path});
  if (r.exit_code != 0) throw std::runtime_error("qemu-img info failed: " + r.err);
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(r.out);
  if (j.contains("snapshots"))
    for (const auto& s : j["snapshots"]) out.push_back(s["name"].get<std::string>());
  return out;
}

// qemu-io on a qcow2 image: "write -P 0xab 0 64k", "read -P 0xab 0 64k".
inline RunResult qemu_io(const std::string& path, const std::string& command) {
  return run({"/usr/bin/qemu-io", "-f", "qcow2", "-c", command, path});
}

// True when `read -P <pattern> 0 64k` verifies.
inline bool has_pattern(const std::string& path, const std::string& pattern) {
  RunResult r = qemu_io(path, "read -P " + pattern + " 0 64k");
  return r.exit_code == 0 && r.out.find("read 65536/65536 bytes") != std::string::npos &&
         r.out.find("Pattern verification failed") == std::string::npos &&
         r.err.find("Pattern verification failed") == std::string::npos;
}

inline std::string mask_snaptime(const std::string& s) {
  return std::regex_replace(s, std::regex("snaptime: [0-9]+"), "snaptime: T");
}

}  // namespace qmd::testing
