#include "export/tree_follow.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "export/materialize.h"

namespace qmd::exporting {

namespace {
int64_t read_cursor(const std::string& path) {
  std::ifstream in(path);
  int64_t v = 0;
  if (in >> v) return v;
  return 0;
}
}  // namespace

int follow_log(projections::ReadModel& model, const ConfTree& tree, const std::string& cursor_path) {
  const int64_t cursor = read_cursor(cursor_path);
  int64_t seen = cursor;
  int touched = 0;
  for (const auto& [vmid, seq] : model.changed_since(cursor)) {
    const projections::VmState s = model.load(vmid);
    if (s.exists) {
      const std::string text = render(s);
      if (tree.read(s.node, vmid) != text) {
        tree.write(s.node, vmid, text);
        ++touched;
      }
    } else {
      tree.remove(vmid);  // no error when already gone
      ++touched;
    }
    seen = std::max(seen, seq);
  }
  if (seen != cursor) {
    // Per-process temp name: qm and qmd of one node may follow at once.
    const std::string tmp = cursor_path + "." + std::to_string(::getpid()) + ".tmp";
    std::ofstream out(tmp, std::ios::trunc);
    out << seen << "\n";
    out.close();
    if (out) std::rename(tmp.c_str(), cursor_path.c_str());
  }
  return touched;
}

}  // namespace qmd::exporting
