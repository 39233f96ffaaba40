// qm import <dir> [--node NAME]: bring an existing Proxmox tree into the log.
//
// DIR holds `<vmid>.conf` files, or the `nodes/<node>/qemu-server/` layout of
// /etc/pve. Each file is parsed strictly; a file that does not parse, whose
// VMID already exists (or appears twice) is reported with the reason and not
// imported at all. Every accepted VM becomes one `vm.imported` event whose
// delta reproduces the file (snapshots, pending and special sections
// included); all of them are appended in one transaction.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "config/config_error.h"
#include "config/delta.h"
#include "config/node_name.h"
#include "config/reader.h"
#include "config/writer.h"
#include "projections/vm_events.h"
#include "service/commands/common.h"
#include "service/commands/verbs.h"

namespace fs = std::filesystem;

namespace qmd::service {

namespace {

struct Candidate {
  std::string path;
  std::string node;
  int64_t vmid = 0;
};

std::vector<Candidate> find_files(const std::string& dir, const std::string& default_node) {
  static const std::regex name_re("^([1-9][0-9]{2,8})\\.conf$");
  std::vector<Candidate> out;
  auto scan_dir = [&](const fs::path& d, const std::string& node) {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(d, ec)) {
      std::smatch m;
      const std::string name = f.path().filename().string();
      if (f.is_regular_file() && std::regex_match(name, m, name_re)) {
        out.push_back({f.path().string(), node, std::stoll(m[1])});
      }
    }
  };
  const fs::path nodes = fs::path(dir) / "nodes";
  std::error_code ec;
  if (fs::is_directory(nodes, ec)) {
    for (const auto& n : fs::directory_iterator(nodes, ec)) {
      if (fs::is_directory(n.path() / "qemu-server", ec)) scan_dir(n.path() / "qemu-server", n.path().filename().string());
    }
  } else {
    scan_dir(dir, default_node);
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) { return a.vmid < b.vmid; });
  return out;
}

}  // namespace

Reply run_import(App& app, const Request& req) {
  const std::string dir = req.args.at(0);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw CommandError("import: '" + dir + "' is not a directory");
  const std::string default_node = req.opt("node").value_or(app.env().node);
  if (!config::is_valid_node_name(default_node))
    throw param_error("node", "invalid format - " + std::string(config::kInvalidNodeName));
  const auto files = find_files(dir, default_node);
  if (files.empty()) throw CommandError("import: no <vmid>.conf files found in '" + dir + "'");

  std::string out, err;
  std::map<int64_t, std::string> seen;
  std::vector<events::EventStore::StreamAppend> batch;
  const events::Meta meta = app.meta_for(req);
  int rejected = 0;
  for (const auto& f : files) {
    auto reject = [&](const std::string& why) {
      err += fmt::format("skipped {}: {}\n", f.path, why);
      ++rejected;
    };
    if (seen.count(f.vmid)) {
      reject(fmt::format("VM {} appears twice (also in {})", f.vmid, seen[f.vmid]));
      continue;
    }
    seen[f.vmid] = f.path;
    if (!config::is_valid_node_name(f.node)) {
      reject(fmt::format("node '{}': invalid format - {}", f.node, config::kInvalidNodeName));
      continue;
    }
    const auto existing = app.model().load(f.vmid);
    if (existing.exists) {
      reject(fmt::format("VM {} already exists", f.vmid));
      continue;
    }
    std::ifstream in(f.path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof()) {
      reject("cannot read file");
      continue;
    }
    config::ParseResult parsed;
    try {
      parsed = config::parse_config(ss.str(), f.vmid, true);
    } catch (const config::ConfigError& e) {
      reject(e.what());
      continue;
    }
    const std::string rendered = config::write_config(parsed.conf);
    nlohmann::json p = {{"vmid", f.vmid},
                        {"node", f.node},
                        {"source", fs::absolute(f.path).string()},
                        {"source_digest", config::config_digest(ss.str())},
                        {"delta", projections::delta_json({}, parsed.conf)}};
    batch.push_back({projections::vm_stream(f.vmid),
                     existing.version == 0 ? events::kNoStream : existing.version,
                     {{projections::event_type::kImported, 1, p, {}}},
                     meta});
    out += fmt::format("imported VM {} (node {}) from {}{}\n", f.vmid, f.node, f.path,
                       rendered == ss.str() ? "" : " (rewritten in canonical form)");
  }
  if (!batch.empty()) app.commit_batch(std::move(batch));
  Reply r = Reply::ok(out);
  r.err = err;
  if (rejected > 0) {
    r.err += fmt::format("{} file(s) not imported\n", rejected);
    r.exit_code = 1;
  }
  return r;
}

}  // namespace qmd::service
