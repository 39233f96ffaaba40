#include "export/materialize.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <set>

#include "config/writer.h"
#include "projections/replay.h"

namespace qmd::exporting {
namespace {

// Once per process and value: renders happen on every command.
void warn_carried(int64_t vmid, const std::vector<std::string>& carried) {
  static std::mutex mu;
  static std::set<std::string> told;
  const std::lock_guard lock(mu);
  for (const auto& what : carried) {
    if (!told.insert(std::to_string(vmid) + what).second) continue;
    spdlog::warn("VM {}: {} (kept as stored in the log; `qm set {} --delete <key>` or a new value repairs it)",
                 vmid, what, vmid);
  }
}

}  // namespace

std::string render(const projections::VmState& s) {
  std::vector<std::string> carried;
  std::string text = config::write_config(s.conf, &carried);
  if (!carried.empty()) warn_carried(s.vmid, carried);
  return text;
}

int sync_dirty(projections::ReadModel& model, const ConfTree& tree) {
  int touched = 0;
  const auto marks = model.dirty();
  for (const auto& [vmid, seq] : marks) {
    const projections::VmState s = model.load(vmid);
    if (s.exists) {
      tree.write(s.node, vmid, render(s));
    } else {
      tree.remove(vmid);
    }
    ++touched;
  }
  model.clear_dirty(marks);
  return touched;
}

int export_tree(events::EventStore& store, const std::string& dir, const events::Upto& upto) {
  const ConfTree out(dir);
  int n = 0;
  for (const auto& [vmid, s] : projections::replay_all(store, nullptr, nullptr, upto)) {
    if (!s.exists) continue;
    write_file_atomic(out.path_of(s.node, vmid), render(s), dir);
    ++n;
  }
  return n;
}

std::optional<FileMismatch> verify_conf_files(projections::ReadModel& model, const ConfTree& tree) {
  std::map<int64_t, projections::VmState> live;
  for (auto& s : model.list()) live.emplace(s.vmid, std::move(s));
  std::map<int64_t, std::vector<ConfFileRef>> files;
  for (auto& f : tree.scan()) files[f.vmid].push_back(f);

  std::map<int64_t, FileMismatch> problems;
  for (const auto& [vmid, s] : live) {
    auto text = tree.read(s.node, vmid);
    if (!text) {
      problems.emplace(vmid, FileMismatch{vmid, s.last_seq, "missing file " + tree.path_of(s.node, vmid)});
    } else if (*text != render(s)) {
      problems.emplace(vmid, FileMismatch{vmid, s.last_seq,
                                          "file " + tree.path_of(s.node, vmid) + " differs from the log"});
    }
  }
  for (const auto& [vmid, refs] : files) {
    auto it = live.find(vmid);
    for (const auto& f : refs) {
      if (it == live.end()) {
        problems.emplace(vmid, FileMismatch{vmid, 0, "file " + f.path + " belongs to no VM in the log"});
      } else if (f.node != it->second.node) {
        problems.emplace(vmid, FileMismatch{vmid, it->second.last_seq,
                                            "file " + f.path + " is on node '" + f.node + "' but VM " +
                                                std::to_string(vmid) + " belongs to '" + it->second.node + "'"});
      }
    }
  }
  if (problems.empty()) return std::nullopt;
  return problems.begin()->second;
}

}  // namespace qmd::exporting
